package roadcast.serve;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.api.ApiKeys;
import roadcast.api.SegmentCatalog;
import roadcast.fixtures.SampleForecasts;
import roadcast.fixtures.TestBroker;
import roadcast.store.DeadLetter;
import roadcast.topics.ForecastWire;
import roadcast.topics.TopicFollower;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Serving pointed at a forecast topic the stream wrote with {@code --forecast-format avro} (for external consumers):
 * each record is kept as a dead letter whose reason names the format and the fix, and JSON records on the same topic
 * are still stored.
 */
class ForeignFormatTest {

    private static final long T0 = 1_330_588_800_000L;

    @TempDir
    Path dir;

    @Test
    void avroForecastsAreRefusedWithTheReasonAndJsonStillStored() throws Exception {
        try (TestBroker broker = new TestBroker()) {
            broker.createTopics(1, "roadcast.forecast", "roadcast.speed");
            try (KafkaProducer<String, String> p = broker.producer()) {
                ProducerRecord<String, String> avro = new ProducerRecord<>("roadcast.forecast", "s0",
                    "\u000es0\u0002binary");
                avro.headers().add(TopicFollower.FORMAT_HEADER, "avro".getBytes(StandardCharsets.UTF_8));
                p.send(avro);
                p.send(new ProducerRecord<>("roadcast.forecast", "s1", ForecastWire.write(SampleForecasts.of("s1", T0, 50, 0))));
                p.flush();
            }
            try (ServingNode node = ServingNode.start(new ServingNode.Settings(broker.bootstrapServers(),
                "roadcast.forecast", "roadcast.speed", dir.resolve("store"), Duration.ofDays(7), Duration.ofMinutes(5),
                0, SegmentCatalog.empty(), ApiKeys.of("k")))) {
                long deadline = System.currentTimeMillis() + 30_000;
                List<DeadLetter> letters = node.store().deadLetters(10);
                while ((letters.isEmpty() || node.store().historyCounts()[1] < 1)
                    && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200);
                    letters = node.store().deadLetters(10);
                }
                assertEquals(1, letters.size(), "one dead letter: " + letters);
                DeadLetter d = letters.get(0);
                assertEquals(TopicFollower.UNSUPPORTED_FORMAT, d.reason());
                assertTrue(d.detail().contains("avro") && d.detail().contains("--forecast-format json"), d.detail());
                assertEquals(1, node.store().historyCounts()[1], "the JSON forecast beside it is stored");
            }
        }
    }
}
