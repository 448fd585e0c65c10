package roadcast.stream;

import java.time.Duration;

import picocli.CommandLine.Option;
import roadcast.publish.Delivery;
import roadcast.publish.ForecastFormat;

/**
 * The forecast job's command-line options, declared once for every command that runs the job ({@code stream},
 * {@code demo}, {@code bench-stream}, {@code chaos}). Each command mixes in ({@code @Mixin}) the groups it offers -
 * the groups follow which commands share which options, so no command gains an option it does not use - and turns
 * them into its {@link JobConfig} with {@link #apply}, the one place where an option becomes a setting.
 *
 * <p>A command that needs another default (the demo's and the benchmark's shorter checkpoint interval, say) passes it
 * to the group's constructor with a comment saying why; picocli shows that value as the option's default.
 */
public final class JobOptions {

    private JobOptions() {
    }

    /** One group of options: what it sets in a {@link JobConfig}. */
    public interface Group {
        JobConfig applyTo(JobConfig cfg);
    }

    /** {@code cfg} with each group's options applied in turn. */
    public static JobConfig apply(JobConfig cfg, Group... groups) {
        for (Group g : groups) {
            cfg = g.applyTo(cfg);
        }
        return cfg;
    }

    /** {@code --checkpoint-interval} and {@code --checkpoint-on-step}: stream, demo, bench-stream, chaos. */
    public static final class Checkpoints implements Group {

        @Option(names = "--checkpoint-interval", paramLabel = "DURATION",
                description = "Checkpoint interval, ISO-8601 (default: ${DEFAULT-VALUE}); exactly-once forecasts "
                        + "become visible only when the checkpoint after them completes, so the lag is up to this "
                        + "plus a checkpoint's duration; longer intervals cost less CPU and fewer Kafka transactions.")
        Duration interval;

        @Option(names = "--checkpoint-on-step", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Ask for a checkpoint as soon as every zone has closed a step, so exactly-once forecasts "
                        + "are committed about one checkpoint after their step instead of at the next periodic one "
                        + "(which stays as the backstop); --no-checkpoint-on-step leaves commits to the interval "
                        + "(default: ${DEFAULT-VALUE}).")
        boolean onStep = true;

        /** The job's own default, {@link JobConfig#DEFAULT_CHECKPOINT_INTERVAL}. */
        public Checkpoints() {
            this(JobConfig.DEFAULT_CHECKPOINT_INTERVAL);
        }

        /** @param defaultInterval the interval when the option is not given */
        public Checkpoints(Duration defaultInterval) {
            interval = defaultInterval;
        }

        public Duration interval() {
            return interval;
        }

        public boolean onStep() {
            return onStep;
        }

        /** The interval and the checkpoint on each step, with the checkpoint folder {@code cfg} already has. */
        @Override
        public JobConfig applyTo(JobConfig cfg) {
            return cfg.withCheckpoints(interval, cfg.checkpointDir()).withCheckpointOnStep(onStep);
        }
    }

    /**
     * {@code --close-after-quiet}, {@code --close-on-schedule} and {@code --delivery}, when forecasts are issued and
     * seen: stream, demo, bench-stream.
     */
    public static final class Release implements Group {

        @Option(names = "--close-after-quiet", paramLabel = "DURATION",
                description = "Also forecast a zone's open steps when no reading for the zone has arrived for this "
                        + "long (wall clock), even if some of its segments are missing, e.g. PT1S for feeds that send "
                        + "each step in one burst; readings of those steps that come later are refused as too late "
                        + "(default: ${DEFAULT-VALUE}; PT0S = off).")
        Duration closeAfterQuiet;

        @Option(names = "--close-on-schedule", paramLabel = "GRACE",
                description = "For feeds spread over the step (sensors reporting at their own moment in it): learn "
                        + "where in the step each segment's reading comes (its offset from the step's first reading on "
                        + "its input partition) and forecast a zone's step once every segment seen since the start has "
                        + "reported or is absent: its partition read past a reading scheduled GRACE after the segment's "
                        + "place. A pause within a zone's readings then closes nothing and a sensor that misses a step "
                        + "costs its zone about GRACE; where it decides, it replaces --close-after-quiet and the "
                        + "count-based close, which stay the fallback (the first step after a start, a feed out of its "
                        + "order) (default: off; e.g. PT0.2S).")
        Duration closeOnSchedule;

        @Option(names = "--delivery", paramLabel = "GUARANTEE", defaultValue = "exactly-once",
                converter = Delivery.Converter.class, completionCandidates = Delivery.Names.class,
                description = "How forecasts are written: exactly-once (Kafka transactions committed at each "
                        + "checkpoint; visible after it) or at-least-once (written as soon as computed, no "
                        + "transactions; after a failure the forecasts since the last checkpoint are written again with "
                        + "identical content, so consumers drop repeats by key and issuedAt). Dead letters stay "
                        + "exactly-once (default: ${DEFAULT-VALUE}).")
        Delivery delivery;

        /** The job's own default: no quiet period (steps close by completeness or event time only). */
        public Release() {
            this(Duration.ZERO);
        }

        /** @param defaultQuiet the quiet period when the option is not given; zero = off */
        public Release(Duration defaultQuiet) {
            closeAfterQuiet = defaultQuiet;
        }

        public Duration closeAfterQuiet() {
            return closeAfterQuiet;
        }

        public Delivery delivery() {
            return delivery;
        }

        public Duration closeOnSchedule() {
            return closeOnSchedule;
        }

        /** The quiet period and the schedule rule (the delivery is the forecast sink's: see {@link #delivery()}). */
        @Override
        public JobConfig applyTo(JobConfig cfg) {
            return cfg.withCloseAfterQuiet(closeAfterQuiet).withCloseOnSchedule(closeOnSchedule);
        }
    }

    /** {@code --allowed-lateness}: stream, demo. */
    public static final class Lateness implements Group {

        @Option(names = "--allowed-lateness", paramLabel = "DURATION",
                description = "How long after its end a step stays open for late readings (default: the model's "
                        + "credibility rules, 10 minutes for 5-minute data).")
        Duration allowedLateness;

        public Duration allowedLateness() {
            return allowedLateness;
        }

        /** The lateness; null keeps the model's rules. Out-of-orderness, idleness and future limit are kept. */
        @Override
        public JobConfig applyTo(JobConfig cfg) {
            return cfg.withEventTime(cfg.maxOutOfOrderness(), cfg.idleness(), allowedLateness, cfg.maxFuture());
        }
    }

    /** {@code --parallelism}, {@code --heap-state} and {@code --forecast-format}, how the job runs: stream, bench-stream. */
    public static final class Engine implements Group {

        @Option(names = "--parallelism", paramLabel = "N",
                description = "Operator parallelism (default: ${DEFAULT-VALUE}; 0 = what 'flink run -p' or the "
                        + "cluster's parallelism.default says, 1 on the local mini-cluster).")
        int parallelism;

        @Option(names = "--heap-state",
                description = "Keep the job's keyed state (the zones) on the heap instead of RocksDB: small networks, "
                        + "tests (default: RocksDB).")
        boolean heapState;

        @Option(names = "--forecast-format", paramLabel = "FORMAT", defaultValue = "json",
                converter = ForecastFormat.Converter.class, completionCandidates = ForecastFormat.Names.class,
                description = "Value format of the forecast records: json (what 'roadcast serve' and the dashboard "
                        + "read) or avro (Avro binary, about 40%% of the bytes, schema roadcast/publish/forecast.avsc "
                        + "in the jar and the repository; for external consumers only: 'roadcast serve' refuses such "
                        + "records with a clear reason) (default: ${DEFAULT-VALUE}).")
        ForecastFormat forecastFormat;

        @Option(names = "--zone-workers", paramLabel = "N",
                description = "Threads beside the zone operator's that run each closed zone's kernel and write its "
                        + "forecasts' JSON while the operator reads on; results are published in order on the "
                        + "operator's thread (same forecasts, same order per segment) and all of them before each "
                        + "checkpoint barrier. 0 = everything on the operator's thread (default: ${DEFAULT-VALUE}).")
        int zoneWorkers;

        /** The job's own default: parallelism 0, left to {@code flink run -p} or the cluster. */
        public Engine() {
            this(0);
        }

        /** @param defaultParallelism the parallelism when the option is not given; 0 = the cluster's */
        public Engine(int defaultParallelism) {
            parallelism = defaultParallelism;
        }

        public int parallelism() {
            return parallelism;
        }

        public boolean heapState() {
            return heapState;
        }

        public ForecastFormat forecastFormat() {
            return forecastFormat;
        }

        public int zoneWorkers() {
            return zoneWorkers;
        }

        /**
         * Parallelism, state backend and zone workers (the format is the forecast sink's, see
         * {@link #forecastFormat()}; the workers write JSON only for a JSON sink).
         */
        @Override
        public JobConfig applyTo(JobConfig cfg) {
            return cfg.withParallelism(parallelism).withRocksDb(!heapState)
                    .withZoneWorkers(zoneWorkers, forecastFormat == ForecastFormat.JSON);
        }
    }
}
