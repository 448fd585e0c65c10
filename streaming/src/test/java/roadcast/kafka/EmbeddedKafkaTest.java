package roadcast.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

    @Test
    void readCommittedConsumerSeesCommittedTransactionButNotAbortedOne() throws Exception {
        Path dir;
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (EmbeddedKafka kafka = new EmbeddedKafka(3, Map.of()).onPort(port).start()) {
            assertEquals("localhost:" + port, kafka.bootstrapServers(), "the requested port");
            dir = kafka.logDirectory();
            assertTrue(Files.isDirectory(dir));
            kafka.createTopics("t.in");
            kafka.createTopics("t.in"); // idempotent
            try (Admin admin = kafka.admin()) {
                assertEquals(3, admin.describeTopics(List.of("t.in")).allTopicNames().get().get("t.in").partitions().size());
            }

            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-tx");
            p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("t.in", "k" + i, "committed-" + i));
                }
                producer.commitTransaction();
                producer.beginTransaction();
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>("t.in", "k" + i, "aborted-" + i));
                }
                producer.flush();
                producer.abortTransaction();
            }

            List<String> seen = readAll(kafka.bootstrapServers(), "t.in", 3, 10, "read_committed");
            assertEquals(10, seen.size(), seen.toString());
            assertTrue(seen.stream().allMatch(v -> v.startsWith("committed-")), seen.toString());
            List<String> uncommitted = readAll(kafka.bootstrapServers(), "t.in", 3, 15, "read_uncommitted");
            assertEquals(15, uncommitted.size(), "read_uncommitted sees the aborted records too");
        }
        assertFalse(Files.exists(dir), "log directory deleted on close");
    }

    @Test
    void bootstrapServersBeforeStartIsAnError() {
        assertThrows(IllegalStateException.class, () -> new EmbeddedKafka().bootstrapServers());
        assertThrows(IllegalArgumentException.class, () -> new EmbeddedKafka(0, Map.of()));
    }

    static List<String> readAll(String bootstrap, String topic, int partitions, int expected, String isolation) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                tps.add(new TopicPartition(topic, i));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.currentTimeMillis() + 20_000;
            // Poll a little past the expected count so that extra records would be noticed.
            int quietPolls = 0;
            while (System.currentTimeMillis() < deadline && (out.size() < expected || quietPolls < 2)) {
                var records = consumer.poll(Duration.ofMillis(300));
                for (ConsumerRecord<String, String> r : records) {
                    out.add(r.value());
                }
                quietPolls = records.isEmpty() && out.size() >= expected ? quietPolls + 1 : 0;
            }
        }
        return out;
    }
}
