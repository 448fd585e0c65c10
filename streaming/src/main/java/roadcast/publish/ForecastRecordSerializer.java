package roadcast.publish;

import java.nio.charset.StandardCharsets;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import roadcast.forecast.ForecastJson;
import roadcast.forecast.ForecastJsonWriter;

/**
 * A forecast as a Kafka record: key = segment id (so one segment's forecasts stay in order on one partition),
 * value = {@link ForecastJson} (written by {@link ForecastJsonWriter}: same values, a fraction of the cost) or, with
 * {@link ForecastFormat#AVRO}, an Avro datum ({@link ForecastAvro}, header {@code roadcast-format=avro}), record
 * timestamp = the largest append time of the input records the forecast used, from which consumers measure
 * end-to-end lag.
 */
public final class ForecastRecordSerializer implements KafkaRecordSerializationSchema<IssuedForecast> {

    private static final long serialVersionUID = 1L;

    private static final byte[] AVRO = "avro".getBytes(StandardCharsets.US_ASCII);

    private final String topic;
    private final ForecastFormat format;
    private transient ForecastJsonWriter json;
    private transient ForecastAvro avro;

    public ForecastRecordSerializer(String topic) {
        this(topic, ForecastFormat.JSON);
    }

    public ForecastRecordSerializer(String topic, ForecastFormat format) {
        this.topic = topic;
        this.format = format;
    }

    /**
     * Makes the writer here, not on the first record: a lazy {@code null} check in {@link #serialize} is a branch the
     * JIT compiles as never taken once the method is hot, so every new job instance in the JVM (a restart, each run of
     * bench-stream) took a deoptimisation of the compiled serialise-and-encode path on its first record and ran it
     * interpreted until it was compiled again (README, issue 12).
     */
    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        if (format == ForecastFormat.AVRO) {
            avro = new ForecastAvro();
        } else {
            json = new ForecastJsonWriter();
        }
    }

    /** Needs {@link #open} first. */
    @Override
    public ProducerRecord<byte[], byte[]> serialize(IssuedForecast issued, KafkaSinkContext context, Long timestamp) {
        long ts = issued.inputAppendMillis() > 0 ? issued.inputAppendMillis() : System.currentTimeMillis();
        byte[] key = issued.values().segmentKey();
        if (format == ForecastFormat.AVRO) {
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, ts, key,
                    avro.toBytes(issued.values()));
            r.headers().add(ForecastAvro.FORMAT_HEADER, AVRO);
            return r;
        }
        byte[] ready = issued.values().json(); // written ahead by a zone worker (--zone-workers), or null
        return new ProducerRecord<>(topic, null, ts, key, ready != null ? ready : json.toBytes(issued.values()));
    }
}
