package roadcast.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.scratch.ScratchDirectory;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one process) running inside this JVM, for tests, the
 * demo and benchmarks. Ports are free ones picked at start; the log directory is a
 * {@link ScratchDirectory}, deleted on close or when the JVM is stopped.
 *
 * <p>Configured for Flink's exactly-once sink on one node: internal topics with replication 1 and min ISR 1 (the
 * defaults of 3 would leave transactions unable to commit), and a transaction timeout ceiling of 15 minutes, which
 * the sink's {@code transaction.timeout.ms} must not exceed.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String CONTROLLER = "CONTROLLER";
    /** Upper bound for {@code transaction.timeout.ms} of producers (Flink sinks) talking to this broker. */
    public static final long MAX_TRANSACTION_TIMEOUT_MS = Duration.ofMinutes(15).toMillis();

    private final int defaultPartitions;
    private final Map<String, String> overrides;
    private int brokerPort;
    private ScratchDirectory logDir;
    private KafkaRaftServer server;
    private String bootstrapServers;

    /** A broker whose {@link #createTopics(String...)} makes single-partition topics. */
    public EmbeddedKafka() {
        this(1, Map.of());
    }

    /**
     * @param defaultPartitions partitions of topics made by {@link #createTopics(String...)} (and auto-created ones)
     * @param overrides         broker properties that replace the defaults set here (e.g. {@code log.message.timestamp.type})
     */
    public EmbeddedKafka(int defaultPartitions, Map<String, String> overrides) {
        if (defaultPartitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + defaultPartitions);
        }
        this.defaultPartitions = defaultPartitions;
        this.overrides = new HashMap<>(overrides);
    }

    /**
     * Listens on {@code brokerPort} instead of a free port (e.g. 9092, so that commands run by hand find the demo's
     * broker at their default address); 0 picks a free one. Call before {@link #start()}.
     */
    public synchronized EmbeddedKafka onPort(int brokerPort) {
        if (brokerPort < 0 || brokerPort > 65535) {
            throw new IllegalArgumentException("not a port: " + brokerPort);
        }
        if (server != null) {
            throw new IllegalStateException("broker already started at " + bootstrapServers);
        }
        this.brokerPort = brokerPort;
        return this;
    }

    /** Formats a fresh log directory, starts the broker and returns once it answers admin requests (about 3 s). */
    public synchronized EmbeddedKafka start() {
        if (server != null) {
            throw new IllegalStateException("broker already started at " + bootstrapServers);
        }
        try {
            logDir = ScratchDirectory.create("roadcast-kafka-");
            int[] ports = freePorts(2);
            while (brokerPort != 0 && ports[1] == brokerPort) {
                ports = freePorts(2);
            }
            if (brokerPort != 0) {
                ports[0] = brokerPort;
            }
            Map<String, Object> props = brokerProperties(ports[0], ports[1], logDir.path());
            format(logDir.path(), ports[1]);
            KafkaRaftServer raft = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            raft.startup();
            server = raft;
            bootstrapServers = "localhost:" + ports[0];
            awaitReady(Duration.ofSeconds(60));
            warmUpGroupCoordinator();
            LOG.info("embedded Kafka broker up at {} (log dir {})", bootstrapServers, logDir.path());
            return this;
        } catch (Exception e) {
            close();
            throw new IllegalStateException("embedded Kafka broker did not start: " + e.getMessage(), e);
        }
    }

    /** {@code localhost:PORT} of the plaintext listener. */
    public String bootstrapServers() {
        if (bootstrapServers == null) {
            throw new IllegalStateException("broker not started");
        }
        return bootstrapServers;
    }

    /** The broker's log directory (deleted on close), or null when not running. */
    public Path logDirectory() {
        return logDir == null ? null : logDir.path();
    }

    /** Creates the topics with the default partition count; topics that already exist are left as they are. */
    public void createTopics(String... names) {
        createTopics(defaultPartitions, names);
    }

    /** Creates the topics with {@code partitions} partitions each; topics that already exist are left as they are. */
    public void createTopics(int partitions, String... names) {
        createTopics(partitions, Map.of(), names);
    }

    /**
     * Creates the topics with {@code partitions} partitions and topic-level configs (e.g.
     * {@code message.timestamp.type=LogAppendTime}); existing topics are left as they are.
     */
    public void createTopics(int partitions, Map<String, String> topicConfig, String... names) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, (short) 1).configs(topicConfig));
        }
        try (Admin admin = admin()) {
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey() + ": " + e.getCause(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("topic creation timed out", e);
        }
    }

    /** A new admin client for this broker; the caller closes it. */
    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(p);
    }

    /** Stops the broker and deletes its log directory. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (server != null) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException e) {
                LOG.warn("embedded Kafka broker shutdown failed: {}", e.toString());
            }
            server = null;
        }
        bootstrapServers = null;
        if (logDir != null) {
            logDir.close();
            logDir = null;
        }
    }

    private Map<String, Object> brokerProperties(int brokerPort, int controllerPort, Path dir) {
        Map<String, Object> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.put("listeners", "PLAINTEXT://localhost:" + brokerPort + "," + CONTROLLER + "://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        p.put("controller.listener.names", CONTROLLER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
        p.put("log.dirs", dir.toString());
        p.put("metadata.log.dir", dir.toString());
        p.put("num.partitions", Integer.toString(defaultPartitions));
        p.put("default.replication.factor", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("transaction.max.timeout.ms", Long.toString(MAX_TRANSACTION_TIMEOUT_MS));
        // Consumers in tests and benchmarks should not wait 3 s for a rebalance that has nobody else to wait for.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Two cores are shared: keep the broker's thread pools small.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("log.cleaner.enable", "false");
        p.putAll(overrides);
        return p;
    }

    private static void format(Path dir, int controllerPort) throws Exception {
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setClusterId(Uuid.randomUuid().toString())
                .setNodeId(1)
                .addDirectory(dir.toString())
                .setMetadataLogDirectory(dir.toString())
                .setControllerListenerName(CONTROLLER)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION);
        formatter.run();
    }

    /**
     * Creates and loads the consumer-offsets topic by committing one offset synchronously. Until it is loaded, the
     * first asynchronous offset commits of a consumer (Flink's Kafka source commits asynchronously at every
     * checkpoint) fail with a retriable error, and were seen here never to complete at all, so a resubmitted job found
     * no group offsets and started at the earliest offset again.
     */
    private void warmUpGroupCoordinator() {
        String probe = "roadcast-embedded-warm-up";
        createTopics(probe);
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("group.id", probe);
        p.put("enable.auto.commit", "false");
        p.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(p)) {
            var tp = new org.apache.kafka.common.TopicPartition(probe, 0);
            consumer.assign(java.util.List.of(tp));
            consumer.commitSync(Map.of(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(0)),
                    Duration.ofSeconds(60));
        }
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    last = e;
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("broker at " + bootstrapServers + " did not answer describeCluster within "
                + timeout.toSeconds() + " s" + (last == null ? "" : ": " + last));
    }

    private static int[] freePorts(int n) throws IOException {
        // Hold all sockets open until every port is chosen so the same port is not handed out twice.
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0);
                sockets[i].setReuseAddress(true);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }
}
