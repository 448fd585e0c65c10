package roadcast.stream;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of one {@link ForecastJob}. Defaults ({@link #defaults(Path)}) suit the demo: 1 s checkpoints (output
 * becomes visible only when a checkpoint completes), RocksDB state, event time with no out-of-orderness beyond the
 * model's allowed lateness.
 *
 * @param jobName               Flink job name
 * @param registry              model registry folder (the job loads its model from there, also on the task managers)
 * @param modelVersion          version to start with; null = the registry's latest
 * @param parallelism           operator parallelism; 0 = not set here: {@code flink run -p} or the cluster's
 *                              {@code parallelism.default} decide (1 on a local mini-cluster)
 * @param checkpointInterval    checkpoint interval (exactly-once output is committed on each checkpoint)
 * @param checkpointDir         where checkpoints go: a URI with a scheme ({@code file:///..., s3://..., hdfs://...})
 *                              or a local path (made absolute); null = Flink's default (JobManager memory)
 * @param rocksDb               keep keyed state in RocksDB (false: heap, for quick local runs)
 * @param maxOutOfOrderness     bounded out-of-orderness of the watermarks
 * @param idleness              an input without records for this long stops holding the watermark back; null =
 *                              {@link #DEFAULT_IDLENESS}, zero = off (then a source subtask without a partition holds
 *                              event time at its start for ever and no step closes by event time). While the whole feed pauses, event time stays put (steps then close by
 *                              completeness or closeAfterQuiet); see {@link ZoneOperator} for the bug this once was
 * @param allowedLateness       how long after its end a step stays open; null = the model's credibility rules
 * @param maxFuture             how far event time may lead the wall clock; null = the model's credibility rules
 * @param forecastOnEveryUpdate also issue a provisional forecast on every accepted reading (state untouched)
 * @param closeWhenComplete     close a zone's step as soon as every segment of the zone has a reading, with any older
 *                              open step of the zone, without waiting for event time to pass its end (later readings
 *                              of those steps, e.g. from a second source, are then refused as too late): lag becomes
 *                              about the checkpoint interval
 * @param modelPoll             how often to look for a newer model in the registry; null or zero = never
 * @param closeAfterQuiet       close a zone's open steps when no reading for the zone has arrived for this long
 *                              (processing time): feeds that deliver each step in one burst then get forecasts
 *                              right after the burst even when some segments are missing; null or zero = off
 * @param closeWhenExpected     close a zone's step as soon as every segment that reported in the zone's previous step
 *                              has reported ({@link ExpectedReadings}), without waiting for the silent ones (a sensor
 *                              in a dropout): a segment silent then whose reading comes after all the others is
 *                              refused as too late (dead-lettered) and awaited in the next step. Off by default: the
 *                              stream then forecasts exactly what the backtest does (the chaos check relies on it)
 * @param closeOnSchedule       close a zone's step once every segment seen since the start has reported or is known
 *                              to be absent by the feed's schedule: its input partition read past the segment's place
 *                              in the step (learned from the steps before) plus this grace ({@link ReadingSchedule});
 *                              made for feeds spread over the step, where a pause closes early. null or zero = off
 * @param zoneWorkers           threads beside the zone operator's that run a closed zone's kernel and write its
 *                              forecasts' JSON while the operator reads on ({@link ZoneWorkers}); 0 = none, all on the
 *                              operator's thread. Same forecasts, same order per segment
 * @param jsonForecasts         the forecast sink writes JSON (the default; false with Avro): only then do the zone
 *                              workers write the records
 * @param checkpointOnStep      ask for a checkpoint as soon as every zone has closed a step ({@link CheckpointPacer}):
 *                              exactly-once forecasts are committed about one checkpoint after the step instead of at
 *                              the next periodic checkpoint, which stays as the backstop
 */
public record JobConfig(String jobName, Path registry, String modelVersion, int parallelism,
                        Duration checkpointInterval, String checkpointDir, boolean rocksDb,
                        Duration maxOutOfOrderness, Duration idleness, Duration allowedLateness, Duration maxFuture,
                        boolean forecastOnEveryUpdate, boolean closeWhenComplete, Duration modelPoll,
                        Duration closeAfterQuiet, boolean closeWhenExpected, Duration closeOnSchedule,
                        int zoneWorkers, boolean jsonForecasts, boolean checkpointOnStep) {

    /**
     * Idleness unless set: long enough that a partition between two bursts of one feed is not declared idle while
     * others run ahead by more than the allowed lateness, short enough that a subtask with no partition does not
     * delay the first forecasts noticeably.
     */
    public static final Duration DEFAULT_IDLENESS = Duration.ofSeconds(10);

    /** Checkpoint interval unless set: forecasts (exactly once) become visible about a second after they are issued. */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

    public JobConfig {
        if (registry == null) {
            throw new IllegalArgumentException("a model registry folder is required");
        }
        if (parallelism < 0) {
            throw new IllegalArgumentException("parallelism must be at least 1 (or 0 for the cluster's), got "
                    + parallelism);
        }
        if (checkpointInterval == null || checkpointInterval.toMillis() < 10) {
            throw new IllegalArgumentException("checkpoint interval must be at least 10 ms, got " + checkpointInterval);
        }
        if (maxOutOfOrderness == null || maxOutOfOrderness.isNegative()) {
            throw new IllegalArgumentException("out-of-orderness must not be negative, got " + maxOutOfOrderness);
        }
        if (allowedLateness != null && allowedLateness.isNegative()) {
            throw new IllegalArgumentException("allowed lateness must not be negative, got " + allowedLateness);
        }
        if (zoneWorkers < 0) {
            throw new IllegalArgumentException("zone workers must be at least 0, got " + zoneWorkers);
        }
        if (jobName == null || jobName.isBlank()) {
            jobName = "roadcast-forecast";
        }
    }

    public static JobConfig defaults(Path registry) {
        return new JobConfig("roadcast-forecast", registry, null, 1, DEFAULT_CHECKPOINT_INTERVAL, null, true,
                Duration.ZERO, null, null, null, false, false, Duration.ofSeconds(5), null, false, null, 0, true,
                true);
    }

    public JobConfig withModelVersion(String version) {
        return new JobConfig(jobName, registry, version, parallelism, checkpointInterval, checkpointDir, rocksDb,
                maxOutOfOrderness, idleness, allowedLateness, maxFuture, forecastOnEveryUpdate, closeWhenComplete,
                modelPoll, closeAfterQuiet, closeWhenExpected, closeOnSchedule, zoneWorkers, jsonForecasts,
                checkpointOnStep);
    }

    public JobConfig withParallelism(int p) {
        return new JobConfig(jobName, registry, modelVersion, p, checkpointInterval, checkpointDir, rocksDb,
                maxOutOfOrderness, idleness, allowedLateness, maxFuture, forecastOnEveryUpdate, closeWhenComplete,
                modelPoll, closeAfterQuiet, closeWhenExpected, closeOnSchedule, zoneWorkers, jsonForecasts,
                checkpointOnStep);
    }

    public JobConfig withCheckpoints(Duration interval, Path dir) {
        return withCheckpoints(interval, dir == null ? null : dir.toString());
    }

    /** @param dir a URI with a scheme, or a local path */
    public JobConfig withCheckpoints(Duration interval, String dir) {
        return new JobConfig(jobName, registry, modelVersion, parallelism, interval, dir, rocksDb,
                maxOutOfOrderness, idleness, allowedLateness, maxFuture, forecastOnEveryUpdate, closeWhenComplete,
                modelPoll, closeAfterQuiet, closeWhenExpected, closeOnSchedule, zoneWorkers, jsonForecasts,
                checkpointOnStep);
    }

    public JobConfig withRocksDb(boolean on) {
        return new JobConfig(jobName, registry, modelVersion, parallelism, checkpointInterval, checkpointDir, on,
                maxOutOfOrderness, idleness, allowedLateness, maxFuture, forecastOnEveryUpdate, closeWhenComplete,
                modelPoll, closeAfterQuiet, closeWhenExpected, closeOnSchedule, zoneWorkers, jsonForecasts,
                checkpointOnStep);
    }

    /** Out-of-orderness, idleness, lateness and future limit (null lateness / future = the model's rules). */
    public JobConfig withEventTime(Duration outOfOrderness, Duration idle, Duration lateness, Duration future) {
        return new JobConfig(jobName, registry, modelVersion, parallelism, checkpointInterval, checkpointDir, rocksDb,
                outOfOrderness, idle, lateness, future, forecastOnEveryUpdate, closeWhenComplete, modelPoll,
                closeAfterQuiet, closeWhenExpected, closeOnSchedule, zoneWorkers, jsonForecasts,
                checkpointOnStep);
    }

    public JobConfig withForecastOnEveryUpdate(boolean on) {
        return new JobConfig(jobName, registry, modelVersion, parallelism, checkpointInterval, checkpointDir, rocksDb,
                maxOutOfOrderness, idleness, allowedLateness, maxFuture, on, closeWhenComplete, modelPoll,
                closeAfterQuiet, closeWhenExpected, closeOnSchedule, zoneWorkers, jsonForecasts,
                checkpointOnStep);
    }

    public JobConfig withCloseWhenComplete(boolean on) {
        return new JobConfig(jobName, registry, modelVersion, parallelism, checkpointInterval, checkpointDir, rocksDb,
                maxOutOfOrderness, idleness, allowedLateness, maxFuture, forecastOnEveryUpdate, on,
                modelPoll, closeAfterQuiet, closeWhenExpected, closeOnSchedule, zoneWorkers, jsonForecasts,
                checkpointOnStep);
    }

    public JobConfig withModelPoll(Duration poll) {
        return new JobConfig(jobName, registry, modelVersion, parallelism, checkpointInterval, checkpointDir, rocksDb,
                maxOutOfOrderness, idleness, allowedLateness, maxFuture, forecastOnEveryUpdate,
                closeWhenComplete, poll, closeAfterQuiet, closeWhenExpected, closeOnSchedule, zoneWorkers,
                jsonForecasts, checkpointOnStep);
    }

    public JobConfig withJobName(String name) {
        return new JobConfig(name, registry, modelVersion, parallelism, checkpointInterval, checkpointDir, rocksDb,
                maxOutOfOrderness, idleness, allowedLateness, maxFuture, forecastOnEveryUpdate, closeWhenComplete,
                modelPoll, closeAfterQuiet, closeWhenExpected, closeOnSchedule, zoneWorkers, jsonForecasts,
                checkpointOnStep);
    }

    public JobConfig withCloseWhenExpected(boolean on) {
        return new JobConfig(jobName, registry, modelVersion, parallelism, checkpointInterval, checkpointDir, rocksDb,
                maxOutOfOrderness, idleness, allowedLateness, maxFuture, forecastOnEveryUpdate, closeWhenComplete,
                modelPoll, closeAfterQuiet, on, closeOnSchedule, zoneWorkers, jsonForecasts,
                checkpointOnStep);
    }

    public JobConfig withCloseOnSchedule(Duration grace) {
        return new JobConfig(jobName, registry, modelVersion, parallelism, checkpointInterval, checkpointDir, rocksDb,
                maxOutOfOrderness, idleness, allowedLateness, maxFuture, forecastOnEveryUpdate, closeWhenComplete,
                modelPoll, closeAfterQuiet, closeWhenExpected, grace, zoneWorkers, jsonForecasts,
                checkpointOnStep);
    }

    public JobConfig withCloseAfterQuiet(Duration quiet) {
        return new JobConfig(jobName, registry, modelVersion, parallelism, checkpointInterval, checkpointDir, rocksDb,
                maxOutOfOrderness, idleness, allowedLateness, maxFuture, forecastOnEveryUpdate, closeWhenComplete,
                modelPoll, quiet, closeWhenExpected, closeOnSchedule, zoneWorkers, jsonForecasts,
                checkpointOnStep);
    }

    /** @param threads zone workers (0 = none); @param json whether the forecast sink writes JSON */
    public JobConfig withZoneWorkers(int threads, boolean json) {
        return new JobConfig(jobName, registry, modelVersion, parallelism, checkpointInterval, checkpointDir, rocksDb,
                maxOutOfOrderness, idleness, allowedLateness, maxFuture, forecastOnEveryUpdate, closeWhenComplete,
                modelPoll, closeAfterQuiet, closeWhenExpected, closeOnSchedule, threads, json, checkpointOnStep);
    }

    public JobConfig withCheckpointOnStep(boolean on) {
        return new JobConfig(jobName, registry, modelVersion, parallelism, checkpointInterval, checkpointDir, rocksDb,
                maxOutOfOrderness, idleness, allowedLateness, maxFuture, forecastOnEveryUpdate, closeWhenComplete,
                modelPoll, closeAfterQuiet, closeWhenExpected, closeOnSchedule, zoneWorkers, jsonForecasts, on);
    }

    /** The schedule rule's grace in ms; 0 = off. */
    public long closeOnScheduleMillis() {
        return closeOnSchedule == null || closeOnSchedule.isNegative() ? 0 : closeOnSchedule.toMillis();
    }

    public long closeAfterQuietMillis() {
        return closeAfterQuiet == null || closeAfterQuiet.isNegative() ? 0 : closeAfterQuiet.toMillis();
    }

    /**
     * The checkpoint location as Flink wants it: a URI with a scheme is kept as written ({@code file:///shared/cp},
     * {@code s3://bucket/cp}); anything else is a local path, made absolute. (Read as a {@code Path}, a
     * {@code file:///...} argument once became a folder named {@code file:} under the working directory.)
     */
    public static String checkpointUri(String dir) {
        if (dir == null || dir.isBlank()) {
            return null;
        }
        if (dir.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:/.*")) {
            return java.net.URI.create(dir).normalize().toString();
        }
        return Path.of(dir).toAbsolutePath().normalize().toUri().toString();
    }

    /** The idleness in effect: null when off. */
    public Duration effectiveIdleness() {
        Duration d = idleness == null ? DEFAULT_IDLENESS : idleness;
        return d.isZero() || d.isNegative() ? null : d;
    }

    public boolean hotReload() {
        return modelPoll != null && !modelPoll.isZero() && !modelPoll.isNegative();
    }
}
