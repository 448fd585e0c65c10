package roadcast.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.api.CatalogSegment;
import roadcast.api.SegmentCatalog;
import roadcast.clean.CredibilityRules;
import roadcast.congestion.CongestionGrader;
import roadcast.fit.ManifoldTrainer;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.history.SpeedHistory;
import roadcast.history.SpeedUnit;
import roadcast.kriging.Kriging;
import roadcast.kriging.KrigingConfig;
import roadcast.network.CoverageNetwork;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;
import roadcast.network.Link;
import roadcast.network.RoadClass;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The segment list and the current-speed grading come from the latest model of a registry. */
class RegistryCatalogTest {

    @TempDir
    Path dir;

    @Test
    void latestModelGivesSegmentsZonesAndGrading() throws Exception {
        int n = 12;
        int steps = 2 * 288;
        List<Segment> segments = new ArrayList<>();
        List<Link> links = new ArrayList<>();
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = "m" + i;
            segments.add(new Segment(ids[i], 34.0 + 0.01 * (i % 4), -118.0 - 0.01 * (i / 4),
                i % 2 == 0 ? RoadClass.EXPRESSWAY : RoadClass.ARTERIAL));
            if (i > 0) {
                links.add(new Link(i - 1, i, 1.0, 1.0));
            }
        }
        Random rnd = new Random(5);
        float[][] speed = new float[steps][n];
        for (int t = 0; t < steps; t++) {
            double daily = Math.sin(2 * Math.PI * t / 288.0);
            for (int i = 0; i < n; i++) {
                speed[t][i] = (float) (55 + 12 * daily * (1 + 0.1 * i) + rnd.nextGaussian());
            }
        }
        RoadNetwork network = new RoadNetwork(segments, links);
        SpeedHistory history = new SpeedHistory(ids, LocalDateTime.of(2012, 3, 1, 0, 0), Duration.ofMinutes(5),
            ZoneOffset.UTC, SpeedUnit.MPH, speed, null, null);
        TrainingConfig cfg = TrainingConfig.defaults("fixture", "generated in test",
            CredibilityRules.defaults(SpeedUnit.MPH)).withFixed(2, 1, 1.0).withMaxZoneSize(6);
        ManifoldModel model = ManifoldTrainer.fit(history, network, cfg, ProgressListener.NONE);
        Path registryDir = dir.resolve("models");
        assertThrows(IllegalArgumentException.class, () -> RegistryCatalog.load(registryDir),
            "an empty registry is a clear error");
        String published = new ModelRegistry(registryDir).publish(model);

        SegmentCatalog catalog = RegistryCatalog.load(registryDir);
        List<CatalogSegment> listed = catalog.segments(List.of("not-in-model"));
        assertEquals(n + 1, listed.size());
        for (int i = 0; i < n; i++) {
            CatalogSegment s = listed.get(i);
            assertEquals(ids[i], s.id());
            assertEquals(segments.get(i).latitude(), s.latitude());
            assertEquals(segments.get(i).roadClass().name(), s.roadClass());
            assertEquals(model.zoneId(model.zoneOf(i)), s.zone(), "the stable zone id");
        }
        assertEquals(n - 1, catalog.links().size());
        CongestionGrader grader = CongestionGrader.of(SpeedUnit.MPH);
        for (double v : new double[] {5, 25, 45, 70}) {
            assertEquals(grader.level(RoadClass.EXPRESSWAY, v, model.freeFlowSpeed(0)).wireName(), catalog.grade("m0", v));
        }
        assertTrue(catalog.grade("m0", 5).equals("severe"));
        assertNull(catalog.grade("not-in-model", 30));

        // reliability flags: judged by the skill table of the version named in the forecast, read from the registry
        roadcast.api.ForecastSkill skills = catalog.model().orElseThrow().skills();
        long issued = java.time.Instant.parse("2012-03-03T08:00:00Z").toEpochMilli();
        int checked = 0;
        for (int i = 0; i < n; i++) {
            roadcast.forecast.Forecast s = roadcast.fixtures.SampleForecasts.of(ids[i], issued, 50, 0);
            roadcast.forecast.Forecast f = new roadcast.forecast.Forecast(s.segment(), s.issuedAt(), published,
                s.observedSpeed(), false, s.horizonsMin(), s.speed(), s.level(), s.lower(), s.upper());
            for (int h = 0; h < f.horizonsMin().length; h++) {
                roadcast.skill.Reliability.Flag expected = roadcast.skill.Reliability.of(model.skill(), i, h, 8 * 60);
                assertEquals(expected, skills.flag(f, h), ids[i] + " h" + h);
                checked++;
            }
            roadcast.forecast.Forecast other = new roadcast.forecast.Forecast(s.segment(), s.issuedAt(),
                "v0099-20990101T000000", s.observedSpeed(), false, s.horizonsMin(), s.speed(), s.level(), s.lower(),
                s.upper());
            assertEquals(roadcast.skill.Reliability.Flag.NO_EVIDENCE, skills.flag(other, 0),
                "a version the registry does not hold gives no evidence");
        }
        assertEquals(n * 12, checked);

        // the incident detector's band (issue 13): the model's own scale for the detector, by the version named in
        // the forecast; another version's forecast keeps its published band
        roadcast.api.DetectorBand detector = catalog.model().orElseThrow().detectorBand();
        roadcast.alerts.AlertBand own = new roadcast.alerts.AlertBand(model);
        for (int i = 0; i < n; i++) {
            roadcast.forecast.Forecast s = roadcast.fixtures.SampleForecasts.of(ids[i], issued, 50, 0);
            roadcast.forecast.Forecast f = new roadcast.forecast.Forecast(s.segment(), s.issuedAt(), published,
                s.observedSpeed(), i == 3, s.horizonsMin(), s.speed(), s.level(), s.lower(), s.upper());
            for (int h = 0; h < f.horizonsMin().length; h++) {
                double expected = own.lower(i, h, issued, f.speed()[h], i == 3);
                assertEquals(expected, detector.lower(f, h), 0.0, ids[i] + " h" + h);
                assertTrue(expected < f.speed()[h], "a band under the forecast: " + expected);
            }
            roadcast.forecast.Forecast other = new roadcast.forecast.Forecast(s.segment(), s.issuedAt(),
                "v0099-20990101T000000", s.observedSpeed(), false, s.horizonsMin(), s.speed(), s.level(), s.lower(),
                s.upper());
            assertEquals(other.lower()[0], detector.lower(other, 0), 0.0,
                "a version the registry does not hold: the published band");
        }
    }

    /**
     * Issue 10: a segment of unknown road class without history has no free-flow speed; the grader returns no level
     * and the catalog threw a NullPointerException (a 500 from /api/network) instead of answering "no level".
     */
    @Test
    void unknownRoadClassWithoutHistoryGradesToNoLevel() throws Exception {
        int n = 8;
        RoadClass[] classes = new RoadClass[n];
        java.util.Arrays.fill(classes, RoadClass.ARTERIAL);
        classes[n - 1] = RoadClass.UNKNOWN;
        ManifoldModel model = roadcast.fixtures.ChainModel.trained("u", classes, SpeedUnit.MPH, 4, 9);
        SegmentCatalog catalog = RegistryCatalog.of(model);
        assertNull(catalog.grade("u" + (n - 1), 30), "no free-flow speed, no road-class bands: no level");
        assertTrue(catalog.grade("u0", 30) != null);
    }

    /** Coverage extension: a model's roads without history are listed (with coordinates and zone) and graded too. */
    @Test
    void extendedSegmentsOfTheModelAreListedAndGraded() throws Exception {
        int n = 12;
        int steps = 2 * 288;
        List<Segment> segments = new ArrayList<>();
        List<Link> links = new ArrayList<>();
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = "k" + i;
            segments.add(new Segment(ids[i], 34.0 + 0.01 * i, -118.0, RoadClass.EXPRESSWAY));
            if (i > 0) {
                links.add(new Link(i - 1, i, 500.0, 1.0));
            }
        }
        CoverageNetwork coverage = CoverageNetwork.observedOnly(new RoadNetwork(segments, links))
            .hide(List.of("k3", "k8"));
        RoadNetwork observed = coverage.observed();
        Random rnd = new Random(3);
        float[][] speed = new float[steps][observed.size()];
        for (int t = 0; t < steps; t++) {
            double daily = Math.sin(2 * Math.PI * t / 288.0);
            for (int i = 0; i < observed.size(); i++) {
                speed[t][i] = (float) (55 + 12 * daily + rnd.nextGaussian());
            }
        }
        SpeedHistory history = new SpeedHistory(observed.segmentIds(), LocalDateTime.of(2012, 3, 1, 0, 0),
            Duration.ofMinutes(5), ZoneOffset.UTC, SpeedUnit.MPH, speed, null, null);
        TrainingConfig cfg = TrainingConfig.defaults("fixture", "generated in test",
            CredibilityRules.defaults(SpeedUnit.MPH)).withFixed(2, 1, 1.0).withMaxZoneSize(6);
        ManifoldModel base = ManifoldTrainer.fit(history, observed, cfg, ProgressListener.NONE);
        ManifoldModel model = base.withKriging(Kriging.fit(base, history, coverage, new KrigingConfig(4,
            new int[] {2}, new double[] {1}, new double[] {10}, 0.2, 0.9, 1L, 100_000L)));
        new ModelRegistry(dir.resolve("cov")).publish(model);

        SegmentCatalog catalog = RegistryCatalog.load(dir.resolve("cov"));
        List<CatalogSegment> listed = catalog.segments(List.of());
        assertEquals(n, listed.size(), "observed and extended segments");
        assertEquals(List.of("k3", "k8"), listed.stream().filter(CatalogSegment::extended).map(CatalogSegment::id)
            .toList());
        for (CatalogSegment s : listed) {
            assertEquals(s.id().equals("k3") || s.id().equals("k8") ? "extended" : "observed", s.coverage());
        }
        CatalogSegment k3 = listed.stream().filter(s -> s.id().equals("k3")).findFirst().orElseThrow();
        assertEquals(34.03, k3.latitude(), 1e-12);
        int e = model.kriging().indexOf("k3");
        assertEquals(model.zoneId(model.kriging().zone()[e]), k3.zone());
        CongestionGrader grader = CongestionGrader.of(SpeedUnit.MPH);
        for (double v : new double[] {5, 45, 70}) {
            assertEquals(grader.level(RoadClass.EXPRESSWAY, v, roadcast.forecast.Forecasts.extendedFreeFlow(model, e))
                .wireName(), catalog.grade("k3", v));
        }
        assertEquals(grader.level(RoadClass.EXPRESSWAY, 45, model.freeFlowSpeed(0)).wireName(), catalog.grade("k0", 45));
        assertEquals(n - 1 - 4, catalog.links().size(), "links among observed segments only");
    }
}
