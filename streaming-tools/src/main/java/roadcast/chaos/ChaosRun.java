package roadcast.chaos;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import roadcast.cluster.LocalFlinkCluster;
import roadcast.scratch.ScratchDirectory;
import roadcast.datasets.Dataset;
import roadcast.demo.DemoCommand;
import roadcast.forecast.Forecast;
import roadcast.forecast.ForecastJson;
import roadcast.kafka.EmbeddedKafka;
import roadcast.kafka.ExactlyOnceKafka;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;
import roadcast.replay.FeedPublisher;
import roadcast.replay.FeedReplay;
import roadcast.replay.PublishSummary;
import roadcast.stream.StreamCommand;
import roadcast.train.TrainingRun;

/**
 * One chaos run: a model trained on the first five sevenths of a data set, a real standalone Flink cluster (one
 * JobManager, N TaskManagers, separate JVMs), an embedded broker, the forecast job submitted with {@code flink run}
 * at parallelism N (exactly-once sinks, short checkpoint interval), the rest of the data set replayed at a fixed pace;
 * at N random steps of the replay a TaskManager process is killed with SIGKILL (and started again, as a supervisor
 * would), and the run waits until the job has restored and completed a checkpoint again. Then the output topic is
 * read {@code read_committed} and checked against the offline backtest of the same model on the same input
 * ({@link ExpectedForecasts}, {@link OutputCheck}).
 *
 * <p>Kills land mid-stream: the replay keeps publishing while the job is down and recovers (it only waits at the next
 * kill point until the previous recovery is complete), so every recovery restores open transactions, open steps and
 * a backlog.
 */
public final class ChaosRun {

    static final String IN = "chaos.speed";
    static final String OUT = "chaos.forecast";
    static final String REJECTED = "chaos.speed.rejected";
    /** Why the JobManager is never killed; also in {@code roadcast chaos --help} and the README. */
    public static final String NO_JOBMANAGER_KILL = "a standalone cluster without ZooKeeper or Kubernetes high "
            + "availability has no standby JobManager and no HA store of the job graph and checkpoints: killing its "
            + "JobManager ends the job (it would have to be resubmitted from a retained checkpoint), so only "
            + "TaskManagers are killed";

    /**
     * @param taskManagers       TaskManager processes, one slot each; the job runs at this parallelism
     * @param kills              TaskManager kills
     * @param seed               chooses the kill steps, the moment within the step and the TaskManager
     * @param stepSeconds        wall seconds per replayed time step (the pace of the feed)
     * @param checkpointInterval the job's checkpoint interval
     * @param recoveryTimeout    a kill the job has not recovered from in this long ends the run
     * @param maxSteps           steps to replay at most (0 = every step after the training part)
     * @param jobJar             the job jar for {@code flink run}
     * @param keepLogs           keep the cluster's logs (and checkpoints) also when the run passes
     */
    public record Options(int taskManagers, int kills, long seed, double stepSeconds, Duration checkpointInterval,
                          Duration recoveryTimeout, int maxSteps, Path jobJar, boolean keepLogs) {
        public Options {
            if (taskManagers < 1 || kills < 0 || !(stepSeconds > 0)) {
                throw new IllegalArgumentException("need taskManagers >= 1, kills >= 0, stepSeconds > 0");
            }
        }
    }

    private ChaosRun() {
    }

    /** Runs and returns the report (the JSON of {@code roadcast chaos}). */
    public static ObjectNode run(Dataset data, Options o, PrintWriter out) throws Exception {
        long started = System.nanoTime();
        Path work = Files.createTempDirectory("roadcast-chaos");
        var history = data.history();
        int trainRows = Math.max(2, history.steps() * 5 / 7);
        int feedSteps = history.steps() - trainRows;
        if (o.maxSteps() > 0) {
            feedSteps = Math.min(feedSteps, o.maxSteps());
        }
        int[] killSteps = killSteps(o.kills(), feedSteps, new Random(o.seed()));
        Random chaos = new Random(o.seed() * 31 + 7);

        out.printf("training on the first %d of %d steps of %s (%d segments)%n", trainRows, history.steps(),
                data.name(), history.segments());
        out.flush();
        var training = TrainingRun.train(data, trainRows, DemoCommand.trainingConfig(data), (s, d, t) -> { });
        Path registry = work.resolve("registry");
        ManifoldModel model = new ModelRegistry(registry).load(new ModelRegistry(registry).publish(training.model()));
        Map<String, Forecast> backtest = ExpectedForecasts.of(model, history, trainRows, trainRows + feedSteps);
        // Steps the job must have closed by the end of the feed: a step closes when every segment of its zone has
        // reported, or at the latest when event time passes its end plus the allowed lateness.
        long stepMillis = history.step().toMillis();
        long closedUntil = history.epochMillis(trainRows + feedSteps - 1) - 2 * stepMillis
                - model.credibility().allowedLatenessMillis();
        Set<String> required = new HashSet<>();
        backtest.forEach((k, f) -> {
            if (f.issuedAt() <= closedUntil) {
                required.add(k);
            }
        });
        out.printf("model %s; replaying %d steps at %.2f s per step; %d forecasts required; kills at steps %s%n",
                model.version(), feedSteps, o.stepSeconds(), required.size(), java.util.Arrays.toString(killSteps));
        out.flush();

        ObjectMapper json = new ObjectMapper();
        ObjectNode report = json.createObjectNode();
        List<Double> recoveries = new ArrayList<>();
        try (EmbeddedKafka kafka = new EmbeddedKafka(o.taskManagers(), Map.of()).start();
             LocalFlinkCluster cluster = LocalFlinkCluster.start(work.resolve("flink"), work.resolve("flink-logs"),
                     o.taskManagers(), null, Duration.ofSeconds(180), Map.of(
                             // Survive failures (the cluster's default is none): restart after 1 s, again and again.
                             "restart-strategy.type", "fixed-delay",
                             "restart-strategy.fixed-delay.attempts", "100000",
                             "restart-strategy.fixed-delay.delay", "1 s",
                             // A killed TaskManager is declared lost after 10 s without heartbeats; until then
                             // the scheduler may offer its slot again and a deployment to it waits for the RPC
                             // timeout (60 s on this cluster): recoveries of 50-85 s with the cluster's 120 s.
                             "heartbeat.interval", "1000",
                             "heartbeat.timeout", "10000"))) {
            String bs = kafka.bootstrapServers();
            kafka.createTopics(o.taskManagers(), IN, OUT, REJECTED);
            out.printf("broker at %s; cluster at %s (%d TaskManagers); logs in %s%n", bs, cluster.restUri(),
                    o.taskManagers(), work.resolve("flink-logs"));
            out.flush();
            String jobId = cluster.submit(o.jobJar(), StreamCommand.class.getName(), List.of(
                    "--bootstrap-servers", bs,
                    "--registry", registry.toString(),
                    "--input-topic", IN,
                    "--output-topic", OUT,
                    "--dead-letter-topic", REJECTED,
                    "--parallelism", Integer.toString(o.taskManagers()),
                    "--group-id", "roadcast-chaos",
                    "--checkpoint-interval", o.checkpointInterval().toString(),
                    "--checkpoint-dir", work.resolve("checkpoints").toUri().toString(),
                    "--close-when-complete",
                    // Every source subtask has a partition that carries readings all the time, so none needs to be
                    // declared idle. With idleness on, a subtask that restarts a few seconds after the other (a
                    // TaskManager coming up on a loaded machine) is declared idle while its partition still holds a
                    // backlog; event time then runs ahead on the other one and its readings are refused as too late:
                    // no forecast is lost or doubled, but they differ from the backtest.
                    "--idleness", "PT0S",
                    "--model-poll", "PT0S"));
            try {
                awaitCheckpointAfter(cluster, jobId, 0, Duration.ofSeconds(180));
                out.printf("job %s running and checkpointing%n", jobId);
                out.flush();

                AtomicBoolean aborted = new AtomicBoolean();
                CountDownLatch[] reached = latches(killSteps.length);
                CountDownLatch[] recovered = latches(killSteps.length);
                AtomicInteger stepIndex = new AtomicInteger();
                double speedup = stepMillis / (o.stepSeconds() * 1000.0);
                try (FeedPublisher publisher = new FeedPublisher(bs, IN, speedup).onStep((t, n) -> {
                    int s = stepIndex.getAndIncrement();
                    for (int i = 0; i < killSteps.length; i++) {
                        if (killSteps[i] == s) {
                            // The feed runs on through a recovery, but not past the next kill point before it.
                            if (i > 0) {
                                awaitQuietly(recovered[i - 1], aborted);
                            }
                            reached[i].countDown();
                        }
                    }
                })) {
                    publisher.start(FeedReplay.from(data, Instant.ofEpochMilli(history.epochMillis(trainRows))),
                            countReadings(history, trainRows, feedSteps));
                    try {
                        for (int i = 0; i < killSteps.length; i++) {
                            while (!reached[i].await(1, TimeUnit.SECONDS)) {
                                publisher.await(Duration.ofMillis(1)); // throws if the feed failed
                            }
                            Thread.sleep(chaos.nextInt((int) (o.stepSeconds() * 1000) + 1));
                            int tm = chaos.nextInt(o.taskManagers());
                            long killedAt = System.currentTimeMillis();
                            long pid = cluster.killTaskManager(tm);
                            cluster.restartTaskManager(tm);
                            double seconds = awaitRecovery(cluster, jobId, tm, killedAt, o.recoveryTimeout(), out);
                            recovered[i].countDown();
                            if (seconds < 0) {
                                out.printf("kill %d (step %d, TaskManager %d, pid %d): no recovery within %s%n", i + 1,
                                        killSteps[i], tm, pid, o.recoveryTimeout());
                                report.put("recovery_failure", cluster.jobState(jobId) + ": "
                                        + cluster.jobExceptions(jobId));
                                break;
                            }
                            recoveries.add(seconds);
                            out.printf("kill %d (step %d, TaskManager %d, pid %d): restored and checkpointed again "
                                    + "after %.1f s%n", i + 1, killSteps[i], tm, pid, seconds);
                            out.flush();
                        }
                    } finally {
                        aborted.set(true);
                        for (CountDownLatch l : recovered) {
                            l.countDown();
                        }
                    }
                    // Every kill is behind us, so the rest of the feed is at most its own length away.
                    PublishSummary sent = publisher.await(Duration.ofSeconds((long) (feedSteps * o.stepSeconds()) + 600));
                    if (sent == null) {
                        // still running, or its thread died of an Error without a summary
                        throw new IllegalStateException("the feed publisher did not finish; see the log");
                    }
                    report.put("readings_published", sent.acknowledged());
                }
                out.println("feed published; reading the output topic read_committed");
                out.flush();
                List<Forecast> received = readCommitted(bs, required, Duration.ofSeconds(60));
                OutputCheck check = OutputCheck.of(backtest, required, received);
                JsonNode stats = cluster.checkpointStatistics(jobId);
                report.set("dead_letters_by_reason", json.valueToTree(deadLetterReasons(bs)));

                report.put("kills", killSteps.length);
                report.put("recoveries", recoveries.size());
                report.put("forecasts_expected", check.expected());
                report.put("lost", check.lost());
                report.put("duplicated", check.duplicated());
                report.put("mismatched", check.mismatched());
                report.put("max_recovery_s", recoveries.stream().max(Comparator.naturalOrder())
                        .map(s -> Math.round(s * 10) / 10.0).orElse(0.0));
                report.put("forecasts_received", check.received());
                report.put("jobmanager_kills", 0);
                report.put("jobmanager_kills_reason", NO_JOBMANAGER_KILL);
                var r = report.putArray("recovery_s");
                recoveries.forEach(s -> r.add(Math.round(s * 10) / 10.0));
                var k = report.putArray("kill_steps");
                for (int s : killSteps) {
                    k.add(s);
                }
                report.put("restores", stats.path("counts").path("restored").asInt());
                report.put("checkpoints_completed", stats.path("counts").path("completed").asInt());
                report.put("job_state", cluster.jobState(jobId));
                if (check.firstMismatch() != null) {
                    report.put("first_mismatch", check.firstMismatch());
                }
            } finally {
                try {
                    cluster.cancel(jobId, Duration.ofSeconds(60));
                } catch (IOException e) {
                    out.println("could not cancel the job: " + e.getMessage());
                }
            }
        }
        report.put("dataset", data.name());
        report.put("segments", history.segments());
        report.put("steps_replayed", feedSteps);
        report.put("step_seconds", o.stepSeconds());
        report.put("checkpoint_interval_ms", o.checkpointInterval().toMillis());
        report.put("taskmanagers", o.taskManagers());
        report.put("seed", o.seed());
        report.put("seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
        if (ok(report) && !o.keepLogs()) {
            ScratchDirectory.deleteRecursively(work); // a temporary folder: left behind at worst, with a warning
        } else {
            report.put("work_dir", work.toString());
        }
        return report;
    }

    /** Whether the run reached what issue 10 asks: every kill recovered, nothing lost, duplicated or different. */
    public static boolean ok(JsonNode report) {
        return report.path("recoveries").asInt(-1) == report.path("kills").asInt(-2)
                && report.path("lost").asInt(-1) == 0 && report.path("duplicated").asInt(-1) == 0
                && report.path("mismatched").asInt(-1) == 0 && report.path("forecasts_expected").asInt() > 0;
    }

    /**
     * One kill step in each of {@code kills} equal slices of the replay, at a random place in its slice; the first
     * slice starts after a short warm-up and the last ends a few steps before the end, so every kill lands while
     * readings are still arriving.
     */
    static int[] killSteps(int kills, int feedSteps, Random random) {
        int warmUp = Math.max(2, feedSteps / 20);
        int end = feedSteps - 4;
        int slice = kills == 0 ? 0 : (end - warmUp) / kills;
        if (kills > 0 && slice < 2) {
            throw new IllegalArgumentException(feedSteps + " steps are too few for " + kills + " kills");
        }
        int[] steps = new int[kills];
        for (int i = 0; i < kills; i++) {
            steps[i] = warmUp + i * slice + random.nextInt(slice);
        }
        return steps;
    }

    /**
     * Waits until the job is RUNNING with a checkpoint completed after a restore that happened after
     * {@code sinceMillis} (0: any completed checkpoint). Returns the seconds from {@code sinceMillis} to that
     * checkpoint's completion, or -1 on timeout.
     */
    /**
     * {@link #awaitCheckpointAfter} while supervising the restarted TaskManager {@code tm}: if its process exits on
     * its own before the job has recovered (it could not start on a saturated machine), it is started again.
     */
    private static double awaitRecovery(LocalFlinkCluster cluster, String jobId, int tm, long killedAt,
                                        Duration timeout, PrintWriter out)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return -1;
            }
            double seconds = awaitCheckpointAfter(cluster, jobId, killedAt,
                    Duration.ofNanos(Math.min(left, Duration.ofSeconds(5).toNanos())));
            if (seconds >= 0) {
                return seconds;
            }
            if (cluster.restartTaskManagerIfExited(tm)) {
                out.printf("TaskManager %d exited while starting; started again%n", tm);
            }
        }
    }

    static double awaitCheckpointAfter(LocalFlinkCluster cluster, String jobId, long sinceMillis, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if ("RUNNING".equals(cluster.jobState(jobId))) {
                    JsonNode latest = cluster.checkpointStatistics(jobId).path("latest");
                    long restoredAt = latest.path("restored").path("restore_timestamp").asLong(0);
                    JsonNode completed = latest.path("completed");
                    boolean restored = sinceMillis == 0 || restoredAt >= sinceMillis;
                    if (restored && completed.has("trigger_timestamp")
                            && completed.path("trigger_timestamp").asLong() > Math.max(restoredAt, sinceMillis)) {
                        return sinceMillis == 0 ? 0
                                : (completed.path("latest_ack_timestamp").asLong() - sinceMillis) / 1000.0;
                    }
                }
            } catch (IOException notYet) {
                // The JobManager is busy with the failover; ask again.
            }
            Thread.sleep(200);
        }
        return -1;
    }

    /** Everything committed on the output topic: until every required forecast is there and 5 s pass, or no progress. */
    private static List<Forecast> readCommitted(String bs, Set<String> required, Duration noProgress) {
        List<Forecast> all = new ArrayList<>();
        Set<String> missing = new HashSet<>(required);
        try (KafkaConsumer<byte[], byte[]> c = ExactlyOnceKafka.committedReader(bs, "chaos-reader")) {
            List<TopicPartition> partitions = new ArrayList<>();
            c.partitionsFor(OUT).forEach(p -> partitions.add(new TopicPartition(OUT, p.partition())));
            c.assign(partitions);
            c.seekToBeginning(partitions);
            long lastProgress = System.nanoTime();
            long complete = Long.MAX_VALUE;
            while (System.nanoTime() - lastProgress < noProgress.toNanos()
                    && System.nanoTime() - complete < Duration.ofSeconds(5).toNanos()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    Forecast f = ForecastJson.fromBytes(r.value());
                    all.add(f);
                    missing.remove(ExpectedForecasts.key(f));
                    lastProgress = System.nanoTime();
                }
                if (missing.isEmpty() && complete == Long.MAX_VALUE) {
                    complete = System.nanoTime();
                }
            }
        }
        return all;
    }

    /** Dead letters of the run by reason: refused readings change forecasts, so they explain a mismatch. */
    private static Map<String, Integer> deadLetterReasons(String bs) {
        Map<String, Integer> reasons = new java.util.TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> c = ExactlyOnceKafka.committedReader(bs, "chaos-dead-letters")) {
            List<TopicPartition> partitions = new ArrayList<>();
            c.partitionsFor(REJECTED).forEach(p -> partitions.add(new TopicPartition(REJECTED, p.partition())));
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = c.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline
                    && partitions.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    reasons.merge(roadcast.ingest.DeadLetterJson.decode(r.value()).reason().name(), 1, Integer::sum);
                }
            }
        }
        return reasons;
    }

    /** Readings the feed sends for rows [from, from + steps): the non-empty cells. */
    private static long countReadings(roadcast.history.SpeedHistory h, int from, int steps) {
        long n = 0;
        for (int t = from; t < from + steps; t++) {
            for (float v : h.speed()[t]) {
                if (Float.isFinite(v)) {
                    n++;
                }
            }
        }
        return n;
    }

    private static CountDownLatch[] latches(int n) {
        CountDownLatch[] l = new CountDownLatch[n];
        for (int i = 0; i < n; i++) {
            l[i] = new CountDownLatch(1);
        }
        return l;
    }

    private static void awaitQuietly(CountDownLatch latch, AtomicBoolean aborted) {
        try {
            while (!aborted.get() && !latch.await(1, TimeUnit.SECONDS)) {
                // waiting for the previous recovery
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
