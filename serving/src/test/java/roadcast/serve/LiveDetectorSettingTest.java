package roadcast.serve;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.alerts.IncidentDetector;
import roadcast.api.ApiKeys;
import roadcast.fixtures.ChainModel;
import roadcast.fixtures.Http;
import roadcast.fusion.FusionModel;
import roadcast.fusion.SourceCalibration;
import roadcast.history.SpeedUnit;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;
import roadcast.network.RoadClass;
import roadcast.reading.Source;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Issue 13: the live alerts run the detector setting validated for the kind of input the served model reads, as its
 * card records it: a model trained on a fused multi-source feed (its card has a fusion) runs
 * {@link IncidentDetector.Settings#forFusedFeed()}, any other the generated-city defaults, and an operator's setting
 * overrides both. Through the registry, the serving node (real RocksDB) and {@code /api/alerts}.
 */
class LiveDetectorSettingTest {

    private static final String KEY = "setting-key";

    @TempDir
    static Path dir;

    /** The same trained model published twice: as trained on one speed per road, and as trained on a fused feed. */
    private static Path plainRegistry;
    private static Path feedRegistry;

    @BeforeAll
    static void publish() throws Exception {
        RoadClass[] classes = new RoadClass[6];
        java.util.Arrays.fill(classes, RoadClass.ARTERIAL);
        ManifoldModel model = ChainModel.trained("s", classes, SpeedUnit.KMH, 6, 13);
        plainRegistry = dir.resolve("plain");
        new ModelRegistry(plainRegistry).publish(model);
        // a loop calibrated to the floating cars, as FusionFitter leaves a feed's card (what serving reads is only
        // that the card has a fusion)
        SourceCalibration loop = new SourceCalibration(Source.LOOP, false, "offset", new double[] {-2},
            new double[] {0, 0}, Map.of(), 9, 5000, Map.of());
        SourceCalibration probe = new SourceCalibration(Source.FLOATING_CAR, true, SourceCalibration.NONE,
            new double[0], new double[] {0, 0}, Map.of(), 30, 0, Map.of());
        FusionModel fusion = new FusionModel(Source.FLOATING_CAR, List.of(loop, probe), 1 / 24.0, "fixture");
        feedRegistry = dir.resolve("feed");
        new ModelRegistry(feedRegistry).publish(model.withCard(model.card().withFusion(fusion)));
    }

    /** The {@code detectorSettings} of {@code /api/alerts} of a node serving the registry's latest model. */
    private static String running(Path registry, IncidentDetector.Settings given, String store) throws Exception {
        ServingNode.Settings settings = new ServingNode.Settings(null, "roadcast.forecast", "roadcast.speed",
            dir.resolve(store), Duration.ofDays(7), Duration.ofMinutes(5), 0, RegistryCatalog.load(registry),
            ApiKeys.of(KEY)).withAlertsSettings(given);
        try (ServingNode node = ServingNode.start(settings)) {
            return new Http(node.port()).json("/api/alerts", KEY).get("detectorSettings").asText();
        }
    }

    @Test
    void aModelTrainedOnAFusedFeedRunsTheFeedSetting() throws Exception {
        assertEquals(IncidentDetector.Settings.forFusedFeed().toString(), running(feedRegistry, null, "feed"));
        assertNotEquals(IncidentDetector.Settings.forFusedFeed(), IncidentDetector.Settings.defaults(),
            "the two choices differ, so the assertions tell them apart");
    }

    @Test
    void aModelTrainedOnOneSpeedPerRoadRunsTheGeneratedCityDefaults() throws Exception {
        assertEquals(IncidentDetector.Settings.defaults().toString(), running(plainRegistry, null, "plain"));
    }

    @Test
    void anOperatorsSettingOverridesTheValidatedOne() throws Exception {
        IncidentDetector.Settings given = IncidentDetector.Settings.parse("persist=4 drop=0.25 slide=0.15x4");
        assertEquals(given.toString(), running(feedRegistry, given, "given-feed"));
        assertEquals(given.toString(), running(plainRegistry, given, "given-plain"));
    }
}
