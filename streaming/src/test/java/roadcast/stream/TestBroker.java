package roadcast.stream;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import roadcast.kafka.EmbeddedKafka;

/**
 * The embedded KRaft broker of a job test class ({@code @RegisterExtension static final TestBroker BROKER}): started
 * before the class with its topics, closed after it, so each test class states only what differs (broker settings,
 * topics).
 */
public final class TestBroker implements BeforeAllCallback, AfterAllCallback {

    private final Supplier<EmbeddedKafka> create;
    private final String[] topics;
    private EmbeddedKafka kafka;

    private TestBroker(Supplier<EmbeddedKafka> create, String[] topics) {
        this.create = create;
        this.topics = topics;
    }

    /** A broker with default settings (one partition per topic) and these topics. */
    public static TestBroker withTopics(String... topics) {
        return new TestBroker(EmbeddedKafka::new, topics);
    }

    /** A broker made by {@code create} (not yet started), with these topics. */
    public static TestBroker of(Supplier<EmbeddedKafka> create, String... topics) {
        return new TestBroker(create, topics);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka = create.get().start();
        if (topics.length > 0) {
            kafka.createTopics(topics);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (kafka != null) {
            kafka.close();
        }
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public void createTopics(String... names) {
        kafka.createTopics(names);
    }

    /** A producer of raw bytes to this broker; {@code settings} adds or overrides producer settings. */
    public KafkaProducer<byte[], byte[]> producer(Map<String, Object> settings) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putAll(settings);
        return new KafkaProducer<>(p);
    }
}
