package roadcast.alerting;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import roadcast.api.ServeMetrics;
import roadcast.fixtures.TestBroker;

import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Serving started before its broker is up (a slow broker at start): the decision topics must still be created as
 * serving owns them, {@code roadcast.alerts} compacted, and an alert raised meanwhile must reach it. Before topic
 * creation was retried, its one attempt timed out after 10 s ({@code TimeoutException} in the log) and the first send
 * left the broker to auto-create the alerts topic with the default delete policy.
 */
class KafkaDecisionSinkTest {

    private static final String ALERTS = "roadcast.alerts";
    private static final String OUTLOOK = "roadcast.outlook";

    @Test
    void createsTheTopicsWhenTheBrokerComesUpAfterTheSink() throws Exception {
        try (TestBroker broker = TestBroker.notStarted()) {
            ServeMetrics metrics = new ServeMetrics();
            try (KafkaDecisionSink sink = new KafkaDecisionSink(broker.bootstrapServers(), ALERTS, OUTLOOK, metrics)) {
                sink.alert("c2@2012-03-01T08:25:00Z", "{\"id\":\"c2@2012-03-01T08:25:00Z\",\"status\":\"open\"}");
                // longer than one creation attempt's 10 s timeout: the broker is slower than the first attempt
                Thread.sleep(11_000);
                broker.start();
                Properties p = new Properties();
                p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
                try (Admin admin = Admin.create(p)) {
                    // wait for serving to create them (a consumer reading first would have the broker auto-create)
                    long deadline = System.currentTimeMillis() + 30_000;
                    Set<String> topics = Set.of();
                    while (!topics.containsAll(Set.of(ALERTS, OUTLOOK)) && System.currentTimeMillis() < deadline) {
                        Thread.sleep(200);
                        topics = admin.listTopics().names().get(10, TimeUnit.SECONDS);
                    }
                    assertTrue(topics.containsAll(Set.of(ALERTS, OUTLOOK)), "both decision topics exist: " + topics);
                    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, ALERTS);
                    Config config = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS)
                        .get(resource);
                    assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT,
                        config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value(),
                        "roadcast.alerts is created compacted by serving, not auto-created by the first send");
                }
                List<ConsumerRecord<String, String>> alerts = LiveAlertsTest.read(broker, ALERTS, 1);
                assertEquals(1, alerts.size(), "the alert raised while the broker was down reaches the topic");
                assertEquals("c2@2012-03-01T08:25:00Z", alerts.get(0).key());
                assertEquals(0, metrics.counter("roadcast_serve_decisions_publish_failures_total"));
            }
        }
    }
}
