package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import roadcast.publish.KafkaOutputs;

/**
 * The settings exactly-once and restores depend on: the sinks' transaction timeout against the broker's maximum and
 * the checkpoint timeout, stable operator uids, a pinned maximum parallelism, checkpoint URIs, and parallelism left to
 * {@code flink run -p} unless asked for. No job is run here.
 */
class JobSettingsTest {

    @TempDir
    static Path tmp;

    @RegisterExtension
    static final TestBroker BROKER = TestBroker.withTopics();

    static Path registry;

    @BeforeAll
    static void setUp() throws Exception {
        registry = tmp.resolve("registry");
        SmallCity.generate("j", 2, 3).publish(registry, 288, 2);
    }

    static Properties producerConfigOf(KafkaSink<?> sink) throws Exception {
        Method m = KafkaSink.class.getDeclaredMethod("getKafkaProducerConfig");
        m.setAccessible(true);
        return (Properties) m.invoke(sink);
    }

    @Test
    void transactionTimeoutIsTheBrokersMaximumAndTheCheckpointTimeoutIsBelowIt() throws Exception {
        long brokerMax;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", BROKER.bootstrapServers()))) {
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
            Config c = admin.describeConfigs(List.of(broker)).all().get().get(broker);
            brokerMax = Long.parseLong(c.get("transaction.max.timeout.ms").value());
        }
        assertEquals(Duration.ofMinutes(15).toMillis(), brokerMax, "a default broker's transaction.max.timeout.ms");
        Properties sink = producerConfigOf(KafkaOutputs.forecasts(BROKER.bootstrapServers(), "t", "settings"));
        long timeout = Long.parseLong(sink.getProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG));
        // A recovery (failure detection, restart, restore) must fit in it, or the broker aborts the transaction of a
        // completed checkpoint and its output is lost: use all the broker allows.
        assertEquals(brokerMax, timeout, "the sink's transaction.timeout.ms");
        Properties deadLetters = producerConfigOf(KafkaOutputs.deadLetters(BROKER.bootstrapServers(), "t", "settings"));
        assertEquals(Long.toString(brokerMax), deadLetters.getProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG));

        ForecastJob job = new ForecastJob(RecordListSource.of(List.of()), new CollectingSink<>(),
                new CollectingSink<>(), JobConfig.defaults(registry));
        Configuration flink = job.flinkConfiguration();
        String checkpointTimeout = flink.toMap().get("execution.checkpointing.timeout");
        assertNotNull(checkpointTimeout, "checkpoint timeout set explicitly");
        long checkpointMillis = org.apache.flink.util.TimeUtils.parseDuration(checkpointTimeout).toMillis();
        assertTrue(checkpointMillis < timeout, "checkpoint timeout " + checkpointTimeout + " below " + timeout + " ms");

        // The broker takes that timeout: a producer with exactly the sink's settings opens and commits a transaction
        // (a timeout above the broker's maximum fails here with InvalidTxnTimeoutException).
        Properties p = new Properties();
        p.putAll(sink);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "settings-check");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        BROKER.createTopics("settings.check");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("settings.check", new byte[] {1}));
            producer.commitTransaction();
        }
        assertEquals(1, CommittedTopic.read(BROKER, "settings.check", 1, Duration.ofSeconds(10)).size());
    }

    @Test
    void everyOperatorHasAUidAndMaxParallelismIsPinned() throws Exception {
        ForecastJob job = new ForecastJob(RecordListSource.of(List.of()), new CollectingSink<>(),
                new CollectingSink<>(), JobConfig.defaults(registry));
        job.withArchive(new CollectingSink<>());
        StreamExecutionEnvironment env = job.environment();
        assertEquals(ForecastJob.MAX_PARALLELISM, env.getMaxParallelism());
        StreamGraph graph = env.getStreamGraph(false);
        List<String> missing = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            if (node.getTransformationUID() == null || node.getTransformationUID().isBlank()) {
                missing.add(node.getOperatorName());
            }
        }
        assertTrue(missing.isEmpty(), "operators without a uid: " + missing);
        assertEquals("128", job.flinkConfiguration().toMap().get("pipeline.max-parallelism"));
        assertEquals("RETAIN_ON_CANCELLATION",
                job.flinkConfiguration().toMap().get("execution.checkpointing.externalized-checkpoint-retention"));
    }

    @Test
    void checkpointDirUriIsKeptAndParallelismIsLeftToFlinkRun() throws Exception {
        StreamCommand command = new StreamCommand();
        new CommandLine(command).parseArgs("--registry", registry.toString(), "--checkpoint-dir",
                "file:///shared/roadcast/checkpoints");
        ForecastJob job = command.build();
        Map<String, String> conf = job.flinkConfiguration().toMap();
        assertEquals("file:///shared/roadcast/checkpoints", conf.get("execution.checkpointing.dir"));
        assertFalse(conf.containsKey("parallelism.default"), "no parallelism without --parallelism: " + conf);

        StreamCommand relative = new StreamCommand();
        new CommandLine(relative).parseArgs("--registry", registry.toString(), "--checkpoint-dir", "cp",
                "--parallelism", "3");
        Map<String, String> conf2 = relative.build().flinkConfiguration().toMap();
        assertEquals(Path.of("cp").toAbsolutePath().toUri().toString(), conf2.get("execution.checkpointing.dir"));
        assertEquals("3", conf2.get("parallelism.default"));
        StreamCommand s3 = new StreamCommand();
        new CommandLine(s3).parseArgs("--registry", registry.toString(), "--checkpoint-dir", "s3://bucket/cp");
        assertEquals("s3://bucket/cp", s3.build().flinkConfiguration().toMap().get("execution.checkpointing.dir"));
    }
}
