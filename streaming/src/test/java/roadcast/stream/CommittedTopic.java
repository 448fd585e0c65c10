package roadcast.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import roadcast.kafka.EmbeddedKafka;
import roadcast.kafka.ExactlyOnceKafka;

/** Reads back what a job committed to a topic, as a read_committed consumer downstream would see it. */
final class CommittedTopic {

    private CommittedTopic() {
    }

    /** {@link #read(EmbeddedKafka, String, int, Duration)} on a test class's broker. */
    static List<ConsumerRecord<byte[], byte[]>> read(TestBroker broker, String topic, int expected, Duration timeout) {
        return read(broker.kafka(), topic, expected, timeout);
    }

    /** Everything committed on the topic: reads until {@code expected} records, then 2 s more for any extra ones. */
    static List<ConsumerRecord<byte[], byte[]>> read(EmbeddedKafka kafka, String topic, int expected,
                                                    Duration timeout) {
        return read(kafka, topic, expected, timeout, Duration.ofSeconds(2));
    }

    /**
     * What is committed on the topic once it holds {@code expected} records, without waiting for extra ones: to wait
     * for a job's progress where a later {@link #read} of the whole topic checks that nothing came twice.
     */
    static List<ConsumerRecord<byte[], byte[]>> readAtLeast(EmbeddedKafka kafka, String topic, int expected,
                                                           Duration timeout) {
        return read(kafka, topic, expected, timeout, Duration.ZERO);
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(EmbeddedKafka kafka, String topic, int expected,
                                                            Duration timeout, Duration quiet) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     ExactlyOnceKafka.committedReader(kafka.bootstrapServers(), "test-reader-" + topic)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (records.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + quiet.toNanos();
                }
            }
        }
        return records;
    }
}
