package roadcast.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import roadcast.kafka.EmbeddedKafka;
import roadcast.kafka.RawRecord;
import roadcast.replay.FeedPublisher;

/** End to end: embedded broker, Flink MiniCluster, exactly-once pass-through. */
class PassThroughJobTest {

    private static final int PARTITIONS = 2;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .setConfiguration(flinkConfig())
                    .build());

    private static EmbeddedKafka kafka;

    private static Configuration flinkConfig() {
        Configuration c = new Configuration();
        c.setString("restart-strategy.type", "none");
        return c;
    }

    @BeforeAll
    static void startKafka() {
        kafka = new EmbeddedKafka(PARTITIONS, Map.of()).start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void everyInputArrivesExactlyOnceWithKeyValueAndTimestamp() throws Exception {
        kafka.createTopics("bounded.in", "bounded.out");
        int n = 500;
        Map<String, Long> inputTimestamps = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(bytesProducer())) {
            for (int i = 0; i < n; i++) {
                long ts = 1_330_560_000_000L + i * 1000L;
                producer.send(new ProducerRecord<>("bounded.in", null, ts, ("k" + (i % 37)).getBytes(StandardCharsets.UTF_8),
                        ("v" + i).getBytes(StandardCharsets.UTF_8)));
                inputTimestamps.put("v" + i, ts);
            }
            producer.send(new ProducerRecord<>("bounded.in", null, 1_330_560_000_000L, null, "no-key".getBytes(StandardCharsets.UTF_8)));
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARTITIONS);
        new PassThroughJob(
                roadcast.kafka.ExactlyOnceKafka.boundedSource(kafka.bootstrapServers(), "bounded.in", "pt-test",
                        new roadcast.kafka.RawRecordDeserializer()),
                roadcast.kafka.ExactlyOnceKafka.sink(kafka.bootstrapServers(), "pt-test-tx",
                        new roadcast.kafka.RawRecordSerializer("bounded.out")),
                Duration.ofMillis(500)).execute(env);

        List<ConsumerRecord<byte[], byte[]>> out = readCommitted("bounded.out", n + 1);
        assertEquals(n + 1, out.size(), "exactly once: no loss, no duplicates");
        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            String v = new String(r.value(), StandardCharsets.UTF_8);
            seen.merge(v, 1, Integer::sum);
            if (v.equals("no-key")) {
                assertNull(r.key(), "a null key stays null");
                continue;
            }
            int i = Integer.parseInt(v.substring(1));
            assertArrayEquals(("k" + (i % 37)).getBytes(StandardCharsets.UTF_8), r.key(), "key kept");
            assertEquals(inputTimestamps.get(v), r.timestamp(), "output carries the input's timestamp");
        }
        assertEquals(n + 1, seen.size(), "all distinct values present once");
    }

    @Test
    void ioMatchedPassThroughWritesEveryRecordAtTheGivenSizeAndTopicVolumeCountsIt() throws Exception {
        kafka.createTopics("matched.in", "matched.out");
        int n = 300;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(bytesProducer())) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>("matched.in", ("k" + i).getBytes(StandardCharsets.UTF_8),
                        ("value-" + i).getBytes(StandardCharsets.UTF_8)));
            }
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARTITIONS);
        int size = 560;
        new PassThroughJob(
                roadcast.kafka.ExactlyOnceKafka.boundedSource(kafka.bootstrapServers(), "matched.in", "pt-matched",
                        new roadcast.kafka.RawRecordDeserializer()),
                roadcast.kafka.ExactlyOnceKafka.sink(kafka.bootstrapServers(), "pt-matched-tx",
                        new roadcast.kafka.RawRecordSerializer("matched.out")),
                Duration.ofMillis(500)).matchingOutput(size).execute(env);

        List<ConsumerRecord<byte[], byte[]>> out = readCommitted("matched.out", n);
        assertEquals(n, out.size(), "one output per input, exactly once");
        for (ConsumerRecord<byte[], byte[]> r : out) {
            assertEquals(size, r.value().length, "every value resized");
            String k = new String(r.key(), StandardCharsets.UTF_8);
            String prefix = "value-" + k.substring(1);
            assertEquals(prefix, new String(r.value(), 0, prefix.length(), StandardCharsets.UTF_8), "input kept first");
        }
        TopicVolume volume = TopicVolume.measure(kafka.bootstrapServers(), "matched.out");
        assertEquals(n, volume.records());
        assertEquals((long) n * size, volume.valueBytes());
        assertEquals(size * 2, volume.valueBytesPer(n / 2), "bytes per input record when inputs are half the outputs");

        // The values bench-stream takes from the forecast job's output for the content-matched baseline.
        List<byte[]> first = new ArrayList<>();
        TopicVolume again = TopicVolume.measure(kafka.bootstrapServers(), "matched.out", 7, first);
        assertEquals(volume, again, "keeping values does not change the measure");
        assertEquals(7, first.size(), "the first 7 values kept");
        List<String> written = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            written.add(new String(r.value(), StandardCharsets.UTF_8));
        }
        for (byte[] v : first) {
            assertTrue(written.contains(new String(v, StandardCharsets.UTF_8)), "a kept value is one of the topic's");
        }
    }

    @Test
    void ioMatchedValuesAreTheGivenValuesInTurnResizedAndTheInputsWithoutThem() {
        byte[][] values = {"forecast-a".getBytes(StandardCharsets.UTF_8), "fc-b".getBytes(StandardCharsets.UTF_8),
                "forecast-c-longer-than-the-size".getBytes(StandardCharsets.UTF_8)};
        int size = 12;
        PassThroughJob.ResizeValue resize = new PassThroughJob.ResizeValue(size, values);
        List<byte[]> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            RawRecord r = new RawRecord(("k" + i).getBytes(StandardCharsets.UTF_8),
                    ("reading-" + i).getBytes(StandardCharsets.UTF_8), "in", 0, i, 1000L + i);
            RawRecord o = resize.map(r);
            assertArrayEquals(("k" + i).getBytes(StandardCharsets.UTF_8), o.key, "key kept");
            assertEquals(1000L + i, o.timestamp, "timestamp kept");
            got.add(o.value);
        }
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(java.util.Arrays.copyOf(values[i % 3], size), got.get(i),
                    "record " + i + ": value " + (i % 3) + " zero-padded or cut to " + size + " bytes");
        }

        PassThroughJob.ResizeValue plain = new PassThroughJob.ResizeValue(size, new byte[0][]);
        RawRecord r = plain.map(new RawRecord(null, "reading".getBytes(StandardCharsets.UTF_8), "in", 0, 0, 1));
        assertArrayEquals(java.util.Arrays.copyOf("reading".getBytes(StandardCharsets.UTF_8), size), r.value,
                "without values: the input's value, zero-padded");
        assertEquals(size, plain.map(new RawRecord(null, null, "in", 0, 1, 1)).value.length, "a tombstone too");
    }

    @Test
    void lagMeterMeasuresEveryCommittedOutputOfARunningJob() throws Exception {
        kafka.createTopics("live.in", "live.out");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        JobClient job = PassThroughJob.kafka(kafka.bootstrapServers(), "live.in", "live.out", "pt-live",
                Duration.ofMillis(300)).executeAsync(env);
        try (LagMeter meter = new LagMeter(kafka.bootstrapServers(), "live.out").start();
             FeedPublisher feed = new FeedPublisher(kafka.bootstrapServers(), "live.in", 0)) {
            List<roadcast.reading.SpeedReading> readings = new ArrayList<>();
            for (int step = 0; step < 20; step++) {
                for (int s = 0; s < 10; s++) {
                    readings.add(new roadcast.reading.SpeedReading("s" + s, step * 300_000L, 50 + s, Double.NaN,
                            Double.NaN, roadcast.reading.Source.LOOP));
                }
            }
            long before = System.currentTimeMillis();
            var summary = feed.publish(readings.iterator(), 0);
            assertEquals(200, summary.acknowledged());
            assertTrue(meter.awaitCount(200, Duration.ofSeconds(60)), "all outputs measured, got " + meter.count());
            Thread.sleep(1000); // anything extra would be a duplicate
            LagReport report = meter.report();
            long wall = System.currentTimeMillis() - before;
            assertEquals(200, report.records(), "exactly once");
            assertTrue(report.p50Ms() >= 0 && report.p50Ms() <= report.p99Ms() && report.p99Ms() <= report.maxMs(),
                    report.toString());
            assertTrue(report.maxMs() <= wall, "lag cannot exceed the time since the first send: " + report);
            assertNull(meter.failure());
            assertNotNull(report.toString());
        } finally {
            job.cancel().get();
        }
    }

    private static Properties bytesProducer() {
        Properties p = FeedPublisher.producerProperties(kafka.bootstrapServers());
        p.put("key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        return p;
    }

    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, int expected) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < PARTITIONS; i++) {
                tps.add(new TopicPartition(topic, i));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.currentTimeMillis() + 30_000;
            int quiet = 0;
            while (System.currentTimeMillis() < deadline && (out.size() < expected || quiet < 3)) {
                var records = consumer.poll(Duration.ofMillis(300));
                records.forEach(out::add);
                quiet = records.isEmpty() && out.size() >= expected ? quiet + 1 : 0;
            }
        }
        return out;
    }
}
