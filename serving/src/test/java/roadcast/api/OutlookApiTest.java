package roadcast.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.fixtures.Http;
import roadcast.fixtures.OutlookFixture;
import roadcast.network.RoadNetwork;
import roadcast.serve.ServingNode;
import roadcast.skill.Reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /api/outlook} and {@code /api/bulletin} on the fixture with known answers ({@link OutlookFixture}). */
class OutlookApiTest {

    private static final String KEY = "outlook-key";
    private static ServingNode node;
    private static ServingNode empty;
    private static Http http;
    private static Http emptyHttp;

    // JUnit deletes it after @AfterAll has closed the store; a createTempDirectory here was left in /tmp by every run
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        RoadNetwork network = OutlookFixture.network(List.of());
        node = ServingNode.start(new ServingNode.Settings(null, "roadcast.forecast", "roadcast.speed",
            dir.resolve("store"), Duration.ofDays(7), Duration.ofMinutes(5), 0,
            OutlookFixture.catalog(network, (f, h) -> Reliability.Flag.NO_EVIDENCE), ApiKeys.of(KEY)));
        node.ingest(OutlookFixture.batch());
        http = new Http(node.port());
        empty = ServingNode.start(new ServingNode.Settings(null, "roadcast.forecast", "roadcast.speed",
            dir.resolve("store-empty"), Duration.ofDays(7), Duration.ofMinutes(5), 0, SegmentCatalog.empty(),
            ApiKeys.of(KEY)));
        emptyHttp = new Http(empty.port());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (empty != null) {
            empty.close();
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void outlookFindsTheClearingClusterAndTheSpreadingQueue() throws Exception {
        JsonNode o = http.json("/api/outlook", KEY);
        assertEquals("2012-03-01T08:00:00Z", o.get("issuedAt").asText());
        assertEquals(3, o.get("congestedNow").asInt(), "s1, s2, u4");
        assertEquals(2, o.get("clusterCount").asInt());
        JsonNode queue = o.get("clusters").get(0);
        assertEquals(1, queue.get("id").asInt());
        assertEquals(List.of("u4"), texts(queue.get("segments")));
        assertTrue(queue.get("beyondHorizon").asBoolean());
        assertTrue(queue.get("clearsInMin").isNull());
        assertEquals(2, queue.get("spread").size());
        assertEquals("u3", queue.get("spread").get(0).get("segment").asText());
        assertEquals(10, queue.get("spread").get(0).get("inMin").asInt());
        assertEquals("u2", queue.get("spread").get(1).get("segment").asText());
        assertEquals(20, queue.get("spread").get(1).get("inMin").asInt());
        assertEquals(160.0, queue.get("congestedSegmentMinutes").asDouble());
        assertTrue(queue.get("vehicleHoursOfDelay").isNull(), "serving stores no flows");
        JsonNode clearing = o.get("clusters").get(1);
        assertEquals(List.of("s1", "s2"), texts(clearing.get("segments")));
        assertEquals(25, clearing.get("clearsInMin").asInt());
        assertEquals("2012-03-01T08:25:00Z", clearing.get("clearsAt").asText());
        assertFalse(clearing.get("beyondHorizon").asBoolean());
        assertEquals("s1", clearing.get("slowestSegment").asText());
        assertEquals(12.0, clearing.get("slowestSpeed").asDouble());
        assertEquals(1, clearing.get("severe").asInt());
        assertEquals(35.0, clearing.get("congestedSegmentMinutes").asDouble());
        assertEquals("km/h", o.get("unit").asText());

        JsonNode one = http.json("/api/outlook?limit=1", KEY);
        assertEquals(1, one.get("clusters").size());
        assertEquals(2, one.get("clusterCount").asInt());
        assertEquals(400, http.get("/api/outlook?limit=0", KEY).statusCode());
        assertEquals(400, http.get("/api/outlook?limit=x", KEY).statusCode());
    }

    @Test
    void bulletinSaysItInPlainWords() throws Exception {
        JsonNode b = http.json("/api/bulletin", KEY);
        assertEquals("Congestion on segment u4 (10 km/h) not expected to clear within the 60-min forecast; spreading "
            + "to 2 more segments within 30 min. Congestion on 2 segments around s1 (12 km/h) expected to clear by "
            + "08:25 (in 25 min).", b.get("text").asText());
        assertEquals(2, b.get("sentences").size());
        assertEquals("UTC", b.get("timeZone").asText().replace("Z", "UTC"));
        assertEquals(400, http.get("/api/bulletin?clusters=0", KEY).statusCode());
    }

    @Test
    void anEmptyStoreHasNoCongestion() throws Exception {
        JsonNode o = emptyHttp.json("/api/outlook", KEY);
        assertEquals(0, o.get("clusters").size());
        assertEquals("No traffic data yet.", emptyHttp.json("/api/bulletin", KEY).get("text").asText());
    }
}
