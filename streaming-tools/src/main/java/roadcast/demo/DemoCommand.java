package roadcast.demo;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.flink.core.execution.JobClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import roadcast.scratch.ScratchDirectory;
import roadcast.datasets.Dataset;
import roadcast.fit.TrainingConfig;
import roadcast.history.SpeedHistory;
import roadcast.datasets.DatasetLoader;
import roadcast.datasets.DayArchiveFolder;
import roadcast.kafka.EmbeddedKafka;
import roadcast.kafka.ExactlyOnceKafka;
import roadcast.kafka.RawRecordDeserializer;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;
import roadcast.publish.DayArchive;
import roadcast.publish.KafkaOutputs;
import roadcast.replay.FeedPublisher;
import roadcast.replay.FeedReplay;
import roadcast.retrain.Retrain;
import roadcast.reading.SpeedReading;
import roadcast.stream.ForecastJob;
import roadcast.stream.JobConfig;
import roadcast.stream.JobOptions;
import roadcast.stream.NetworkLayout;
import roadcast.synthetic.LosLoopOrCity;
import roadcast.train.ProgressBars;
import roadcast.train.TrainingOptions;
import roadcast.train.TrainingRun;
import roadcast.train.ZoneSizeOption;

/**
 * {@code roadcast demo}: the whole system in one process - an in-process Kafka broker, a model (trained on the first
 * part of the data set when the registry has none), the rest of the data set replayed as a live feed, the
 * forecasting job on a local mini-cluster, and a live console summary read from the output topics.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs Roadcast end to end in one process: starts an embedded Kafka broker, trains a model on the "
                + "first 5/7 of the data set if the registry holds none, replays the remaining 2/7 as a live feed at "
                + "--speedup, runs the forecasting job and prints records/s, forecasts/s, lag and congestion every few "
                + "seconds.",
                "Lag = time a forecast becomes visible to a read_committed consumer minus the append time of the "
                        + "newest input reading it used."})
public final class DemoCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);
    static final String IN = "roadcast.speed";
    static final String OUT = "roadcast.forecast";
    static final String REJECTED = "roadcast.speed.rejected";

    @Spec
    CommandSpec spec;

    @Mixin
    LosLoopOrCity.DatasetOption dataset = new LosLoopOrCity.DatasetOption();

    @Option(names = "--registry", paramLabel = "DIR", defaultValue = "demo-models",
            description = "Model registry; a model is trained into it when it holds none (default: ${DEFAULT-VALUE}).")
    Path registry;

    @Option(names = "--speedup", paramLabel = "X", defaultValue = "60",
            description = "Event-time seconds per wall-clock second of the replay (default: ${DEFAULT-VALUE}: a 5-minute "
                    + "step every 5 s).")
    double speedup;

    @Option(names = "--for", paramLabel = "SECONDS", defaultValue = "0",
            description = "Stop after this many seconds (default: ${DEFAULT-VALUE} = until the replay has ended and the "
                    + "last forecasts are out, or Ctrl-C).")
    long forSeconds;

    @Option(names = "--summary", paramLabel = "FILE",
            description = "Write the final figures as JSON: segments, segments_with_forecasts, forecasts, rejected, "
                    + "lag_ms_p50, lag_ms_p99, congestion_levels, model_versions_used, steps_without_forecast "
                    + "(segment-steps with no forecast up to the newest complete step), zonings_seen, job_restarts, "
                    + "models_refused (retrained candidates the promotion gate refused), alerts_records and "
                    + "outlook_records (what the dashboard published on roadcast.alerts and roadcast.outlook). "
                    + "Default: none, the figures are printed on the 'final:' line.")
    Path summaryFile;

    @Option(names = "--every", paramLabel = "SECONDS", defaultValue = "5",
            description = "Console summary interval (default: ${DEFAULT-VALUE}).")
    long everySeconds;

    /**
     * Half the job's 1 s: the demo shows lag live, and at 0.5 s its p99 stays under a second; longer intervals cost
     * less CPU and fewer Kafka transactions.
     */
    @Mixin
    JobOptions.Checkpoints checkpoints = new JobOptions.Checkpoints(Duration.ofMillis(500));

    /**
     * 1 s where the job has none: the replay sends each step in one burst, so a zone quiet for a second has had its
     * step's readings, and its forecast need not wait for the allowed lateness because of a missing segment.
     */
    @Mixin
    JobOptions.Release release = new JobOptions.Release(Duration.ofSeconds(1));

    @Mixin
    JobOptions.Lateness lateness = new JobOptions.Lateness();

    @Option(names = "--wait-for-step-end",
            description = "Forecast a step only when event time has passed its end plus the allowed lateness, even when "
                    + "every segment has reported (default: forecast a complete step at once, lag ~ checkpoint interval).")
    boolean waitForStepEnd;

    @Option(names = "--warmup-steps", paramLabel = "N", defaultValue = "2",
            description = "Before the replay: wait for the job's first checkpoint, send the last N steps of the "
                    + "training part at once and wait until their forecasts are committed, then start the replay and "
                    + "measure lag from there. Sources, operators, sinks, the first Kafka transactions and the JIT have "
                    + "then all run once, so the first replayed step is as fast as the others. Those N forecasts are "
                    + "real ones (issued just before the replay's first step) and reach the dashboard. 0 = none: the "
                    + "first step pays for the start-up (default: ${DEFAULT-VALUE}).")
    int warmupSteps;

    @Option(names = "--no-dashboard", description = "Do not start (or print how to start) the dashboard.")
    boolean noDashboard;

    @Option(names = "--port", defaultValue = "8080", description = "Dashboard HTTP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--api-key", paramLabel = "KEY", description = "API key the dashboard's HTTP API requires "
            + "(default: none, serve generates an admin key and prints it).")
    String apiKey;

    @Option(names = "--api-keys", paramLabel = "FILE", description = "Key file for the dashboard's HTTP API instead of "
            + "--api-key: SHA-256 digests with roles (read/admin), re-read on change; see roadcast serve --help "
            + "(default: none).")
    Path apiKeys;

    @Option(names = "--retrain-every", paramLabel = "SECONDS", defaultValue = "0",
            description = "Retrain every this many seconds on the stream's own archive (the training history plus the "
                    + "readings the job has accepted since), publish to --registry and let the running job switch to "
                    + "the new version, zones and all, without a restart (default: ${DEFAULT-VALUE} = never).")
    long retrainEverySeconds;

    /** For the first model and every retrain. */
    @Mixin
    ZoneSizeOption zoneSize = new ZoneSizeOption();

    @Option(names = "--max-horizon", paramLabel = "MIN",
            description = "Longest forecast lead time in minutes (as roadcast train --max-horizon, e.g. 120 or 180): "
                    + "the model, the stream, the API (/api/network?horizon=MIN) and the dashboard's slider reach it. "
                    + "When the registry's latest model forecasts another range, a model is trained for this one and "
                    + "published (default: the registry's latest model as it is; 60 when one is trained).")
    Integer maxHorizon;

    @Option(names = "--retrain-holdout", paramLabel = "DURATION",
            description = "Newest part of the archive the promotion gate holds out to compare the candidate with the "
                    + "model in service (default: the archive's readings newer than the model in service's data, at "
                    + "most a day; roadcast retrain holds out one day).")
    Duration retrainHoldout;

    @Option(names = "--archive", paramLabel = "DIR",
            description = "Where the job archives the readings it accepts, by day (default with --retrain-every: a "
                    + "temporary folder, seeded with the first model's training history).")
    Path archive;

    /** Retrained candidates the promotion gate refused during this run. */
    private final java.util.concurrent.atomic.AtomicInteger modelsRefused = new java.util.concurrent.atomic.AtomicInteger();

    /** How the dashboard is started: a child JVM running {@code roadcast serve}; tests replace it. */
    DashboardLauncher dashboard;

    /**
     * Tests: the run ends at the first console summary whose figures satisfy this (--for stays the limit), so a test
     * waits for what it checks rather than a fixed time. Null = run for --for.
     */
    java.util.function.Predicate<DemoSummary> until;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!(speedup > 0) || Double.isInfinite(speedup)) {
            err.println("--speedup must be a positive number, got " + speedup);
            return 2;
        }
        if (apiKey != null && apiKeys != null) {
            err.println("give --api-key or --api-keys, not both");
            return 2;
        }
        if (apiKeys != null && !Files.isReadable(apiKeys)) {
            err.println("--api-keys: cannot read " + apiKeys);
            return 2;
        }
        if (retrainEverySeconds < 0 || zoneSize.maxZoneSize() < 1) {
            err.println("--retrain-every must be >= 0 and --max-zone-size >= 1");
            return 2;
        }
        if (retrainHoldout != null && (retrainHoldout.isNegative() || retrainHoldout.isZero())) {
            err.println("--retrain-holdout must be positive, got " + retrainHoldout);
            return 2;
        }
        Dataset data;
        try {
            data = loadDataset(out);
            if (maxHorizon != null) {
                TrainingOptions.checkHorizon(maxHorizon, data.history().step());
            }
        } catch (RuntimeException e) {
            err.println("cannot read the data set: " + e.getMessage());
            return 2;
        }
        int steps = data.history().steps();
        int trainRows = Math.max(2, steps * 5 / 7);
        if (trainRows >= steps) {
            err.println("data set " + data.name() + " has only " + steps + " steps: nothing left to replay");
            return 2;
        }
        ManifoldModel model = modelFor(data, trainRows, out);
        if (model == null) {
            err.println("the latest model in " + registry + " is for another network than " + data.name()
                    + ": use another --registry");
            return 2;
        }

        // the checkpoints and (without --archive) the archive, gone at exit or on an interrupt
        try (ScratchDirectory scratch = ScratchDirectory.create("roadcast-demo")) {
            if (archive == null && retrainEverySeconds > 0) {
                archive = Files.createDirectories(scratch.path().resolve("archive"));
            }
            if (archive != null) {
                DayArchive.describe(archive, model);
                if (!DayArchiveFolder.isArchive(archive)) {
                    DayArchive.backfill(archive, data.history(), trainRows);
                    out.println("archive " + archive + ": seeded with the " + trainRows + " training steps");
                }
            }

            try (EmbeddedKafka kafka = new EmbeddedKafka().start()) {
                kafka.createTopics(IN, OUT, REJECTED);
                String bootstrap = kafka.bootstrapServers();
                out.println("Kafka broker at " + bootstrap);
                JobConfig cfg = JobOptions.apply(JobConfig.defaults(registry)
                        .withCheckpoints(JobConfig.DEFAULT_CHECKPOINT_INTERVAL,
                                scratch.path().resolve("checkpoints").toString())
                        .withJobName("roadcast demo"), checkpoints, release, lateness);
                if (waitForStepEnd) {
                    cfg = cfg.withCloseAfterQuiet(null);
                } else {
                    cfg = cfg.withCloseWhenComplete(true).withCloseWhenExpected(true);
                }
                int restPort = JobRestarts.freePort();
                ForecastJob job = new ForecastJob(
                        ExactlyOnceKafka.source(bootstrap, IN, "roadcast-demo", new RawRecordDeserializer()),
                        KafkaOutputs.forecasts(bootstrap, OUT, "roadcast-demo", release.delivery()),
                        KafkaOutputs.deadLetters(bootstrap, REJECTED, "roadcast-demo"), cfg)
                        .withFlinkOption("rest.port", Integer.toString(restPort));
                if (archive != null) {
                    job.withArchive(DayArchive.sink(archive, model.timeZone()));
                }
                DashboardLauncher launcher = dashboard != null ? dashboard : new ServingProcess(registry, apiKeys);
                AutoCloseable dash = noDashboard ? () -> { } : launcher.start(bootstrap, OUT, port, apiKey, out);
                JobClient client = job.executeAsync();
                scratch.stopOnExitBeforeDeleting(() -> cancel(client)); // its checkpoints are in scratch
                Instant replayFrom = Instant.ofEpochMilli(data.history().epochMillis(trainRows));
                ScheduledExecutorService retrains = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "demo-retrain");
                    t.setDaemon(true);
                    return t;
                });
                try (ForecastWatcher watcher = new ForecastWatcher(bootstrap, OUT, REJECTED, job.layout().size())
                        .withStep(model.step()).start();
                     FeedPublisher publisher = new FeedPublisher(bootstrap, IN, speedup)) {
                    if (warmupSteps > 0) {
                        warmUp(bootstrap, restPort, client.getJobID().toHexString(), data, trainRows, replayFrom,
                                watcher, out);
                    }
                    publisher.start(FeedReplay.from(data, replayFrom), 0);
                    out.printf("replaying %s from %s (%d steps) at %.0fx; forecasts of model %s%n", data.name(), replayFrom,
                            steps - trainRows, speedup, model.version());
                    if (retrainEverySeconds > 0) {
                        out.printf("retraining every %d s on %s (max zone size %d)%n", retrainEverySeconds, archive,
                                zoneSize.maxZoneSize());
                        // At a fixed rate: a retrain starts every N s from the start (one that overruns delays the
                        // next, never runs beside it), not N s after the previous one ended.
                        retrains.scheduleAtFixedRate(() -> retrain(out), retrainEverySeconds, retrainEverySeconds,
                                TimeUnit.SECONDS);
                    }
                    out.flush();
                    run(publisher, watcher, out);
                    retrains.shutdownNow();
                    DemoSummary summary = watcher.summary()
                            .withLoop(zoningsOf(watcher.summary().modelVersionsUsed()),
                                    JobRestarts.of(restPort, client.getJobID().toHexString()),
                                    retrainEverySeconds > 0 ? modelsRefused.get() : -1);
                    com.fasterxml.jackson.databind.node.ObjectNode json = summary.toJson();
                    if (!noDashboard) {
                        // what serving published from the forecasts: incident alerts and one outlook per network step
                        decisionRecords(bootstrap).forEach(json::put);
                    }
                    out.println("final: " + json.toString());
                    if (summaryFile != null) {
                        Path parent = summaryFile.toAbsolutePath().getParent();
                        if (parent != null) {
                            Files.createDirectories(parent);
                        }
                        new com.fasterxml.jackson.databind.ObjectMapper()
                                .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                                .writeValue(summaryFile.toFile(), json);
                        out.println("summary written to " + summaryFile);
                    }
                } finally {
                    retrains.shutdownNow();
                    cancel(client);
                    dash.close();
                }
            }
            out.flush();
            return 0;
        }
    }

    /**
     * Runs the job once end to end before the replay (see --warmup-steps): first checkpoint, then the last training
     * steps, then their committed forecasts; the lag measured so far is forgotten.
     */
    private void warmUp(String bootstrap, int restPort, String jobId, Dataset data, int trainRows, Instant replayFrom,
                        ForecastWatcher watcher, PrintWriter out) throws InterruptedException {
        long t0 = System.nanoTime();
        Duration limit = Duration.ofMinutes(3);
        if (roadcast.bench.CheckpointStats.await(restPort, jobId, 1, limit) == null) {
            out.println("warm-up: no checkpoint within " + limit.toMinutes() + " minutes; starting the replay anyway");
            return;
        }
        if (archive != null) {
            // the archive already holds the training rows: sending some again would write them twice
            out.printf("warm-up: first checkpoint after %.1f s (no warm-up steps: the archive holds them already)%n",
                    (System.nanoTime() - t0) / 1e9);
            return;
        }
        int rows = Math.min(warmupSteps, trainRows);
        List<SpeedReading> readings = new ArrayList<>();
        FeedReplay before = FeedReplay.from(data, Instant.ofEpochMilli(data.history().epochMillis(trainRows - rows)));
        while (before.hasNext()) {
            SpeedReading r = before.next();
            if (r.timeMillis() >= replayFrom.toEpochMilli()) {
                break;
            }
            readings.add(r);
        }
        long forecastsBefore = watcher.forecasts();
        try (FeedPublisher warm = new FeedPublisher(bootstrap, IN, 0)) {
            warm.publish(readings.iterator(), 0);
        }
        // A step is forecast when complete, or after --close-after-quiet: wait for every warm-up step's forecasts, so
        // none of them arrives after the reset below and counts as the replay's lag.
        long deadline = System.nanoTime() + limit.toNanos();
        while (watcher.forecasts() - forecastsBefore < (long) rows * data.history().segments()
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        watcher.resetLag();
        out.printf("warm-up: first checkpoint, then %d step(s) before the replay (%d readings, %d forecasts) in %.1f s%n",
                rows, readings.size(), watcher.forecasts() - forecastsBefore, (System.nanoTime() - t0) / 1e9);
        out.flush();
    }

    private void run(FeedPublisher publisher, ForecastWatcher watcher, PrintWriter out) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = forSeconds > 0 ? start + Duration.ofSeconds(forSeconds).toNanos() : Long.MAX_VALUE;
        long lastSent = 0;
        long lastForecasts = 0;
        long lastTick = start;
        long quietSince = Long.MAX_VALUE;
        long every = Math.max(1, everySeconds) * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            long sleep = Math.min(every, Math.max(1, deadline - System.nanoTime())) / 1_000_000L;
            Thread.sleep(Math.max(1, sleep));
            long now = System.nanoTime();
            double seconds = (now - lastTick) / 1e9;
            long sent = publisher.sent();
            long forecasts = watcher.forecasts();
            DemoSummary s = watcher.summary();
            out.printf("[%4.0fs] records/s %7.0f  forecasts/s %7.0f  lag p50 %6.0f ms p99 %6.0f ms  rejected %d  "
                            + "segments %d/%d  congestion %s%n", (now - start) / 1e9, (sent - lastSent) / seconds,
                    (forecasts - lastForecasts) / seconds, s.lagMsP50(), s.lagMsP99(), s.rejected(),
                    s.segmentsWithForecasts(), s.segments(), s.levels());
            out.flush();
            if (until != null && until.test(s.withLoop(-1, -1, retrainEverySeconds > 0 ? modelsRefused.get() : -1))) {
                break;
            }
            boolean replayOver = replayOver(publisher, out);
            if (forSeconds == 0 && replayOver) {
                // The last steps close when event time moves on; with no more input, idleness ends them.
                quietSince = forecasts == lastForecasts ? Math.min(quietSince, now) : Long.MAX_VALUE;
                if (now - quietSince > Duration.ofSeconds(15).toNanos()) {
                    break;
                }
            }
            lastSent = sent;
            lastForecasts = forecasts;
            lastTick = now;
        }
    }

    private static boolean replayOver(FeedPublisher publisher, PrintWriter out) throws InterruptedException {
        try {
            return publisher.await(Duration.ofMillis(1)) != null;
        } catch (IllegalStateException e) {
            out.println("replay stopped: " + e.getMessage());
            return true;
        }
    }

    private Dataset loadDataset(PrintWriter out) throws java.io.IOException {
        return dataset.load(42, "demo", out);
    }

    /** The registry's latest model, or one trained on rows [0, trainRows) and published; null if it does not fit. */
    private ManifoldModel modelFor(Dataset data, int trainRows, PrintWriter out) throws java.io.IOException {
        ModelRegistry models = new ModelRegistry(registry);
        var latest = models.loadLatest();
        if (latest.isPresent() && (maxHorizon == null || lastHorizon(latest.get()) == expectedLastHorizon(data))) {
            ManifoldModel m = latest.get();
            out.println("model " + m.version() + " from " + registry + " (horizons up to " + lastHorizon(m) + " min)");
            return java.util.Arrays.equals(m.network().segmentIds(), data.network().segmentIds()) ? m : null;
        }
        if (latest.isPresent()) {
            out.printf("the latest model in %s (%s) forecasts up to %d min, not %d: training on the first %d of %d "
                            + "steps of %s%n", registry, latest.get().version(), lastHorizon(latest.get()), maxHorizon,
                    trainRows, data.history().steps(), data.name());
        } else {
            out.printf("no model in %s: training on the first %d of %d steps of %s%n", registry, trainRows,
                    data.history().steps(), data.name());
        }
        out.flush();
        TrainingRun.Outcome outcome;
        try (ProgressBars bars = new ProgressBars(true)) {
            TrainingConfig config = trainingConfig(data).withMaxZoneSize(zoneSize.maxZoneSize());
            if (maxHorizon != null) {
                config = config.withMaxHorizon(maxHorizon);
            }
            outcome = TrainingRun.train(data, trainRows, config, bars);
        }
        String version = models.publish(outcome.model());
        out.printf("trained in %.1f s, published as %s (horizons up to %d min)%n", outcome.seconds(), version,
                lastHorizon(outcome.model()));
        return models.load(version);
    }

    private static int lastHorizon(ManifoldModel m) {
        int[] h = m.horizonsMin();
        return h.length == 0 ? 0 : h[h.length - 1];
    }

    /** The longest horizon a model trained with {@code --max-horizon} forecasts on this data (whole steps). */
    private int expectedLastHorizon(Dataset data) {
        long stepMin = data.history().step().toMinutes();
        return (int) (maxHorizon / stepMin * stepMin);
    }

    /**
     * One retrain, exactly as {@code roadcast retrain} runs it ({@link Retrain#runOnce}): the archive (the training
     * history plus the days the job wrote), zones anchored to the model in service, the promotion gate against it on
     * the newest part of the archive, then published or kept aside. A refused candidate is logged and counted
     * ({@code models_refused}); the job keeps the model in service.
     *
     * <p>The gate holds out the archive's readings newer than the model in service's training data (at most a day,
     * or {@code --retrain-holdout}), so both models are judged on readings neither has seen: the daily loop's one day
     * would here be mostly the service's own training rows, on which it cannot lose. With fewer new steps than one
     * forecast spans, the retrain waits for them up to half a round, else skips the round.
     */
    private void retrain(PrintWriter out) {
        try {
            long started = System.nanoTime();
            Duration holdout = retrainHoldout;
            if (holdout == null) {
                ModelRegistry models = new ModelRegistry(registry);
                ManifoldModel service = models.loadLatest().orElseThrow();
                SpeedHistory archived = DatasetLoader.load(archive).history();
                int newRows = rowsAfter(archived, service.card().trainedTo());
                int needed = service.leads().max() + 1; // a row for the farthest horizon to be scored
                // Short of them: wait within this round (the replay brings a step every step/speedup seconds) rather
                // than skip it, for at most half a round.
                long deadline = System.nanoTime() + retrainEverySeconds * 500_000_000L;
                while (newRows < needed && System.nanoTime() < deadline) {
                    Thread.sleep(2000);
                    archived = DatasetLoader.load(archive).history();
                    newRows = rowsAfter(archived, service.card().trainedTo());
                }
                if (newRows < needed) {
                    out.printf("[retrain] skipped: %d steps of the archive are newer than the data of %s (to %s); "
                                    + "the gate needs %d to judge both models on readings neither has seen%n", newRows,
                            service.version(), service.card().trainedTo(), needed);
                    out.flush();
                    return;
                }
                int dayRows = (int) (86_400_000L / archived.step().toMillis());
                holdout = archived.step().multipliedBy(Math.min(newRows, dayRows));
            }
            Retrain.Result r = Retrain.runOnce(archive, registry, Retrain.Options.defaults()
                    .withMaxZoneSize(zoneSize.maxZoneSize()).withHoldout(holdout), roadcast.fit.ProgressListener.NONE);
            double seconds = (System.nanoTime() - started) / 1e9;
            ManifoldModel candidate = r.promotion().model();
            var zoning = candidate.card().zoning();
            var changes = zoning == null ? null : zoning.changes();
            String zones = changes == null ? candidate.zoneCount() + " zones"
                    : String.format("%d zones (%d kept, %d new)", candidate.zoneCount(), changes.kept().size(),
                    changes.created().size());
            String fingerprint = zoning == null ? "" : ", zoning " + zoning.fingerprint().substring(0, 12);
            if (r.published()) {
                out.printf("[retrain] %d steps of the archive (to %s), %s held out, in %.1f s: gate passed, "
                                + "published %s, %s%s%n", r.rows(), r.windowTo(), holdout, seconds, r.version(), zones,
                        fingerprint);
            } else {
                modelsRefused.incrementAndGet();
                out.printf("[retrain] %d steps of the archive (to %s), %s held out, in %.1f s: candidate %s REFUSED by "
                                + "the promotion gate (%s); %s stays in service, candidate kept aside in %s%n", r.rows(),
                        r.windowTo(), holdout, seconds, r.version(), String.join("; ", r.reasons()),
                        r.promotion().inService(), r.promotion().directory());
            }
        } catch (Exception | OutOfMemoryError e) {
            LOG.warn("retrain failed", e);
            out.println("[retrain] failed: " + e);
        }
        out.flush();
    }

    /**
     * Rows of the history after a model card's {@code trainedTo} (local time, then the zone id:
     * {@code 2012-03-05T23:55 America/Los_Angeles}); all of them when it cannot be read.
     */
    static int rowsAfter(SpeedHistory history, String trainedTo) {
        java.time.LocalDateTime after;
        try {
            after = java.time.LocalDateTime.parse(trainedTo.strip().split(" ")[0]);
        } catch (RuntimeException e) {
            return history.steps();
        }
        int rows = 0;
        for (int t = history.steps() - 1; t >= 0 && history.time(t).isAfter(after); t--) {
            rows++;
        }
        return rows;
    }

    /** Distinct zonings among the given versions of the registry (-1 if one cannot be read any more). */
    private int zoningsOf(java.util.List<String> versions) {
        java.util.Set<String> zonings = new java.util.HashSet<>();
        for (String v : versions) {
            try {
                zonings.add(NetworkLayout.of(new ModelRegistry(registry).load(v), null, null).zoningFingerprint());
            } catch (Exception e) {
                return -1;
            }
        }
        return zonings.size();
    }

    /** The trainer's defaults for a data set, exactly as {@code roadcast train} without options. */
    public static TrainingConfig trainingConfig(Dataset data) {
        return new TrainingOptions().toConfig(data);
    }

    /** Records on the topics serving publishes ({@code alerts_records}, {@code outlook_records}; -1 = no topic). */
    static java.util.Map<String, Long> decisionRecords(String bootstrap) {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(p)) {
            for (String[] t : new String[][] {{"alerts_records", "roadcast.alerts"},
                    {"outlook_records", "roadcast.outlook"}}) {
                var infos = consumer.listTopics(Duration.ofSeconds(10)).get(t[1]);
                if (infos == null) {
                    out.put(t[0], -1L);
                    continue;
                }
                var partitions = infos.stream()
                        .map(i -> new org.apache.kafka.common.TopicPartition(t[1], i.partition())).toList();
                out.put(t[0], consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum());
            }
        } catch (RuntimeException e) {
            LOG.warn("could not count the decision topics: {}", e.toString());
        }
        return out;
    }

    private static void cancel(JobClient client) {
        try {
            client.cancel().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("could not cancel the forecast job: {}", e.toString());
        }
    }
}
