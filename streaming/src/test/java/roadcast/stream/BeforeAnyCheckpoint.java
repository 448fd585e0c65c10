package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import roadcast.forecast.ForecastJson;
import roadcast.kafka.ExactlyOnceKafka;
import roadcast.kafka.RawRecordDeserializer;
import roadcast.publish.Delivery;
import roadcast.publish.KafkaOutputs;
import roadcast.reading.SpeedReading;
import roadcast.replay.FeedPublisher;

/**
 * Six steps of a small city on an input topic, forecast by a job whose first periodic checkpoint is an hour away (its
 * initial delay is random within the interval), each step closed as soon as all its segments have reported: what a
 * read_committed consumer of the forecast topic sees before any periodic commit could have happened.
 */
final class BeforeAnyCheckpoint {

    /** What the consumer saw: distinct (segment, step) forecasts against those issued, and when. */
    record Seen(int expected, int distinct, long millisAfterSubmission) {
    }

    private BeforeAnyCheckpoint() {
    }

    /**
     * @param name  names the city, the topics and the transactional ids (one per run on a broker)
     * @param wait  how long the consumer reads before it counts
     */
    static Seen run(TestBroker broker, Path tmp, String name, long seed, Delivery delivery, boolean checkpointOnStep,
                    Duration wait) throws Exception {
        SmallCity city = SmallCity.generate(name, 5, seed);
        Path registry = tmp.resolve("registry-" + name);
        city.publish(registry, 4 * 288, 3);
        int steps = 6;
        int expected = city.history.segments() * steps;
        String in = name + ".in";
        String out = name + ".out";
        String rejected = name + ".rejected";
        broker.createTopics(in, out, rejected);
        List<SpeedReading> feed = city.loopReadings(4 * 288, steps);
        try (FeedPublisher publisher = new FeedPublisher(broker.bootstrapServers(), in, 0)) {
            assertEquals(feed.size(), publisher.publish(feed.iterator(), 0).acknowledged());
        }
        JobConfig cfg = JobConfig.defaults(registry).withModelPoll(null).withRocksDb(false)
                .withCheckpoints(Duration.ofHours(1), tmp.resolve("checkpoints-" + name))
                .withCloseWhenComplete(true)
                .withCheckpointOnStep(checkpointOnStep);
        long submitted = System.currentTimeMillis();
        JobClient client = new ForecastJob(
                ExactlyOnceKafka.source(broker.bootstrapServers(), in, name, new RawRecordDeserializer()),
                KafkaOutputs.forecasts(broker.bootstrapServers(), out, name, delivery),
                KafkaOutputs.deadLetters(broker.bootstrapServers(), rejected, name), cfg)
                .withFutureCheck(false)
                .withFlinkOption("restart-strategy.type", "none")
                .executeAsync();
        try {
            Set<String> distinct = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : CommittedTopic.readAtLeast(broker.kafka(), out, expected, wait)) {
                distinct.add(SmallCity.key(ForecastJson.fromBytes(r.value())));
            }
            return new Seen(expected, distinct.size(), System.currentTimeMillis() - submitted);
        } finally {
            client.cancel().get();
        }
    }
}
