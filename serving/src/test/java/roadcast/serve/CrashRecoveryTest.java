package roadcast.serve;

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
import roadcast.fixtures.Http;
import roadcast.fixtures.SampleForecasts;
import roadcast.fixtures.ServeProcess;
import roadcast.fixtures.TestBroker;
import roadcast.forecast.Forecast;
import roadcast.reading.Source;
import roadcast.store.Observation;
import roadcast.store.OnlineStore;
import roadcast.store.PartitionPosition;
import roadcast.topics.ForecastWire;
import roadcast.topics.SpeedWire;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of a serving process in the middle of a stream: everything below the stored positions is in the store,
 * the restarted process re-reads nothing it had stored, and the history ends up with every record exactly once.
 */
class CrashRecoveryTest {

    private static final String KEY = "crash-key";
    private static final int SEGMENTS = 20;
    private static final int STEPS = 80;
    private static final long T0 = 1_330_560_000_000L;
    private static final long STEP = 300_000L;

    @TempDir
    Path dir;

    @Test
    void killNineLosesNothingAcknowledgedAndDuplicatesNothing() throws Exception {
        try (TestBroker broker = new TestBroker()) {
            broker.createTopics(2, "roadcast.forecast");
            broker.createTopics(1, "roadcast.speed");
            Path store = dir.resolve("store");
            String[] args = {"--bootstrap-servers", broker.bootstrapServers(), "--store", store.toString(),
                "--port", "0", "--api-key", KEY};

            Map<String, Forecast> produced = new HashMap<>();
            AtomicInteger stepsProduced = new AtomicInteger();
            Thread producerThread;
            Map<String, Long> ackedBeforeKill;
            java.util.concurrent.CountDownLatch killed = new java.util.concurrent.CountDownLatch(1);
            try (ServeProcess first = new ServeProcess(dir.resolve("serve-1.log"), args)) {
                producerThread = new Thread(() -> produce(broker, produced, stepsProduced, killed), "producer");
                producerThread.start();
                Http http = new Http(first.port());
                ackedBeforeKill = awaitProgress(http, stepsProduced);
                first.killHard();
                killed.countDown();
            }
            assertTrue(stepsProduced.get() < STEPS, "the kill must happen while the stream is still flowing");

            // what the dead process left: every record below its stored positions must be there
            List<PartitionPosition> atKill;
            long[] countsAtKill;
            try (OnlineStore s = OnlineStore.open(store, Duration.ofDays(7))) {
                atKill = s.positions();
                countsAtKill = s.historyCounts();
            }
            for (PartitionPosition p : atKill) {
                Long acked = ackedBeforeKill.get(p.topic() + "-" + p.partition());
                assertTrue(acked == null || p.nextOffset() >= acked, "positions never go back: " + p);
            }
            producerThread.join(60_000);
            Map<String, List<Long>> offsets = recordOffsets(broker);
            long forecastsBelow = countBelow(offsets, atKill, "roadcast.forecast");
            long speedsBelow = countBelow(offsets, atKill, "roadcast.speed");
            assertEquals(speedsBelow, countsAtKill[0], "observations acknowledged before the kill are all stored");
            assertEquals(forecastsBelow, countsAtKill[1], "forecasts acknowledged before the kill are all stored");

            long total = (long) SEGMENTS * STEPS;
            try (ServeProcess second = new ServeProcess(dir.resolve("serve-2.log"), args)) {
                Http http = new Http(second.port());
                long deadline = System.currentTimeMillis() + 60_000;
                while (storedCount(http, "roadcast.forecast") < total - forecastsBelow
                    || storedCount(http, "roadcast.speed") < total - speedsBelow) {
                    assertTrue(System.currentTimeMillis() < deadline, "restarted process did not catch up");
                    Thread.sleep(200);
                }
                Thread.sleep(500); // anything re-read twice would show up in the counters now
                assertEquals(total - forecastsBelow, storedCount(http, "roadcast.forecast"),
                    "the restarted process resumes exactly after the last stored forecast");
                assertEquals(total - speedsBelow, storedCount(http, "roadcast.speed"));
            }
            try (OnlineStore s = OnlineStore.open(store, Duration.ofDays(7))) {
                long[] counts = s.historyCounts();
                assertEquals(total, counts[0], "one observation per produced reading");
                assertEquals(total, counts[1], "one forecast per produced forecast");
                for (int seg = 0; seg < SEGMENTS; seg++) {
                    String id = "c" + seg;
                    List<Forecast> history = s.forecastsIssued(id, Long.MIN_VALUE, Long.MAX_VALUE);
                    assertEquals(STEPS, history.size());
                    for (Forecast f : history) {
                        assertArrayEquals(produced.get(id + "@" + f.issuedAt()).speed(), f.speed());
                    }
                    assertEquals(T0 + (STEPS - 1) * STEP, s.latestForecast(id).orElseThrow().issuedAt());
                }
            }
        }
    }

    /** Full speed until half way; then slowly (still flowing) until the kill, so that the kill always hits a live stream. */
    private static void produce(TestBroker broker, Map<String, Forecast> produced, AtomicInteger steps,
                                java.util.concurrent.CountDownLatch killed) {
        Random rnd = new Random(3);
        try (KafkaProducer<String, String> p = broker.transactionalProducer("crash-test")) {
            for (int t = 0; t < STEPS; t++) {
                p.beginTransaction();
                for (int seg = 0; seg < SEGMENTS; seg++) {
                    String id = "c" + seg;
                    long time = T0 + t * STEP;
                    Forecast f = SampleForecasts.random(id, time, rnd);
                    synchronized (produced) {
                        produced.put(id + "@" + time, f);
                    }
                    p.send(new ProducerRecord<>("roadcast.forecast", id, ForecastWire.write(f)));
                    p.send(new ProducerRecord<>("roadcast.speed", id,
                        SpeedWire.write(new Observation(id, time, f.observedSpeed(), Source.LOOP))));
                }
                p.commitTransaction();
                steps.incrementAndGet();
                Thread.sleep(t >= STEPS / 2 && killed.getCount() > 0 ? 250 : 25);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the serving process has stored part of the stream; returns the positions it reported. */
    private static Map<String, Long> awaitProgress(Http http, AtomicInteger steps) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            JsonNode health = http.json("/api/health", KEY);
            Map<String, Long> positions = new HashMap<>();
            long forecasts = 0;
            for (JsonNode p : health.get("positions")) {
                positions.put(p.get("topic").asText() + "-" + p.get("partition").asInt(), p.get("nextOffset").asLong());
                if (p.get("topic").asText().equals("roadcast.forecast")) {
                    forecasts += p.get("nextOffset").asLong();
                }
            }
            if (forecasts > (long) SEGMENTS * 10) {
                return positions;
            }
            assertTrue(System.currentTimeMillis() < deadline, "serving process made no progress while the stream flowed");
            Thread.sleep(50);
        }
    }

    private static long storedCount(Http http, String topic) throws Exception {
        String prefix = "roadcast_serve_records_stored_total{topic=\"" + topic + "\"} ";
        for (String line : http.get("/metrics", null).body().split("\n")) {
            if (line.startsWith(prefix)) {
                return Long.parseLong(line.substring(prefix.length()).trim());
            }
        }
        return 0;
    }

    /** Offsets of every committed data record, per "topic-partition". */
    private static Map<String, List<Long>> recordOffsets(TestBroker broker) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Map<String, List<Long>> out = new HashMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = List.of(new TopicPartition("roadcast.forecast", 0),
                new TopicPartition("roadcast.forecast", 1), new TopicPartition("roadcast.speed", 0));
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long deadline = System.currentTimeMillis() + 30_000;
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    out.computeIfAbsent(r.topic() + "-" + r.partition(), k -> new ArrayList<>()).add(r.offset());
                }
            }
        }
        return out;
    }

    private static long countBelow(Map<String, List<Long>> offsets, List<PartitionPosition> positions, String topic) {
        long n = 0;
        for (PartitionPosition p : positions) {
            if (p.topic().equals(topic)) {
                n += offsets.getOrDefault(p.topic() + "-" + p.partition(), List.of()).stream()
                    .filter(o -> o < p.nextOffset()).count();
            }
        }
        return n;
    }
}
