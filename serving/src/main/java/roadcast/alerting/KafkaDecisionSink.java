package roadcast.alerting;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.api.ServeMetrics;
import roadcast.topics.TopicFollower;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Publishes alerts and outlooks with an idempotent producer (a retried send is never written twice). Serving owns
 * these two topics and creates them when missing: {@code roadcast.alerts} compacted (the last record of an alert id
 * is its state), {@code roadcast.outlook} kept by time; a broker not up yet or slow at start is asked again with
 * backoff ({@link TopicCreation}). Sends run on a thread of their own, so a broker that is down
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
    private volatile boolean closing;
    /** Records waiting to be sent at most; beyond, a record is dropped and counted. */
    static final int QUEUE = 10_000;
    private final java.util.concurrent.ThreadPoolExecutor sender = new java.util.concurrent.ThreadPoolExecutor(1, 1,
        0, TimeUnit.MILLISECONDS, new java.util.concurrent.LinkedBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "decision-publisher");
            t.setDaemon(true);
            return t;
        });

    /**
     * How the decision topics are created: each attempt waits at most {@code attemptTimeout} for the broker; a
     * broker that is not up yet or slow (a retriable error such as a {@code TimeoutException}) is asked again after a
     * backoff (0.5 s doubling to 30 s, as the topic follower waits) until {@code giveUpAfter} has passed since the
     * start. Sends wait behind the creation, so the first alert never leaves the broker to auto-create
     * {@code roadcast.alerts} uncompacted; after giving up they go ahead (the producer retries on its own).
     */
    public record TopicCreation(Duration attemptTimeout, Duration giveUpAfter) {

        public TopicCreation {
            if (attemptTimeout.toMillis() < 1 || giveUpAfter.isNegative()) {
                throw new IllegalArgumentException("the topic-creation attempt timeout must be positive and the "
                    + "give-up time not negative, got " + attemptTimeout + " and " + giveUpAfter);
            }
        }

        public static TopicCreation defaults() {
            return new TopicCreation(Duration.ofSeconds(10), Duration.ofMinutes(5));
        }
    }

    public KafkaDecisionSink(String bootstrapServers, String alertsTopic, String outlookTopic, ServeMetrics metrics) {
        this(bootstrapServers, alertsTopic, outlookTopic, metrics, TopicCreation.defaults());
    }

    public KafkaDecisionSink(String bootstrapServers, String alertsTopic, String outlookTopic, ServeMetrics metrics,
                             TopicCreation creation) {
        this.alertsTopic = alertsTopic;
        this.outlookTopic = outlookTopic;
        this.metrics = metrics;
        sender.execute(() -> createTopics(bootstrapServers, creation));
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

    /**
     * Both topics, one partition each (a few records per step), if the broker does not have them yet; retried with
     * backoff while the broker is unreachable or slow ({@link TopicCreation}).
     */
    private void createTopics(String bootstrapServers, TopicCreation creation) {
        long attempt = creation.attemptTimeout().toMillis();
        long giveUpAt = System.currentTimeMillis() + creation.giveUpAfter().toMillis();
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(attempt));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(attempt));
        Map<String, NewTopic> missing = new LinkedHashMap<>();
        missing.put(alertsTopic, new NewTopic(alertsTopic, 1, (short) 1)
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        missing.put(outlookTopic, new NewTopic(outlookTopic, 1, (short) 1));
        try (Admin admin = Admin.create(p)) {
            for (int failures = 1; !closing; failures++) {
                String lastError = null;
                CreateTopicsOptions options = new CreateTopicsOptions().timeoutMs((int) Math.min(Integer.MAX_VALUE,
                    attempt));
                for (var e : admin.createTopics(missing.values(), options).values().entrySet()) {
                    try {
                        e.getValue().get(attempt + 1_000, TimeUnit.MILLISECONDS);
                        LOG.info("created topic {}", e.getKey());
                        missing.remove(e.getKey());
                    } catch (ExecutionException ex) {
                        Throwable cause = ex.getCause();
                        if (cause instanceof TopicExistsException) {
                            missing.remove(e.getKey());
                        } else if (cause instanceof RetriableException) {
                            lastError = cause.toString();
                        } else {
                            LOG.warn("could not create topic {}: {} (not retried; the producer's first send may "
                                + "auto-create it)", e.getKey(), cause.getMessage());
                            missing.remove(e.getKey());
                        }
                    } catch (java.util.concurrent.TimeoutException ex) {
                        lastError = "no answer within " + attempt + " ms";
                    }
                }
                if (missing.isEmpty()) {
                    return;
                }
                metrics.count("roadcast_serve_decisions_topic_retries_total");
                long wait = TopicFollower.backoffMillis(failures);
                if (System.currentTimeMillis() + wait > giveUpAt) {
                    LOG.warn("could not create the decision topics {} within {}: {} (giving up; the producer "
                        + "retries)", missing.keySet(), creation.giveUpAfter(), lastError);
                    return;
                }
                LOG.warn("could not create the decision topics {} yet: {} (attempt {}, next in {} ms)",
                    missing.keySet(), lastError, failures, wait);
                long until = System.currentTimeMillis() + wait;
                while (!closing && System.currentTimeMillis() < until) {
                    Thread.sleep(Math.min(100, Math.max(1, until - System.currentTimeMillis())));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        closing = true; // a topic creation still retrying stops
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
