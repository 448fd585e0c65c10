package roadcast.trainjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import roadcast.cluster.LocalFlinkCluster;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;
import roadcast.synthetic.CityConfig;
import roadcast.synthetic.CityGenerator;
import roadcast.synthetic.WeekProfiles;
import roadcast.train.TrainCommand;
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
    static Path cityDir;
    static Dataset city;
    static TrainingConfig config;
    static ManifoldModel local;

    @BeforeAll
    static void startCluster() throws Exception {
        String jar = System.getProperty("roadcast.jobJar");
        Assumptions.assumeTrue(jar != null && Files.exists(Path.of(jar)),
                "no job jar (runs in the package phase, after the shade plugin)");
        Path dir = tmp.resolve("city");
        cityDir = dir;
        new CityGenerator(CityConfig.of(400, 4, 5, 5, WeekProfiles.sharedOrBuiltIn(5))).generate(dir, r -> { });
        city = DatasetLoader.load(dir);
        TrainingOptions options = new TrainingOptions();
        new picocli.CommandLine(options).parseArgs("--max-zone-size", "40");
        config = options.toConfig(city);
        local = TrainingRun.train(city, city.history().steps(), config, ProgressListener.NONE).model();
        // heartbeats every second (Flink's default: 10 s): the JobManager notices the killed TaskManager after two
        // failed heartbeat RPCs, ~2 s instead of ~20 s, which keeps the kill case short
        cluster = LocalFlinkCluster.start(tmp.resolve("flink"), Path.of("target", "flink-training-logs"), 2, null,
                Duration.ofSeconds(120), java.util.Map.of("heartbeat.interval", "1000"));
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

    /**
     * {@code roadcast train --flink} into an empty registry: the driver streams the city's files (never loads them),
     * the TaskManagers in their own JVMs fit the zones, and the published model is the local trainer's.
     */
    @Test
    @Order(1)
    void separateTaskManagerJvmsGiveTheLocalModel() throws Exception {
        Path registry = tmp.resolve("registry");
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new TrainCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int exit = cli.execute("--dataset", cityDir.toString(), "--registry", registry.toString(),
                "--max-zone-size", "40", "--flink", "localhost:" + cluster.restUri().getPort(), "--parallelism", "2",
                "--quiet");
        assertEquals(0, exit, out.toString());
        assertTrue(out.toString().contains("read row by row"), out.toString());
        assertLocalModel(new ModelRegistry(registry).loadLatest().orElseThrow());
        assertTrue(cluster.allAlive());
    }

    /**
     * Was flaky while the outcomes came back through collect(): 'Failed to fetch job execution result' after the kill
     * (the result fetch gave up, not the failover); they now go through the run folder. The kill lands while every
     * fit subtask is running, so it always hits a fit in progress.
     */
    @Test
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
        while (job == null && System.nanoTime() < deadline && !training.isDone()) {
            for (String id : cluster.jobs("RUNNING")) {
                List<String> fits = cluster.subtaskStates(id, "fit zone");
                if (fits.size() == 2 && fits.stream().allMatch("RUNNING"::equals)) {
                    job = id;
                }
            }
            Thread.sleep(50);
        }
        assertTrue(job != null, "the fit tasks never ran");
        long killed = System.nanoTime();
        cluster.killTaskManager(1);

        ManifoldModel remote = training.get(600, TimeUnit.SECONDS);
        System.out.printf("training finished %.1f s after the TaskManager kill%n", (System.nanoTime() - killed) / 1e9);
        assertLocalModel(remote);
        assertTrue(cluster.exceptionHistorySize(job) > 0, "the job recovered from the lost TaskManager");
        assertEquals(finishedBefore + 1, cluster.jobs("FINISHED").size());
    }
}
