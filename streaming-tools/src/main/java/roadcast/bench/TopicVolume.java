package roadcast.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import roadcast.kafka.ExactlyOnceKafka;

/**
 * What a job wrote to a topic: committed records and their key and value bytes, read once from the beginning to the
 * end offsets with a read_committed consumer. {@code bench-stream} sizes its I/O-matched pass-through from the
 * forecast job's output measured this way, so the baseline moves exactly the bytes the forecast job moved.
 *
 * @param records    committed records
 * @param keyBytes   sum of key lengths
 * @param valueBytes sum of value lengths
 */
public record TopicVolume(long records, long keyBytes, long valueBytes) {

    /** Output value bytes per input record, rounded: the size of each record the I/O-matched pass-through writes. */
    public int valueBytesPer(long inputRecords) {
        if (inputRecords <= 0) {
            throw new IllegalArgumentException("need input records > 0, got " + inputRecords);
        }
        return (int) Math.round((double) valueBytes / inputRecords);
    }

    public static TopicVolume measure(String bootstrapServers, String topic) {
        return measure(bootstrapServers, topic, 0, new ArrayList<>());
    }

    /**
     * As {@link #measure(String, String)}, also keeping the first {@code keep} committed values (in the order read) in
     * {@code firstValues}: the I/O-matched pass-through writes these, so that its output compresses as the forecast
     * job's does.
     */
    public static TopicVolume measure(String bootstrapServers, String topic, int keep, List<byte[]> firstValues) {
        long[] sums = new long[3];
        forEachCommitted(bootstrapServers, topic, r -> {
            if (sums[0] < keep && r.value() != null) {
                firstValues.add(r.value());
            }
            sums[0]++;
            sums[1] += r.key() == null ? 0 : r.key().length;
            sums[2] += r.value() == null ? 0 : r.value().length;
        });
        return new TopicVolume(sums[0], sums[1], sums[2]);
    }

    /** Dead letters on {@code topic} (committed ones) by reason, e.g. {@code TOO_LATE -> 12}. */
    public static java.util.SortedMap<String, Long> deadLetterReasons(String bootstrapServers, String topic) {
        java.util.SortedMap<String, Long> reasons = new java.util.TreeMap<>();
        forEachCommitted(bootstrapServers, topic, r -> {
            String reason;
            try {
                reason = roadcast.ingest.DeadLetterJson.decode(r.value()).reason().name();
            } catch (RuntimeException e) {
                reason = "(unreadable dead letter)";
            }
            reasons.merge(reason, 1L, Long::sum);
        });
        return reasons;
    }

    /** Every committed record of {@code topic} from its beginning to its current end. */
    static void forEachCommitted(String bootstrapServers, String topic,
                                         java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                     ExactlyOnceKafka.committedReader(bootstrapServers, "roadcast-topic-volume")) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // read_committed end offsets are the last stable offsets: everything committed is below them.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (!reached(consumer, end)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    each.accept(r);
                }
            }
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
