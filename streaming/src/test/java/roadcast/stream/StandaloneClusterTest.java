package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.cluster.LocalFlinkCluster;
import roadcast.forecast.Forecast;
import roadcast.forecast.ForecastJson;
import roadcast.ingest.DeadLetter;
import roadcast.ingest.DeadLetterJson;
import roadcast.ingest.ReadingParser;
import roadcast.ingest.RejectReason;
import roadcast.kafka.EmbeddedKafka;
import roadcast.kafka.ExactlyOnceKafka;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;
import roadcast.reading.Source;
import roadcast.reading.SpeedReading;
import roadcast.replay.FeedPublisher;

/**
 * The shaded job jar submitted with {@code flink run} to a real standalone cluster (one JobManager, two
 * TaskManagers, separate JVMs), parallelism 2, reading from and writing to a real broker: every segment of every
 * published step gets exactly one committed forecast, equal to the offline kernel's. Submitted both ways a user
 * would: {@code flink run} and the REST API (where the entry class's main runs inside the JobManager).
 *
 * <p>Needs target/streaming-*-job.jar, so Maven runs it in the package phase right after the shade plugin (see
 * streaming/pom.xml); run alone with {@code mvn -pl streaming package -DskipTests} then
 * {@code mvn -pl streaming surefire:test -Dtest=StandaloneClusterTest}.
 */
public class StandaloneClusterTest {

    /** Half a unit of the last decimal on the wire, plus float noise. */
    private static final double WIRE_ROUNDING = 0.005 + 1e-9;

    @TempDir
    static Path tmp;

    static EmbeddedKafka kafka;
    static LocalFlinkCluster cluster;

    @BeforeAll
    static void startClusterAndBroker() throws Exception {
        jobJar();
        kafka = new EmbeddedKafka(2, Map.of()).start();
        cluster = LocalFlinkCluster.start(tmp.resolve("flink"), Path.of("target", "flink-cluster-logs"), 2,
                Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopClusterAndBroker() {
        if (cluster != null) {
            cluster.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** How the jar reaches the cluster: returns the job id. */
    interface Submission {
        String submit(Path jar, List<String> args) throws Exception;
    }

    @Test
    void flinkRunOnTwoTaskManagersForecastsEverySegmentOfEveryStep() throws Exception {
        forecastsEverySegmentOfEveryStep("cli", (jar, args) ->
                cluster.submit(jar, StreamCommand.class.getName(), args));
    }

    @Test
    void restSubmissionRunsTheJobAndLeavesTheJobManagerUp() throws Exception {
        forecastsEverySegmentOfEveryStep("rest", (jar, args) ->
                cluster.submitOverRest(jar, StreamCommand.class.getName(), args, 2));
        assertTrue(cluster.allAlive(), "JobManager and TaskManagers still running after a REST submission");
    }

    void forecastsEverySegmentOfEveryStep(String name, Submission submission) throws Exception {
        Path jar = jobJar();
        String in = "roadcast.speed." + name;
        String out = "roadcast.forecast." + name;
        String rejected = "roadcast.speed.rejected." + name;
        kafka.createTopics(2, in, out, rejected);
        SmallCity city = SmallCity.generate(name, 5, 23);
        Path registry = tmp.resolve("registry-" + name);
        String version = city.publish(registry, 4 * 288, 3);
        int from = 4 * 288;
        int steps = 12;
        int n = city.history.segments();

        String jobId = submission.submit(jar, List.of(
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--registry", registry.toString(),
                "--input-topic", in,
                "--output-topic", out,
                "--dead-letter-topic", rejected,
                "--parallelism", "2",
                "--group-id", "cluster-test-" + name,
                "--checkpoint-interval", "PT0.5S",
                "--checkpoint-dir", tmp.resolve("checkpoints-" + name).toString(),
                "--close-when-complete",
                "--model-poll", "PT0S"));
        try {
            awaitRunning(cluster, jobId, Duration.ofSeconds(30));

            List<SpeedReading> feed = new ArrayList<>();
            for (int t = from; t < from + steps; t++) {
                for (int i = 0; i < n; i++) {
                    feed.add(new SpeedReading(city.history.segmentIds()[i], city.history.epochMillis(t),
                            city.history.speed()[t][i], Double.NaN, Double.NaN, Source.LOOP));
                }
            }
            try (FeedPublisher publisher = new FeedPublisher(kafka.bootstrapServers(), in, 0)) {
                assertEquals(feed.size(), publisher.publish(feed.iterator(), 0).acknowledged());
            }

            List<ConsumerRecord<byte[], byte[]>> records = CommittedTopic.read(kafka, out, n * steps,
                    Duration.ofSeconds(60));
            assertEquals("RUNNING", cluster.jobState(jobId), "job state; exceptions: " + cluster.jobExceptions(jobId));
            assertTrue(cluster.vertexParallelism(jobId).contains(2), "some operator runs with parallelism 2: "
                    + cluster.vertexParallelism(jobId));
            assertEquals(2, cluster.taskManagersOf(jobId).size(), "subtasks spread over both task managers");

            Map<String, Forecast> actual = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                Forecast f = ForecastJson.fromBytes(r.value());
                assertEquals(f.segment(), new String(r.key(), StandardCharsets.UTF_8));
                assertEquals(version, f.modelVersion());
                assertNull(actual.put(key(f), f), "forecast issued twice: " + key(f));
            }
            Map<String, Forecast> expected = city.backtest(registry, version, from, from + steps).forecasts();
            assertEquals(n * steps, expected.size());
            assertEquals(expected.keySet(), actual.keySet(), "one forecast per segment per step");
            for (Forecast e : expected.values()) {
                Forecast a = actual.get(key(e));
                // The topic carries speeds to two decimals (ForecastJsonWriter.DECIMALS): equal up to that rounding.
                assertEquals(e.observedSpeed(), a.observedSpeed(), WIRE_ROUNDING, key(e));
                assertArrayEquals(e.speed(), a.speed(), WIRE_ROUNDING, key(e));
                assertArrayEquals(e.lower(), a.lower(), WIRE_ROUNDING, key(e));
                assertArrayEquals(e.upper(), a.upper(), WIRE_ROUNDING, key(e));
            }
        } finally {
            // Both slots are needed by the next job: free them whatever happened.
            cluster.cancel(jobId, Duration.ofSeconds(30));
        }
        assertEquals("CANCELED", cluster.jobState(jobId));
    }

    /**
     * The issue's model switch on the standalone cluster (separate JVMs, the job jar, a real broker): a running job
     * submitted with the 14-segment model takes, through its registry poll and with no restart, a version that adds
     * 10 segments, one that changes the zoning of all 24, and one that removes the 10 again. Each version is
     * published once the previous one has forecast its steps, so the switch rows are known: every step has a
     * forecast for every segment of the version in service, each equal to that version's backtest over the rows the
     * job accepted (a zone of added segments only starts cold at its switch), and the readings of segments the model
     * in service does not know are dead letters.
     */
    @Test
    void runningJobTakesVersionsThatRezoneAddAndRemoveSegments() throws Exception {
        Path jar = jobJar();
        String in = "roadcast.speed.switch";
        String out = "roadcast.forecast.switch";
        String rejected = "roadcast.speed.rejected.switch";
        kafka.createTopics(2, in, out, rejected);
        int rows = 4 * 288;
        int small = 14;
        SmallCity city = SmallCity.generate("s", 5, 21, 4);
        SmallCity first = city.firstSegments(small);
        Path registry = tmp.resolve("registry-switch");
        ModelRegistry reg = new ModelRegistry(registry);
        List<String> versions = new ArrayList<>(List.of(reg.publish(first.train(rows, 3, 6))));
        // Published one at a time while the job runs: 24 segments, the same 24 zoned otherwise, the first 14 again.
        List<ManifoldModel> later = List.of(city.train(rows, 3, 6), city.train(rows, 3, 4), first.train(rows, 3, 5));
        int n = city.history.segments();
        int perVersion = 8;
        int from = rows;
        int to = from + perVersion * (later.size() + 1);

        String jobId = cluster.submit(jar, StreamCommand.class.getName(), List.of(
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--registry", registry.toString(),
                "--input-topic", in,
                "--output-topic", out,
                "--dead-letter-topic", rejected,
                "--parallelism", "2",
                "--group-id", "cluster-test-switch",
                "--checkpoint-interval", "PT0.5S",
                "--checkpoint-dir", tmp.resolve("checkpoints-switch").toString(),
                "--close-when-complete",
                "--model-poll", "PT0.2S"));
        List<Forecast> issued = new ArrayList<>();
        List<DeadLetter> letters = new ArrayList<>();
        try (FeedPublisher publisher = new FeedPublisher(kafka.bootstrapServers(), in, 0);
             KafkaConsumer<byte[], byte[]> forecasts = tail(out);
             KafkaConsumer<byte[], byte[]> deadLetters = tail(rejected)) {
            awaitRunning(cluster, jobId, Duration.ofSeconds(30));
            int expected = 0;
            long published = 0;
            for (int k = 0; k <= later.size(); k++) {
                if (k > 0) {
                    versions.add(reg.publish(later.get(k - 1)));
                    // Every subtask of the forecast stage takes each version (a broadcast); wait for both, so that
                    // the one owning the network key has it before the next readings.
                    awaitMetric(jobId, "modelsAccepted", 2 * k, Duration.ofSeconds(60));
                }
                int start = from + k * perVersion;
                List<SpeedReading> feed = new ArrayList<>();
                for (int t = start; t < start + perVersion; t++) {
                    for (int i = 0; i < n; i++) {
                        feed.add(new SpeedReading(city.history.segmentIds()[i], city.history.epochMillis(t),
                                city.history.speed()[t][i], Double.NaN, Double.NaN, Source.LOOP));
                    }
                }
                published += feed.size();
                assertEquals(published, publisher.publish(feed.iterator(), 0).acknowledged(), "acknowledged so far");
                expected += perVersion * reg.load(versions.get(k)).network().size();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (issued.size() < expected && System.nanoTime() < deadline) {
                    forecasts.poll(Duration.ofMillis(200)).forEach(r -> issued.add(ForecastJson.fromBytes(r.value())));
                }
                assertEquals(expected, issued.size(), "forecasts of the steps of " + versions.get(k) + "; job "
                        + cluster.jobState(jobId) + " " + cluster.jobExceptions(jobId));
            }
            int unknown = 2 * perVersion * (n - small);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (letters.size() < unknown && System.nanoTime() < deadline) {
                deadLetters.poll(Duration.ofMillis(200)).forEach(r -> letters.add(DeadLetterJson.decode(r.value())));
            }
            // Nothing more arrives: no step forecast twice, no other refusal.
            forecasts.poll(Duration.ofSeconds(2)).forEach(r -> issued.add(ForecastJson.fromBytes(r.value())));
            deadLetters.poll(Duration.ofMillis(500)).forEach(r -> letters.add(DeadLetterJson.decode(r.value())));
            assertEquals("RUNNING", cluster.jobState(jobId), "job state; exceptions: " + cluster.jobExceptions(jobId));
            assertEquals(0, cluster.exceptionHistorySize(jobId), "no restart: " + cluster.jobExceptions(jobId));
            assertEquals(2 * later.size(), (int) cluster.operatorMetricSum(jobId, "modelsAccepted"),
                    "each version taken by both subtasks of the forecast stage");
            assertEquals(0, (int) cluster.operatorMetricSum(jobId, "modelsRefused"));
            assertEquals(2 * (n - small), (int) cluster.operatorMetricSum(jobId, "segmentsAdded")
                    + (int) cluster.operatorMetricSum(jobId, "segmentsRemoved"), "10 added, 10 removed");
        } finally {
            cluster.cancel(jobId, Duration.ofSeconds(30));
        }

        assertEquals(2 * perVersion * (n - small), letters.size(), "the 10 extra segments' readings under the"
                + " 14-segment models");
        Set<String> withheld = new HashSet<>();
        for (DeadLetter d : letters) {
            assertEquals(RejectReason.UNKNOWN_SEGMENT, d.reason(), d.toString());
            SpeedReading r = new ReadingParser(java.time.ZoneOffset.UTC, 1000, ReadingParser.NO_FUTURE_LIMIT, null)
                    .parse(null, d.payload().getBytes(StandardCharsets.UTF_8), 0).reading();
            assertTrue(Arrays.asList(city.history.segmentIds()).indexOf(r.segment()) >= small, d.toString());
            withheld.add(r.segment() + "@" + r.timeMillis());
        }
        var expectedOf = ModelSwitchTest.backtests(city, registry, withheld, from, to,
                versions.toArray(String[]::new));
        assertTrue(ModelSwitchTest.expectColdStartOfNewZones(city, registry, versions.get(0), versions.get(1),
                from + perVersion, to, withheld, expectedOf.get(versions.get(1))) > 0,
                "the added segments form a zone of their own in this city");
        assertEquals(versions, ModelSwitchTest.assertWholeNetworkPerStep(issued, from, to, expectedOf));
        for (int k = 0; k < versions.size(); k++) {
            String v = versions.get(k);
            long firstStep = city.history.epochMillis(from + k * perVersion);
            assertTrue(issued.stream().filter(f -> f.modelVersion().equals(v))
                    .allMatch(f -> f.issuedAt() >= firstStep && f.issuedAt() < firstStep + perVersion * 300_000L),
                    v + " serves exactly the steps after it was published");
        }
        ModelSwitchTest.assertEqualsBacktests(issued, expectedOf, WIRE_ROUNDING);
    }

    /** A read_committed consumer of the whole topic. */
    private static KafkaConsumer<byte[], byte[]> tail(String topic) {
        KafkaConsumer<byte[], byte[]> consumer = ExactlyOnceKafka.committedReader(kafka.bootstrapServers(),
                "test-tail-" + topic);
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic).forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static void awaitMetric(String jobId, String name, int atLeast, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (cluster.operatorMetricSum(jobId, name) < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " below " + atLeast + " after " + timeout + "; job "
                        + cluster.jobState(jobId) + " " + cluster.jobExceptions(jobId));
            }
            Thread.sleep(200);
        }
    }

    static String key(Forecast f) {
        return SmallCity.key(f);
    }

    /**
     * The job jar of this build: skipped (not failed) when it is absent or older than the compiled classes, i.e.
     * when this test runs in the test phase before the shade plugin has packaged the current code.
     */
    public static Path jobJar() throws IOException {
        Path jar = Path.of(System.getProperty("roadcast.jobJar", "target/streaming-0.1.0-SNAPSHOT-job.jar"));
        Assumptions.assumeTrue(Files.isRegularFile(jar), "no job jar at " + jar.toAbsolutePath()
                + ": this test runs in the package phase (mvn -pl streaming install)");
        FileTime built = Files.getLastModifiedTime(jar);
        Path classes = Path.of("target", "classes");
        if (Files.isDirectory(classes)) {
            try (Stream<Path> files = Files.walk(classes)) {
                boolean stale = files.filter(Files::isRegularFile).anyMatch(p -> {
                    try {
                        return Files.getLastModifiedTime(p).compareTo(built) > 0;
                    } catch (IOException e) {
                        return true;
                    }
                });
                Assumptions.assumeFalse(stale, "job jar " + jar + " is older than target/classes: "
                        + "this test runs in the package phase (mvn -pl streaming install)");
            }
        }
        return jar;
    }

    static void awaitRunning(LocalFlinkCluster cluster, String jobId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = cluster.jobState(jobId);
        while (!"RUNNING".equals(state)) {
            if (System.nanoTime() > deadline || List.of("FAILED", "CANCELED", "FINISHED").contains(state)) {
                throw new AssertionError("job " + jobId + " is " + state + ": " + cluster.jobExceptions(jobId));
            }
            Thread.sleep(200);
            state = cluster.jobState(jobId);
        }
    }
}
