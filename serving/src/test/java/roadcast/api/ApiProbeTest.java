package roadcast.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.fixtures.Http;
import roadcast.fixtures.SampleForecasts;
import roadcast.reading.Source;
import roadcast.serve.ServingNode;
import roadcast.store.Observation;
import roadcast.store.StoreBatch;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Black-box probes of a real server over HTTP: hostile windows, limits, ids and horizons are answered 400 or 404 with
 * a short JSON reason, never 500; every answer carries the security headers; {@code /health} tells nothing but the
 * status to a caller without a key.
 */
class ApiProbeTest {

    private static final String KEY = "probe-key";
    private static final long T0 = 1_330_588_800_000L; // 2012-03-01T08:00Z
    private static final long STEP = 300_000L;
    private static final int SEGMENTS = 5;

    private static ServingNode node;
    private static Http http;

    /** Probes that must be refused as the caller's error: path and query exactly as sent (already URL-encoded). */
    static final List<String> PROBES = List.of(
        // windows that overflow long arithmetic or bypass the 31-day cap
        "/api/segments/s1/history?from=-300000000-01-01T00:00:00Z&to=%2B300000000-01-01T00:00:00Z",
        "/api/segments/s1/history?from=1970-01-01T00:00:00Z&to=%2B292278994-08-17T07:12:55.807Z",
        "/api/segments/s1/history?from=-9223372036854775808&to=9223372036854775807",
        "/api/segments/s1/history?from=0&to=9223372036854775807",
        "/api/segments/s1/history?to=99999999999999999999",
        "/api/segments/s1/history?from=0&to=253402300799999",
        "/api/segments/s1/history?from=2012-03-01T08:00:00Z&to=2012-02-01T08:00:00Z",
        "/api/segments/s1/history?from=2012-03-01T08:00:00Z&to=2012-04-02T08:00:01Z",
        "/api/segments/s1/history?from=-1",
        "/api/segments/s1/history?from=%00",
        "/api/segments/s1/history?from=" + "9".repeat(2000),
        "/api/segments/s1/history?from=NaN&to=Infinity",
        // limits
        "/api/dead-letters?limit=1001", "/api/dead-letters?limit=1000000000000", "/api/dead-letters?limit=-1",
        "/api/dead-letters?limit=0", "/api/dead-letters?limit=1e3", "/api/dead-letters?limit=2147483648",
        "/api/dead-letters?limit=%20%20", "/api/dead-letters?limit=0x10",
        "/api/network?limit=0", "/api/network?limit=-5", "/api/network?limit=100000000", "/api/network?offset=-1",
        "/api/network?offset=abc", "/api/network?offset=99999999999",
        // horizons
        "/api/network?horizon=99999999999", "/api/network?horizon=-1", "/api/network?horizon=7",
        "/api/network?horizon=1441", "/api/network?horizon=%00", "/api/network?horizon=30.5",
        "/api/network?horizon=-2147483648",
        // odd ids, URL-encoded junk
        "/api/segments/%00/forecast", "/api/segments/%00/history", "/api/segments/..%2F..%2Fetc%2Fpasswd/forecast",
        "/api/segments/%3Cscript%3Ealert(1)%3C%2Fscript%3E/history", "/api/segments/" + "x".repeat(2000) + "/forecast",
        "/api/segments/%F0%28%8C%BC/forecast", "/api/segments/%C0%AF/history", "/api/segments/%E2%80%AE/forecast",
        "/api/segments/s1%00/forecast", "/api/segments/%25%25/forecast", "/api/segments/%ZZ/forecast",
        "/api/segments/s1/history?from=%ZZ", "/api/segments/%20/forecast",
        "/api/segments/s1/forecast/extra", "/api/no-such-endpoint", "/api/segments/s1/history/..%2F..%2Fhealth",
        // issue 13: decision support
        "/api/network?horizon=30&reliableOnly=%00", "/api/network?reliableOnly=true", "/api/network?reliableOnly=2",
        "/api/route", "/api/route?segments=%00", "/api/route?segments=,,,", "/api/route?segments=s1,s2&depart=%ZZ",
        "/api/route?segments=s1,s2&depart=%2B300000000-01-01T00:00:00Z", "/api/route?segments=" + "s1,".repeat(700),
        "/api/outlook?limit=-1", "/api/outlook?limit=99999999999", "/api/outlook?limit=%00",
        "/api/bulletin?clusters=0", "/api/bulletin?clusters=1e9",
        "/api/alerts?limit=0", "/api/alerts?limit=99999999999", "/api/alerts?status=%00", "/api/alerts?status=closed");

    // JUnit deletes it after @AfterAll has closed the store; a createTempDirectory here was left in /tmp by every run
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        node = ServingNode.start(new ServingNode.Settings(null, "roadcast.forecast", "roadcast.speed",
            dir.resolve("store"), Duration.ofDays(7), Duration.ofMinutes(5), 0, SegmentCatalog.empty(),
            ApiKeys.of(KEY)));
        StoreBatch b = new StoreBatch();
        for (int s = 0; s < SEGMENTS; s++) {
            for (int t = 0; t < 12; t++) {
                b.add(new Observation("s" + s, T0 + t * STEP, 50 + t, Source.LOOP));
                b.add(SampleForecasts.of("s" + s, T0 + t * STEP, 50 + t, -1));
            }
        }
        // stored extremes: a segment whose only times sit at the ends of long
        b.add(new Observation("edge", Long.MIN_VALUE + 1, 10, Source.LOOP));
        b.add(SampleForecasts.of("edge2", Long.MAX_VALUE - 24 * 3_600_000L, 10, 0));
        node.ingest(b);
        http = new Http(node.port());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static HttpResponse<String> raw(String pathAndQuery, String key) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(http.base() + pathAndQuery))
            .timeout(Duration.ofSeconds(10)).GET();
        if (key != null) {
            r.header("Authorization", "Bearer " + key);
        }
        return http.client().send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * One request over a plain socket, the request line exactly as given: java.net.URI refuses malformed escapes
     * such as {@code %ZZ}, which a hostile client sends anyway. Returns the status line's code and the raw answer.
     */
    private static String[] socketGet(String pathAndQuery, String key) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("localhost", node.port())) {
            socket.setSoTimeout(10_000);
            String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: localhost\r\n"
                + (key == null ? "" : "Authorization: Bearer " + key + "\r\n") + "Connection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            String[] statusLine = answer.split("\r\n", 2)[0].split(" ");
            return new String[] {statusLine.length > 1 ? statusLine[1] : "none", answer};
        }
    }

    @Test
    void hostileRequestsGet400Or404NeverA500() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (String probe : PROBES) {
            String[] r = socketGet(probe, KEY);
            String code = r[0];
            String body = r[1].contains("\r\n\r\n") ? r[1].substring(r[1].indexOf("\r\n\r\n") + 4) : "";
            if (!code.equals("400") && !code.equals("404")) {
                wrong.add(code + " " + probe + " -> " + body.substring(0, Math.min(200, body.length())));
            } else if (body.contains("Exception") || body.contains("\tat ")) {
                wrong.add(code + " " + probe + " leaks internals: " + body);
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " of " + PROBES.size() + " probes answered wrongly:\n"
            + String.join("\n", wrong));
        assertFalse(node.metrics().render().contains("code=\"500\""), "a probe was answered 500");
    }

    @Test
    void segmentsWithExtremeStoredTimesStillAnswer() throws Exception {
        for (String path : List.of("/api/segments/edge/history", "/api/segments/edge2/history",
            "/api/segments/edge2/forecast", "/api/network", "/api/network?horizon=60", "/api/segments",
            "/api/outlook", "/api/bulletin", "/api/alerts")) {
            HttpResponse<String> r = raw(path, KEY);
            assertTrue(r.statusCode() == 200 || r.statusCode() == 400, path + " -> " + r.statusCode() + " " + r.body());
        }
    }

    @Test
    void networkPagesWithLimitAndOffset() throws Exception {
        JsonNode all = http.json("/api/network", KEY);
        int total = all.get("total").asInt();
        assertEquals(SEGMENTS + 2, total);
        assertEquals(total, all.get("segments").size());
        assertTrue(all.get("next").isNull());
        List<String> paged = new ArrayList<>();
        Integer offset = 0;
        while (offset != null) {
            JsonNode page = http.json("/api/network?limit=3&offset=" + offset, KEY);
            assertTrue(page.get("segments").size() <= 3);
            page.get("segments").forEach(n -> paged.add(n.get("segment").asText()));
            offset = page.get("next").isNull() ? null : page.get("next").asInt();
        }
        List<String> whole = new ArrayList<>();
        all.get("segments").forEach(n -> whole.add(n.get("segment").asText()));
        assertEquals(whole, paged);
        assertEquals(0, http.json("/api/network?offset=1000", KEY).get("segments").size());
    }

    @Test
    void everyAnswerCarriesSecurityHeaders() throws Exception {
        for (String path : List.of("/", "/app.js", "/health", "/api/segments", "/api/nope", "/metrics")) {
            for (String key : new String[] {null, KEY}) {
                HttpResponse<String> r = raw(path, key);
                Map<String, List<String>> h = r.headers().map();
                assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), path + " " + h);
                assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(null), path);
                assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(null), path);
                String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
                assertTrue(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), path + ": " + csp);
            }
        }
    }

    @Test
    void healthWithoutKeyTellsOnlyTheStatus() throws Exception {
        HttpResponse<String> r = raw("/health", null);
        assertEquals(200, r.statusCode());
        JsonNode open = Http.parse(r.body());
        assertEquals(List.of("status"), fieldNames(open));
        assertEquals("UP", open.get("status").asText());
        assertFalse(r.body().contains(node.store().directory().toString()));
        assertEquals(401, raw("/api/health", null).statusCode());
        JsonNode details = http.json("/api/health", KEY);
        assertEquals(node.store().directory().toString(), details.get("store").asText());
        assertNull(open.get("follower"));
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
