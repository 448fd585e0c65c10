package roadcast.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.api.ApiKeys;
import roadcast.api.SegmentCatalog;
import roadcast.fixtures.Http;
import roadcast.fixtures.IncidentFixture;
import roadcast.fixtures.TestBroker;
import roadcast.forecast.Forecast;
import roadcast.serve.ServingNode;
import roadcast.topics.ForecastWire;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, incident alerts in service: a replay of forecast records through the embedded broker and the serving node
 * (real RocksDB); the page is {@link roadcast.dashboard.AlertsPageTest}. Chain c0 -> c1 -> c2 -> c3 -> c4, 5-min steps from 08:00Z:
 * c2 breaks down at step 5 (60 -> 20 km/h, the forecast issued the step before said 60 with a lower band of 55) and
 * recovers at step 9; c4 slows down gradually, as its forecasts expect (no alert). Expected: one alert on c2 with
 * onset 08:25, raised at 08:30, cleared from 08:45, severity 1 - 20/60; on {@code roadcast.alerts} one record when
 * raised and one when cleared under the key {@code c2@2012-03-01T08:25:00Z}; one {@code roadcast.outlook} record per
 * step, congested c2 in the steps of the breakdown. A restart rebuilds the same alert from the store and republishes
 * it under the same key with the same value.
 */
class LiveAlertsTest {

    private static final String KEY = "alerts-key";
    private static final String ALERT_ID = IncidentFixture.ALERT_ID;
    private static final long T0 = IncidentFixture.T0;
    private static final long STEP = IncidentFixture.STEP;
    private static final int STEPS = IncidentFixture.STEPS;

    @TempDir
    Path dir;

    static void send(TestBroker broker, int from, int to) {
        try (KafkaProducer<String, String> p = broker.producer()) {
            for (int t = from; t < to; t++) {
                for (Forecast f : IncidentFixture.step(t)) {
                    p.send(new ProducerRecord<>("roadcast.forecast", f.segment(), ForecastWire.write(f)));
                }
            }
            p.flush();
        }
    }

    static List<ConsumerRecord<String, String>> read(TestBroker broker, String topic, int atLeast) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
                if (out.size() >= atLeast && c.position(tp) >= c.endOffsets(List.of(tp)).get(tp)) {
                    break;
                }
            }
        }
        return out;
    }

    static JsonNode awaitAlerts(Http http, java.util.function.Predicate<JsonNode> until) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        JsonNode last = null;
        while (System.currentTimeMillis() < deadline) {
            last = http.json("/api/alerts", KEY);
            if (until.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("alerts never became as expected: " + last);
    }

    ServingNode start(TestBroker broker) {
        SegmentCatalog catalog = IncidentFixture.catalog();
        return ServingNode.start(new ServingNode.Settings(broker.bootstrapServers(), "roadcast.forecast",
            "roadcast.speed", dir.resolve("store"), Duration.ofDays(3650), Duration.ofMinutes(5), 0, catalog,
            ApiKeys.of(KEY)));
    }

    @Test
    void anInjectedIncidentIsAlertedPublishedShownAndClearedAndARestartRepublishesTheSameRecords() throws Exception {
        try (TestBroker broker = new TestBroker()) {
            // two partitions: a step's records reach the follower in any order, mixed with the next step's
            broker.createTopics(2, "roadcast.forecast", "roadcast.speed");
            send(broker, 0, 8);
            Map<String, String> lastByKey = new LinkedHashMap<>();
            try (ServingNode node = start(broker)) {
                Http http = new Http(node.port());
                JsonNode open = awaitAlerts(http, b -> b.get("open").asInt() == 1);
                assertEquals(1, open.get("alerts").size(), open.toString());
                JsonNode a = open.get("alerts").get(0);
                assertEquals(ALERT_ID, a.get("id").asText());
                assertEquals("c2", a.get("segment").asText());
                assertEquals("open", a.get("status").asText());
                assertEquals(Instant.ofEpochMilli(T0 + 5 * STEP).toString(), a.get("start").asText());
                assertEquals(Instant.ofEpochMilli(T0 + 6 * STEP).toString(), a.get("detectedAt").asText());
                assertTrue(a.get("clearedAt").isNull(), a.toString());
                assertEquals(1 - 20.0 / 60, a.get("severity").asDouble(), 1e-3);
                send(broker, 8, STEPS);
                JsonNode done = awaitAlerts(http, b -> b.get("open").asInt() == 0 && b.get("recentlyCleared").asInt() == 1);
                JsonNode c = done.get("alerts").get(0);
                assertEquals(ALERT_ID, c.get("id").asText());
                assertEquals("cleared", c.get("status").asText());
                assertEquals(Instant.ofEpochMilli(T0 + 9 * STEP).toString(), c.get("clearedAt").asText());
                assertEquals(0, http.json("/api/alerts?status=open", KEY).get("alerts").size());
                assertEquals(400, http.get("/api/alerts?status=maybe", KEY).statusCode());
                List<ConsumerRecord<String, String>> alerts = read(broker, "roadcast.alerts", 2);
                assertEquals(2, alerts.size(), "raised once, cleared once: " + alerts);
                for (ConsumerRecord<String, String> r : alerts) {
                    assertEquals(ALERT_ID, r.key());
                    lastByKey.put(r.key(), r.value());
                }
                JsonNode raised = Http.parse(alerts.get(0).value());
                JsonNode cleared = Http.parse(alerts.get(1).value());
                assertEquals("open", raised.get("status").asText());
                assertEquals("cleared", cleared.get("status").asText());
                for (String field : new String[] {"id", "segment", "status", "start", "detectedAt", "clearedAt",
                    "severity"}) {
                    assertTrue(raised.has(field) && cleared.has(field), field + " in " + raised + " / " + cleared);
                }

                List<ConsumerRecord<String, String>> outlooks = read(broker, "roadcast.outlook", STEPS);
                assertEquals(STEPS, outlooks.size(), "one outlook per network step");
                for (int t = 0; t < STEPS; t++) {
                    JsonNode o = Http.parse(outlooks.get(t).value());
                    assertEquals(LiveDecisions.OUTLOOK_KEY, outlooks.get(t).key());
                    assertEquals(Instant.ofEpochMilli(T0 + t * STEP).toString(), o.get("issuedAt").asText());
                    boolean breakdown = t >= 5 && t <= 8;
                    assertEquals(breakdown ? 1 : 0, o.get("congestedNow").asInt(), "step " + t + ": " + o);
                    if (breakdown) {
                        assertEquals("c2", o.get("clusters").get(0).get("segments").get(0).asText());
                    }
                }
            }
            // restart on the same store: the detector is rebuilt from the stored forecasts, the same records again
            try (ServingNode node = start(broker)) {
                Http http = new Http(node.port());
                JsonNode again = awaitAlerts(http, b -> b.get("recentlyCleared").asInt() == 1);
                assertEquals(ALERT_ID, again.get("alerts").get(0).get("id").asText());
                List<ConsumerRecord<String, String>> alerts = read(broker, "roadcast.alerts", 4);
                Map<String, String> after = new LinkedHashMap<>();
                alerts.forEach(r -> after.put(r.key(), r.value()));
                assertEquals(lastByKey, after, "idempotent by key: the last record of every alert id is unchanged");
                List<ConsumerRecord<String, String>> outlooks = read(broker, "roadcast.outlook", STEPS + 1);
                assertEquals(STEPS + 1, outlooks.size(), "the replay republishes the newest step's outlook only");
                assertEquals(outlooks.get(STEPS - 1).value(), outlooks.get(STEPS).value());
            }
        }
    }
}
