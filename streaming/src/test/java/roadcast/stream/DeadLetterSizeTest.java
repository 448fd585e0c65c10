package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import roadcast.kafka.EmbeddedKafka;
import roadcast.kafka.ExactlyOnceKafka;
import roadcast.kafka.RawRecord;
import roadcast.kafka.RawRecordDeserializer;
import roadcast.publish.KafkaOutputs;

/**
 * Records larger than a dead letter may be (a 1.5 MB binary value, base64'd; 1 MB of control characters, escaped six
 * times over in JSON) reach the input topic of a broker that accepts them. Their dead letters must still fit the
 * dead-letter topic (the sink failing there would make the job replay the same record for ever): truncated, with the
 * original length and SHA-256, and the job goes on forecasting.
 */
class DeadLetterSizeTest {

    static final String IN = "roadcast.speed.big";
    static final String OUT = "roadcast.forecast.big";
    static final String REJECTED = "roadcast.speed.rejected.big";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestMiniCluster.withSlots(2);

    @TempDir
    static Path tmp;

    // The input topic takes big records (a producer's choice); the dead-letter topic has Kafka's default limit.
    @RegisterExtension
    static final TestBroker BROKER = TestBroker.of(
            () -> new EmbeddedKafka(1, Map.of("message.max.bytes", Integer.toString(4 * 1024 * 1024))), IN, OUT);

    @BeforeAll
    static void createDeadLetterTopic() {
        BROKER.kafka().createTopics(1, Map.of("max.message.bytes", "1048588"), REJECTED);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void hugeRecordsAreDeadLetteredWithinTheRecordSizeAndTheJobGoesOn() throws Exception {
        SmallCity city = SmallCity.generate("b", 3, 17);
        Path registry = tmp.resolve("registry");
        int from = 2 * 288;
        int steps = 4;
        city.publish(registry, from, 3);
        int n = city.history.segments();

        byte[] binary = new byte[1_500_000];
        new Random(3).nextBytes(binary);
        binary[0] = (byte) 0xff; // never valid UTF-8
        byte[] control = new byte[1_000_000];
        java.util.Arrays.fill(control, (byte) 1); // valid UTF-8, each byte escaped as \\u0001 in JSON
        String bigKey = "k".repeat(200_000);

        List<RawRecord> clean = city.records(from, from + steps);
        try (KafkaProducer<byte[], byte[]> producer =
                     BROKER.producer(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024))) {
            for (int k = 0; k < clean.size(); k++) {
                if (k == n + 2) {
                    producer.send(new ProducerRecord<>(IN, "b1".getBytes(StandardCharsets.UTF_8), binary));
                    producer.send(new ProducerRecord<>(IN, null, control));
                    producer.send(new ProducerRecord<>(IN, bigKey.getBytes(StandardCharsets.UTF_8),
                            "{\"segment\":\"b1\"}".getBytes(StandardCharsets.UTF_8)));
                }
                producer.send(new ProducerRecord<>(IN, clean.get(k).key, clean.get(k).value));
            }
            producer.flush();
        }

        JobConfig cfg = JobConfig.defaults(registry).withModelPoll(null)
                .withCheckpoints(Duration.ofMillis(300), tmp.resolve("checkpoints"));
        new ForecastJob(
                ExactlyOnceKafka.boundedSource(BROKER.bootstrapServers(), IN, "big", new RawRecordDeserializer()),
                KafkaOutputs.forecasts(BROKER.bootstrapServers(), OUT, "big"),
                KafkaOutputs.deadLetters(BROKER.bootstrapServers(), REJECTED, "big"), cfg)
                .withFlinkOption("restart-strategy.type", "none")
                .execute();

        List<ConsumerRecord<byte[], byte[]>> letters = CommittedTopic.read(BROKER, REJECTED, 3, Duration.ofSeconds(30));
        assertEquals(3, letters.size(), "one dead letter per huge record");
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> byHash = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : letters) {
            assertTrue(r.serializedValueSize() + Math.max(0, r.serializedKeySize()) < 512 * 1024,
                    "dead letter of " + r.serializedValueSize() + " bytes");
            JsonNode o = json.readTree(r.value());
            assertTrue(o.get("reason").asText().length() > 0);
            byHash.put(o.get("payloadSha256").asText(), o);
        }
        JsonNode b = byHash.get(sha256(binary));
        assertTrue(b != null, "binary record's dead letter names its hash: " + byHash.keySet());
        assertEquals("MALFORMED_JSON", b.get("reason").asText());
        assertEquals(binary.length, b.get("payloadLength").asInt());
        assertTrue(b.get("payloadTruncated").asBoolean());
        assertEquals("base64", b.get("payloadEncoding").asText());
        byte[] kept = java.util.Base64.getDecoder().decode(b.get("payload").asText());
        assertTrue(kept.length > 0 && kept.length < binary.length);
        assertEquals(java.nio.ByteBuffer.wrap(binary, 0, kept.length), java.nio.ByteBuffer.wrap(kept),
                "the kept part is the start of the original");
        JsonNode c = byHash.get(sha256(control));
        assertTrue(c != null, "control-character record's dead letter names its hash");
        assertEquals(control.length, c.get("payloadLength").asInt());
        assertTrue(c.get("payloadTruncated").asBoolean());
        JsonNode k = byHash.get(sha256("{\"segment\":\"b1\"}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(k != null && k.get("keyTruncated").asBoolean(), "huge key truncated: " + k);
        assertEquals(sha256(bigKey.getBytes(StandardCharsets.UTF_8)), k.get("keySha256").asText());

        List<ConsumerRecord<byte[], byte[]>> forecasts = CommittedTopic.read(BROKER, OUT, n * steps, Duration.ofSeconds(30));
        assertEquals(n * steps, forecasts.size(), "the job forecast every step after the huge records");
    }
}
