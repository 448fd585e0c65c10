package roadcast.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.fixtures.Http;
import roadcast.forecast.Forecast;
import roadcast.history.SpeedUnit;
import roadcast.network.Link;
import roadcast.network.RoadClass;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;
import roadcast.serve.ServingNode;
import roadcast.store.StoreBatch;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /api/route} over a real store: three segments with known forecasts (a: 1000 m to b at 60 km/h; b: 2000 m to
 * c, 60 km/h observed and 30 km/h from +5 min; c: 1500 m at 40 km/h), and every bad route a 400 with a message.
 */
class RouteApiTest {

    private static final String KEY = "route-key";
    private static final long T0 = 1_330_588_800_000L;
    private static final int[] HORIZONS = {5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60};

    private static ServingNode node;
    private static ServingNode noModel;
    private static Http http;
    private static Http noModelHttp;

    static Forecast forecast(String id, double observed, double first, double later) {
        int n = HORIZONS.length;
        double[] speed = new double[n];
        double[] lower = new double[n];
        double[] upper = new double[n];
        String[] level = new String[n];
        for (int h = 0; h < n; h++) {
            speed[h] = h == 0 ? first : later;
            lower[h] = speed[h] - 10;
            upper[h] = speed[h] + 10;
            level[h] = "free";
        }
        return new Forecast(id, T0, "v-test", observed, false, HORIZONS.clone(), speed, level, lower, upper);
    }

    // JUnit deletes it after @AfterAll has closed the store; a createTempDirectory here was left in /tmp by every run
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        List<Segment> segments = new ArrayList<>();
        for (String id : new String[] {"a", "b", "c", "d", "lonely", "nofc"}) {
            segments.add(new Segment(id, 34, -118, RoadClass.UNKNOWN));
        }
        RoadNetwork network = new RoadNetwork(segments, List.of(new Link(0, 1, 1000, 1), new Link(1, 2, 2000, 1),
            new Link(2, 3, 1500, 1), new Link(3, 5, 100, 1), new Link(5, 0, 100, 1)));
        SegmentCatalog catalog = SegmentCatalog.of(network, i -> -1)
            .withModel(new ServedModel(network, SpeedUnit.KMH, ZoneOffset.UTC, (f, h) -> null));
        StoreBatch batch = new StoreBatch().add(forecast("a", 60, 60, 60)).add(forecast("b", 60, 30, 30))
            .add(forecast("c", 40, 40, 40)).add(forecast("d", 40, 40, 40));
        node = ServingNode.start(new ServingNode.Settings(null, "roadcast.forecast", "roadcast.speed",
            dir.resolve("store"), Duration.ofDays(7), Duration.ofMinutes(5), 0, catalog, ApiKeys.of(KEY)));
        node.ingest(batch);
        http = new Http(node.port());
        noModel = ServingNode.start(new ServingNode.Settings(null, "roadcast.forecast", "roadcast.speed",
            dir.resolve("store2"), Duration.ofDays(7), Duration.ofMinutes(5), 0, SegmentCatalog.empty(),
            ApiKeys.of(KEY)));
        noModel.ingest(batch);
        noModelHttp = new Http(noModel.port());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (noModel != null) {
            noModel.close();
        }
    }

    @Test
    void routeThroughThreeSegmentsWithKnownForecasts() throws Exception {
        JsonNode r = http.json("/api/route?segments=a,b,c", KEY);
        double onB = 2000.0 / 54 * 60 / 1000; // reached at +1 min: 60 + (1/5)(30 - 60) = 54 km/h
        double expected = 1 + onB + 2.25;
        assertEquals(expected, r.get("travelTimeMin").asDouble(), 1e-3);
        assertEquals(Instant.ofEpochMilli(T0).toString(), r.get("depart").asText());
        assertEquals("km/h", r.get("unit").asText());
        assertEquals(4500.0, r.get("lengthM").asDouble());
        JsonNode legs = r.get("legs");
        assertEquals(3, legs.size());
        assertEquals(Instant.ofEpochMilli(T0).toString(), legs.get(0).get("arrival").asText());
        assertEquals(Instant.ofEpochMilli(T0 + 60_000).toString(), legs.get(1).get("arrival").asText());
        assertEquals(54.0, legs.get(1).get("speed").asDouble(), 1e-9);
        assertEquals(Instant.ofEpochMilli(T0 + (long) ((1 + onB) * 60_000)).toString(), legs.get(2).get("arrival").asText());
        assertTrue(r.get("travelTimeMinLower").asDouble() < expected && expected < r.get("travelTimeMinUpper").asDouble());

        JsonNode later = http.json("/api/route?segments=a,b,c&depart=2012-03-01T08:10:00Z", KEY);
        assertEquals(1 + 4 + 2.25, later.get("travelTimeMin").asDouble(), 1e-9, "b at 30 km/h from +5 min");
        assertEquals(1000.0 / 70 * 60 / 1000 + 2000.0 / 40 * 60 / 1000 + 1500.0 / 50 * 60 / 1000,
            later.get("travelTimeMinLower").asDouble(), 1e-3, "fast end: every segment at its upper band (+10 km/h)");
    }

    @Test
    void badRoutesAre400WithAMessage() throws Exception {
        String[][] cases = {
            {"/api/route", "segments=a,b,c"},
            {"/api/route?segments=", "segments=a,b,c"},
            {"/api/route?segments=a,,b", "empty segment id"},
            {"/api/route?segments=a,nope", "unknown segment nope"},
            {"/api/route?segments=a,c", "no road link from segment a to c"},
            {"/api/route?segments=b,a", "wrong order"},
            {"/api/route?segments=a,lonely", "no road link"},
            {"/api/route?segments=lonely", "no length known for the last segment lonely"},
            {"/api/route?segments=d,nofc", "no forecast for segment nofc"},
            {"/api/route?segments=a,b,c&depart=yesterday", "depart must be ISO-8601"},
            {"/api/route?segments=a,b,c&depart=-5", "depart must be"},
            {"/api/route?segments=a,b,c&depart=99999999999999999", "between 1970-01-01 and 9999-12-31"},
            {"/api/route?segments=a,b,c&depart=2012-03-01T07:00:00Z", "before the forecast"},
            {"/api/route?segments=a,b,c&depart=2012-03-01T08:58:00Z", "route too long for the forecasts"},
            {"/api/route?segments=" + "a,".repeat(600) + "a", "route too long"},
            {"/api/route?segments=%00", "unknown segment"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = http.get(c[0], KEY);
            assertEquals(400, r.statusCode(), c[0] + ": " + r.body());
            assertTrue(r.body().contains(c[1]), c[0] + " -> " + r.body());
        }
        HttpResponse<String> r = noModelHttp.get("/api/route?segments=a,b,c", KEY);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("--registry"), r.body());
        assertEquals(401, http.get("/api/route?segments=a,b,c", null).statusCode());
    }
}
