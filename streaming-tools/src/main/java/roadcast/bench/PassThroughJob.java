package roadcast.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import roadcast.kafka.ExactlyOnceKafka;
import roadcast.kafka.RawRecord;
import roadcast.kafka.RawRecordDeserializer;
import roadcast.kafka.RawRecordSerializer;

/**
 * The smallest Kafka-to-Kafka Flink job: read committed records, pass them through unchanged, write them in
 * exactly-once transactions. The baseline that {@code bench-stream} compares the forecasting job against: whatever
 * lag and throughput this has is the cost of Kafka, Flink and the checkpoint-driven commits alone.
 *
 * <p><b>I/O-matched.</b> With {@link #matchingOutput(int, List)} each record is written with a value of a fixed size,
 * so that the baseline moves as many bytes out as the forecast job does: the forecast job writes a ~560-byte forecast
 * per ~100-byte reading, and a plain copy would measure mostly that difference in volume, not what our parsing,
 * cleaning and maths cost. The values are the forecast job's own (the first ones it wrote, in turn), cut or
 * zero-padded to the size: the producer compresses its batches (LZ4), and a value of the input's bytes padded with
 * zeros ({@link #matchingOutput(int)}, the baseline before) compresses to a fraction of a forecast's bytes, so it
 * moved and compressed less than the forecast job did.
 *
 * <p>Source and sink are given to the constructor (as in the Apache Flink training exercises) so tests can swap them.
 */
public final class PassThroughJob {

    public static final String JOB_NAME = "roadcast pass-through";

    private final Source<RawRecord, ?, ?> source;
    private final Sink<RawRecord> sink;
    private final Duration checkpointInterval;
    /** Size of every output value, or -1 to copy each value unchanged. */
    private final int outputValueBytes;
    /** Values written in turn (each resized to {@link #outputValueBytes}); none: the input's value, resized. */
    private final byte[][] outputValues;

    /**
     * @param checkpointInterval how often transactions commit; output becomes visible only then, so it bounds lag
     *                           from below
     */
    public PassThroughJob(Source<RawRecord, ?, ?> source, Sink<RawRecord> sink, Duration checkpointInterval) {
        this(source, sink, checkpointInterval, -1, new byte[0][]);
    }

    private PassThroughJob(Source<RawRecord, ?, ?> source, Sink<RawRecord> sink, Duration checkpointInterval,
                           int outputValueBytes, byte[][] outputValues) {
        this.source = source;
        this.sink = sink;
        this.checkpointInterval = checkpointInterval;
        this.outputValueBytes = outputValueBytes;
        this.outputValues = outputValues;
    }

    /** The same job writing every value at {@code valueBytes} bytes: the input's value, zero-padded or cut. */
    public PassThroughJob matchingOutput(int valueBytes) {
        return matchingOutput(valueBytes, List.of());
    }

    /**
     * The same job writing every value at {@code valueBytes} bytes: {@code values} in turn (a subtask starts at the
     * first), each zero-padded or cut; the input's value when {@code values} is empty.
     */
    public PassThroughJob matchingOutput(int valueBytes, List<byte[]> values) {
        if (valueBytes < 0) {
            throw new IllegalArgumentException("output value size must be >= 0, got " + valueBytes);
        }
        return new PassThroughJob(source, sink, checkpointInterval, valueBytes, values.toArray(new byte[0][]));
    }

    /** Kafka to Kafka, exactly once: unbounded read_committed source on {@code inTopic}, transactional sink. */
    public static PassThroughJob kafka(String bootstrapServers, String inTopic, String outTopic,
                                       String transactionalIdPrefix, Duration checkpointInterval) {
        return new PassThroughJob(
                ExactlyOnceKafka.source(bootstrapServers, inTopic, transactionalIdPrefix + "-group",
                        new RawRecordDeserializer()),
                ExactlyOnceKafka.sink(bootstrapServers, transactionalIdPrefix, new RawRecordSerializer(outTopic)),
                checkpointInterval);
    }

    /** Adds source, identity map and sink to {@code env} and turns on checkpointing if it is not on yet. */
    public void attach(StreamExecutionEnvironment env) {
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            env.enableCheckpointing(checkpointInterval.toMillis());
        }
        DataStream<RawRecord> in = env.fromSource(source, WatermarkStrategy.noWatermarks(), "input")
                .uid("pass-through-source");
        DataStream<RawRecord> out = outputValueBytes < 0
                ? in.map(r -> r).returns(RawRecord.class).name("identity").uid("pass-through-identity")
                : in.map(new ResizeValue(outputValueBytes, outputValues)).returns(RawRecord.class)
                        .name("resize value").uid("pass-through-resize");
        out.sinkTo(sink).name("output").uid("pass-through-sink");
    }

    /**
     * The input record with a value of exactly {@code bytes} bytes: the next of {@code values} (in turn), or the
     * input's value when there are none, zero-padded or cut.
     */
    static final class ResizeValue implements MapFunction<RawRecord, RawRecord> {
        private static final long serialVersionUID = 1L;
        private final int bytes;
        private final byte[][] values;
        private int next;

        ResizeValue(int bytes, byte[][] values) {
            this.bytes = bytes;
            this.values = values;
        }

        @Override
        public RawRecord map(RawRecord r) {
            byte[] from = r.value;
            if (values.length > 0) {
                from = values[next];
                next = next + 1 == values.length ? 0 : next + 1;
            }
            // A new array per record, as the forecast job's encoder allocates its output record.
            r.value = from == null ? new byte[bytes] : Arrays.copyOf(from, bytes);
            return r;
        }
    }

    /** Runs in the environment of the context (a MiniCluster in tests) until the source ends. */
    public JobExecutionResult execute() throws Exception {
        return execute(StreamExecutionEnvironment.getExecutionEnvironment());
    }

    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        attach(env);
        return env.execute(JOB_NAME);
    }

    /** Submits and returns at once; cancel through the returned client. */
    public JobClient executeAsync(StreamExecutionEnvironment env) throws Exception {
        attach(env);
        return env.executeAsync(JOB_NAME);
    }
}
