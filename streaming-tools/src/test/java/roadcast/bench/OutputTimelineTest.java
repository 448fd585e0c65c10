package roadcast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import roadcast.kafka.EmbeddedKafka;

class OutputTimelineTest {

    /** A run whose first 100 outputs took 10 s (start-up, cold code) and whose next 900 took 9 s. */
    private static OutputTimeline slowStart() {
        long[] t = new long[1000];
        for (int i = 0; i < 100; i++) {
            t[i] = 100 * i; // 0 .. 9,900 ms
        }
        for (int i = 100; i < 1000; i++) {
            t[i] = 9_900 + 10 * (i - 99); // 10 ms per record after the prefix
        }
        return new OutputTimeline(t);
    }

    @Test
    void theRateAfterThePrefixLeavesOutTheSlowStart() {
        // 2,000 input records, the first 200 the warm-up: half an output record per input record
        OutputTimeline.Steady s = slowStart().steady(2_000, 200);
        assertEquals(9_000, s.millis(), "from the prefix's last output (9,900 ms) to the last (18,900 ms)");
        assertEquals(1_800, s.inputRecords(), 1e-9);
        assertEquals(200, s.perSecond(), 1e-9);
        // the whole run, as bench-stream timed it before, is nearly half as fast
        assertTrue(2_000 / 18.9 < 0.55 * s.perSecond());
    }

    @Test
    void withoutAPrefixTheRateStartsAtTheFirstOutput() {
        OutputTimeline.Steady s = slowStart().steady(1_000, 0);
        assertEquals(18_900, s.millis());
        assertEquals(999, s.inputRecords(), 1e-9, "the first record only marks the start");
    }

    @Test
    void refusesWhatCannotBeMeasured() {
        assertThrows(IllegalArgumentException.class, () -> slowStart().steady(100, 100));
        assertThrows(IllegalStateException.class, () -> new OutputTimeline(new long[] {5}).steady(10, 1));
    }

    @Test
    void readsTheBrokersAppendTimesAndRefusesProducerTimestamps() {
        try (EmbeddedKafka kafka = new EmbeddedKafka().start()) {
            kafka.createTopics(1, Map.of("message.timestamp.type", "LogAppendTime"), "appended");
            kafka.createTopics("created");
            long before = System.currentTimeMillis();
            try (KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
                for (int i = 0; i < 50; i++) {
                    // a producer timestamp from long ago: the append time must replace it
                    producer.send(new ProducerRecord<>("appended", null, 1_000L + i, null, new byte[] {(byte) i}));
                    producer.send(new ProducerRecord<>("created", null, 1_000L + i, null, new byte[] {(byte) i}));
                }
            }
            long after = System.currentTimeMillis();
            OutputTimeline timeline = OutputTimeline.read(kafka.bootstrapServers(), "appended");
            assertEquals(50, timeline.records());
            long[] t = timeline.appendMillis();
            assertTrue(t[0] >= before && t[49] <= after, "append times of this run, not the producer's");
            assertThrows(IllegalStateException.class, () -> OutputTimeline.read(kafka.bootstrapServers(), "created"));
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }
}
