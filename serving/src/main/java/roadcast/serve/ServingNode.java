package roadcast.serve;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.alerting.DecisionSink;
import roadcast.alerts.IncidentDetector;
import roadcast.alerting.KafkaDecisionSink;
import roadcast.alerting.LiveDecisions;
import roadcast.api.ApiKeys;
import roadcast.api.ApiServer;
import roadcast.api.ForecastStream;
import roadcast.api.SegmentCatalog;
import roadcast.api.ServedModel;
import roadcast.api.ServeMetrics;
import roadcast.topics.TopicFollower;
import roadcast.store.OnlineStore;
import roadcast.store.StoreBatch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One serving process: the online store, the follower that fills it from the topics (when a broker is given), the
 * retention sweep and the HTTP server. Closing stops them in reverse order so the last batch is written before the
 * store closes.
 */
public final class ServingNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServingNode.class);

    /**
     * Everything a node needs; {@code bootstrapServers} null runs the API over the store alone.
     *
     * @param alertsSettings the incident detector's setting; null = the one validated for the served model's input
     *                       ({@link #detectorSetting})
     */
    public record Settings(String bootstrapServers, String forecastTopic, String speedTopic, Path storeDir,
                           Duration retention, Duration sweepEvery, int port, SegmentCatalog catalog, ApiKeys keys,
                           ForecastStream.Limits streamLimits, String alertsTopic, String outlookTopic,
                           KafkaDecisionSink.TopicCreation topicCreation, IncidentDetector.Settings alertsSettings) {
        public static final String ALERTS_TOPIC = "roadcast.alerts";
        public static final String OUTLOOK_TOPIC = "roadcast.outlook";

        public Settings(String bootstrapServers, String forecastTopic, String speedTopic, Path storeDir,
                        Duration retention, Duration sweepEvery, int port, SegmentCatalog catalog, ApiKeys keys,
                        ForecastStream.Limits streamLimits, String alertsTopic, String outlookTopic) {
            this(bootstrapServers, forecastTopic, speedTopic, storeDir, retention, sweepEvery, port, catalog, keys,
                streamLimits, alertsTopic, outlookTopic, KafkaDecisionSink.TopicCreation.defaults(), null);
        }

        public Settings(String bootstrapServers, String forecastTopic, String speedTopic, Path storeDir,
                        Duration retention, Duration sweepEvery, int port, SegmentCatalog catalog, ApiKeys keys) {
            this(bootstrapServers, forecastTopic, speedTopic, storeDir, retention, sweepEvery, port, catalog, keys,
                ForecastStream.Limits.defaults());
        }

        public Settings(String bootstrapServers, String forecastTopic, String speedTopic, Path storeDir,
                        Duration retention, Duration sweepEvery, int port, SegmentCatalog catalog, ApiKeys keys,
                        ForecastStream.Limits streamLimits) {
            this(bootstrapServers, forecastTopic, speedTopic, storeDir, retention, sweepEvery, port, catalog, keys,
                streamLimits, ALERTS_TOPIC, OUTLOOK_TOPIC);
        }

        public Settings withStreamLimits(ForecastStream.Limits limits) {
            return new Settings(bootstrapServers, forecastTopic, speedTopic, storeDir, retention, sweepEvery, port,
                catalog, keys, limits, alertsTopic, outlookTopic, topicCreation, alertsSettings);
        }

        /** Topics the incident alerts and the per-step outlook are published on (when following a broker). */
        public Settings withDecisionTopics(String alerts, String outlook) {
            return new Settings(bootstrapServers, forecastTopic, speedTopic, storeDir, retention, sweepEvery, port,
                catalog, keys, streamLimits, alerts, outlook, topicCreation, alertsSettings);
        }

        /** How long serving keeps asking a slow or absent broker to create the decision topics. */
        public Settings withTopicCreation(KafkaDecisionSink.TopicCreation creation) {
            return new Settings(bootstrapServers, forecastTopic, speedTopic, storeDir, retention, sweepEvery, port,
                catalog, keys, streamLimits, alertsTopic, outlookTopic, creation, alertsSettings);
        }

        /** The incident detector's setting given explicitly (the operator's override of the validated one). */
        public Settings withAlertsSettings(IncidentDetector.Settings setting) {
            return new Settings(bootstrapServers, forecastTopic, speedTopic, storeDir, retention, sweepEvery, port,
                catalog, keys, streamLimits, alertsTopic, outlookTopic, topicCreation, setting);
        }

        /**
         * The detector setting the live alerts run: the given one, else the one validated for the kind of input the
         * served model reads ({@code IncidentDetector.Settings.forInput}: a model trained on a fused multi-source
         * feed gets the feed's choice, any other model, or none, the generated-city defaults).
         */
        public IncidentDetector.Settings detectorSetting() {
            return alertsSettings != null ? alertsSettings : IncidentDetector.Settings.forInput(servesFusedFeed());
        }

        /** Whether the served model was trained on a fused multi-source feed (false without a model). */
        boolean servesFusedFeed() {
            return catalog.model().map(ServedModel::fusedFeed).orElse(false);
        }
    }

    private final OnlineStore store;
    private final ServeMetrics metrics = new ServeMetrics();
    private final ForecastStream stream;
    private final TopicFollower follower;
    private final Thread followerThread;
    private final ScheduledExecutorService sweeper;
    private final ApiServer server;
    private final DecisionSink sink;
    private final LiveDecisions decisions;

    private ServingNode(Settings s) {
        store = OnlineStore.open(s.storeDir(), s.retention());
        stream = new ForecastStream(metrics, s.streamLimits());
        metrics.gauge("roadcast_serve_store_corrupt_values_skipped", store::corruptValuesSkipped);
        sink = s.bootstrapServers() == null ? DecisionSink.NONE
            : new KafkaDecisionSink(s.bootstrapServers(), s.alertsTopic(), s.outlookTopic(), metrics,
                s.topicCreation());
        IncidentDetector.Settings detector = s.detectorSetting();
        LOG.info("incident alerts: detector setting {} ({})", detector, s.alertsSettings() != null ? "given"
            : s.servesFusedFeed() ? "validated for a fused multi-source feed" : "validated for one speed per road");
        decisions = new LiveDecisions(s.catalog(), sink, LiveDecisions.Settings.defaults().withDetector(detector));
        metrics.gauge("roadcast_serve_alerts_late_records", decisions::lateRecords);
        try {
            decisions.recover(store);
        } catch (RuntimeException e) {
            LOG.error("incident alerts: could not replay the stored forecasts; starting afresh", e);
        }
        if (s.bootstrapServers() != null) {
            follower = new TopicFollower(s.bootstrapServers(), s.forecastTopic(), s.speedTopic(), store, metrics,
                forecasts -> {
                    stream.publish(forecasts);
                    decisions.accept(forecasts);
                });
            followerThread = new Thread(follower, "topic-follower");
        } else {
            follower = null;
            followerThread = null;
        }
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "retention-sweep");
            t.setDaemon(true);
            return t;
        });
        server = new ApiServer(store, s.catalog(), s.keys(), metrics, stream, this::health, decisions);
        long every = s.sweepEvery().toMillis();
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                store.sweep();
            } catch (RuntimeException e) {
                LOG.error("retention sweep failed", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    private ApiServer.Health health() {
        if (follower == null) {
            return new ApiServer.Health(ApiServer.Health.Status.UP, "not following (no broker)");
        }
        ApiServer.Health.Status status = switch (follower.condition()) {
            case STARTING, FOLLOWING -> ApiServer.Health.Status.UP;
            case WAITING_FOR_TOPICS, RETRYING -> ApiServer.Health.Status.DEGRADED;
            case FAILED, STOPPED -> ApiServer.Health.Status.DOWN;
        };
        long stored = follower.lastStoredMillis();
        return new ApiServer.Health(status, follower.state() + (stored == 0 ? ""
            : "; last stored " + java.time.Instant.ofEpochMilli(stored)));
    }

    /** Opens the store, starts following the topics and serving HTTP on {@code settings.port()} (0 = any free port). */
    public static ServingNode start(Settings settings) {
        ServingNode node = new ServingNode(settings);
        try {
            node.server.start(settings.port());
            if (node.followerThread != null) {
                node.followerThread.start();
            }
            return node;
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    /**
     * Stores a batch that did not come from the topics (an import, a test) and streams its forecasts to dashboard
     * clients, exactly as the follower does after a durable write.
     */
    public void ingest(StoreBatch batch) {
        store.write(batch);
        if (!batch.forecasts().isEmpty()) {
            stream.publish(batch.forecasts());
            decisions.accept(batch.forecasts());
        }
    }

    public OnlineStore store() {
        return store;
    }

    public ServeMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        try {
            // a sweep still running must finish before the native store is closed under it
            sweeper.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        stream.close();
        if (follower != null) {
            follower.close();
            try {
                followerThread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sink.close();
        store.close();
    }
}
