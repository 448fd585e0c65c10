package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import roadcast.forecast.ForecastJson;
import roadcast.kafka.ExactlyOnceKafka;
import roadcast.kafka.RawRecordDeserializer;
import roadcast.publish.KafkaOutputs;
import roadcast.reading.Source;
import roadcast.reading.SpeedReading;
import roadcast.replay.FeedPublisher;

/**
 * Exactly-once forecasts are committed when a step's forecasts are all issued ({@link CheckpointPacer}), not at the
 * next periodic checkpoint: with the periodic one an hour away, a read_committed consumer sees every forecast of the
 * fed steps as soon as the job has run them (with {@code --no-checkpoint-on-step} it sees none for an hour).
 */
class CheckpointOnStepTest {

    /**
     * How long a read_committed consumer waits for the forecasts: long enough for the job to start on a loaded
     * machine, far below the periodic checkpoint's hour.
     */
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestMiniCluster.withSlots(2);

    @TempDir
    static Path tmp;

    @RegisterExtension
    static final TestBroker BROKER = TestBroker.withTopics();

    @Test
    void forecastsAreCommittedWhenTheirStepIsIssued() throws Exception {
        Fed fed = runAndRead("on", true);
        assertEquals(fed.expected, fed.distinct,
                "every (segment, step) forecast committed within " + WAIT + " with the periodic checkpoint an hour away");
        System.out.printf("checkpoint on step: %d forecasts committed %d ms after the job's submission%n",
                fed.distinct, fed.millis);
    }

    private record Fed(int expected, int distinct, long millis) {
    }

    /** Feeds 6 steps of a small city, runs the job exactly once, counts what a read_committed consumer sees. */
    private static Fed runAndRead(String name, boolean checkpointOnStep) throws Exception {
        SmallCity city = SmallCity.generate(name, 5, 23);
        Path registry = tmp.resolve("registry-" + name);
        city.publish(registry, 4 * 288, 3);
        int from = 4 * 288;
        int steps = 6;
        int n = city.history.segments();
        String in = "pace." + name + ".in";
        String out = "pace." + name + ".out";
        String rejected = "pace." + name + ".rejected";
        BROKER.createTopics(in, out, rejected);
        List<SpeedReading> feed = new ArrayList<>();
        for (int t = from; t < from + steps; t++) {
            for (int i = 0; i < n; i++) {
                feed.add(new SpeedReading(city.history.segmentIds()[i], city.history.epochMillis(t),
                        city.history.speed()[t][i], Double.NaN, Double.NaN, Source.LOOP));
            }
        }
        try (FeedPublisher publisher = new FeedPublisher(BROKER.bootstrapServers(), in, 0)) {
            assertEquals(feed.size(), publisher.publish(feed.iterator(), 0).acknowledged());
        }
        // Each step closes as soon as all its segments have reported; the first periodic checkpoint comes at a random
        // moment within the interval (Flink's initial delay), so an hour keeps it out of the test.
        JobConfig cfg = JobConfig.defaults(registry).withModelPoll(null).withRocksDb(false)
                .withCheckpoints(Duration.ofHours(1), tmp.resolve("checkpoints-" + name))
                .withCloseWhenComplete(true)
                .withCheckpointOnStep(checkpointOnStep);
        long submitted = System.currentTimeMillis();
        JobClient client = new ForecastJob(
                ExactlyOnceKafka.source(BROKER.bootstrapServers(), in, "pace-" + name, new RawRecordDeserializer()),
                KafkaOutputs.forecasts(BROKER.bootstrapServers(), out, "pace-" + name),
                KafkaOutputs.deadLetters(BROKER.bootstrapServers(), rejected, "pace-" + name), cfg)
                .withFutureCheck(false)
                .withFlinkOption("restart-strategy.type", "none")
                .executeAsync();
        try {
            List<ConsumerRecord<byte[], byte[]>> records =
                    CommittedTopic.readAtLeast(BROKER.kafka(), out, n * steps, WAIT);
            Set<String> distinct = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                distinct.add(SmallCity.key(ForecastJson.fromBytes(r.value())));
            }
            return new Fed(n * steps, distinct.size(), System.currentTimeMillis() - submitted);
        } finally {
            client.cancel().get();
        }
    }
}
