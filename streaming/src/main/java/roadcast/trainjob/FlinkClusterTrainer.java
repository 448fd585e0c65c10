package roadcast.trainjob;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import roadcast.clean.CleaningResult;
import roadcast.datasets.Dataset;
import roadcast.fit.ManifoldTrainer;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.fit.ZoneFitException;
import roadcast.fit.ZoneFitter;
import roadcast.history.SpeedHistory;
import roadcast.model.ManifoldModel;
import roadcast.zone.AnchoredZoning;
import roadcast.network.RoadNetwork;
import roadcast.train.ClusterTrainer;
import roadcast.train.TrainingRun;

/**
 * Training with the zones fitted by a Flink batch job: the entry point of {@code roadcast train --flink}.
 *
 * <p>On the driver (this JVM): the training rows cleaned and zoned exactly as {@link TrainingRun} does
 * ({@link TrainingRun#cleanedTraining}, {@link ManifoldTrainer#zoning}), and each zone's columns written to its own
 * file in the run folder. On the cluster ({@link ZoneTrainingJob}): each zone fitted by {@link ZoneFitter#fitZone}
 * from its file alone, its part written back. On the driver again: the parts assembled by
 * {@link ManifoldTrainer#assemble} into the model the local trainer would have made (same arrays, same card, same
 * checksum), returned for the caller to publish. A zone whose fit fails refuses the model with its id, as locally.
 */
public final class FlinkClusterTrainer implements ClusterTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(FlinkClusterTrainer.class);
    /** Set to keep the run folder (zone histories and parts) after training, for inspection. */
    public static final String KEEP_RUN_PROPERTY = "roadcast.train.keepRun";

    @Override
    public TrainingRun.Outcome train(Dataset dataset, int trainRows, TrainingConfig config, String flinkAddress,
                                     String workDir, int parallelism, ProgressListener progress,
                                     ManifoldModel anchor) throws Exception {
        int colon = flinkAddress.lastIndexOf(':');
        if (colon <= 0 || colon == flinkAddress.length() - 1) {
            throw new IllegalArgumentException("--flink '" + flinkAddress + "' is not HOST:PORT (the REST address)");
        }
        String host = flinkAddress.substring(0, colon);
        int port = Integer.parseInt(flinkAddress.substring(colon + 1));
        int tasks = parallelism > 0 ? parallelism : availableSlots(host, port);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(host, port,
                jobConfiguration(), jobJar().toString());
        return train(dataset, trainRows, config, env, workDir, tasks, progress, anchor);
    }

    /**
     * The whole run on a given environment (a remote cluster, or the tests' mini-cluster).
     *
     * @param workDir folder or URI below which this run's folder is made (and removed afterwards)
     * @param anchor  the model in service whose zones the new zoning keeps where the data allow, or null
     */
    public static TrainingRun.Outcome train(Dataset dataset, int trainRows, TrainingConfig config,
                                            StreamExecutionEnvironment env, String workDir, int parallelism,
                                            ProgressListener progress, ManifoldModel anchor) throws Exception {
        long start = System.nanoTime();
        CleaningResult cleaned = TrainingRun.cleanedTraining(dataset, trainRows, config);
        progress.progress("zoning", 0, 1);
        AnchoredZoning.Result zoning = ManifoldTrainer.zoning(cleaned.cleaned(), dataset.network(), config, anchor);
        progress.progress("zoning", 1, 1);
        ManifoldModel model = TrainingRun.extendCoverage(fitZones(cleaned.cleaned(), dataset.network(), zoning,
                anchor, config, env, workDir, parallelism, progress), cleaned, dataset, progress);
        return new TrainingRun.Outcome(model, cleaned.report(), trainRows, (System.nanoTime() - start) / 1e9);
    }

    /** The zones fitted on the cluster and assembled here; the run folder is removed afterwards. */
    static ManifoldModel fitZones(SpeedHistory history, RoadNetwork network, AnchoredZoning.Result zoning,
                                  ManifoldModel anchor, TrainingConfig config, StreamExecutionEnvironment env,
                                  String workDir, int parallelism, ProgressListener progress) throws Exception {
        int[][] zones = zoning.zones();
        int[] horizonsMin = ManifoldTrainer.horizonsMin(history, config);
        Path run = new Path(new Path(workDir), "train-" + UUID.randomUUID());
        try {
            ZoneHistoryFiles.write(run, history, zones, horizonsMin.length, progress);
            int[] sizes = new int[zones.length];
            for (int z = 0; z < zones.length; z++) {
                sizes[z] = zones[z].length;
            }
            progress.progress("fitting zones on the cluster", 0, zones.length);
            List<ZoneOutcome> outcomes = new ZoneTrainingJob(run.toString(), config, sizes, parallelism).execute(env);
            progress.progress("fitting zones on the cluster", outcomes.size(), zones.length);
            checkEveryZone(outcomes, sizes);
            ZoneFitter.Result[] results = new ZoneFitter.Result[zones.length];
            for (int z = 0; z < zones.length; z++) {
                results[z] = ZoneHistoryFiles.readPart(run, z);
            }
            return ManifoldTrainer.assemble(history, network, config, horizonsMin, results, zoning, anchor);
        } finally {
            if (Boolean.getBoolean(KEEP_RUN_PROPERTY)) {
                LOG.info("run folder kept: {}", run);
            } else {
                ZoneHistoryFiles.delete(run);
            }
        }
    }

    /**
     * Every zone exactly once and none failed; otherwise the model is refused with the failed zones' ids (the first
     * one as {@link ZoneFitException#zone()}, all of them in the message), never assembled with a hole.
     */
    static void checkEveryZone(List<ZoneOutcome> outcomes, int[] sizes) {
        boolean[] seen = new boolean[sizes.length];
        List<ZoneOutcome> failed = new ArrayList<>();
        for (ZoneOutcome o : outcomes) {
            if (o.zone < 0 || o.zone >= sizes.length || seen[o.zone]) {
                throw new IllegalStateException("the training job reported zone " + o.zone + " twice or out of range");
            }
            seen[o.zone] = true;
            if (o.failure != null) {
                failed.add(o);
            }
        }
        for (int z = 0; z < sizes.length; z++) {
            if (!seen[z]) {
                throw new IllegalStateException("the training job reported nothing for zone " + z);
            }
        }
        if (!failed.isEmpty()) {
            ZoneOutcome first = failed.get(0);
            StringBuilder reason = new StringBuilder(first.failure);
            if (failed.size() > 1) {
                reason.append("; ").append(failed.size() - 1).append(" more zone(s) failed:");
                for (ZoneOutcome o : failed.subList(1, failed.size())) {
                    reason.append(" zone ").append(o.zone).append(" (").append(o.failure).append(')');
                }
            }
            throw new ZoneFitException(first.zone, first.segments, reason.toString());
        }
    }

    /** Job settings: a lost TaskManager reruns only the affected tasks (region failover), a few times. */
    static Configuration jobConfiguration() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
        return conf;
    }

    /** Free task slots of the session cluster, from its REST API. */
    static int availableSlots(String host, int port) throws IOException, InterruptedException {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + host + ":" + port + "/overview")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IOException("no Flink REST API at " + host + ":" + port + ": " + res.statusCode());
        }
        int slots = new ObjectMapper().readTree(res.body()).path("slots-available").asInt();
        if (slots < 1) {
            throw new IOException("the Flink cluster at " + host + ":" + port + " has no free task slot");
        }
        return slots;
    }

    /**
     * The job jar shipped to the cluster: {@code -Droadcast.jobJar}, else the streaming module's shaded jar under
     * {@code roadcast.home} (set by ./roadcast), which holds our modules but not Flink.
     */
    public static java.nio.file.Path jobJar() throws IOException {
        String explicit = System.getProperty("roadcast.jobJar");
        if (explicit != null) {
            return java.nio.file.Path.of(explicit);
        }
        java.nio.file.Path target = java.nio.file.Path.of(System.getProperty("roadcast.home", "."), "streaming",
                "target");
        if (Files.isDirectory(target)) {
            try (Stream<java.nio.file.Path> jars = Files.list(target)) {
                var jar = jars.filter(p -> p.getFileName().toString().matches("streaming-.*-job\\.jar")).findFirst();
                if (jar.isPresent()) {
                    return jar.get();
                }
            }
        }
        throw new IOException("no job jar: build it (mvn -B -pl streaming -am package -DskipTests) or name it "
                + "with -Droadcast.jobJar=...");
    }
}
