package roadcast.stream;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.ingest.DeadLetter;
import roadcast.model.ManifoldModel;
import roadcast.publish.IssuedForecast;
import roadcast.publish.SegmentPartitioner;
import roadcast.kafka.RawRecord;

/**
 * The streaming forecaster, wired like the flink-training exercises: sources and sinks come in from outside, so
 * {@link StreamCommand} plugs in Kafka and tests plug in bounded lists and collecting sinks.
 *
 * <pre>
 * input (parsed, event time per split) ─ route ─┬─ keyBy(network) ─ clean, fuse, forecast ─┬─ by segment ─ forecasts sink
 *                │                                     ▲ broadcast: model versions │
 *                └─ dead letters ◄──────── dead letters ◄───────────────────────────┼─ archive (optional)
 * </pre>
 *
 * The model is read from the registry when the job is built (for the step, time zone and limits) and again by the
 * operators where they run; later versions may change the zones and the segments (see {@link ZoneOperator}, which
 * also explains the single network key).
 */
public final class ForecastJob {

    private static final Logger LOG = LoggerFactory.getLogger(ForecastJob.class);

    /** Side output of every stage: records refused, with the reason. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private final Source<RawRecord, ?, ?> input;
    private final Sink<IssuedForecast> forecasts;
    private final Sink<DeadLetter> deadLetters;
    private final JobConfig config;
    private final ManifoldModel model;
    private final ModelRef modelRef;
    private final NetworkLayout layout;
    private Source<String, ?, ?> modelVersions;
    private Sink<ReadingEvent> archive;
    private boolean checkFuture = true;
    private final Map<String, String> flinkOptions = new LinkedHashMap<>();

    /**
     * @param input       raw input records (Kafka: {@code ExactlyOnceKafka.source} with {@code RawRecordDeserializer})
     * @param forecasts   where forecasts go (Kafka: {@code KafkaOutputs.forecasts})
     * @param deadLetters where refused records go (Kafka: {@code KafkaOutputs.deadLetters})
     * @param config      job settings; the model is read from {@code config.registry()} now
     * @throws java.io.IOException when the registry has no usable model
     */
    public ForecastJob(Source<RawRecord, ?, ?> input, Sink<IssuedForecast> forecasts, Sink<DeadLetter> deadLetters,
                       JobConfig config) throws java.io.IOException {
        this.input = input;
        this.forecasts = forecasts;
        this.deadLetters = deadLetters;
        this.config = config;
        String version = config.modelVersion();
        if (version == null) {
            version = RegistryPoll.newestVersion(config.registry());
            if (version.isEmpty()) {
                throw new java.io.IOException("model registry " + config.registry() + " holds no model: train one first"
                        + " (roadcast train --registry " + config.registry() + ")");
            }
        }
        this.modelRef = new ModelRef(config.registry().toAbsolutePath().toString(), version);
        this.model = modelRef.load();
        this.layout = NetworkLayout.of(model, config.allowedLateness(), config.maxFuture());
    }

    /** Model versions to switch to (tests); by default the registry is polled every {@code config.modelPoll()}. */
    public ForecastJob withModelVersions(Source<String, ?, ?> versions) {
        this.modelVersions = versions;
        return this;
    }

    /** Also write every accepted reading here (the history archive). */
    public ForecastJob withArchive(Sink<ReadingEvent> sink) {
        this.archive = sink;
        return this;
    }

    /**
     * Whether readings stamped further ahead of the wall clock than the model allows are refused (default on). Off
     * for replays of old data whose clock runs faster than real time.
     */
    public ForecastJob withFutureCheck(boolean on) {
        this.checkFuture = on;
        return this;
    }

    /** An extra Flink option for the environment (e.g. {@code restart-strategy.type=none} in tests). */
    public ForecastJob withFlinkOption(String key, String value) {
        flinkOptions.put(key, value);
        return this;
    }

    public ManifoldModel model() {
        return model;
    }

    public NetworkLayout layout() {
        return layout;
    }

    public JobConfig config() {
        return config;
    }

    /**
     * Key groups of keyed state, fixed for the life of the job's state: a savepoint restores only into the same
     * maximum parallelism, and Flink's default depends on the parallelism of the first run. 128 allows rescaling
     * up to 128 subtasks.
     */
    public static final int MAX_PARALLELISM = 128;

    /**
     * A checkpoint that takes longer than this is declined. It must stay below the sinks' transaction timeout
     * ({@link roadcast.kafka.ExactlyOnceKafka#TRANSACTION_TIMEOUT}): a transaction is committed only after the
     * checkpoint that covers it completes, so a checkpoint allowed to run past the timeout would have its
     * transaction aborted by the broker and its output lost.
     */
    public static final java.time.Duration CHECKPOINT_TIMEOUT = java.time.Duration.ofMinutes(10);

    /** The Flink settings this job runs with: checkpoints, state backend, plus the extra options. */
    public Configuration flinkConfiguration() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("execution.checkpointing.interval", config.checkpointInterval().toMillis() + " ms");
        m.put("execution.checkpointing.timeout", CHECKPOINT_TIMEOUT.toMillis() + " ms");
        // A cancelled job keeps its last checkpoint, so it can still be resumed (flink run -s <checkpoint>).
        m.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        m.put("pipeline.max-parallelism", Integer.toString(MAX_PARALLELISM));
        m.put("state.backend.type", config.rocksDb() ? "rocksdb" : "hashmap");
        String checkpoints = JobConfig.checkpointUri(config.checkpointDir());
        if (checkpoints != null) {
            m.put("execution.checkpointing.storage", "filesystem");
            m.put("execution.checkpointing.dir", checkpoints);
        }
        // RocksDB refuses instance paths longer than its limit; mini-cluster temp paths easily exceed it.
        m.put("state.backend.rocksdb.localdir", System.getProperty("java.io.tmpdir") + "/roadcast-rocksdb");
        // LZ4 instead of Flink's default Snappy for the state's blocks: the zone operator rewrites every zone it
        // touched at each checkpoint, and a RocksDB checkpoint flushes the memtable to a new SST file while the zone
        // thread waits, so the whole state is compressed once per checkpoint on flush and again on compaction, on the
        // two cores the job shares with the broker (README, issue 12). Without compression the checkpoint was 2.6
        // times larger (9.9 against 3.8 MB at 20,000 segments) and its p99 rose.
        m.put("state.backend.rocksdb.compression.per.level", "LZ4_COMPRESSION");
        if (config.parallelism() > 0) {
            // Only when asked for: otherwise 'flink run -p N' (or the cluster's default) decides.
            m.put("parallelism.default", Integer.toString(config.parallelism()));
        }
        // Chained operators hand records on without a serializer copy (about 4 % of the forecast thread in the JFR
        // profile). Safe here: no function keeps or changes a record after emitting it; each stage builds new ones.
        m.put("pipeline.object-reuse", "true");
        // Watermark alignment pauses a split that runs ahead; bounded test sources (DataGeneratorSource) cannot pause
        // one split of several, and are then aligned per reader only instead of failing.
        m.put("pipeline.watermark-alignment.allow-unaligned-source-splits", "true");
        m.putAll(flinkOptions);
        return Configuration.fromMap(m);
    }

    /** A configured environment with this job's graph in it (local mini-cluster, or the cluster of flink run). */
    public StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConfiguration());
        env.configure(flinkConfiguration());
        env.enableCheckpointing(config.checkpointInterval().toMillis());
        env.setMaxParallelism(MAX_PARALLELISM);
        if (config.parallelism() > 0) {
            env.setParallelism(config.parallelism());
        } else if (env instanceof org.apache.flink.streaming.api.environment.LocalStreamEnvironment) {
            env.setParallelism(1); // a local mini-cluster would otherwise use one subtask per core
        }
        build(env);
        return env;
    }

    /** Adds the job's operators to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        // Every operator has a stable uid, so that a savepoint restores into a changed job graph (Flink's generated
        // ids change with the graph, and state that finds no operator is refused).
        // Records are parsed once, in the source's reader, which also gives them their event time: one watermark per
        // input split (Kafka partition), aligned across splits (see SourceEventTime for why not after parsing). The
        // parse stage then only routes accepted readings on and refused records to the dead letters.
        long bound = config.maxOutOfOrderness().toMillis();
        DataStream<ParsedRecord> raw = env.fromSource(ParsingSource.of(input, new InputParser(layout, checkFuture)),
                        SourceEventTime.strategy(layout, bound, config.effectiveIdleness()), "input")
                .uid("input").returns(TypeInformation.of(ParsedRecord.class));
        SingleOutputStreamOperator<ReadingEvent> parsed = raw
                .process(new RouteParsed()).name("parse").uid("parse")
                .returns(TypeInformation.of(ReadingEvent.class));
        KeyedStream<ReadingEvent, Integer> byNetwork = parsed.keyBy(e -> ZoneOperator.NETWORK_KEY);

        Source<String, ?, ?> versionSource = modelVersions;
        if (versionSource == null && config.hotReload()) {
            versionSource = RegistryPoll.source(config.registry(), config.modelPoll().toMillis());
        }
        DataStream<String> versions = versionSource != null
                ? env.fromSource(versionSource, RegistryPoll.controlWatermarks(), "model-versions")
                        .uid("model-versions").setParallelism(1)
                : env.fromData(Types.STRING, modelRef.version()).name("model-version").uid("model-version");

        SingleOutputStreamOperator<IssuedForecast> issued = byNetwork
                .connect(versions.broadcast())
                .transform("forecast", TypeInformation.of(IssuedForecast.class),
                        new ZoneOperatorFactory(new ZoneOperator(modelRef, layout, config.forecastOnEveryUpdate(),
                                config.closeWhenComplete(), config.closeAfterQuietMillis(), archive != null)
                                .withCloseWhenExpected(config.closeWhenExpected())
                                .withCloseOnSchedule(config.closeOnScheduleMillis())
                                // the workers write the JSON only for a sink chained here (at parallelism > 1 the
                                // forecasts cross the network as values and are written where they are published)
                                .withZoneWorkers(config.zoneWorkers(),
                                        config.jsonForecasts() && env.getParallelism() == 1)
                                .withCheckpointOnStep(config.checkpointOnStep()),
                                Math.min(config.checkpointInterval().toMillis(), 1000)))
                .uid("forecast");
        // Publishing (encoding each forecast and handing it to a Kafka producer: about a third of the zone
        // operator's thread in the JFR profile) runs on every subtask, not on the one that owns the network key:
        // forecasts go to the subtask of their segment (SegmentPartitioner: one producer per segment, so a segment's
        // forecasts stay in issue order across zonings), through IssuedForecastSerializer.
        // At parallelism 1 there is one publishing subtask anyway: the sink is chained to the zone operator instead,
        // so forecasts are not serialised, copied through a network buffer and deserialised on the way (in the JFR
        // profile of bench-stream at 5,000 segments: 8 % of the zone operator's thread writing them and a quarter of
        // the publishing thread reading them back). Same uid, same order per segment (one producer either way).
        DataStream<IssuedForecast> toPublish = env.getParallelism() == 1 ? issued
                : issued.partitionCustom(new SegmentPartitioner(), new SegmentPartitioner.SegmentOf());
        toPublish.sinkTo(forecasts).name("forecasts").uid("forecasts-sink");

        parsed.getSideOutput(DEAD_LETTERS)
                .union(issued.getSideOutput(DEAD_LETTERS))
                .sinkTo(deadLetters).name("dead-letters").uid("dead-letters-sink");
        if (archive != null) {
            issued.getSideOutput(ZoneOperator.ACCEPTED).sinkTo(archive).name("archive").uid("archive-sink");
        }
        LOG.info("forecast job: model {} ({} segments, {} zones, step {} ms, lateness {} ms)", modelRef.version(),
                layout.size(), layout.zoneCount(), layout.stepMillis(), layout.allowedLatenessMillis());
    }

    /** Runs until the input ends (bounded sources) or the job is cancelled. */
    public JobExecutionResult execute() throws Exception {
        return environment().execute(config.jobName());
    }

    /** Submits and returns at once; the caller cancels or waits through the client. */
    public JobClient executeAsync() throws Exception {
        return environment().executeAsync(config.jobName());
    }
}
