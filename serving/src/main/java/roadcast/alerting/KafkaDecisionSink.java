package roadcast.alerting;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.api.ServeMetrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Publishes alerts and outlooks with an idempotent producer (a retried send is never written twice). Serving owns
 * these two topics and creates them when missing: {@code roadcast.alerts} compacted (the last record of an alert id
 * is its state), {@code roadcast.outlook} kept by time. Sends run on a thread of their own, so a broker that is down
 * never stalls the follower or the start (the restart replay); a failed or dropped send (more than
 * {@value #QUEUE} waiting) is logged and counted ({@code roadcast_serve_decisions_publish_failures_total}); the
 * alert stays on {@code /api/alerts}.
 */
public final class KafkaDecisionSink implements DecisionSink {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaDecisionSink.class);

    private final String alertsTopic;
    private final String outlookTopic;
    private final ServeMetrics metrics;
    private final KafkaProducer<String, String> producer;
    /** Records waiting to be sent at most; beyond, a record is dropped and counted. */
    static final int QUEUE = 10_000;
    private final java.util.concurrent.ThreadPoolExecutor sender = new java.util.concurrent.ThreadPoolExecutor(1, 1,
        0, TimeUnit.MILLISECONDS, new java.util.concurrent.LinkedBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "decision-publisher");
            t.setDaemon(true);
            return t;
        });

    public KafkaDecisionSink(String bootstrapServers, String alertsTopic, String outlookTopic, ServeMetrics metrics) {
        this.alertsTopic = alertsTopic;
        this.outlookTopic = outlookTopic;
        this.metrics = metrics;
        sender.execute(() -> createTopics(bootstrapServers));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "roadcast-serve-decisions");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        // a broker down: a send gives up on metadata after 5 s instead of blocking the publisher for a minute
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(p);
    }

    /** Both topics, one partition each (a few records per step), if the broker does not have them yet. */
    private void createTopics(String bootstrapServers) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> topics = List.of(
                new NewTopic(alertsTopic, 1, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                new NewTopic(outlookTopic, 1, (short) 1));
            for (var e : admin.createTopics(topics).values().entrySet()) {
                try {
                    e.getValue().get(10, TimeUnit.SECONDS);
                    LOG.info("created topic {}", e.getKey());
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        LOG.warn("could not create topic {}: {} (the producer retries)", e.getKey(),
                            ex.getCause().getMessage());
                    }
                }
            }
        } catch (Exception e) {
            LOG.warn("could not create the decision topics: {}", e.toString());
        }
    }

    @Override
    public void alert(String key, String json) {
        send(alertsTopic, key, json);
    }

    @Override
    public void outlook(String key, String json) {
        send(outlookTopic, key, json);
    }

    private void send(String topic, String key, String json) {
        try {
            sender.execute(() -> {
                try {
                    producer.send(new ProducerRecord<>(topic, key, json), (meta, error) -> {
                        if (error != null) {
                            failed(topic, key, error);
                        }
                    });
                } catch (RuntimeException e) {
                    failed(topic, key, e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            failed(topic, key, e);
        }
    }

    private void failed(String topic, String key, Exception error) {
        metrics.count("roadcast_serve_decisions_publish_failures_total");
        LOG.warn("could not publish {} to {}: {}", key, topic, error.toString());
    }

    /** Sends what is queued (for at most 5 s), then closes the producer. */
    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
