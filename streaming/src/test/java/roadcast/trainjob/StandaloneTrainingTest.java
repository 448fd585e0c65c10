package roadcast.trainjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import roadcast.cluster.LocalFlinkCluster;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.model.ManifoldModel;
import roadcast.synthetic.CityConfig;
import roadcast.synthetic.CityGenerator;
import roadcast.synthetic.WeekProfiles;
import roadcast.train.TrainingOptions;
import roadcast.train.TrainingRun;

/**
 * The batch trainer on a real standalone cluster (JobManager and two TaskManagers in their own JVMs, the shaded job
 * jar shipped as by {@code roadcast train --flink}): the local trainer's model; then with a TaskManager killed while
 * zones are being fitted, Flink's batch failover reruns the lost tasks and the model is still the local one.
 *
 * <p>Needs target/streaming-*-job.jar, so Maven runs it in the package phase with StandaloneClusterTest (see
 * streaming/pom.xml); alone: {@code mvn -pl streaming -am package -DskipTests} then
 * {@code mvn -pl streaming surefire:test -Dtest=StandaloneTrainingTest -Droadcast.jobJar=...}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneTrainingTest {

    @TempDir
    static Path tmp;

    static LocalFlinkCluster cluster;
    static Dataset city;
    static TrainingConfig config;
    static ManifoldModel local;

    @BeforeAll
    static void startCluster() throws Exception {
        String jar = System.getProperty("roadcast.jobJar");
        Assumptions.assumeTrue(jar != null && Files.exists(Path.of(jar)),
                "no job jar (runs in the package phase, after the shade plugin)");
        Path dir = tmp.resolve("city");
        new CityGenerator(CityConfig.of(400, 4, 5, 5, WeekProfiles.sharedOrBuiltIn(5))).generate(dir, r -> { });
        city = DatasetLoader.load(dir);
        TrainingOptions options = new TrainingOptions();
        new picocli.CommandLine(options).parseArgs("--max-zone-size", "40");
        config = options.toConfig(city);
        local = TrainingRun.train(city, city.history().steps(), config, ProgressListener.NONE).model();
        cluster = LocalFlinkCluster.start(tmp.resolve("flink"), Path.of("target", "flink-training-logs"), 2,
                Duration.ofSeconds(120));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ManifoldModel trainOnCluster(String work) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment("localhost",
                cluster.restUri().getPort(), FlinkClusterTrainer.jobConfiguration(), System.getProperty("roadcast.jobJar"));
        return FlinkClusterTrainer.train(city, city.history().steps(), config, env,
                tmp.resolve(work).toUri().toString(), 2, ProgressListener.NONE, null).model();
    }

    private static void assertLocalModel(ManifoldModel remote) {
        int rows = city.history().steps();
        assertTrue(local.zoneCount() > 4, "zones: " + local.zoneCount());
        assertEquals(local.card().payloadSha256(), remote.card().payloadSha256());
        double diff = ForecastDifference.maxAbs(local, remote, city.history(), rows - 288, rows);
        assertTrue(diff <= 1e-9, "max abs forecast difference " + diff);
    }

    @Test
    @Order(1)
    void separateTaskManagerJvmsGiveTheLocalModel() throws Exception {
        assertLocalModel(trainOnCluster("work"));
        assertTrue(cluster.allAlive());
    }

    @Test
    @Disabled("flaky: passed in one clean-clone CI run and failed in the next with 'Failed to fetch job execution "
            + "result' from the collect sink after the kill (the result fetch, not the batch failover, gave up); "
            + "open in issue 11 until the job's result goes through files instead of collect()")
    @Order(2)
    void aTaskManagerKilledMidTrainingIsRecoveredAndTheModelIsTheSame() throws Exception {
        int finishedBefore = cluster.jobs("FINISHED").size();
        CompletableFuture<ManifoldModel> training = CompletableFuture.supplyAsync(() -> {
            try {
                return trainOnCluster("work-kill");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String job = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (job == null && System.nanoTime() < deadline) {
            for (String id : cluster.jobs("RUNNING")) {
                if ("RUNNING".equals(cluster.vertexState(id, "fit zone"))) {
                    job = id;
                }
            }
            Thread.sleep(100);
        }
        assertTrue(job != null, "the fit tasks never ran");
        List<Long> pids = cluster.taskManagerPids();
        ProcessHandle.of(pids.get(pids.size() - 1)).orElseThrow().destroyForcibly();

        ManifoldModel remote = training.get(600, TimeUnit.SECONDS);
        assertLocalModel(remote);
        assertTrue(cluster.exceptionHistorySize(job) > 0, "the job recovered from the lost TaskManager");
        assertEquals(finishedBefore + 1, cluster.jobs("FINISHED").size());
    }
}
