package roadcast.bench;

import java.time.Duration;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
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
 * <p>Source and sink are given to the constructor (as in the Apache Flink training exercises) so tests can swap them.
 */
public final class PassThroughJob {

    public static final String JOB_NAME = "roadcast pass-through";

    private final Source<RawRecord, ?, ?> source;
    private final Sink<RawRecord> sink;
    private final Duration checkpointInterval;

    /**
     * @param checkpointInterval how often transactions commit; output becomes visible only then, so it bounds lag
     *                           from below
     */
    public PassThroughJob(Source<RawRecord, ?, ?> source, Sink<RawRecord> sink, Duration checkpointInterval) {
        this.source = source;
        this.sink = sink;
        this.checkpointInterval = checkpointInterval;
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
        in.map(r -> r).returns(RawRecord.class).name("identity").uid("pass-through-identity")
                .sinkTo(sink).name("output").uid("pass-through-sink");
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
