package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import roadcast.forecast.Forecast;
import roadcast.forecast.ForecastJson;
import roadcast.ingest.DeadLetter;
import roadcast.ingest.DeadLetterJson;
import roadcast.ingest.RejectReason;
import roadcast.kafka.ExactlyOnceKafka;
import roadcast.kafka.RawRecordDeserializer;
import roadcast.publish.Delivery;
import roadcast.publish.KafkaOutputs;
import roadcast.reading.Source;
import roadcast.reading.SpeedReading;
import roadcast.replay.FeedPublisher;

/**
 * Input topic -> job -> exactly-once forecast and dead-letter topics, through an in-process broker; and exactly-once
 * forecasts committed as soon as their step is issued ({@link CheckpointPacer}).
 */
class KafkaEndToEndTest {

    static final String IN = "roadcast.speed";
    static final String OUT = "roadcast.forecast";
    static final String REJECTED = "roadcast.speed.rejected";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestMiniCluster.withSlots(2);

    @TempDir
    static Path tmp;

    @RegisterExtension
    static final TestBroker BROKER = TestBroker.withTopics(IN, OUT, REJECTED);

    @Test
    void readCommittedConsumerSeesEachForecastOnce() throws Exception {
        SmallCity city = SmallCity.generate("k", 5, 11);
        Path registry = tmp.resolve("registry");
        String version = city.publish(registry, 4 * 288, 3);
        int from = 4 * 288;
        int steps = 24;
        int n = city.history.segments();

        List<SpeedReading> feed = new ArrayList<>(city.loopReadings(from, steps));
        // One reading of a segment the model does not know: must come out on the dead-letter topic.
        feed.add(new SpeedReading("unknown-segment", city.history.epochMillis(from + steps - 1), 40, Double.NaN,
                Double.NaN, Source.LOOP));
        long publishedAt = System.currentTimeMillis();
        try (FeedPublisher publisher = new FeedPublisher(BROKER.bootstrapServers(), IN, 0)) {
            var summary = publisher.publish(feed.iterator(), 0);
            assertEquals(feed.size(), summary.acknowledged());
        }

        JobConfig cfg = JobConfig.defaults(registry).withModelPoll(null)
                .withCheckpoints(Duration.ofMillis(300), tmp.resolve("checkpoints"));
        new ForecastJob(
                ExactlyOnceKafka.boundedSource(BROKER.bootstrapServers(), IN, "e2e", new RawRecordDeserializer()),
                KafkaOutputs.forecasts(BROKER.bootstrapServers(), OUT, "e2e"),
                KafkaOutputs.deadLetters(BROKER.bootstrapServers(), REJECTED, "e2e"), cfg)
                .withFlinkOption("restart-strategy.type", "none")
                .execute();

        List<ConsumerRecord<byte[], byte[]>> out = CommittedTopic.read(BROKER, OUT, n * steps, Duration.ofSeconds(60));
        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            Forecast f = ForecastJson.fromBytes(r.value());
            assertEquals(f.segment(), new String(r.key(), java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(version, f.modelVersion());
            seen.merge(f.segment() + "@" + f.issuedAt(), 1, Integer::sum);
            // The record timestamp is the append time of the input the forecast used.
            assertTrue(r.timestamp() >= publishedAt - 1000 && r.timestamp() <= System.currentTimeMillis(),
                    "forecast timestamp " + r.timestamp() + " is not an input append time");
        }
        assertEquals(n * steps, out.size(), "records on the forecast topic");
        assertEquals(n * steps, seen.size(), "distinct (segment, step) forecasts");

        List<ConsumerRecord<byte[], byte[]>> rejected = CommittedTopic.read(BROKER, REJECTED, 1, Duration.ofSeconds(30));
        assertEquals(1, rejected.size());
        DeadLetter letter = DeadLetterJson.decode(rejected.get(0).value());
        assertEquals(RejectReason.UNKNOWN_SEGMENT, letter.reason());
        assertEquals(IN, letter.topic());
        assertTrue(letter.payload().contains("unknown-segment"));
    }

    @Test
    void restartFromCheckpointLosesAndDuplicatesNothing() throws Exception {
        FailOnceRestart job = FailOnceRestart.of("r", 13, tmp.resolve("registry-restart"));
        String out = "roadcast.forecast.restart";
        // Fails once, half way, after several checkpoints have completed (about 2 s in at 150 records/s).
        job.run(BROKER, out, "roadcast.speed.rejected.restart", "restart", Delivery.EXACTLY_ONCE, 0.5, 150,
                Duration.ofMillis(200), tmp.resolve("checkpoints-restart"));
        int expected = job.expectedCount();

        List<ConsumerRecord<byte[], byte[]>> forecasts = CommittedTopic.read(BROKER, out, expected, Duration.ofSeconds(60));
        Map<String, Forecast> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : forecasts) {
            Forecast f = ForecastJson.fromBytes(r.value());
            seen.put(SmallCity.key(f), f);
        }
        assertEquals(expected, seen.size(), "every (segment, step) forecast after the restart");
        assertEquals(expected, forecasts.size(), "no forecast twice: " + forecasts.size());
        // The zone operator keeps open steps and tracks in memory between checkpoints: after the restore they must be
        // exactly what they were at the checkpoint, or the forecasts after the failure would drift from the backtest.
        for (Forecast e : job.backtest().values()) {
            Forecast a = seen.get(SmallCity.key(e));
            assertEquals(e.observedSpeed(), a.observedSpeed(), 0.005 + 1e-9, SmallCity.key(e));
            assertArrayEquals(e.speed(), a.speed(), 0.005 + 1e-9, SmallCity.key(e));
            assertArrayEquals(e.upper(), a.upper(), 0.005 + 1e-9, SmallCity.key(e));
        }
    }

    /**
     * How long a read_committed consumer waits for the forecasts of a paced commit: long enough for the job to start
     * on a loaded machine, far below the periodic checkpoint's hour.
     */
    private static final Duration PACED_WAIT = Duration.ofSeconds(60);

    /**
     * Exactly-once forecasts are committed when a step's forecasts are all issued ({@link CheckpointPacer}), not at the
     * next periodic checkpoint: with the periodic one an hour away, a read_committed consumer sees every forecast of
     * the fed steps as soon as the job has run them (with {@code --no-checkpoint-on-step} it sees none for an hour).
     */
    @Test
    void forecastsAreCommittedWhenTheirStepIsIssued() throws Exception {
        BeforeAnyCheckpoint.Seen seen = BeforeAnyCheckpoint.run(BROKER, tmp, "paced", 23, Delivery.EXACTLY_ONCE,
                true, PACED_WAIT);
        assertEquals(seen.expected(), seen.distinct(), "every (segment, step) forecast committed within "
                + PACED_WAIT + " with the periodic checkpoint an hour away");
        System.out.printf("checkpoint on step: %d forecasts committed %d ms after the job's submission%n",
                seen.distinct(), seen.millisAfterSubmission());
    }
}
