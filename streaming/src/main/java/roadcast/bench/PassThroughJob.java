package roadcast.bench;

import java.time.Duration;
import java.util.Arrays;

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
 * <p><b>I/O-matched.</b> With {@link #matchingOutput(int)} each record is written with a value of a fixed size (the
 * input's bytes, zero-padded or cut), so that the baseline moves as many bytes out as the forecasting job does: the
 * forecast job writes a ~560-byte forecast per ~100-byte reading, and a plain copy would measure mostly that
 * difference in volume, not what our parsing, cleaning and maths cost.
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

    /**
     * @param checkpointInterval how often transactions commit; output becomes visible only then, so it bounds lag
     *                           from below
     */
    public PassThroughJob(Source<RawRecord, ?, ?> source, Sink<RawRecord> sink, Duration checkpointInterval) {
        this(source, sink, checkpointInterval, -1);
    }

    private PassThroughJob(Source<RawRecord, ?, ?> source, Sink<RawRecord> sink, Duration checkpointInterval,
                           int outputValueBytes) {
        this.source = source;
        this.sink = sink;
        this.checkpointInterval = checkpointInterval;
        this.outputValueBytes = outputValueBytes;
    }

    /** The same job writing every value at {@code valueBytes} bytes (the I/O-matched baseline). */
    public PassThroughJob matchingOutput(int valueBytes) {
        if (valueBytes < 0) {
            throw new IllegalArgumentException("output value size must be >= 0, got " + valueBytes);
        }
        return new PassThroughJob(source, sink, checkpointInterval, valueBytes);
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
                : in.map(new ResizeValue(outputValueBytes)).returns(RawRecord.class).name("resize value")
                        .uid("pass-through-resize");
        out.sinkTo(sink).name("output").uid("pass-through-sink");
    }

    /** The input record with a value of exactly {@code bytes} bytes: the input's value, zero-padded or cut. */
    static final class ResizeValue implements MapFunction<RawRecord, RawRecord> {
        private static final long serialVersionUID = 1L;
        private final int bytes;

        ResizeValue(int bytes) {
            this.bytes = bytes;
        }

        @Override
        public RawRecord map(RawRecord r) {
            // A new array per record, as the forecast job's encoder allocates its output record.
            r.value = r.value == null ? new byte[bytes] : Arrays.copyOf(r.value, bytes);
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
