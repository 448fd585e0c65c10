package roadcast.trainjob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.fit.ManifoldTrainer;
import roadcast.fit.ProgressListener;
import roadcast.zone.AnchoredZoning;
import roadcast.fit.ZoneFitException;
import roadcast.fit.ZoneFitter;
import roadcast.history.SpeedHistory;
import roadcast.fit.TrainingConfig;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelFile;
import roadcast.synthetic.CityConfig;
import roadcast.synthetic.CityGenerator;
import roadcast.synthetic.WeekProfiles;
import roadcast.train.TrainingOptions;
import roadcast.train.TrainingRun;
import roadcast.datasets.DayArchiveFolder;
import roadcast.retrain.Retrain;
import roadcast.model.ModelCard;
import roadcast.model.ModelRegistry;
import roadcast.datasets.StreamedDataset;
import roadcast.promote.GateThresholds;
import roadcast.train.ClusterTrainer;
import roadcast.promote.HeldOutWindow;
import roadcast.promote.Promotion;

/**
 * The Flink batch trainer on a mini-cluster (two TaskManagers, one slot each) makes the local trainer's model: the
 * same zones, the same arrays (so the same payload checksum) and forecasts equal to 1e-9.
 */
class ClusterTrainingTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(2).setNumberSlotsPerTaskManager(1)
                    .build());

    @TempDir
    static Path tmp;

    static Path cityDir;
    static Dataset city;
    static TrainingConfig config;
    static ManifoldModel local;

    @BeforeAll
    static void generateCity() throws Exception {
        Path dir = tmp.resolve("city");
        cityDir = dir;
        new CityGenerator(CityConfig.of(240, 4, 5, 11, WeekProfiles.sharedOrBuiltIn(11))).generate(dir, r -> { });
        city = DatasetLoader.load(dir);
        TrainingOptions options = new TrainingOptions();
        new picocli.CommandLine(options).parseArgs("--max-zone-size", "40");
        config = options.toConfig(city);
        local = TrainingRun.train(city, city.history().steps(), config, ProgressListener.NONE).model();
    }

    /**
     * The driver never loads the history: it streams the city's files row by row (each row cleaned, added to the
     * zoning's hour-of-week means and spilled to local disk), zones from the sampled rows, and writes the zone files
     * from the spill; the mini-cluster fits them. The model is the local trainer's on the loaded data set. (The loaded
     * data set's path, {@code train(Dataset, ...)}, feeds the same driver from memory: StandaloneTrainingTest.)
     */
    @Test
    void miniClusterGivesTheLocalModel() throws Exception {
        int rows = city.history().steps();
        TrainingOptions options = new TrainingOptions();
        new picocli.CommandLine(options).parseArgs("--max-zone-size", "40");
        TrainingConfig fromPreview = options.toConfig(DatasetLoader.preview(cityDir, 2));
        Path work = tmp.resolve("work");
        TrainingRun.Outcome streamed = FlinkClusterTrainer.train(cityDir, fromPreview,
                StreamExecutionEnvironment.getExecutionEnvironment(), work.toUri().toString(), 2,
                ProgressListener.NONE, null);
        ManifoldModel cluster = streamed.model();

        assertEquals(config.dataset(), fromPreview.dataset(), "the preview configures as the loaded data set");
        assertEquals(rows, streamed.trainRows(), "every row of the files");
        assertTrue(local.zoneCount() > 2, "a city of several zones: " + local.zoneCount());
        assertEquals(local.zoneCount(), cluster.zoneCount());
        for (int z = 0; z < local.zoneCount(); z++) {
            assertArrayEquals(local.segmentsOfZone(z), cluster.segmentsOfZone(z), "zone " + z);
        }
        assertEquals(local.card().payloadSha256(), cluster.card().payloadSha256(), "same arrays, same checksum");
        assertEquals(ModelFile.payloadSha256(local), ModelFile.payloadSha256(cluster));
        // the level holds are in the header, not the payload: chosen from the same zones' validation counts
        assertArrayEquals(local.levelHold(), cluster.levelHold(), 0.0, "the same level holds");
        assertTrue(java.util.Arrays.stream(local.levelHold()).anyMatch(k -> k > 0),
                "the city's validation chose a hold somewhere: " + java.util.Arrays.toString(local.levelHold()));
        assertEquals(local.card().hyperparameters(), cluster.card().hyperparameters());
        assertEquals(local.card().trainedFrom(), cluster.card().trainedFrom());
        assertEquals(local.card().trainedTo(), cluster.card().trainedTo());
        assertEquals(TrainingRun.cleanedTraining(city, rows, config).report().summaryLines(),
                streamed.cleaning().summaryLines(), "the same cells cleaned away");
        double diff = ForecastDifference.maxAbs(local, cluster, city.history(), rows - 288, rows);
        assertTrue(diff <= 1e-9, "max abs forecast difference " + diff);
        try (var left = Files.list(work)) {
            assertEquals(0, left.count(), "the run folder is removed after training");
        }
    }

    /**
     * A zone whose every segment has no credible reading (its sensors dead for the whole window) cannot be fitted:
     * the local trainer's zone fit refuses it, and the cluster's run refuses the model naming that zone; no model
     * with a hole (before the check, both fitted a zone forecasting 0 for every segment).
     */
    @Test
    void aZoneWhoseFitFailsRefusesTheModelWithItsIdAsLocally() throws Exception {
        int rows = city.history().steps();
        SpeedHistory cleaned = TrainingRun.cleanedTraining(city, rows, config).cleaned();
        AnchoredZoning.Result zoning = ManifoldTrainer.zoning(cleaned, city.network(), config, null);
        int[][] zones = zoning.zones();
        int dead = zones.length / 2;
        float[][] speed = new float[rows][];
        for (int t = 0; t < rows; t++) {
            speed[t] = cleaned.speed()[t].clone();
            for (int s : zones[dead]) {
                speed[t][s] = Float.NaN;
            }
        }
        SpeedHistory broken = new SpeedHistory(cleaned.segmentIds(), cleaned.start(), cleaned.step(),
                cleaned.timeZone(), cleaned.unit(), speed, null, null);
        roadcast.model.HorizonLeads leads = roadcast.model.HorizonLeads.of(ManifoldTrainer.horizonsMin(broken, config),
                broken.step().toMillis());
        int[] profileRow = ManifoldTrainer.profileRows(broken.epochMillis(0), rows, broken.step().toMillis(),
                broken.timeZone());
        double[] x = new double[rows * zones[dead].length];
        java.util.Arrays.fill(x, Double.NaN);

        IllegalArgumentException local = assertThrows(IllegalArgumentException.class, () -> ZoneFitter.fitZone(x,
                zones[dead], profileRow, broken.epochMillis(0), broken.step().toMillis(), broken.timeZone(), leads,
                config));
        ZoneFitException cluster = assertThrows(ZoneFitException.class, () -> FlinkClusterTrainer.fitZones(broken,
                city.network(), zoning, null, config, StreamExecutionEnvironment.getExecutionEnvironment(),
                tmp.resolve("work-broken").toUri().toString(), 2, ProgressListener.NONE));
        assertEquals(dead, cluster.zone(), cluster.getMessage());
        assertTrue(cluster.getMessage().contains("zone " + dead) && cluster.getMessage().contains(local.getMessage()),
                cluster.getMessage());
    }

    /**
     * The daily retrain on a streamed data set (a model in service, {@code --until} cutting the files after two and a
     * half days of four): the driver reads the rows once, keeps only the gate's ring (a day of warm-up and the held-out day)
     * and the rows on local disk, and the candidate and the gate's verdict are those of {@code Promotion.run} on the
     * loaded data set: the same checks with the same figures, the same model, the same held-out block.
     */
    @Test
    void streamedRetrainIsGatedAsTheLoadedOneWithoutHoldingTheWindow() throws Exception {
        int window = 720; // two and a half of the city's four days, so the files go on after --until
        Path loadedRegistry = tmp.resolve("gated-loaded");
        Path streamedRegistry = tmp.resolve("gated-streamed");
        for (Path registry : new Path[] {loadedRegistry, streamedRegistry}) {
            Promotion.publishFirst(new ModelRegistry(registry),
                    new TrainingRun.Outcome(local, TrainingRun.cleanedTraining(city, city.history().steps(), config)
                            .report(), city.history().steps(), 0));
        }
        Promotion.Result loaded = Promotion.run(new Promotion.Request(city, window, config, loadedRegistry,
                GateThresholds.defaults(), false, Duration.ofDays(1)), ProgressListener.NONE);

        TrainingOptions options = new TrainingOptions();
        new picocli.CommandLine(options).parseArgs("--max-zone-size", "40");
        TrainingConfig fromPreview = options.toConfig(DatasetLoader.preview(cityDir, 2));
        Promotion.Candidate[] seen = new Promotion.Candidate[1];
        Promotion.Result streamed = Promotion.runStreamed(streamedRegistry, GateThresholds.defaults(), false,
                city.name(), anchor -> seen[0] = FlinkClusterTrainer.trainGated(cityDir, window, Duration.ofDays(1),
                        fromPreview, StreamExecutionEnvironment.getExecutionEnvironment(),
                        tmp.resolve("work-gated").toUri().toString(), 2, ProgressListener.NONE, anchor));

        assertEquals(window - 288, loaded.training().trainRows(), "one day held out of the window");
        assertEquals(loaded.training().trainRows(), streamed.training().trainRows());
        // the service saw the held-out day in its own training, so the candidate is refused on skill: a verdict
        // with a figure that must agree to the last bit
        assertEquals(Promotion.Status.REFUSED, loaded.status(), String.valueOf(loaded.reasons()));
        assertEquals(loaded.status(), streamed.status());
        assertEquals(loaded.reasons(), streamed.reasons());
        assertEquals(loaded.decision().checks(), streamed.decision().checks(), "every gate figure the same");
        ModelCard.GateVerdict loadedGate = loaded.model().card().gate();
        ModelCard.GateVerdict streamedGate = streamed.model().card().gate();
        assertEquals(loadedGate.verdict(), streamedGate.verdict());
        assertEquals(loadedGate.heldOut(), streamedGate.heldOut(), "the same held-out block");
        assertEquals(loaded.model().card().payloadSha256(), streamed.model().card().payloadSha256(),
                "the same candidate");
        assertEquals(loaded.model().card().zoning().fingerprint(), streamed.model().card().zoning().fingerprint(),
                "anchored alike");
        assertEquals(loaded.model().card().zoning().changes(), streamed.model().card().zoning().changes());
        assertEquals(loaded.training().cleaning().summaryLines(), streamed.training().cleaning().summaryLines());
        HeldOutWindow kept = seen[0].window();
        assertEquals(2 * 288, kept.cleaned().steps(), "the driver kept the warm-up day and the held-out day");
        assertTrue(kept.cleaned().steps() < window, "not the window of " + window + " rows");
    }

    /** The cluster trainer on the tests' mini-cluster (the command's one submits to a REST address). */
    private static ClusterTrainer onMiniCluster() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        return new ClusterTrainer() {
            @Override
            public TrainingRun.Outcome train(Dataset dataset, int trainRows, TrainingConfig cfg, String address,
                                             String workDir, int parallelism, ProgressListener progress,
                                             ManifoldModel anchor) throws Exception {
                return FlinkClusterTrainer.train(dataset, trainRows, cfg, env, workDir, parallelism, progress, anchor);
            }

            @Override
            public TrainingRun.Outcome trainStreamed(StreamedDataset dataset, int firstRow, int endRow,
                                                     TrainingConfig cfg, String address, String workDir,
                                                     int parallelism, ProgressListener progress) throws Exception {
                return FlinkClusterTrainer.train(dataset, firstRow, endRow, cfg, env, workDir, parallelism, progress,
                        null);
            }

            @Override
            public Promotion.Candidate trainStreamedGated(StreamedDataset dataset, int firstRow, int endRow,
                                                          Duration holdout, TrainingConfig cfg, String address,
                                                          String workDir, int parallelism, ProgressListener progress,
                                                          ManifoldModel anchor) throws Exception {
                Promotion.Candidate candidate = FlinkClusterTrainer.trainGated(dataset, firstRow, endRow, holdout,
                        cfg, env, workDir, parallelism, progress, anchor);
                keptByTheGate = candidate.window().cleaned().steps();
                return candidate;
            }
        };
    }

    /** Rows of the window the last streamed gate kept in the driver. */
    static int keptByTheGate;

    /**
     * {@code roadcast retrain --flink}: the daily retrain on the stream's day-partitioned archive, read row by row by
     * the driver (parsed once into hourly spool files, never loaded) with the candidate's zones fitted on the cluster,
     * gives the local retrain's candidate (same checksum) and the same gate figures; the window (the newest three of
     * four days) starts after the archive's first row, and the driver kept two of its days for the gate.
     */
    @Test
    void retrainOnTheClusterGivesTheLocalRetrainsCandidate() throws Exception {
        Path archive = DayArchiveFolder.write(city, tmp.resolve("archive"), "# the test city as archived");
        Path localRegistry = tmp.resolve("retrain-local");
        Path clusterRegistry = tmp.resolve("retrain-cluster");
        for (Path registry : new Path[] {localRegistry, clusterRegistry}) {
            Promotion.publishFirst(new ModelRegistry(registry),
                    new TrainingRun.Outcome(local, TrainingRun.cleanedTraining(city, city.history().steps(), config)
                            .report(), city.history().steps(), 0));
        }
        Retrain.Options options = Retrain.Options.defaults().withMaxZoneSize(40).withDays(3);
        Retrain.Result locally = Retrain.runOnce(archive, localRegistry, options, ProgressListener.NONE);
        String work = tmp.resolve("work-retrain").toUri().toString();
        Retrain.Result onCluster = Retrain.runOnceStreamed(archive, clusterRegistry, options, ProgressListener.NONE,
                onMiniCluster(), "mini-cluster", work, 2);

        assertEquals(3 * 288, locally.rows(), "the archive's newest three days");
        assertEquals(locally.promotion().model().card().payloadSha256(),
                onCluster.promotion().model().card().payloadSha256(), "the same candidate");
        assertEquals(locally.promotion().status(), onCluster.promotion().status());
        assertEquals(locally.promotion().decision().checks(), onCluster.promotion().decision().checks());
        assertEquals(locally.promotion().reasons(), onCluster.promotion().reasons());
        assertEquals(locally.windowFrom(), onCluster.windowFrom());
        assertEquals(locally.windowTo(), onCluster.windowTo());
        assertEquals(locally.rows(), onCluster.rows());
        assertEquals(locally.promotion().model().card().gate().heldOut(),
                onCluster.promotion().model().card().gate().heldOut());
        assertEquals(2 * 288, keptByTheGate, "the driver kept the warm-up day and the held-out day, not the window");
    }
}
