package roadcast.fuzz;

import java.nio.charset.StandardCharsets;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import roadcast.stream.ReadingEvent;

/** An accepted reading as {@code topic:partition:offset} of its input record (key) and segment (value). */
final class AcceptedRecordSerializer implements KafkaRecordSerializationSchema<ReadingEvent> {

    private static final long serialVersionUID = 1L;
    private final String topic;

    AcceptedRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(ReadingEvent e, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, (e.partition + ":" + e.offset).getBytes(StandardCharsets.UTF_8),
                e.segment.getBytes(StandardCharsets.UTF_8));
    }
}
