package roadcast.serve;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.api.ApiKeys;
import roadcast.api.SegmentCatalog;
import roadcast.fixtures.Http;
import roadcast.fixtures.SampleForecasts;
import roadcast.fixtures.TestBroker;
import roadcast.topics.ForecastWire;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10: a Kafka timeout ended the follower for good while /health kept saying UP over stale data. Now the broker
 * going away turns /health DEGRADED (the stored data is still served), and when it is back the follower resumes from
 * the stored positions on its own: every forecast produced after the outage arrives once.
 */
class FollowerOutageTest {

    private static final String KEY = "outage-key";
    private static final long T0 = 1_330_588_800_000L;

    @TempDir
    Path dir;

    @Test
    void brokerOutageIsReportedAndFollowingResumesAfterwards() throws Exception {
        try (TestBroker broker = new TestBroker()) {
            broker.createTopics(1, "roadcast.forecast", "roadcast.speed");
            try (KafkaProducer<String, String> p = broker.producer()) {
                for (int s = 0; s < 5; s++) {
                    p.send(new ProducerRecord<>("roadcast.forecast", "s" + s, ForecastWire.write(SampleForecasts.of("s" + s, T0, 50, 0))));
                }
                p.flush();
            }
            try (ServingNode node = ServingNode.start(new ServingNode.Settings(broker.bootstrapServers(),
                "roadcast.forecast", "roadcast.speed", dir.resolve("store"), Duration.ofDays(7), Duration.ofMinutes(5),
                0, SegmentCatalog.empty(), ApiKeys.of(KEY)))) {
                Http http = new Http(node.port());
                awaitStatus(http, "UP", 30);
                awaitCount(node, 5, 30);

                broker.stop();
                long stopped = System.nanoTime();
                JsonNode down = awaitStatus(http, "DEGRADED", 45);
                double degradedAfter = (System.nanoTime() - stopped) / 1e9;
                assertEquals(java.util.List.of("status"), iterable(down));
                assertTrue(http.json("/api/health", KEY).get("follower").asText().contains("unreachable")
                    || http.json("/api/health", KEY).get("follower").asText().contains("retry"));
                assertEquals(200, http.get("/api/segments/s1/forecast", KEY).statusCode(), "stored data still served");

                broker.restart();
                long restarted = System.nanoTime();
                try (KafkaProducer<String, String> p = broker.producer()) {
                    for (int s = 0; s < 5; s++) {
                        p.send(new ProducerRecord<>("roadcast.forecast", "s" + s,
                            ForecastWire.write(SampleForecasts.of("s" + s, T0 + 300_000L, 50, 0))));
                    }
                    p.flush();
                }
                awaitCount(node, 10, 90);
                double storedAfter = (System.nanoTime() - restarted) / 1e9;
                awaitStatus(http, "UP", 60);
                System.out.printf("broker outage: DEGRADED %.1f s after the broker stopped; forecasts produced after "
                    + "its restart stored %.1f s after the restart; UP again after %.1f s%n", degradedAfter, storedAfter,
                    (System.nanoTime() - restarted) / 1e9);
                assertEquals(10, node.store().historyCounts()[1], "nothing lost, nothing twice");
            }
        }
    }

    private static java.util.List<String> iterable(JsonNode n) {
        java.util.List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode awaitStatus(Http http, String status, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        JsonNode h;
        do {
            h = roadcast.fixtures.Http.parse(http.get("/health", null).body());
            if (h.get("status").asText().equals(status)) {
                return h;
            }
            Thread.sleep(200);
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("health stayed " + h + " instead of " + status + " for " + seconds + " s");
    }

    private static void awaitCount(ServingNode node, long forecasts, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (node.store().historyCounts()[1] < forecasts) {
            assertTrue(System.currentTimeMillis() < deadline, "stored " + node.store().historyCounts()[1]
                + " forecasts, expected " + forecasts);
            Thread.sleep(200);
        }
    }
}
