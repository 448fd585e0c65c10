package roadcast.demo;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import me.tongfei.progressbar.ProgressBar;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import roadcast.bench.BenchModel;
import roadcast.bench.CheckpointStats;
import roadcast.bench.CompilerActivity;
import roadcast.bench.EmitTimeProbe;
import roadcast.bench.LagMeter;
import roadcast.bench.LagReport;
import roadcast.bench.OutputTimeline;
import roadcast.bench.PassThroughJob;
import roadcast.bench.TopicVolume;
import roadcast.scratch.ScratchDirectory;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.kafka.EmbeddedKafka;
import roadcast.kafka.ExactlyOnceKafka;
import roadcast.kafka.RawRecordDeserializer;
import roadcast.kafka.RawRecordSerializer;
import roadcast.publish.Delivery;
import roadcast.publish.ForecastRecordSerializer;
import roadcast.publish.KafkaOutputs;
import roadcast.replay.FeedPublisher;
import roadcast.replay.FeedReplay;
import roadcast.replay.FeedSpread;
import roadcast.stream.ForecastJob;
import roadcast.stream.JobConfig;
import roadcast.stream.JobOptions;
import roadcast.synthetic.CityConfig;
import roadcast.synthetic.CityGenerator;
import roadcast.synthetic.WeekProfiles;

/**
 * {@code roadcast bench-stream}: what the forecasting costs on top of Kafka and Flink. The same generated records go
 * through the pass-through job (Kafka in, identity, exactly-once Kafka out), the forecast job, and the I/O-matched
 * pass-through (each record written at the size that makes its output bytes equal the forecast job's, measured on
 * the forecast job's output topic), one after the other on the same embedded broker; then the forecast job runs live
 * with the feed replayed at --speedup to measure end-to-end lag.
 */
@Command(name = "bench-stream", mixinStandardHelpOptions = true,
        description = {"Measures the streaming forecaster against a pass-through job on the same records: throughput of "
                + "each (input records per second, bounded run from a pre-filled topic, after --warmup-runs unmeasured "
                + "runs and once the JIT has settled, timed on the output's broker append times after the run's "
                + "--warmup-steps) and the "
                + "forecaster's end-to-end lag with the feed replayed at --speedup times real time.",
                "The I/O-matched pass-through writes, per input record, a record of the forecast job's output bytes per "
                        + "input record (the forecast job's own first forecasts in turn, resized, so that they "
                        + "compress as its output does): io_matched_ratio = forecast / I/O-matched pass-through is what our parsing, "
                        + "cleaning, maths and encoding cost next to the engine's own I/O.",
                "Writes {\"passthrough_records_per_s\",\"forecast_records_per_s\",\"throughput_ratio\","
                        + "\"io_matched_passthrough_records_per_s\",\"io_matched_ratio\",\"lag_ms_p50\",\"lag_ms_p99\" (exactly once),"
                        + "\"lag_ms_p99_at_least_once\"} "
                        + "(and the run's settings) to --json."},
        footer = {"", "The forecast job's options here: --checkpoint-interval is every job's, the pass-throughs' too; "
                + "--parallelism (at least 1) also sets the input topics' partitions; --close-after-quiet and "
                + "--close-on-schedule apply to the lag runs and --minutes (the throughput runs forecast complete "
                + "steps at once; --close-on-schedule is PT0.2S there with a spread feed unless given); --delivery to the "
                + "throughput runs and --minutes (the lag runs measure under both: lag_ms_* exactly once, "
                + "lag_ms_*_at_least_once at least once); --forecast-format to every run (the I/O-matched "
                + "pass-through then matches the Avro bytes)."})
public final class BenchStreamCommand implements Callable<Integer> {

    /**
     * Forecast values the I/O-matched pass-through writes in turn: the forecast job's first 2,000 (about 1 MB,
     * shipped with the job), many more than a compressed batch (256 KB) or LZ4 block (64 KB) of the producer holds, so
     * its output compresses as the forecast job's does, not as one repeated value would.
     */
    static final int IO_MATCHED_VALUES = 2_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--segments", paramLabel = "N", defaultValue = "200",
            description = "Segments of the generated city (default: ${DEFAULT-VALUE}).")
    int segments;

    @Option(names = "--steps", paramLabel = "S", defaultValue = "288",
            description = "Steps pushed through each job for throughput (default: ${DEFAULT-VALUE}: one day of "
                    + "5-minute steps).")
    int steps;

    @Option(names = "--step", paramLabel = "MINUTES", defaultValue = "5",
            description = "Step of the generated city in minutes (default: ${DEFAULT-VALUE}; 1 = one reading per "
                    + "segment per minute).")
    int stepMinutes;

    @Option(names = "--train-days", paramLabel = "D",
            description = "Days of the generated city the model is trained on (default: the fewest days that hold "
                    + "3 days of 5-minute steps, 864 rows: 3 at 5-minute steps, 1 at 1-minute steps; the stream's "
                    + "cost does not depend on it).")
    Integer trainDays;

    @Option(names = "--registry", paramLabel = "DIR",
            description = "Model registry of the generated city: when DIR holds a model it is reused, after checking "
                    + "it is a model of this city (same --step, segments and seed, trained on its first --train-days "
                    + "days; refused otherwise, saying why); when it holds none, the model trained for this run is "
                    + "published there for the next (default: none, a model trained into the run's temporary "
                    + "directory). A large city is then fitted once, e.g. by a first run with --minutes 1.")
    Path registryDir;

    @Option(names = "--max-horizon", paramLabel = "MIN", defaultValue = "60",
            description = "Longest lead time of the model trained for the run, in minutes, with the horizons of "
                    + "roadcast train (default: ${DEFAULT-VALUE}, as roadcast train): every step up to it at 5- and "
                    + "15-minute steps; at 1-minute steps one minute ahead and then every 5 minutes, so 60 means 13 "
                    + "horizons (1, 5, ..., 60) per forecast.")
    int maxHorizon;

    @Option(names = "--minutes", paramLabel = "M", defaultValue = "0",
            description = "Scale run instead of the default runs: only the live forecast job, exactly once, for M "
                    + "minutes of wall time with the feed at --speedup (1 = real time), reporting lag_ms_p50, "
                    + "lag_ms_p99, checkpoint_ms_p99, state_mb and the feed's readings/s (default: 0 = the default "
                    + "runs: three throughput runs and two lag runs of --lag-seconds).")
    int minutes;

    @Option(names = "--incremental-checkpoints", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "RocksDB incremental checkpoints in the forecast jobs: each checkpoint uploads only the "
                    + "state files written since the previous one (default: ${DEFAULT-VALUE}).")
    boolean incrementalCheckpoints;

    @Option(names = "--warmup-steps", paramLabel = "S", defaultValue = "36",
            description = "Steps every throughput run reads first, unmeasured, before --steps: its rate is timed from "
                    + "their last output on, so that its start-up and first records are not in it "
                    + "(throughput_warmup_records; default: ${DEFAULT-VALUE}; 0 = none: timed from the first output).")
    int warmupSteps;

    @Option(names = "--warmup-runs", paramLabel = "N", defaultValue = "1",
            description = "Unmeasured runs of each throughput job over its whole input (--warmup-steps and --steps) "
                    + "right before its measured run, so that the JIT has compiled what the run's length makes hot "
                    + "(throughput_warmup_runs; default: ${DEFAULT-VALUE}; 0 = none).")
    int warmupRuns;

    @Option(names = "--speedup", paramLabel = "X", defaultValue = "10",
            description = "Replay speed of the lag run, event-time seconds per wall second (default: ${DEFAULT-VALUE}).")
    double speedup;

    @Option(names = "--lag-seconds", paramLabel = "SECONDS", defaultValue = "120",
            description = "Length of the lag run (default: ${DEFAULT-VALUE}: four 5-minute steps at 10x, so that p99 is "
                    + "not the worse of two bursts).")
    long lagSeconds;

    @Option(names = "--live-warmup-steps", paramLabel = "S", defaultValue = "2",
            description = "Lag runs: the last S training steps are sent after the live job's first checkpoint (at once; "
                    + "with a spread feed, as the feed: at --speedup, spread), and their forecasts awaited, before the "
                    + "feed starts; they are not measured, their dead letters are counted apart (as the demo's "
                    + "--warmup-steps). The first measured step then has the job's first transactions and each zone's "
                    + "previous step (what the count-based close awaits) behind it. 0 = measure the job's very first "
                    + "step (default: ${DEFAULT-VALUE}).")
    int liveWarmupSteps;

    @Option(names = "--spread", paramLabel = "HOW", converter = FeedSpread.Converter.class,
            description = "Lag runs: when a step's readings are sent within the step: burst (all at the step's time, "
                    + "as fast as the producer takes them), in-order (evenly over the step in segment order, a "
                    + "constant rate as a polling central system sends), sensor-phase (over the step, each sensor at "
                    + "its own fixed phase: unsynchronised detectors; most zones complete at the step's end) "
                    + "(default: sensor-phase at real time, --speedup 1 or less: what a live city sends; burst when "
                    + "the feed is replayed faster, the stress case). The lag counts from the append of the latest "
                    + "reading a forecast used in every mode. A spread feed pauses between a zone's readings within a "
                    + "step (at 20,000 segments in order: 0.8 s between grid rows, up to 29 s in a zone of two parts), "
                    + "and --close-after-quiet closes a zone's step at the first pause longer than it: its later "
                    + "readings would be refused (TOO_LATE in lag_dead_letters); so with a spread feed the zones close "
                    + "by the feed's own places in the step, --close-on-schedule, PT0.2S unless given (PT0S = off; a "
                    + "spread feed's warm-up is then sent spread too).")
    FeedSpread spread;

    @Option(names = "--json", paramLabel = "FILE", defaultValue = "bench-stream.json",
            description = "Where to write the figures (default: ${DEFAULT-VALUE}).")
    Path json;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the generated city (default: ${DEFAULT-VALUE}).")
    long seed;

    /** Half the job's 1 s, as the demo's: the lag measured is then the one the demo shows. */
    @Mixin
    JobOptions.Checkpoints checkpoints = new JobOptions.Checkpoints(Duration.ofMillis(500));

    /**
     * Half a second where the job has none: a burst feed sends each step at once (commit 3c196df: the 20,000-segment
     * p99 fell to 1.19 s with it); only the lag runs use it (see {@link #measureLag}), and with a spread feed it is
     * the schedule rule's fallback ({@link #closeOnSchedule()}).
     */
    @Mixin
    JobOptions.Release release = new JobOptions.Release(Duration.ofMillis(500));

    /**
     * 1 where the job leaves it to the cluster: the pass-through jobs and the input topics' partition count need a
     * number (0 is refused here).
     */
    @Mixin
    JobOptions.Engine engine = new JobOptions.Engine(1);

    /** Rows of the default training: 3 days of 5-minute steps, what every earlier 5-minute run trained on. */
    static final int DEFAULT_TRAIN_ROWS = 864;

    /**
     * --train-days, else the fewest whole days of {@link #DEFAULT_TRAIN_ROWS} rows or more. Three days at every step
     * made the 1-minute, 200,000-segment command train on 4,320 rows: 2.3 times the CPU of one day (at
     * 20,000 segments: README, issue 12), a city of 4 days to generate, and a 12 GB heap filled (old generation 98 %
     * before its training ended), for a benchmark whose figures are the stream's. One day of 1-minute steps is 1,440
     * rows, still more than the 5-minute default's.
     */
    int trainDays() {
        if (trainDays != null) {
            return trainDays;
        }
        int stepsPerDay = 1440 / stepMinutes;
        return (DEFAULT_TRAIN_ROWS + stepsPerDay - 1) / stepsPerDay;
    }

    /**
     * The schedule rule's grace when a spread feed runs without --close-on-schedule: the value every spread run of
     * the README's issue-12 tables used (in order and sensor phase, 20,000 and 200,000 segments: no refusal after the
     * warm-up on the quiet builds since c065f01).
     */
    static final Duration SPREAD_GRACE = Duration.ofMillis(200);

    /**
     * The lag runs' feed: --spread, else at real time (or slower) a live city's, every sensor at its own moment in the
     * step (the "real time, one-minute steps: ~3,300 readings/s" at 200,000 segments), and a burst per step
     * when the feed is replayed faster than real time: a replay compressed in time is the catch-up case, where the
     * job reads a step's readings as fast as it can, and the 20,000-segment figures at 10x were measured so.
     */
    FeedSpread spread() {
        if (spread != null) {
            return spread;
        }
        return speedup <= 1 ? FeedSpread.SENSOR_PHASE : FeedSpread.BURST;
    }

    /**
     * The lag runs' schedule rule: --close-on-schedule, else {@link #SPREAD_GRACE} with a spread feed and none with a
     * burst. A spread feed pauses within a zone's readings, so the quiet close (made for bursts) closes zones early
     * and refuses the rest of their readings, or, every sensor at its own phase, never closes a zone that misses one
     * (README, ninth pass: p99 243 s); the rule closes by where in the step each sensor reports instead.
     */
    Duration closeOnSchedule() {
        if (release.closeOnSchedule() != null) {
            return release.closeOnSchedule();
        }
        return spread() == FeedSpread.BURST ? Duration.ZERO : SPREAD_GRACE;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (segments < 2 || steps < 2 || warmupSteps < 0 || warmupRuns < 0 || liveWarmupSteps < 0 || engine.parallelism() < 1 || !(speedup > 0) || lagSeconds < 1
                || stepMinutes < 1 || 1440 % stepMinutes != 0 || trainDays() < 1 || minutes < 0
                || maxHorizon < 1 || maxHorizon > roadcast.fit.TrainingConfig.MAX_HORIZON_MINUTES) {
            spec.commandLine().getErr().println("need --segments >= 2, --steps >= 2, --warmup-steps >= 0, --warmup-runs >= 0, "
                    + "--live-warmup-steps >= 0, --parallelism >= 1, --speedup > 0, --lag-seconds >= 1, --step a divisor of 1440 minutes, "
                    + "--train-days >= 1, --minutes >= 0, --max-horizon 1.." + roadcast.fit.TrainingConfig.MAX_HORIZON_MINUTES);
            return 2;
        }
        String cityRun = BenchModel.city(segments, stepMinutes, seed, trainDays());
        if (registryDir != null) {
            // before generating: at 200,000 segments that takes minutes a refusal should not cost
            var refused = BenchModel.cityMismatch(registryDir, cityRun);
            if (refused.isPresent()) {
                spec.commandLine().getErr().println(BenchModel.refusal(registryDir, refused.get()));
                return 2;
            }
        }
        // the city, checkpoints and (without --registry) the model: 1.1 GB at 200,000 segments, gone at exit
        try (ScratchDirectory scratch = ScratchDirectory.create("roadcast-bench-stream")) {
            return run(scratch, cityRun, out);
        }
    }

    /**
     * The runs, in {@code scratch} (deleted afterwards, its live jobs stopped first): generation, model, throughput
     * or scale runs, the JSON.
     */
    private Integer run(ScratchDirectory scratch, String cityRun, PrintWriter out) throws Exception {
        Path work = scratch.path();
        int stepsPerDay = 1440 / stepMinutes;
        double replayMinutes = (minutes > 0 ? minutes : lagSeconds / 60.0) * speedup;
        int replayDays = (int) Math.ceil(replayMinutes / 1440.0);
        // The scale run replays only the minutes it runs (and a step to spare) after the training days; the default
        // runs push --steps and --warmup-steps after them as well. Generation, not the stream, is what costs at
        // 200,000 segments, so no day more than the replay reaches.
        int days = minutes > 0
                ? trainDays() + (int) Math.ceil((replayMinutes + stepMinutes) / 1440.0)
                : trainDays() + Math.max(replayDays, (steps + warmupSteps + stepsPerDay - 1) / stepsPerDay) + 1;
        out.printf("generating a city of %d segments, %d days of %d-minute steps%n", segments, days, stepMinutes);
        out.flush();
        Path cityDir = work.resolve("city");
        CityConfig city = CityConfig.of(segments, days, stepMinutes, seed, WeekProfiles.sharedOrBuiltIn(seed));
        try (ProgressBar bar = new ProgressBar("generate", city.steps())) {
            new CityGenerator(city).generate(cityDir, bar::stepTo);
        }
        Dataset data = DatasetLoader.load(cityDir);
        int trainRows = trainDays() * stepsPerDay;
        Path registry = registryDir != null ? registryDir : work.resolve("registry");
        try {
            BenchModel.acquire(registry, data, trainRows, BenchModel.config(DemoCommand.trainingConfig(data),
                    maxHorizon), cityRun, out);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }

        Instant from = Instant.ofEpochMilli(data.history().epochMillis(trainRows));
        if (minutes > 0) {
            return scaleRun(registry, data, from, scratch, out);
        }
        try (EmbeddedKafka kafka = new EmbeddedKafka().start()) {
            String bootstrap = kafka.bootstrapServers();
            kafka.createTopics(engine.parallelism(), "bench.in", "bench-forecast.rejected",
                    "bench-forecast-warm.rejected", "bench.live", "bench.live.out", "bench.live.rejected", "bench.alo",
                    "bench.alo.out", "bench.alo.rejected");
            // The throughput runs' outputs carry the broker's append time: their rate is read on it (OutputTimeline).
            kafka.createTopics(engine.parallelism(), Map.of("message.timestamp.type", "LogAppendTime"),
                    "bench-pass.out", "bench-io.out", "bench-forecast.out", "bench-pass-warm.out",
                    "bench-io-warm.out", "bench-forecast-warm.out");
            // Every run reads the --warmup-steps first, in the same job instance, and is measured from the output of
            // their last reading to its last output: so its rate is the job's steady state, without its start, its
            // first records and its final commit. (The publisher sends readings by count: the first
            // warmupSteps * segments of them are the prefix.)
            long total = publish(bootstrap, "bench.in", data, from, warmupSteps + steps);
            long warm = Math.min(total - 1, (long) warmupSteps * segments);
            long records = total - warm;
            out.printf("%d records on the input topic (%d warm-up, %d measured)%n", total, warm, records);
            out.flush();

            ThroughputRun pass = measured(bootstrap, "bench-pass", total, warm, out,
                    jobName -> passThrough(bootstrap, "bench.in", jobName, -1, List.of()));
            out.printf("pass-through: %s%n", pass);
            out.flush();

            ThroughputRun fc = measured(bootstrap, "bench-forecast", total, warm, out,
                    jobName -> forecast(bootstrap, "bench.in", jobName, registry, work));
            out.printf("forecast:     %s%n", fc);
            out.flush();

            List<byte[]> forecastValues = new ArrayList<>();
            TopicVolume forecastOut = TopicVolume.measure(bootstrap, "bench-forecast.out", IO_MATCHED_VALUES,
                    forecastValues);
            int matchedBytes = forecastOut.valueBytesPer(total);
            ThroughputRun io = measured(bootstrap, "bench-io", total, warm, out,
                    jobName -> passThrough(bootstrap, "bench.in", jobName, matchedBytes, forecastValues));
            out.printf("I/O-matched pass-through (%d-byte values, as the forecast job's %d forecasts of %.0f bytes "
                            + "per %d readings; its first %d forecasts in turn): %s%n",
                    matchedBytes, forecastOut.records(),
                    (double) forecastOut.valueBytes() / Math.max(1, forecastOut.records()), total,
                    forecastValues.size(), io);
            out.flush();
            double passRate = pass.perSecond();
            double forecastRate = fc.perSecond();
            double ioRate = io.perSecond();

            LiveRun lag = measureLag(bootstrap, "bench.live", registry, data, from, scratch, out,
                    Delivery.EXACTLY_ONCE, lagSeconds);
            LiveRun lagAlo = measureLag(bootstrap, "bench.alo", registry, data, from, scratch, out,
                    Delivery.AT_LEAST_ONCE, lagSeconds);
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("passthrough_records_per_s", Math.round(passRate));
            o.put("forecast_records_per_s", Math.round(forecastRate));
            o.put("throughput_ratio", Math.round(forecastRate / passRate * 1000) / 1000.0);
            o.put("io_matched_passthrough_records_per_s", Math.round(ioRate));
            o.put("io_matched_ratio", Math.round(forecastRate / ioRate * 1000) / 1000.0);
            // the same runs timed as before: net runtime, start-up and the final commit included, over all their input
            o.put("throughput_ratio_whole_run", Math.round(fc.wholeRunPerSecond() / pass.wholeRunPerSecond() * 1000)
                    / 1000.0);
            o.put("io_matched_ratio_whole_run", Math.round(fc.wholeRunPerSecond() / io.wholeRunPerSecond() * 1000)
                    / 1000.0);
            o.put("throughput_warmup_records", warm);
            o.put("throughput_warmup_runs", warmupRuns);
            ObjectNode runs = o.putObject("throughput_runs");
            putThroughput(runs.putObject("passthrough"), pass);
            putThroughput(runs.putObject("forecast"), fc);
            putThroughput(runs.putObject("io_matched_passthrough"), io);
            o.put("io_matched_value_bytes", matchedBytes);
            o.put("io_matched_values", forecastValues.size());
            o.put("forecast_output_records", forecastOut.records());
            o.put("forecast_output_value_bytes", forecastOut.valueBytes());
            putLive(o, "", lag);
            putLive(o, "_at_least_once", lagAlo);
            o.put("delivery", release.delivery().toString());
            o.put("forecast_format", engine.forecastFormat().toString());
            o.put("zone_workers", engine.zoneWorkers());
            o.put("spread", spread().toString());
            o.put("segments", segments);
            o.put("records", records);
            o.put("warmup_steps", warmupSteps);
            o.put("parallelism", engine.parallelism());
            o.put("speedup", speedup);
            o.put("checkpoint_interval_ms", checkpoints.interval().toMillis());
            o.put("checkpoint_on_step", checkpoints.onStep());
            o.put("close_after_quiet_ms", release.closeAfterQuiet().toMillis());
            o.put("close_on_schedule_ms", closeOnSchedule().toMillis());
            o.put("live_warmup_steps", liveWarmupSteps);
            o.put("step_minutes", stepMinutes);
            o.put("incremental_checkpoints", incrementalCheckpoints);
            o.put("state_backend", engine.heapState() ? "heap" : "rocksdb");
            write(o, out);
        }
        out.flush();
        return 0;
    }

    /** The first {@code steps} steps of the feed from {@code from} on {@code topic}; returns the records acknowledged. */
    private long publish(String bootstrap, String topic, Dataset data, Instant from, int steps) throws Exception {
        try (FeedPublisher publisher = new FeedPublisher(bootstrap, topic, 0)) {
            return publisher.publish(FeedReplay.from(data, from), (long) steps * segments).acknowledged();
        }
    }

    /**
     * The pass-through job over all of {@code topic} (bounded), output to {@code name + ".out"}; with
     * {@code valueBytes >= 0} every output value has that size (the I/O-matched baseline: {@code values}, the forecast
     * job's, in turn), else values are copied.
     */
    private JobExecutionResult passThrough(String bootstrap, String topic, String name, int valueBytes,
                                           List<byte[]> values) throws Exception {
        PassThroughJob job = new PassThroughJob(
                ExactlyOnceKafka.boundedSource(bootstrap, topic, name, new RawRecordDeserializer()),
                ExactlyOnceKafka.sink(bootstrap, name, new RawRecordSerializer(name + ".out"), release.delivery().guarantee()),
                checkpoints.interval());
        return (valueBytes < 0 ? job : job.matchingOutput(valueBytes, values)).execute(localEnvironment());
    }

    /** The forecast job over all of {@code topic} (bounded), forecasts to {@code name + ".out"}. */
    private JobExecutionResult forecast(String bootstrap, String topic, String name, Path registry, Path work)
            throws Exception {
        JobConfig cfg = jobConfig(registry, work, name);
        ForecastJob job = new ForecastJob(
                ExactlyOnceKafka.boundedSource(bootstrap, topic, name, new RawRecordDeserializer()),
                KafkaOutputs.forecasts(bootstrap, name + ".out", name, release.delivery(), engine.forecastFormat()),
                KafkaOutputs.deadLetters(bootstrap, name + ".rejected", name), cfg)
                .withFutureCheck(false);
        if (incrementalCheckpoints) {
            job.withFlinkOption("execution.checkpointing.incremental", "true");
        }
        return job.execute();
    }

    /** A throughput job writing to the output topic named {@code name + ".out"}. */
    @FunctionalInterface
    interface ThroughputJob {
        JobExecutionResult run(String name) throws Exception;
    }

    /**
     * Runs {@code job} --warmup-runs times unmeasured (output {@code name + "-warm.out"}) and then once measured (output
     * {@code name + ".out"}), over the same {@code total} input records of which the first {@code prefix} are the
     * warm-up steps: the measured run starts once the JIT has settled, and its rate is read on its output's append
     * times after the prefix's output.
     */
    private ThroughputRun measured(String bootstrap, String name, long total, long prefix, PrintWriter out,
                                   ThroughputJob job) throws Exception {
        // A whole rehearsal, not a few steps: C2 compiled ~600 methods for the first time inside the measured forecast
        // run after a 12-step warm-up, most of them code that runs per request or per checkpoint (broker, Kafka
        // clients, Flink's checkpoints), which gets hot with the run's length, not with its records. Run just before
        // its own measured run, so the other jobs' types seen in shared code (Flink, Kafka) are recompiled in it.
        for (int i = 0; i < warmupRuns; i++) {
            JobExecutionResult warm = job.run(name + "-warm");
            out.printf("  %s warm-up run %d: %d ms%n", name, i + 1, warm.getNetRuntime());
            out.flush();
        }
        // at most 10 ms of compiling in the last second; a minute at most (a loaded machine may never get there)
        long waited = CompilerActivity.awaitSettled(Duration.ofSeconds(1), 10, Duration.ofMinutes(1));
        try (CompilerActivity activity = CompilerActivity.start()) {
            JobExecutionResult result = job.run(name);
            OutputTimeline.Steady steady = OutputTimeline.read(bootstrap, name + ".out").steady(total, prefix);
            return new ThroughputRun(steady, result.getNetRuntime(), total, waited,
                    activity.between(steady.fromMillis(), steady.toMillis()));
        }
    }

    /**
     * A measured throughput run.
     *
     * @param steady        its rate after the warm-up prefix, on its output's append times
     * @param netRuntimeMs  the job's net runtime (deployment to finish, the final commit included)
     * @param inputRecords  all the input it read, prefix included
     * @param settleWaitMs  how long the run waited for the JIT to settle before it started
     * @param window        compiling and process CPU inside the steady window
     */
    record ThroughputRun(OutputTimeline.Steady steady, long netRuntimeMs, long inputRecords, long settleWaitMs,
                         CompilerActivity.Window window) {
        double perSecond() {
            return steady.perSecond();
        }

        /** The rate as bench-stream measured it before: all the input over the net runtime. */
        double wholeRunPerSecond() {
            return inputRecords / (Math.max(1, netRuntimeMs) / 1000.0);
        }

        @Override
        public String toString() {
            return String.format("%.0f records/s after the warm-up (%.0f records in %d ms; compiling %d ms, process "
                            + "CPU %.1f s in it); whole run %.0f records/s (%d ms); waited %d ms for the JIT to settle",
                    perSecond(), steady.inputRecords(), steady.millis(), window.compileMillis(),
                    window.processCpuSeconds(), wholeRunPerSecond(), netRuntimeMs, settleWaitMs);
        }
    }

    private static void putThroughput(ObjectNode o, ThroughputRun run) {
        o.put("records_per_s", Math.round(run.perSecond()));
        o.put("measured_ms", run.steady().millis());
        // the window's ends (ms since the epoch): to find it in a profile or compilation log of the run
        o.put("measured_from_epoch_ms", run.steady().fromMillis());
        o.put("measured_to_epoch_ms", run.steady().toMillis());
        o.put("measured_records", Math.round(run.steady().inputRecords()));
        o.put("whole_run_records_per_s", Math.round(run.wholeRunPerSecond()));
        o.put("net_runtime_ms", run.netRuntimeMs());
        o.put("jit_settle_wait_ms", run.settleWaitMs());
        o.put("measured_compile_ms", run.window().compileMillis());
        o.put("measured_process_cpu_s", Math.round(run.window().processCpuSeconds() * 100) / 100.0);
    }

    /**
     * The forecast job's settings in every run: the options, no model reload, complete steps forecast at once
     * (--close-after-quiet only in the lag runs: see {@link #measureLag}).
     */
    private JobConfig jobConfig(Path registry, Path work, String name) {
        return JobOptions.apply(JobConfig.defaults(registry).withModelPoll(null)
                .withCheckpoints(JobConfig.DEFAULT_CHECKPOINT_INTERVAL, work.resolve(name + "-checkpoints"))
                .withCloseWhenComplete(true).withCloseWhenExpected(true), checkpoints, engine);
    }

    /** What a live run measured: lag, the job's checkpoints at its end, and the readings the feed sent. */
    record LiveRun(LagReport lag, LagMeter.LagBreakdown split, LagMeter.Bursts bursts, CheckpointStats checkpoints,
                   long readings, double seconds, long failedBeforeFeed,
                   java.util.SortedMap<String, Long> deadLetters, java.util.SortedMap<String, Long> warmupDeadLetters) {
    }

    /**
     * The forecast job live on {@code topic} (forecasts to {@code topic.out}) with the given release.delivery() while the feed is
     * replayed at --speedup for {@code seconds}; lag from a read_committed meter, checkpoints from the REST API.
     */
    private LiveRun measureLag(String bootstrap, String topic, Path registry, Dataset data, Instant from,
                               ScratchDirectory scratch, PrintWriter out, Delivery lagDelivery, long seconds)
            throws Exception {
        String name = topic.replace('.', '-');
        JobConfig cfg = release.applyTo(jobConfig(registry, scratch.path(), name))
                .withCloseOnSchedule(closeOnSchedule())
                .withJobName("roadcast bench-stream lag " + lagDelivery);
        int restPort = JobRestarts.freePort();
        JobClient client = startLive(bootstrap, topic, name, lagDelivery, cfg, restPort);
        String jobId = client.getJobID().toHexString();
        // its checkpoints are in scratch: cancelled first should the run be stopped (Ctrl-C) now
        AutoCloseable stopOnExit = scratch.stopOnExitBeforeDeleting(
                () -> client.cancel().get(30, TimeUnit.SECONDS));
        try (LagMeter meter = new LagMeter(bootstrap, topic + ".out").start();
             FeedPublisher publisher = new FeedPublisher(bootstrap, topic, speedup)
                     .withSpread(spread(), data.history().step())) {
            // The feed starts once the job runs and has completed a checkpoint, so start-up does not count as lag.
            CheckpointStats atStart = CheckpointStats.await(restPort, jobId, 1, Duration.ofMinutes(5));
            if (atStart == null) {
                out.println("no checkpoint within 5 minutes of the start: starting the feed anyway");
            }
            // the settings the live job was given, as they resolved (--spread's and --close-on-schedule's defaults
            // depend on --speedup): what the run's figures measure
            out.printf("live job running: feed %s at %sx real time, close on schedule %d ms, after quiet %d ms%n",
                    spread(), speedup, cfg.closeOnScheduleMillis(), cfg.closeAfterQuietMillis());
            out.flush();
            java.util.SortedMap<String, Long> warmupDeadLetters = new java.util.TreeMap<>();
            if (liveWarmupSteps > 0) {
                warmUpLive(bootstrap, topic, data, from, meter, out);
                // A spread warm-up's first step is the job's first: no close rule knows the feed yet, so the quiet
                // close may refuse some of it. Counted apart, so the measured steps' refusals can be told.
                warmupDeadLetters = TopicVolume.deadLetterReasons(bootstrap, topic + ".rejected");
            }
            long t0 = System.nanoTime();
            publisher.start(wholeSteps(FeedReplay.from(data, from), from.toEpochMilli(), seconds, speedup), 0);
            try (ProgressBar bar = new ProgressBar("lag run " + lagDelivery + " (s)", seconds)) {
                for (long s = 0; s < seconds; s++) {
                    Thread.sleep(1000);
                    bar.stepTo(s + 1);
                    bar.setExtraMessage(meter.count() + " forecasts");
                }
            }
            // A spread feed's last step is still being sent when the run's time is up (it takes a step of event
            // time): let it end, or the last step would be measured on its first readings only.
            var sent = spread() == FeedSpread.BURST ? null
                    : publisher.await(Duration.ofMillis(Math.round(data.history().step().toMillis() / speedup)));
            publisher.stop();
            if (sent == null) {
                sent = publisher.await(Duration.ofSeconds(30));
            }
            // Every forecast of the steps sent is measured, the last step's slowest included.
            long expected = sent == null ? 0 : sent.steps() * segments;
            if (sent == null) {
                out.println("lag run: the feed did not end within 30 s of the run's end");
            } else if (!meter.awaitCount(expected, Duration.ofSeconds(30))) {
                out.printf("lag run: %d of the %d forecasts of the %d step(s) sent arrived within 30 s of the run's"
                        + " end%n", meter.count(), expected, sent.steps());
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            LagReport report = meter.report();
            LagMeter.LagBreakdown breakdown = meter.breakdown();
            LagMeter.Bursts bursts = meter.bursts();
            CheckpointStats checkpoints = CheckpointStats.of(restPort, jobId);
            // Refused readings by reason: a quiet period shorter than a gap within a step's burst would close steps
            // early and show up here as TOO_LATE ("already forecast").
            var deadLetters = TopicVolume.deadLetterReasons(bootstrap, topic + ".rejected");
            out.printf("lag at %.0fx, %s: %s; split: %s; %s; checkpoints: %s; dead letters: %s%n", speedup,
                    lagDelivery, report, breakdown, bursts, checkpoints, deadLetters);
            return new LiveRun(report, breakdown, bursts, checkpoints, publisher.sent(), elapsed,
                    atStart == null ? -1 : atStart.failed(), deadLetters, warmupDeadLetters);
        } finally {
            stopOnExit.close();
            client.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * The readings of {@code feed} (time-ordered, starting at {@code fromMillis}) whose steps are due within a lag run
     * of {@code seconds} at {@code speedup}: whole steps only. The run used to stop the feed when its time was up,
     * which at the default 30 s at 10x is the moment the second 5-minute step is due, so a varying part of that step's
     * burst was sent and only its first forecasts (the fastest) were measured beside the first step's.
     */
    static java.util.Iterator<roadcast.reading.SpeedReading> wholeSteps(
            java.util.Iterator<roadcast.reading.SpeedReading> feed, long fromMillis, long seconds, double speedup) {
        long end = fromMillis + Math.round(seconds * 1000 * speedup);
        return new java.util.Iterator<>() {
            private roadcast.reading.SpeedReading next = feed.hasNext() ? feed.next() : null;

            @Override
            public boolean hasNext() {
                return next != null && next.timeMillis() < end;
            }

            @Override
            public roadcast.reading.SpeedReading next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                roadcast.reading.SpeedReading r = next;
                next = feed.hasNext() ? feed.next() : null;
                return r;
            }
        };
    }

    /**
     * Submits the live forecast job and returns only its client: the job object holds the model it read when built,
     * which at 200,000 segments of 1-minute steps is gigabytes the running job's own copy does not need beside it.
     */
    private JobClient startLive(String bootstrap, String topic, String name, Delivery lagDelivery, JobConfig cfg,
                                int restPort) throws Exception {
        // The forecast sink of KafkaOutputs, its records stamped with their emission time (the lag's breakdown).
        ForecastJob job = new ForecastJob(
                ExactlyOnceKafka.source(bootstrap, topic, name, new RawRecordDeserializer()),
                ExactlyOnceKafka.sink(bootstrap, name + "-forecast", new EmitTimeProbe<>(
                        new ForecastRecordSerializer(topic + ".out", engine.forecastFormat())), lagDelivery.guarantee()),
                KafkaOutputs.deadLetters(bootstrap, topic + ".rejected", name), cfg)
                .withFutureCheck(false)
                .withFlinkOption("rest.port", Integer.toString(restPort))
                .withFlinkOption(CheckpointStats.HISTORY_OPTION, Integer.toString(CheckpointStats.HISTORY_SIZE));
        if (incrementalCheckpoints) {
            job.withFlinkOption("execution.checkpointing.incremental", "true");
        }
        return job.executeAsync();
    }

    /**
     * Sends the {@link #liveWarmupSteps} steps before {@code from} at once and waits (at most 5 minutes) for a
     * forecast of every segment in each, then forgets what the meter measured.
     */
    private void warmUpLive(String bootstrap, String topic, Dataset data, Instant from, LagMeter meter,
                            PrintWriter out) throws InterruptedException {
        long t0 = System.nanoTime();
        var history = data.history();
        int first = Math.max(0, (int) ((from.toEpochMilli() - history.epochMillis(0)) / history.step().toMillis())
                - liveWarmupSteps);
        java.util.List<roadcast.reading.SpeedReading> readings = new java.util.ArrayList<>();
        FeedReplay before = FeedReplay.from(data, Instant.ofEpochMilli(history.epochMillis(first)));
        while (before.hasNext()) {
            roadcast.reading.SpeedReading r = before.next();
            if (r.timeMillis() >= from.toEpochMilli()) {
                break;
            }
            readings.add(r);
        }
        long rows = readings.stream().mapToLong(roadcast.reading.SpeedReading::timeMillis).distinct().count();
        // A spread feed's warm-up is sent as the feed is, at its pace, so that a rule that learns where in the step
        // each sensor reports (--close-on-schedule) has seen the feed's own schedule before the measured steps; a
        // burst feed's warm-up is sent at once, as before.
        try (FeedPublisher warm = spread() == FeedSpread.BURST ? new FeedPublisher(bootstrap, topic, 0)
                : new FeedPublisher(bootstrap, topic, speedup).withSpread(spread(), history.step())) {
            warm.publish(readings.iterator(), 0);
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (meter.count() < rows * segments && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        out.printf("live warm-up: %d step(s), %d readings, %d forecasts in %.1f s%n", rows, readings.size(),
                meter.count(), (System.nanoTime() - t0) / 1e9);
        out.flush();
        meter.reset();
    }

    /** --minutes: the live job alone for that long, exactly once; its lag, checkpoints and state to --json. */
    private int scaleRun(Path registry, Dataset data, Instant from, ScratchDirectory scratch, PrintWriter out)
            throws Exception {
        try (EmbeddedKafka kafka = new EmbeddedKafka().start()) {
            String bootstrap = kafka.bootstrapServers();
            kafka.createTopics(engine.parallelism(), "bench.scale", "bench.scale.out", "bench.scale.rejected");
            LiveRun run = measureLag(bootstrap, "bench.scale", registry, data, from, scratch, out, release.delivery(),
                    minutes * 60L);
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("segments", segments);
            o.put("step_minutes", stepMinutes);
            o.put("speedup", speedup);
            o.put("minutes", minutes);
            o.put("readings", run.readings());
            o.put("readings_per_s", Math.round(run.readings() / run.seconds()));
            o.put("delivery", release.delivery().toString());
            o.put("forecast_format", engine.forecastFormat().toString());
            o.put("zone_workers", engine.zoneWorkers());
            o.put("spread", spread().toString());
            putLive(o, "", run);
            o.put("checkpoint_interval_ms", checkpoints.interval().toMillis());
            o.put("checkpoint_on_step", checkpoints.onStep());
            o.put("close_after_quiet_ms", release.closeAfterQuiet().toMillis());
            o.put("close_on_schedule_ms", closeOnSchedule().toMillis());
            o.put("live_warmup_steps", liveWarmupSteps);
            o.put("incremental_checkpoints", incrementalCheckpoints);
            o.put("state_backend", engine.heapState() ? "heap" : "rocksdb");
            o.put("parallelism", engine.parallelism());
            o.put("max_horizon_min", maxHorizon);
            o.put("registry", registry.toAbsolutePath().toString());
            write(o, out);
        }
        out.flush();
        return 0;
    }

    /** Lag and checkpoint figures of a live run, field names with {@code suffix}. */
    private static void putLive(ObjectNode o, String suffix, LiveRun run) {
        LagReport lag = run.lag();
        o.put("lag_ms_p50" + suffix, lag.records() == 0 ? null : lag.p50Ms());
        o.put("lag_ms_p99" + suffix, lag.records() == 0 ? null : lag.p99Ms());
        o.put("lag_forecasts_measured" + suffix, lag.records());
        LagMeter.LagBreakdown split = run.split();
        if (split.records() > 0) {
            // input append -> handed to the producer; handed to the producer -> visible (read_committed)
            o.put("lag_ms_p50_job" + suffix, split.jobP50Ms());
            o.put("lag_ms_p99_job" + suffix, split.jobP99Ms());
            o.put("lag_ms_p50_delivery" + suffix, split.deliveryP50Ms());
            o.put("lag_ms_p99_delivery" + suffix, split.deliveryP99Ms());
            // the step whose last forecast left the latest: the feed's burst and the backlog it left the job
            o.put("lag_burst_send_ms" + suffix, run.bursts().sendMs());
            o.put("lag_burst_drain_ms" + suffix, run.bursts().drainMs());
            o.put("lag_steps_measured" + suffix, run.bursts().steps());
        }
        ObjectNode refused = o.putObject("lag_dead_letters" + suffix);
        run.deadLetters().forEach(refused::put);
        ObjectNode refusedWarm = o.putObject("lag_dead_letters_warmup" + suffix);
        run.warmupDeadLetters().forEach(refusedWarm::put);
        CheckpointStats c = run.checkpoints();
        if (c != null) {
            o.put("checkpoint_ms_p50" + suffix, Math.round(c.durationMsP50()));
            o.put("checkpoint_ms_p99" + suffix, Math.round(c.durationMsP99()));
            o.put("checkpoint_ms_max" + suffix, Math.round(c.durationMsMax()));
            o.put("checkpoints_completed" + suffix, c.completed());
            o.put("checkpoints_failed" + suffix, c.failed());
            o.put("state_mb" + suffix, Math.round(c.stateBytes() / 1e5) / 10.0);
            o.put("checkpointed_mb" + suffix, Math.round(c.checkpointedBytes() / 1e5) / 10.0);
            // Failed while the job was starting, before the feed began (a task not yet running when triggered).
            o.put("checkpoints_failed_before_feed" + suffix, run.failedBeforeFeed());
            ObjectNode reasons = o.putObject("checkpoint_failures" + suffix);
            c.failureReasons().forEach(reasons::put);
        }
    }

    private void write(ObjectNode o, PrintWriter out) throws java.io.IOException {
        Path parent = json.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), o);
        out.println(o.toString());
        out.println("written to " + json);
    }

    private StreamExecutionEnvironment localEnvironment() {
        Configuration conf = Configuration.fromMap(Map.of(
                "execution.checkpointing.interval", checkpoints.interval().toMillis() + " ms",
                "parallelism.default", Integer.toString(engine.parallelism())));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(engine.parallelism());
        return env;
    }
}
