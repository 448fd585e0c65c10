package roadcast.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.fixtures.Http;
import roadcast.fixtures.SampleForecasts;
import roadcast.fixtures.TestBroker;
import roadcast.forecast.Forecast;
import roadcast.reading.Source;
import roadcast.serve.ServingNode;
import roadcast.store.Observation;
import roadcast.topics.ForecastWire;
import roadcast.topics.SpeedWire;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP API over a store filled from a real broker: keys, parameters and content against what was produced. */
class ApiServerTest {

    private static final String KEY = "k-" + Long.toHexString(new Random().nextLong());
    private static final long T0 = 1_330_588_800_000L; // 2012-03-01T08:00Z
    private static final long STEP = 300_000L;
    private static final int SEGMENTS = 6;
    private static final int ISSUES = 4;

    private static TestBroker broker;
    private static ServingNode node;
    private static Http http;
    // JUnit deletes it after @AfterAll has closed the store; a createTempDirectory here was left in /tmp by every run
    @TempDir
    static Path dir;
    private static final Map<String, Forecast> latest = new HashMap<>();
    private static final Map<String, List<Observation>> observed = new HashMap<>();
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void start() throws Exception {
        broker = new TestBroker();
        broker.createTopics(2, "roadcast.forecast");
        broker.createTopics(1, "roadcast.speed");
        StringBuilder csv = new StringBuilder("sensor_id,latitude,longitude,road_class,zone\n");
        for (int s = 0; s < SEGMENTS; s++) {
            csv.append("s").append(s).append(',').append(34.0 + 0.01 * s).append(',').append(-118.2 - 0.02 * s)
                .append(",expressway,").append(s % 2).append('\n');
        }
        Files.writeString(dir.resolve("segments.csv"), csv);

        producer = broker.transactionalProducer("api-test");
        Random rnd = new Random(7);
        producer.beginTransaction();
        for (int t = 0; t < ISSUES; t++) {
            for (int s = 0; s < SEGMENTS; s++) {
                String id = "s" + s;
                long time = T0 + t * STEP;
                Forecast f = SampleForecasts.random(id, time, rnd);
                latest.put(id, f);
                producer.send(new ProducerRecord<>("roadcast.forecast", id, ForecastWire.write(f)));
                Observation o = new Observation(id, time, f.observedSpeed(), Source.LOOP);
                observed.computeIfAbsent(id, k -> new ArrayList<>()).add(o);
                producer.send(new ProducerRecord<>("roadcast.speed", id, SpeedWire.write(o)));
            }
        }
        producer.send(new ProducerRecord<>("roadcast.forecast", "s0", "{\"segment\":\"s0\",\"issuedAt\":"));
        producer.send(new ProducerRecord<>("roadcast.speed", "s1", "{\"segment\":\"s1\",\"time\":1}"));
        producer.commitTransaction();
        // an aborted transaction: a newer forecast that must never be served (read_committed)
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("roadcast.forecast", "s0",
            ForecastWire.write(SampleForecasts.of("s0", T0 + 99 * STEP, 5, 0))));
        producer.flush();
        producer.abortTransaction();

        node = ServingNode.start(new ServingNode.Settings(broker.bootstrapServers(), "roadcast.forecast",
            "roadcast.speed", dir.resolve("store"), Duration.ofDays(7), Duration.ofMinutes(5), 0,
            SegmentCatalog.fromCsv(dir.resolve("segments.csv")), ApiKeys.of(KEY)));
        http = new Http(node.port());
        long deadline = System.currentTimeMillis() + 30_000;
        while (node.store().deadLetters(10).size() < 2
            || node.store().historyCounts()[1] < (long) SEGMENTS * ISSUES) {
            assertTrue(System.currentTimeMillis() < deadline, "store did not fill from the topics");
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (node != null) {
            node.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void apiRefusesRequestsWithoutAValidKey() throws Exception {
        for (String path : List.of("/api/segments", "/api/network?horizon=30", "/api/segments/s1/forecast",
            "/api/segments/s1/history", "/api/stream", "/api/alerts", "/api/no-such-endpoint")) {
            for (String key : new String[] {null, "wrong", ""}) {
                HttpResponse<String> r = http.get(path, key);
                assertEquals(401, r.statusCode(), path + " with key " + key);
                assertFalse(r.body().contains("s1\""), "a 401 carries no data: " + r.body());
            }
        }
        assertEquals(200, http.get("/api/segments", KEY).statusCode());
        assertEquals(200, http.get("/health", null).statusCode());
    }

    @Test
    void segmentsComeFromTheCatalog() throws Exception {
        JsonNode body = http.json("/api/segments", KEY);
        assertEquals(SEGMENTS, body.get("count").asInt());
        JsonNode s3 = body.get("segments").get(3);
        assertEquals("s3", s3.get("id").asText());
        assertEquals(34.03, s3.get("latitude").asDouble(), 1e-9);
        assertEquals(-118.26, s3.get("longitude").asDouble(), 1e-9);
        assertEquals("EXPRESSWAY", s3.get("roadClass").asText());
        assertEquals(1, s3.get("zone").asInt());
    }

    @Test
    void forecastIsTheLatestCommittedOne() throws Exception {
        for (Forecast f : latest.values()) {
            JsonNode body = http.json("/api/segments/" + f.segment() + "/forecast", KEY);
            assertEquals(Instant.ofEpochMilli(f.issuedAt()).toString(), body.get("issuedAt").asText(),
                "aborted forecasts must not be served");
            JsonNode horizons = body.get("horizons");
            assertEquals(f.horizonsMin().length, horizons.size());
            for (int h = 0; h < horizons.size(); h++) {
                assertEquals(f.speed()[h], horizons.get(h).get("speed").asDouble(), 1e-12);
                assertEquals(f.lower()[h], horizons.get(h).get("lower").asDouble(), 1e-12);
                assertEquals(f.upper()[h], horizons.get(h).get("upper").asDouble(), 1e-12);
                assertEquals(f.level()[h], horizons.get(h).get("level").asText());
            }
        }
        assertEquals(404, http.get("/api/segments/nope/forecast", KEY).statusCode());
    }

    @Test
    void networkGivesEverySegmentAtTheAskedHorizon() throws Exception {
        JsonNode at30 = http.json("/api/network?horizon=30", KEY).get("segments");
        assertEquals(SEGMENTS, at30.size());
        for (JsonNode n : at30) {
            Forecast f = latest.get(n.get("segment").asText());
            assertEquals(f.speed()[5], n.get("speed").asDouble(), 1e-12);
            assertEquals(f.level()[5], n.get("level").asText());
            assertEquals(Instant.ofEpochMilli(f.issuedAt() + 30 * 60_000L).toString(), n.get("time").asText());
        }
        JsonNode now = http.json("/api/network?horizon=0", KEY).get("segments");
        for (JsonNode n : now) {
            List<Observation> obs = observed.get(n.get("segment").asText());
            assertEquals(obs.get(obs.size() - 1).speed(), n.get("speed").asDouble(), 1e-12);
            assertEquals(SampleForecasts.levelOf(n.get("speed").asDouble()).wireName(), n.get("level").asText(),
                "the current level follows the same bands as the forecast's");
        }
        for (String bad : List.of("7", "abc", "-5", "100000")) {
            HttpResponse<String> r = http.get("/api/network?horizon=" + bad, KEY);
            assertEquals(400, r.statusCode(), bad);
            assertTrue(http.parse(r.body()).get("error").asText().contains("horizon"), r.body());
            assertFalse(r.body().contains("Exception"), r.body());
        }
    }

    @Test
    void historyHasObservationsAndTheForecastsMadeForThatTime() throws Exception {
        String from = Instant.ofEpochMilli(T0 + STEP).toString();
        String to = Instant.ofEpochMilli(T0 + 3 * STEP).toString();
        JsonNode body = http.json("/api/segments/s2/history?from=" + from + "&to=" + to, KEY);
        JsonNode obs = body.get("observed");
        assertEquals(3, obs.size());
        assertEquals(observed.get("s2").get(1).speed(), obs.get(0).get("speed").asDouble(), 1e-12);
        int expected = 0;
        for (int t = 0; t < ISSUES; t++) {
            for (int h : SampleForecasts.HORIZONS) {
                long target = T0 + t * STEP + h * 60_000L;
                expected += target >= T0 + STEP && target <= T0 + 3 * STEP ? 1 : 0;
            }
        }
        JsonNode fc = body.get("forecasts");
        assertEquals(expected, fc.size(), fc.toString());
        for (JsonNode n : fc) {
            long target = Instant.parse(n.get("time").asText()).toEpochMilli();
            assertTrue(target >= T0 + STEP && target <= T0 + 3 * STEP);
            assertEquals(target, Instant.parse(n.get("issuedAt").asText()).toEpochMilli() + n.get("horizonMin").asInt() * 60_000L);
        }
        assertEquals(ISSUES, http.json("/api/segments/s2/history", KEY).get("observed").size(),
            "default window: the three hours before the newest data");
        assertEquals(400, http.get("/api/segments/s2/history?from=yesterday", KEY).statusCode());
        assertEquals(400, http.get("/api/segments/s2/history?from=" + to + "&to=" + from, KEY).statusCode());
        assertEquals(404, http.get("/api/segments/nope/history", KEY).statusCode());
    }

    @Test
    void badRecordsAreKeptAsDeadLettersAndCounted() throws Exception {
        JsonNode dead = http.json("/api/dead-letters", KEY);
        assertEquals(2, dead.size());
        List<String> reasons = new ArrayList<>();
        dead.forEach(d -> reasons.add(d.get("topic").asText() + ":" + d.get("reason").asText()));
        assertTrue(reasons.contains("roadcast.forecast:bad-json"), reasons.toString());
        assertTrue(reasons.contains("roadcast.speed:missing-field"), reasons.toString());
        String metrics = http.get("/metrics", null).body();
        assertTrue(metrics.contains("roadcast_serve_dead_letters_total{topic=\"roadcast.speed\",reason=\"missing-field\"} 1"),
            metrics);
        assertTrue(metrics.contains("roadcast_serve_records_stored_total{topic=\"roadcast.forecast\"} "
            + (SEGMENTS * ISSUES + 1)), metrics);
        JsonNode health = http.json("/health", null);
        assertEquals("UP", health.get("status").asText());
    }

    @Test
    void streamSendsNewForecastsAsServerSentEvents() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(http.base() + "/api/stream"))
            .header("Authorization", "Bearer " + KEY).header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> resp = http.client().send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, resp.statusCode());
        java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<String> event = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
                String line;
                boolean isForecast = false;
                while ((line = in.readLine()) != null) {
                    if (line.equals(": connected")) {
                        connected.countDown();
                    } else if (line.equals("event: forecast")) {
                        isForecast = true;
                    } else if (isForecast && line.startsWith("data: ")) {
                        return line.substring(6);
                    }
                }
                return null;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(connected.await(10, TimeUnit.SECONDS), "stream sends a comment once the client is registered");
        // older than the latest, so the other tests' expectations of the latest forecast stay true
        Forecast fresh = SampleForecasts.of("s4", T0 - 50 * STEP, 33, -1);
        synchronized (ApiServerTest.class) {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("roadcast.forecast", "s4", ForecastWire.write(fresh)));
            producer.commitTransaction();
        }
        JsonNode got = Http.parse(event.get(20, TimeUnit.SECONDS));
        assertEquals("s4", got.get("segment").asText());
        assertEquals(Instant.ofEpochMilli(fresh.issuedAt()).toString(), got.get("issuedAt").asText());
        assertEquals(fresh.speed()[3], got.get("speed").get(3).asDouble(), 1e-12);
    }
}
