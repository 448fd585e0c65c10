package roadcast.bench;

import java.nio.ByteBuffer;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Splits the lag of a benchmark's live run in two: wraps the forecast sink's serializer and adds to every record a
 * header {@value #HEADER} with the wall-clock time it was handed to the Kafka producer (8 bytes, big-endian epoch ms).
 * A {@link LagMeter} then reports, beside the end-to-end lag, the job's part (input append -> forecast handed to the
 * producer: source read, parse, the wait for the step to close, the kernel and encoding of the zones closed before it)
 * and the delivery part (producer -> visible to a read_committed consumer: batching, the wait for the checkpoint and
 * its commit under exactly once, the broker, the consumer's fetch). Only the benchmarks use it: 8 more bytes per record.
 */
public final class EmitTimeProbe<T> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    /** Header of the emission time. */
    public static final String HEADER = "roadcast-emitted-ms";

    private final KafkaRecordSerializationSchema<T> inner;

    public EmitTimeProbe(KafkaRecordSerializationSchema<T> inner) {
        this.inner = inner;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext)
            throws Exception {
        inner.open(context, sinkContext);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        ProducerRecord<byte[], byte[]> r = inner.serialize(element, context, timestamp);
        r.headers().add(HEADER, ByteBuffer.allocate(Long.BYTES).putLong(System.currentTimeMillis()).array());
        return r;
    }

    /** The emission time a record carries, or Long.MIN_VALUE without the header. */
    public static long emittedAt(Iterable<Header> headers) {
        for (Header h : headers) {
            if (HEADER.equals(h.key()) && h.value() != null && h.value().length == Long.BYTES) {
                return ByteBuffer.wrap(h.value()).getLong();
            }
        }
        return Long.MIN_VALUE;
    }
}
