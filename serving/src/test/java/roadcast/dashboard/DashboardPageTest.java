package roadcast.dashboard;

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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard in headless Chromium: drawn network, horizon slider, chart on click, live updates. */
class DashboardPageTest {

    private static final String KEY = "dash-key";
    private static final int ROADS = 3;
    private static final int PER_ROAD = 8;
    private static final long T0 = 1_330_588_800_000L;
    private static final long STEP = 300_000L;
    private static final int STEPS = 36;

    private static ServingNode node;
    private static Chromium browser;
    private static Http http;
    private static final List<String> ids = new ArrayList<>();
    private static final Map<String, Forecast> latest = new HashMap<>();

    // JUnit deletes it after @AfterAll has closed the store; a createTempDirectory here was left in /tmp by every run
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Chromium.binary().isPresent(),
            "chromium not installed (apt-get install -y chromium): dashboard page test skipped");
        StringBuilder csv = new StringBuilder("id,latitude,longitude,road_class\n");
        StoreBatch batch = new StoreBatch();
        for (int r = 0; r < ROADS; r++) {
            for (int i = 0; i < PER_ROAD; i++) {
                String id = "r" + r + "-" + i;
                ids.add(id);
                csv.append(id).append(',').append(34.05 + 0.01 * r + 0.002 * i).append(',')
                    .append(-118.30 + 0.012 * i).append(",expressway\n");
                int k = ids.size() - 1;
                double now = 70 - 2 * k;
                for (int t = 0; t < STEPS; t++) {
                    long time = T0 + t * STEP;
                    double speed = now + 3 * Math.sin(t / 5.0);
                    batch.add(new Observation(id, time, speed, Source.LOOP));
                    Forecast f = SampleForecasts.of(id, time, speed, -(k % 4) * 1.5);
                    batch.add(f);
                    latest.put(id, f);
                }
            }
        }
        Files.writeString(dir.resolve("segments.csv"), csv);
        node = ServingNode.start(new ServingNode.Settings(null, "roadcast.forecast", "roadcast.speed",
            dir.resolve("store"), Duration.ofDays(7), Duration.ofMinutes(5), 0,
            SegmentCatalog.fromCsv(dir.resolve("segments.csv")), ApiKeys.of(KEY)));
        node.ingest(batch);
        http = new Http(node.port());
        browser = new Chromium(Chromium.binary().get());
        browser.navigate("http://localhost:" + node.port() + "/?key=" + KEY);
        assertTrue(Chromium.await(Duration.ofSeconds(20), () -> browser.eval("!!document.body && document.body.dataset.ready === 'true'")
            .asBoolean()), "dashboard did not finish loading: " + browser.eval("document.getElementById('message').textContent"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.screenshot(Path.of("target", "dashboard.png"));
            browser.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private static Map<String, String> drawnLevels() throws Exception {
        JsonNode v = browser.eval("Object.fromEntries([...document.querySelectorAll('#segments [data-segment]')]"
            + ".map(e => [e.dataset.segment, e.dataset.level]))");
        Map<String, String> out = new HashMap<>();
        v.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static Map<String, String> apiLevels(int horizon) throws Exception {
        Map<String, String> out = new HashMap<>();
        for (JsonNode n : http.json("/api/network?horizon=" + horizon, KEY).get("segments")) {
            out.put(n.get("segment").asText(), n.get("level").isNull() ? "none" : n.get("level").asText());
        }
        return out;
    }

    private static void setHorizon(int minutes) throws Exception {
        browser.eval("(() => { const s = document.getElementById('horizon'); s.value = String(state.horizons.indexOf("
            + minutes + ")); s.dispatchEvent(new Event('input')); return s.value; })()");
    }

    @Test
    void everySegmentIsDrawnAndColouredByItsLevel() throws Exception {
        Map<String, String> drawn = drawnLevels();
        assertEquals(ids.size(), drawn.size());
        assertTrue(drawn.keySet().containsAll(ids));
        assertTrue(Chromium.await(Duration.ofSeconds(5), () -> drawnLevels().equals(apiLevels(0))));
        assertFalse(drawn.containsValue("none"), drawn.toString());
        JsonNode bounds = browser.eval("[...document.querySelectorAll('#segments circle')].every(c => {"
            + "const b = c.getBoundingClientRect(); return b.width > 0 && b.x >= 0 && b.y >= 0; })");
        assertTrue(bounds.asBoolean(), "every segment is on screen");
    }

    @Test
    void sliderRecoloursTheNetworkAtTheChosenHorizon() throws Exception {
        setHorizon(60);
        Map<String, String> expected = new HashMap<>();
        latest.forEach((id, f) -> expected.put(id, f.level()[f.level().length - 1]));
        assertTrue(Chromium.await(Duration.ofSeconds(5), () -> drawnLevels().equals(expected)),
            "levels at +60 min: " + drawnLevels() + " expected " + expected);
        assertEquals("+60 min", browser.eval("document.getElementById('horizon-label').textContent").asText());
        String changed = null;
        Map<String, String> now = apiLevels(0);
        for (String id : ids) {
            if (!now.get(id).equals(expected.get(id))) {
                changed = id;
            }
        }
        assertTrue(changed != null, "fixture has segments whose level changes within the hour");
        String fillLater = browser.eval("getComputedStyle(document.querySelector('[data-segment=\"" + changed
            + "\"]')).fill").asText();
        setHorizon(0);
        String id = changed;
        assertTrue(Chromium.await(Duration.ofSeconds(5), () -> drawnLevels().get(id).equals(now.get(id))));
        String fillNow = browser.eval("getComputedStyle(document.querySelector('[data-segment=\"" + changed
            + "\"]')).fill").asText();
        assertNotEquals(fillNow, fillLater, "the colour on screen changes with the horizon");
    }

    @Test
    void clickingASegmentOpensItsChart() throws Exception {
        String id = ids.get(5);
        JsonNode box = browser.eval("(() => { const b = document.querySelector('[data-segment=\"" + id
            + "\"]').getBoundingClientRect(); return [b.x + b.width / 2, b.y + b.height / 2]; })()");
        browser.click(box.get(0).asDouble(), box.get(1).asDouble());
        assertTrue(Chromium.await(Duration.ofSeconds(5), () -> browser.eval(
            "document.getElementById('chart').dataset.segment === '" + id + "' && "
                + "!!document.querySelector('#chart polyline.observed')").asBoolean()), "chart did not open");
        int observedPoints = browser.eval("document.querySelector('#chart polyline.observed').getAttribute('points')"
            + ".trim().split(' ').length").asInt();
        assertEquals(http.json("/api/segments/" + id + "/history", KEY).get("observed").size(), observedPoints);
        int forecastPoints = browser.eval("document.querySelector('#chart polyline.forecast').getAttribute('points')"
            + ".trim().split(' ').length").asInt();
        assertEquals(SampleForecasts.HORIZONS.length + 1, forecastPoints, "issue point plus every horizon");
        assertTrue(browser.eval("!!document.querySelector('#chart polygon.band')").asBoolean());
        assertFalse(browser.eval("document.getElementById('chart-panel').hidden").asBoolean());
    }

    @Test
    void worseningListStartsWithTheSegmentThatDegradesMost() throws Exception {
        JsonNode now = http.json("/api/network?horizon=0", KEY).get("segments");
        JsonNode later = http.json("/api/network?horizon=30", KEY).get("segments");
        List<String> order = List.of("free", "basically-free", "light", "moderate", "severe");
        String best = null;
        double bestWorse = -1, bestDrop = -1;
        for (int i = 0; i < now.size(); i++) {
            double drop = now.get(i).get("speed").asDouble() - later.get(i).get("speed").asDouble();
            int worse = order.indexOf(later.get(i).get("level").asText()) - order.indexOf(now.get(i).get("level").asText());
            if (worse > bestWorse || (worse == bestWorse && drop > bestDrop)) {
                best = now.get(i).get("segment").asText();
                bestWorse = worse;
                bestDrop = drop;
            }
        }
        String expected = best;
        assertTrue(Chromium.await(Duration.ofSeconds(5), () -> expected.equals(browser.eval(
            "(document.querySelector('#worsening li') || {dataset: {}}).dataset.worsening").asText())));
    }

    @Test
    void liveForecastsRecolourTheMapWithoutReload() throws Exception {
        assertTrue(Chromium.await(Duration.ofSeconds(10), () -> browser.eval(
            "document.getElementById('status').textContent").asText().equals("live")), "stream not connected");
        setHorizon(0);
        String id = ids.get(0); // the fastest segment: free flow
        assertTrue(Chromium.await(Duration.ofSeconds(5), () -> "free".equals(drawnLevels().get(id))));
        long time = T0 + STEPS * STEP;
        node.ingest(new StoreBatch().add(new Observation(id, time, 8, Source.LOOP))
            .add(SampleForecasts.of(id, time, 8, 0)));
        assertTrue(Chromium.await(Duration.ofSeconds(10), () -> "severe".equals(drawnLevels().get(id))),
            "a new forecast on the stream must recolour the segment: " + drawnLevels().get(id));
    }

    /** Issue 10: the key stayed in the address bar (history, bookmarks, Referer); now it moves to sessionStorage. */
    @Test
    void keyLeavesTheAddressBarAndStaysInTheTab() throws Exception {
        assertFalse(browser.eval("location.href").asText().contains(KEY), browser.eval("location.href").asText());
        assertEquals(KEY, browser.eval("sessionStorage.getItem('roadcast.key')").asText());
        // a reload without ?key= still works from the tab's storage
        browser.navigate("http://localhost:" + node.port() + "/");
        assertTrue(Chromium.await(Duration.ofSeconds(20), () -> browser.eval(
            "!!document.body && document.body.dataset.ready === 'true'").asBoolean()), "no reload from sessionStorage");
        java.net.http.HttpResponse<String> page = http.get("/", null);
        assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElse(""));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
    }
}
