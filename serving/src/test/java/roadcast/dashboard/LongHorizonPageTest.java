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
import roadcast.network.RoadClass;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;
import roadcast.reading.Source;
import roadcast.serve.ServingNode;
import roadcast.store.Observation;
import roadcast.store.StoreBatch;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, longer horizons: forecasts of a model trained with {@code --max-horizon 120} (every 5 min up to two
 * hours) are served at every horizon, out-of-range horizons are refused with a message, and the dashboard's slider
 * runs to +120 min (its range follows the forecasts' horizons, not a fixed hour).
 */
class LongHorizonPageTest {

    private static final String KEY = "long-key";
    private static final long T0 = 1_330_588_800_000L;
    private static final int[] TWO_HOURS = IntStream.rangeClosed(1, 24).map(h -> 5 * h).toArray();
    private static final int N = 6;

    private static ServingNode node;
    private static Http http;
    private static final Map<String, Forecast> SENT = new HashMap<>();

    // JUnit deletes it after @AfterAll has closed the store; a createTempDirectory here was left in /tmp by every run
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        List<Segment> segments = new ArrayList<>();
        StoreBatch batch = new StoreBatch();
        for (int i = 0; i < N; i++) {
            segments.add(new Segment("h" + i, 34.05 + 0.004 * i, -118.30, RoadClass.EXPRESSWAY));
            batch.add(new Observation("h" + i, T0, 70, Source.LOOP));
            Forecast f = SampleForecasts.of("h" + i, T0, 70, -1.5 - 0.2 * i, TWO_HOURS);
            SENT.put(f.segment(), f);
            batch.add(f);
        }
        SegmentCatalog catalog = SegmentCatalog.of(new RoadNetwork(segments, List.of()), i -> -1,
            (id, speed) -> SampleForecasts.levelOf(speed).wireName());
        node = ServingNode.start(new ServingNode.Settings(null, "roadcast.forecast", "roadcast.speed",
            dir.resolve("store"), Duration.ofDays(7), Duration.ofMinutes(5), 0, catalog, ApiKeys.of(KEY)));
        node.ingest(batch);
        http = new Http(node.port());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void networkAtTwoHoursServesTheLastHorizonAndRefusesOthersWithAMessage() throws Exception {
        JsonNode body = http.json("/api/network?horizon=120", KEY);
        assertEquals(120, body.get("horizonMin").asInt());
        assertEquals(25, body.get("horizonsMin").size(), "now and 24 horizons: " + body.get("horizonsMin"));
        assertEquals(120, body.get("horizonsMin").get(24).asInt());
        assertEquals(N, body.get("segments").size());
        for (JsonNode n : body.get("segments")) {
            Forecast f = SENT.get(n.get("segment").asText());
            assertEquals(f.speed()[23], n.get("speed").asDouble(), 1e-9, n.toString());
            assertEquals(f.level()[23], n.get("level").asText(), n.toString());
            assertEquals(Instant.ofEpochMilli(T0 + 120 * 60_000L).toString(), n.get("time").asText());
        }
        JsonNode forecast = http.json("/api/segments/h2/forecast", KEY);
        assertEquals(24, forecast.get("horizons").size());
        assertEquals(120, forecast.get("horizons").get(23).get("horizonMin").asInt());

        for (String bad : new String[] {"125", "180", "1441"}) {
            HttpResponse<String> r = http.get("/api/network?horizon=" + bad, KEY);
            assertEquals(400, r.statusCode(), bad + ": " + r.body());
            String error = Http.parse(r.body()).get("error").asText();
            assertTrue(error.contains("horizon"), error);
            if (!bad.equals("1441")) {
                assertTrue(error.contains("120"), "the message lists the horizons on offer: " + error);
            }
        }
    }

    @Test
    void sliderRunsToTheModelsLastHorizon() throws Exception {
        Assumptions.assumeTrue(Chromium.binary().isPresent(),
            "chromium not installed (apt-get install -y chromium): long-horizon page test skipped");
        try (Chromium browser = new Chromium(Chromium.binary().get())) {
            browser.navigate("http://localhost:" + node.port() + "/?key=" + KEY);
            assertTrue(Chromium.await(Duration.ofSeconds(20), () -> browser.eval(
                "!!document.body && document.body.dataset.ready === 'true'").asBoolean()), "dashboard did not load");
            assertEquals("24", browser.eval("document.getElementById('horizon').max").asText(),
                "one slider stop per horizon after now");
            browser.eval("(() => { const s = document.getElementById('horizon'); s.value = s.max; "
                + "s.dispatchEvent(new Event('input')); return s.value; })()");
            assertEquals("+120 min", browser.eval("document.getElementById('horizon-label').textContent").asText());
            Map<String, String> expected = new HashMap<>();
            SENT.forEach((id, f) -> expected.put(id, f.level()[23]));
            assertTrue(!expected.values().stream().allMatch("free"::equals), "the fixture slows down by two hours");
            assertTrue(Chromium.await(Duration.ofSeconds(10), () -> {
                JsonNode v = browser.eval("Object.fromEntries([...document.querySelectorAll('#segments "
                    + "[data-segment]')].map(e => [e.dataset.segment, e.dataset.level]))");
                Map<String, String> drawn = new HashMap<>();
                v.fields().forEachRemaining(e -> drawn.put(e.getKey(), e.getValue().asText()));
                return drawn.equals(expected);
            }), "the map is coloured by the levels at +120 min: " + expected);
        }
    }
}
