package roadcast.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.fixtures.Http;
import roadcast.fixtures.SampleForecasts;
import roadcast.fixtures.SseReader;
import roadcast.forecast.Forecast;
import roadcast.serve.ServingNode;
import roadcast.store.StoreBatch;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10: the stream had no client limit, one blocking sender for everyone, an unbounded queue, no heartbeat and
 * no resume. Now: 503 beyond the limit, a slow client is dropped while the others keep receiving, heartbeats flow,
 * and {@code Last-Event-ID} resumes exactly after the last event received.
 */
class ForecastStreamTest {

    private static final String KEY = "stream-key";
    private static final long T0 = 1_330_588_800_000L;

    @TempDir
    Path dir;
    private ServingNode node;

    private Http start(ForecastStream.Limits limits) {
        node = ServingNode.start(new ServingNode.Settings(null, "roadcast.forecast", "roadcast.speed",
            dir.resolve("store"), Duration.ofDays(7), Duration.ofMinutes(5), 0, SegmentCatalog.empty(),
            ApiKeys.of(KEY)).withStreamLimits(limits));
        return new Http(node.port());
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private void publish(int step, int segments) {
        StoreBatch b = new StoreBatch();
        for (int s = 0; s < segments; s++) {
            b.add(SampleForecasts.of("s" + s, T0 + step * 300_000L, 50, -1));
        }
        node.ingest(b);
    }

    @Test
    void clientsBeyondTheLimitGet503() throws Exception {
        Http http = start(new ForecastStream.Limits(2, 100, 1000, Duration.ofSeconds(30)));
        try (SseReader a = new SseReader(http, KEY, null); SseReader b = new SseReader(http, KEY, null)) {
            assertNotNull(a.await(": connected", Duration.ofSeconds(10)));
            assertNotNull(b.await(": connected", Duration.ofSeconds(10)));
            try (SseReader c = new SseReader(http, KEY, null)) {
                assertEquals(503, c.status());
            }
        }
    }

    @Test
    void heartbeatsKeepAnIdleStreamAlive() throws Exception {
        Http http = start(new ForecastStream.Limits(10, 100, 1000, Duration.ofMillis(300)));
        try (SseReader a = new SseReader(http, KEY, null)) {
            assertNotNull(a.await(": heartbeat", Duration.ofSeconds(10)), "no heartbeat comment");
            assertNotNull(a.await(": heartbeat", Duration.ofSeconds(10)), "heartbeats repeat");
        }
    }

    @Test
    void aClientThatStopsReadingIsDroppedAndOthersKeepReceiving() throws Exception {
        Http http = start(new ForecastStream.Limits(10, 1000, 1000, Duration.ofSeconds(30)));
        // a client that sends the request and then never reads: its socket buffers fill, its sends block
        try (Socket stalled = new Socket("localhost", node.port())) {
            stalled.setReceiveBufferSize(4096);
            OutputStream out = stalled.getOutputStream();
            out.write(("GET /api/stream HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + KEY
                + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            long deadline = System.currentTimeMillis() + 10_000;
            while (node.metrics().render().contains("roadcast_serve_sse_clients 0")) {
                assertTrue(System.currentTimeMillis() < deadline, "stalled client never registered");
                Thread.sleep(20);
            }
            try (SseReader live = new SseReader(http, KEY, null)) {
                assertNotNull(live.await(": connected", Duration.ofSeconds(10)));
                // about 10 MB of events, published at the pace the live client reads: far beyond the stalled
                // client's socket buffers and its 1000-event queue
                String last = null;
                int received = 0;
                for (int step = 0; step < 100; step++) {
                    publish(step, 200);
                    while (received < (step + 1) * 200) {
                        String line = live.next(Duration.ofSeconds(20));
                        assertNotNull(line, "the live client stopped receiving after " + received + " events");
                        if (line.startsWith("id: ")) {
                            received++;
                            last = line;
                        }
                    }
                }
                assertEquals(100 * 200, received, "the live client received every event");
                assertTrue(last.endsWith(".20000"), last);
                assertEquals(1, node.metrics().counter("roadcast_serve_sse_clients_dropped_total"),
                    "the stalled client was dropped");
            }
        }
    }

    @Test
    void lastEventIdResumesAfterTheLastEventReceived() throws Exception {
        Http http = start(new ForecastStream.Limits(10, 1000, 1000, Duration.ofSeconds(30)));
        String lastId;
        try (SseReader a = new SseReader(http, KEY, null)) {
            assertNotNull(a.await(": connected", Duration.ofSeconds(10)));
            publish(0, 3);
            List<String> ids = new ArrayList<>();
            while (ids.size() < 3) {
                String line = a.await("id: ", Duration.ofSeconds(10));
                assertNotNull(line);
                ids.add(line.substring(4));
            }
            lastId = ids.get(1); // as if the connection broke after the second event
        }
        publish(1, 2);
        try (SseReader b = new SseReader(http, KEY, lastId)) {
            List<String> segments = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String data = b.await("data: ", Duration.ofSeconds(10));
                assertNotNull(data, "missed events not replayed");
                Forecast f = roadcast.topics.ForecastWire.parse(data.substring(6));
                segments.add(f.segment() + "@" + (f.issuedAt() - T0) / 300_000L);
            }
            assertEquals(List.of("s2@0", "s0@1", "s1@1"), segments);
        }
        try (SseReader c = new SseReader(http, KEY, "another-process.5")) {
            assertNotNull(c.await("event: reset", Duration.ofSeconds(10)), "an unknown id asks the client to reload");
        }
    }
}
