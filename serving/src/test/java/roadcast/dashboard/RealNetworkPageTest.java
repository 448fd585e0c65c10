package roadcast.dashboard;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.api.ApiKeys;
import roadcast.api.CatalogSegment;
import roadcast.api.SegmentCatalog;
import roadcast.datasets.SharedDatasets;
import roadcast.fixtures.Chromium;
import roadcast.fixtures.SampleForecasts;
import roadcast.reading.Source;
import roadcast.serve.ServingNode;
import roadcast.store.Observation;
import roadcast.store.StoreBatch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PEMS-BAY sensor network (325 real coordinates) drawn by the dashboard. */
class RealNetworkPageTest {

    @Test
    void drawsEverySensorOfPemsBayOnScreen(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(SharedDatasets.find("pems-bay").isPresent(), SharedDatasets.absentMessage("pems-bay"));
        Assumptions.assumeTrue(Chromium.binary().isPresent(), "chromium not installed: dashboard page test skipped");
        Path sensors = SharedDatasets.find("pems-bay").get().resolve("sensors.csv");
        SegmentCatalog catalog = SegmentCatalog.fromCsv(sensors);
        List<CatalogSegment> segments = catalog.segments(List.of());
        assertEquals(325, segments.size());
        long t = 1_488_355_200_000L; // 2017-03-01T08:00Z
        StoreBatch batch = new StoreBatch();
        double minLat = segments.stream().mapToDouble(CatalogSegment::latitude).min().orElseThrow();
        double maxLat = segments.stream().mapToDouble(CatalogSegment::latitude).max().orElseThrow();
        for (CatalogSegment s : segments) {
            // slower towards the north, so that the picture shows a gradient
            double speed = 70 - 55 * (s.latitude() - minLat) / (maxLat - minLat);
            batch.add(new Observation(s.id(), t, speed, Source.LOOP)).add(SampleForecasts.of(s.id(), t, speed, -1));
        }
        String key = "pems";
        try (ServingNode node = ServingNode.start(new ServingNode.Settings(null, "f", "s", dir.resolve("store"),
            Duration.ofDays(7), Duration.ofMinutes(5), 0, catalog, ApiKeys.of(key)));
             Chromium browser = new Chromium(Chromium.binary().get())) {
            node.ingest(batch);
            browser.navigate("http://localhost:" + node.port() + "/?key=" + key);
            assertTrue(Chromium.await(Duration.ofSeconds(20), () -> browser.eval(
                "!!document.body && document.body.dataset.ready === 'true'").asBoolean()));
            assertEquals(325, browser.eval("document.querySelectorAll('#segments circle[data-segment]').length").asInt());
            assertEquals(0, browser.eval("[...document.querySelectorAll('#segments circle')].filter(c => {"
                + "const b = c.getBoundingClientRect(); return !(b.width > 0 && b.x >= 0 && b.y >= 0)"
                + " || c.dataset.level === 'none'; }).length").asInt());
            assertTrue(browser.eval("new Set([...document.querySelectorAll('#segments circle')].map(c => c.dataset.level))"
                + ".size").asInt() >= 3, "a north-south gradient spans several levels");
            browser.screenshot(Path.of("target", "dashboard-pems-bay.png"));
        }
    }
}
