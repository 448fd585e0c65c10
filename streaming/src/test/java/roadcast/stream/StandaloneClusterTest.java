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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.cluster.LocalFlinkCluster;
import roadcast.forecast.Forecast;
import roadcast.forecast.ForecastJson;
import roadcast.kafka.EmbeddedKafka;
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
