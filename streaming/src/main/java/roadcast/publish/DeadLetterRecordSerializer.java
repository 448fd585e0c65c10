package roadcast.publish;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import roadcast.ingest.DeadLetter;
import roadcast.ingest.DeadLetterJson;

/** A dead letter as a Kafka record: the original key, {@link DeadLetterJson} value, timestamp = rejection time. */
public final class DeadLetterRecordSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public DeadLetterRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, letter.rejectedAtMillis(), letter.keyBytes(),
                DeadLetterJson.encode(letter));
    }
}
