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
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Flink Kafka sources and sinks configured for end-to-end exactly-once: sources read only committed records, sinks
 * write in transactions committed on checkpoint. Output therefore appears when a checkpoint completes; the
 * checkpoint interval is a floor on lag.
 */
public final class ExactlyOnceKafka {

    /**
     * The sinks' {@code transaction.timeout.ms}: a default broker's maximum ({@code transaction.max.timeout.ms},
     * 15 min; Flink's default of 1 h is refused by such a broker). The broker aborts a transaction open longer than
     * this, and a transaction stays open from its first record until the checkpoint after it completes and is
     * committed - after a failure, until the restored job commits it. A recovery longer than this timeout therefore
     * loses the output of the last completed checkpoint; 60 s (the value before) was shorter than a TaskManager's
     * heartbeat timeout plus a restart. The checkpoint timeout ({@code ForecastJob.CHECKPOINT_TIMEOUT}) is below it.
     */
    public static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    private ExactlyOnceKafka() {
    }

    /**
     * An unbounded source. A job restored from a checkpoint or savepoint resumes from the offsets in it; a new
     * submission without one resumes from the group's offsets, which the source commits to Kafka at every completed
     * checkpoint (so they match the committed output), and only a group that has none starts at the earliest offset.
     * (Starting at the earliest offset always made every resubmission re-issue the whole topic.)
     */
    public static <T> KafkaSource<T> source(String bootstrapServers, String topic, String groupId,
                                            KafkaRecordDeserializationSchema<T> deserializer) {
        return builder(bootstrapServers, topic, groupId, deserializer)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .build();
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
                .setProperty("partition.discovery.interval.ms", "10000")
                .setProperty("commit.offsets.on.checkpoint", "true");
    }

    /**
     * A transactional sink. {@code transactionalIdPrefix} must be unique per job on a cluster: two jobs sharing it
     * fence each other's transactions.
     */
    public static <T> KafkaSink<T> sink(String bootstrapServers, String transactionalIdPrefix,
                                        KafkaRecordSerializationSchema<T> serializer) {
        return sink(bootstrapServers, transactionalIdPrefix, serializer, DeliveryGuarantee.EXACTLY_ONCE);
    }

    /**
     * A sink with the given guarantee: {@code EXACTLY_ONCE} as {@link #sink(String, String,
     * KafkaRecordSerializationSchema)}; {@code AT_LEAST_ONCE} sends records as they come (no transaction, visible at
     * once) and flushes at each checkpoint, so a restored job may send the records since that checkpoint again.
     */
    public static <T> KafkaSink<T> sink(String bootstrapServers, String transactionalIdPrefix,
                                        KafkaRecordSerializationSchema<T> serializer, DeliveryGuarantee guarantee) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setKafkaProducerConfig(producerProperties(guarantee))
                .build();
    }

    /**
     * {@link #producerProperties()} for a sink with {@code guarantee}: at least once sends each record as soon as it
     * is handed over (no linger: nothing waits for a batch to fill; records that come while a batch is in flight
     * still batch) and uncompressed; exactly once keeps the 5 ms linger, since its records become visible only at the
     * checkpoint's commit anyway, and LZ4.
     *
     * <p>Why at least once is uncompressed: the producer compresses on the thread that sends, which for the forecast
     * sink is the zone operator's, and LZ4 was the largest part of handing a forecast over (~0.8 of 1.4 us per
     * record in {@code PublishCostBenchmark}, about a tenth of the zone thread in bench-stream's profile, JNI
     * included); without linger the batches are small, so each also opens its own LZ4 stream (two 64 KB buffers)
     * for a few records. The low-latency path trades 3.2 times the topic's bytes for that CPU (605 against 191 log
     * bytes per forecast in the benchmark's kafka run); a broker can still compress on its side
     * ({@code compression.type} of the topic).
     */
    public static Properties producerProperties(DeliveryGuarantee guarantee) {
        Properties producer = producerProperties();
        if (guarantee == DeliveryGuarantee.AT_LEAST_ONCE) {
            producer.setProperty(ProducerConfig.LINGER_MS_CONFIG, "0");
            producer.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        }
        return producer;
    }

    /** The producer settings of {@link #sink} (besides servers, serializers and transactional ids). */
    public static Properties producerProperties() {
        Properties producer = new Properties();
        producer.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(TRANSACTION_TIMEOUT.toMillis()));
        producer.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        producer.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        // 256 KB batches instead of 16 KB: each batch opens its own LZ4 stream (a 64 KB buffer and a compressor),
        // which with ~450-byte forecasts was one of the largest costs of the sink in the bench-stream profile.
        producer.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        return producer;
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
