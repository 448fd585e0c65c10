package roadcast.kafka;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * KafkaSink serializer writing a {@link RawRecord}'s key and value to a fixed topic. The output timestamp is the
 * record's own Kafka timestamp (that of the input it came from), so a consumer measures end-to-end lag as
 * "now - output timestamp" with no extra field.
 */
public final class RawRecordSerializer implements KafkaRecordSerializationSchema<RawRecord> {

    private static final long serialVersionUID = 1L;
    private final String topic;

    public RawRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(RawRecord r, KafkaSinkContext context, Long timestamp) {
        Long ts = r.timestamp >= 0 ? Long.valueOf(r.timestamp) : timestamp;
        return new ProducerRecord<>(topic, null, ts, r.key, r.value);
    }
}
