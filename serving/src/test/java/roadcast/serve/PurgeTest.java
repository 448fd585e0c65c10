package roadcast.serve;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import roadcast.api.ApiKeys;
import roadcast.api.SegmentCatalog;
import roadcast.fixtures.Http;
import roadcast.fixtures.SampleForecasts;
import roadcast.reading.Source;
import roadcast.store.Observation;
import roadcast.store.OnlineStore;
import roadcast.store.StoreBatch;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Data deletion on request: {@code roadcast serve purge} on a stopped store, and the admin endpoint on a running one. */
class PurgeTest {

    private static final long T0 = 1_330_588_800_000L;
    private static final long STEP = 300_000L;

    @TempDir
    Path dir;

    private static StoreBatch data() {
        StoreBatch b = new StoreBatch();
        for (String id : List.of("a", "b", "c")) {
            for (int t = 0; t < 12; t++) {
                b.add(new Observation(id, T0 + t * STEP, 40, t % 3 == 0 ? Source.CELLULAR : Source.LOOP));
                b.add(SampleForecasts.of(id, T0 + t * STEP, 40, 1));
            }
        }
        return b;
    }

    private static HttpResponse<String> delete(Http http, String query, String key) throws Exception {
        return http.client().send(HttpRequest.newBuilder(URI.create(http.base() + "/api/admin/data" + query))
            .header("Authorization", "Bearer " + key).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void adminEndpointDeletesWithCountsAndOnlyForAdmins() throws Exception {
        Path keys = dir.resolve("keys.txt");
        Files.writeString(keys, ApiKeys.sha256Hex("boss") + " admin\n" + ApiKeys.sha256Hex("screen") + " read\n");
        try (ServingNode node = ServingNode.start(new ServingNode.Settings(null, "f", "s", dir.resolve("store"),
            Duration.ofDays(7), Duration.ofMinutes(5), 0, SegmentCatalog.empty(), ApiKeys.fromFile(keys)))) {
            node.ingest(data());
            Http http = new Http(node.port());
            assertEquals(403, delete(http, "?segment=a", "screen").statusCode());
            assertEquals(200, http.get("/api/segments/a/forecast", "boss").statusCode(), "a read key deleted nothing");
            HttpResponse<String> r = delete(http, "?segment=a", "boss");
            assertEquals(200, r.statusCode(), r.body());
            JsonNode counts = Http.parse(r.body());
            assertEquals(12, counts.get("observations").asLong());
            assertEquals(12, counts.get("forecasts").asLong());
            assertEquals(2, counts.get("latest").asLong());
            assertEquals(404, http.get("/api/segments/a/forecast", "boss").statusCode());
            assertEquals(404, http.get("/api/segments/a/history?from=2012-03-01T00:00:00Z&to=2012-03-02T00:00:00Z",
                "boss").statusCode(), "no history left: an unknown segment");

            JsonNode bySource = Http.parse(delete(http, "?source=cellular", "boss").body());
            assertEquals(8, bySource.get("observations").asLong(), "4 cellular readings of b and of c");
            JsonNode before = Http.parse(delete(http, "?before=2012-03-01T08:30:00Z", "boss").body());
            assertEquals(8, before.get("observations").asLong());
            assertEquals(12, before.get("forecasts").asLong());
            for (String bad : List.of("", "?segment=b&source=loop", "?source=pigeon", "?before=yesterday",
                "?segment=")) {
                HttpResponse<String> e = delete(http, bad, "boss");
                assertEquals(400, e.statusCode(), bad + " -> " + e.body());
            }
        }
    }

    @Test
    void purgeCommandDeletesFromAStoppedStoreAndRefusesARunningOne() throws Exception {
        Path store = dir.resolve("store");
        try (OnlineStore s = OnlineStore.open(store, Duration.ofDays(7))) {
            s.write(data());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = new CommandLine(new ServeCommand()).execute("purge", "--segment", "b", "--store", store.toString());
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, code);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains(
            "Purged segment b from " + store + ": 12 observations, 12 forecasts, 2 latest values, 0 dead letters"), out.toString());
        try (OnlineStore s = OnlineStore.open(store, Duration.ofDays(7))) {
            assertEquals(List.of("a", "c"), s.segmentIds());
            assertTrue(s.observations("b", Long.MIN_VALUE, Long.MAX_VALUE).isEmpty());
            // while the store is open (as by a running serve), the command refuses with a hint
            assertEquals(2, new CommandLine(new ServeCommand()).execute("purge", "--before", "2013-01-01T00:00:00Z",
                "--store", store.toString()));
        }
        assertEquals(2, new CommandLine(new ServeCommand()).execute("purge", "--store", store.toString()),
            "a selector is required");
    }
}
