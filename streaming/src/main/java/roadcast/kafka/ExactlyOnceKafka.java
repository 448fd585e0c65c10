package roadcast.kafka;

import java.time.Duration;
import java.util.Properties;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Flink Kafka sources and sinks configured for end-to-end exactly-once: sources read only committed records, sinks
 * write in transactions committed on checkpoint. Output therefore appears when a checkpoint completes; the
 * checkpoint interval is a floor on lag.
 */
public final class ExactlyOnceKafka {

    /** Below the embedded broker's 15-min ceiling (Flink's default of 1 h is refused by a default broker). */
    public static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(60);

    private ExactlyOnceKafka() {
    }

    /** An unbounded source from the earliest offset (a restored job resumes from its checkpointed offsets). */
    public static <T> KafkaSource<T> source(String bootstrapServers, String topic, String groupId,
                                            KafkaRecordDeserializationSchema<T> deserializer) {
        return builder(bootstrapServers, topic, groupId, deserializer).build();
    }

    /** A source that stops at the offsets that were the latest when the job started: for tests and batch replays. */
    public static <T> KafkaSource<T> boundedSource(String bootstrapServers, String topic, String groupId,
                                                   KafkaRecordDeserializationSchema<T> deserializer) {
        return builder(bootstrapServers, topic, groupId, deserializer).setBounded(OffsetsInitializer.latest()).build();
    }

    private static <T> org.apache.flink.connector.kafka.source.KafkaSourceBuilder<T> builder(
            String bootstrapServers, String topic, String groupId, KafkaRecordDeserializationSchema<T> deserializer) {
        return KafkaSource.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(deserializer)
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .setProperty("partition.discovery.interval.ms", "10000");
    }

    /**
     * A transactional sink. {@code transactionalIdPrefix} must be unique per job on a cluster: two jobs sharing it
     * fence each other's transactions.
     */
    public static <T> KafkaSink<T> sink(String bootstrapServers, String transactionalIdPrefix,
                                        KafkaRecordSerializationSchema<T> serializer) {
        Properties producer = new Properties();
        producer.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(TRANSACTION_TIMEOUT.toMillis()));
        producer.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        producer.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        // 256 KB batches instead of 16 KB: each batch opens its own LZ4 stream (a 64 KB buffer and a compressor),
        // which with ~450-byte forecasts was one of the largest costs of the sink in the bench-stream profile.
        producer.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        return KafkaSink.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setKafkaProducerConfig(producer)
                .build();
    }

    /**
     * A plain consumer of committed output only (read_committed, no group, no auto-commit), polling with a short
     * fetch wait so that lag figures are not padded by the consumer's own batching. The caller assigns partitions.
     */
    public static KafkaConsumer<byte[], byte[]> committedReader(String bootstrapServers, String clientId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
        return new KafkaConsumer<>(p);
    }
}
