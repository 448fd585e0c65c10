package roadcast.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.api.ApiKeys;
import roadcast.api.SegmentCatalog;
import roadcast.fixtures.Chromium;
import roadcast.fixtures.Http;
import roadcast.fixtures.SampleForecasts;
import roadcast.forecast.Forecast;
import roadcast.reading.Source;
import roadcast.serve.ServingNode;
import roadcast.store.Observation;
import roadcast.store.StoreBatch;

/**
 * Coverage extension in serving (issue 8): roads without a sensor ("extended", kriged) count in /api/network, say
 * their coverage there and in their forecast, show their kriged speed now, and the dashboard draws them distinctly
 * (dashed, lighter) in headless Chromium.
 */
class ExtendedCoveragePageTest {

    private static final String KEY = "cov-key";
    private static final long T0 = 1_330_588_800_000L;
    private static final long STEP = 300_000L;
    private static final int STEPS = 6;
    private static final List<String> OBSERVED = List.of("o0", "o1", "o2", "o3", "o4", "o5");
    /** x0: kriged only; x1: kriged, and a floating car passed it after the last forecast. */
    private static final List<String> EXTENDED = List.of("x0", "x1");
    private static final double PROBE_SPEED = 22.5;

    private static ServingNode node;
    private static Chromium browser;
    private static Http http;
    private static final Map<String, Forecast> latest = new HashMap<>();

    // JUnit deletes it after @AfterAll has closed the store; a createTempDirectory here was left in /tmp by every run
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        StringBuilder csv = new StringBuilder("id,latitude,longitude,road_class\n");
        List<String> all = new ArrayList<>(OBSERVED);
        all.addAll(EXTENDED);
        for (int k = 0; k < all.size(); k++) {
            csv.append(all.get(k)).append(',').append(34.05 + 0.003 * k).append(',').append(-118.30 + 0.01 * k)
                .append(",expressway\n");
        }
        Files.writeString(dir.resolve("segments.csv"), csv);
        StoreBatch batch = new StoreBatch();
        for (int t = 0; t < STEPS; t++) {
            long time = T0 + t * STEP;
            for (int k = 0; k < all.size(); k++) {
                String id = all.get(k);
                double now = 70 - 4 * k + t;
                Forecast f;
                if (OBSERVED.contains(id)) {
                    batch.add(new Observation(id, time, now, Source.LOOP));
                    f = SampleForecasts.of(id, time, now, -1.0);
                } else {
                    f = SampleForecasts.extended(id, time, now, -1.0);
                }
                batch.add(f);
                latest.put(id, f);
            }
        }
        batch.add(new Observation("x1", T0 + (STEPS - 1) * STEP + 60_000, PROBE_SPEED, Source.FLOATING_CAR));
        node = ServingNode.start(new ServingNode.Settings(null, "roadcast.forecast", "roadcast.speed",
            dir.resolve("store"), Duration.ofDays(7), Duration.ofMinutes(5), 0,
            SegmentCatalog.fromCsv(dir.resolve("segments.csv")), ApiKeys.of(KEY)));
        node.ingest(batch);
        http = new Http(node.port());
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.screenshot(Path.of("target", "dashboard-coverage.png"));
            browser.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private static Map<String, JsonNode> bySegment(JsonNode network) {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode n : network.get("segments")) {
            out.put(n.get("segment").asText(), n);
        }
        return out;
    }

    @Test
    void networkCountsExtendedSegmentsAndGivesTheirKrigedSpeedNow() throws Exception {
        JsonNode now = http.json("/api/network?horizon=0", KEY);
        assertEquals(OBSERVED.size() + EXTENDED.size(), now.get("total").asInt());
        assertEquals(OBSERVED.size(), now.get("observed").asInt());
        assertEquals(EXTENDED.size(), now.get("extended").asInt());
        Map<String, JsonNode> segments = bySegment(now);
        for (String id : OBSERVED) {
            assertEquals("observed", segments.get(id).get("coverage").asText(), id);
            assertFalse(segments.get(id).has("estimated"), id);
        }
        JsonNode x0 = segments.get("x0");
        assertEquals("extended", x0.get("coverage").asText());
        assertEquals(latest.get("x0").estimatedSpeed(), x0.get("speed").asDouble(), 1e-9, "the kriged speed now");
        assertTrue(x0.get("estimated").asBoolean());
        assertFalse(x0.get("level").isNull(), "graded like its forecast");
        JsonNode x1 = segments.get("x1");
        assertEquals("extended", x1.get("coverage").asText());
        assertEquals(PROBE_SPEED, x1.get("speed").asDouble(), 1e-9, "a newer live reading beats the estimate");
        assertFalse(x1.has("estimated"));

        JsonNode at30 = bySegment(http.json("/api/network?horizon=30", KEY)).get("x0");
        assertEquals(latest.get("x0").speed()[5], at30.get("speed").asDouble(), 1e-9);
        assertEquals("extended", at30.get("coverage").asText());

        JsonNode forecast = http.json("/api/segments/x0/forecast", KEY);
        assertEquals("extended", forecast.get("coverage").asText());
        assertEquals(latest.get("x0").estimatedSpeed(), forecast.get("estimatedSpeed").asDouble(), 1e-9);
        assertEquals("observed", http.json("/api/segments/o2/forecast", KEY).get("coverage").asText());
    }

    @Test
    void dashboardDrawsExtendedSegmentsDashedAndLighter() throws Exception {
        Assumptions.assumeTrue(Chromium.binary().isPresent(),
            "chromium not installed (apt-get install -y chromium): dashboard page test skipped");
        browser = new Chromium(Chromium.binary().get());
        browser.navigate("http://localhost:" + node.port() + "/?key=" + KEY);
        assertTrue(Chromium.await(Duration.ofSeconds(20), () -> browser.eval(
            "!!document.body && document.body.dataset.ready === 'true'").asBoolean()), "dashboard did not load");
        String styles = "Object.fromEntries([...document.querySelectorAll('#segments circle')].map(c => [c.dataset.segment,"
            + " [c.dataset.coverage, c.dataset.level, getComputedStyle(c).strokeDasharray,"
            + " getComputedStyle(c).fillOpacity, c.getAttribute('class')]]))";
        assertTrue(Chromium.await(Duration.ofSeconds(5), () -> "extended".equals(
            browser.eval(styles).get("x0").get(0).asText())), "coverage drawn: " + browser.eval(styles));
        JsonNode drawn = browser.eval(styles);
        assertEquals(OBSERVED.size() + EXTENDED.size(), drawn.size(), "every segment drawn, extended included");
        for (String id : EXTENDED) {
            JsonNode c = drawn.get(id);
            assertEquals("extended", c.get(0).asText(), id);
            assertNotEquals("none", c.get(1).asText(), id + " is coloured by its level");
            assertNotEquals("none", c.get(2).asText(), id + " is dashed: " + c);
            assertTrue(Double.parseDouble(c.get(3).asText()) < 1.0, id + " is lighter: " + c);
            assertTrue(c.get(4).asText().contains("extended"), c.toString());
        }
        for (String id : OBSERVED) {
            JsonNode c = drawn.get(id);
            assertEquals("observed", c.get(0).asText(), id);
            assertEquals("none", c.get(2).asText(), id + " is solid: " + c);
            assertEquals(1.0, Double.parseDouble(c.get(3).asText()), 1e-9, id + ": " + c);
        }
        // the tooltip says the road has no sensor
        assertTrue(browser.eval("document.querySelector('[data-segment=\"x0\"] title').textContent").asText()
            .contains("no sensor"));
    }
}
