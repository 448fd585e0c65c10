package roadcast.publish;

import java.nio.charset.StandardCharsets;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import roadcast.forecast.ForecastJson;
import roadcast.forecast.ForecastJsonWriter;

/**
 * A forecast as a Kafka record: key = segment id (so one segment's forecasts stay in order on one partition),
 * value = {@link ForecastJson} (written by {@link ForecastJsonWriter}: same values, a fraction of the cost), record
 * timestamp = the largest append time of the input records the forecast used, from which consumers measure
 * end-to-end lag.
 */
public final class ForecastRecordSerializer implements KafkaRecordSerializationSchema<IssuedForecast> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient ForecastJsonWriter json;

    public ForecastRecordSerializer(String topic) {
        this.topic = topic;
    }

    private ForecastJsonWriter writer() {
        if (json == null) {
            json = new ForecastJsonWriter();
        }
        return json;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(IssuedForecast issued, KafkaSinkContext context, Long timestamp) {
        long ts = issued.inputAppendMillis() > 0 ? issued.inputAppendMillis() : System.currentTimeMillis();
        return new ProducerRecord<>(topic, null, ts, issued.forecast().segment().getBytes(StandardCharsets.UTF_8),
                writer().toBytes(issued.forecast()));
    }
}
