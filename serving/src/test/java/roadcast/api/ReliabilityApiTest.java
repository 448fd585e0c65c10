package roadcast.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.fixtures.Http;
import roadcast.fixtures.SampleForecasts;
import roadcast.forecast.Forecast;
import roadcast.history.SpeedUnit;
import roadcast.network.RoadNetwork;
import roadcast.serve.ServingNode;
import roadcast.skill.DayPeriod;
import roadcast.skill.SkillTable;
import roadcast.store.StoreBatch;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reliability flags through the API, on a skill table made by hand so every verdict is known: segment {@code r<i>}
 * is reliable at horizon index h exactly when {@code (i + h) % 3 != 0} (skill +0.25), else it lost to a baseline
 * (skill -0.25); segment {@code r9} is not in the table (no evidence).
 */
class ReliabilityApiTest {

    private static final String KEY = "rel-key";
    private static final long T0 = 1_330_588_800_000L; // 2012-03-01T08:00Z, AM peak in UTC
    private static final int N = 9;
    private static final int H = SampleForecasts.HORIZONS.length;

    private static ServingNode node;
    private static ServingNode plain;
    private static Http http;
    private static Http plainHttp;

    static boolean expectedReliable(int i, int h) {
        return (i + h) % 3 != 0;
    }

    // JUnit deletes it after @AfterAll has closed the store; a createTempDirectory here was left in /tmp by every run
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        StringBuilder csv = new StringBuilder("id,latitude,longitude\n");
        String[] ids = new String[N];
        for (int i = 0; i < N; i++) {
            ids[i] = "r" + i;
        }
        for (int i = 0; i <= N; i++) {
            csv.append("r").append(i).append(',').append(34 + 0.01 * i).append(",-118\n");
        }
        Files.writeString(dir.resolve("segments.csv"), csv);
        int cells = N * H * SkillTable.PERIODS;
        float[][] a = new float[4][cells];
        for (int i = 0; i < N; i++) {
            for (int h = 0; h < H; h++) {
                int k = SkillTable.cell(i, H, h, DayPeriod.ALL_DAY);
                a[0][k] = expectedReliable(i, h) ? 3 : 5;
                a[1][k] = 4;
                a[2][k] = 6;
                a[3][k] = 200;
            }
        }
        ModelSkill skill = new ModelSkill("v-test", ids, SampleForecasts.HORIZONS, ZoneOffset.UTC,
            new SkillTable(N, H, a[0], a[1], a[2], a[3]));
        SegmentCatalog catalog = SegmentCatalog.fromCsv(dir.resolve("segments.csv"))
            .withModel(new ServedModel(new RoadNetwork(List.of(), List.of()), SpeedUnit.KMH, ZoneOffset.UTC, skill));
        StoreBatch batch = new StoreBatch();
        for (int i = 0; i <= N; i++) {
            batch.add(SampleForecasts.of("r" + i, T0, 50, -1));
        }
        node = ServingNode.start(new ServingNode.Settings(null, "roadcast.forecast", "roadcast.speed",
            dir.resolve("store"), Duration.ofDays(7), Duration.ofMinutes(5), 0, catalog, ApiKeys.of(KEY)));
        node.ingest(batch);
        http = new Http(node.port());
        plain = ServingNode.start(new ServingNode.Settings(null, "roadcast.forecast", "roadcast.speed",
            dir.resolve("store-plain"), Duration.ofDays(7), Duration.ofMinutes(5), 0,
            SegmentCatalog.fromCsv(dir.resolve("segments.csv")), ApiKeys.of(KEY)));
        plain.ingest(batch);
        plainHttp = new Http(plain.port());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (plain != null) {
            plain.close();
        }
    }

    @Test
    void everyForecastHorizonCarriesItsVerdictAndSkill() throws Exception {
        for (int i = 0; i < N; i++) {
            JsonNode horizons = http.json("/api/segments/r" + i + "/forecast", KEY).get("horizons");
            assertEquals(H, horizons.size());
            for (int h = 0; h < H; h++) {
                assertEquals(expectedReliable(i, h), horizons.get(h).get("reliable").asBoolean(), "r" + i + " h" + h);
                assertEquals(expectedReliable(i, h) ? 0.25 : -0.25, horizons.get(h).get("skill").asDouble(), 1e-9);
            }
        }
        JsonNode unknown = http.json("/api/segments/r9/forecast", KEY).get("horizons").get(0);
        assertFalse(unknown.get("reliable").asBoolean(), "no validation evidence: not reliable");
        assertTrue(unknown.get("skill").isNull());
    }

    @Test
    void networkGivesReliablePerSegmentAndFiltersOnRequest() throws Exception {
        for (int horizon : new int[] {5, 30, 60}) {
            int h = horizon / 5 - 1;
            Set<String> reliable = new HashSet<>();
            for (JsonNode n : http.json("/api/network?horizon=" + horizon, KEY).get("segments")) {
                String id = n.get("segment").asText();
                int i = Integer.parseInt(id.substring(1));
                boolean expected = i < N && expectedReliable(i, h);
                assertEquals(expected, n.get("reliable").asBoolean(), id + " at +" + horizon);
                if (expected) {
                    reliable.add(id);
                }
            }
            JsonNode only = http.json("/api/network?horizon=" + horizon + "&reliableOnly=true", KEY);
            Set<String> listed = new HashSet<>();
            only.get("segments").forEach(n -> {
                listed.add(n.get("segment").asText());
                assertTrue(n.get("reliable").asBoolean());
            });
            assertEquals(reliable, listed);
            assertEquals(reliable.size(), only.get("total").asInt(), "total counts the filtered segments");
        }
        // paging walks the filtered list
        List<String> paged = new ArrayList<>();
        Integer next = 0;
        while (next != null) {
            JsonNode page = http.json("/api/network?horizon=30&reliableOnly=true&limit=2&offset=" + next, KEY);
            page.get("segments").forEach(n -> paged.add(n.get("segment").asText()));
            next = page.get("next").isNull() ? null : page.get("next").asInt();
        }
        assertEquals(http.json("/api/network?horizon=30&reliableOnly=true", KEY).get("total").asInt(), paged.size());
    }

    @Test
    void badUseOfTheFilterIsA400WithAMessage() throws Exception {
        HttpResponse<String> r = http.get("/api/network?horizon=30&reliableOnly=maybe", KEY);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("reliableOnly must be true or false"), r.body());
        r = http.get("/api/network?horizon=0&reliableOnly=true", KEY);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("horizon above 0"), r.body());
        r = plainHttp.get("/api/network?horizon=30&reliableOnly=true", KEY);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("--registry"), r.body());
    }

    @Test
    void withoutAModelReliabilityIsUnknownNotFalse() throws Exception {
        JsonNode n = plainHttp.json("/api/network?horizon=30", KEY).get("segments").get(0);
        assertTrue(n.get("reliable").isNull());
        assertTrue(n.get("skill").isNull());
    }
}
