package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import roadcast.forecast.ForecastJson;
import roadcast.kafka.ExactlyOnceKafka;
import roadcast.kafka.RawRecordDeserializer;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;
import roadcast.publish.Delivery;
import roadcast.publish.KafkaOutputs;
import roadcast.reading.SpeedReading;
import roadcast.replay.FeedPublisher;

/**
 * Six steps of a small city on an input topic, forecast by a job whose first periodic checkpoint is an hour away (its
 * initial delay is random within the interval), each zone's step closed as soon as all its segments have reported:
 * what a read_committed consumer of the forecast topic sees before any periodic commit could have happened.
 */
final class BeforeAnyCheckpoint {

    /**
     * What the consumer saw: distinct (segment, step) forecasts against those issued, and when: after the job's
     * submission, or after the last step was sent ({@code holdOneZone}).
     */
    record Seen(int expected, int distinct, long millis) {
    }

    private BeforeAnyCheckpoint() {
    }

    /**
     * @param name         names the city, the topics and the transactional ids (one per run on a broker)
     * @param holdOneZone  the last step is sent only once the five before it are all committed, and one segment of
     *                     one zone misses it, so that zone never closes it (no quiet close, no event time past it)
     *                     while the other zones do: their forecasts of it are expected, not the held zone's, and
     *                     only a checkpoint after their close can commit them
     * @param wait         how long the consumer reads before it counts (each time with {@code holdOneZone})
     */
    static Seen run(TestBroker broker, Path tmp, String name, long seed, Delivery delivery, boolean checkpointOnStep,
                    boolean holdOneZone, Duration wait) throws Exception {
        SmallCity city = SmallCity.generate(name, 5, seed);
        Path registry = tmp.resolve("registry-" + name);
        String version = city.publish(registry, 4 * 288, 3);
        int steps = 6;
        int n = city.history.segments();
        String in = name + ".in";
        String out = name + ".out";
        String rejected = name + ".rejected";
        broker.createTopics(in, out, rejected);
        List<SpeedReading> feed = city.loopReadings(4 * 288, steps);
        List<SpeedReading> last = new ArrayList<>();
        int expected = n * steps;
        if (holdOneZone) {
            ManifoldModel model = new ModelRegistry(registry).load(version);
            assertTrue(model.zoneCount() > 1, "the city needs a zone that closes besides the held one");
            String held = model.network().segmentIds()[0];
            List<SpeedReading> lastStep = feed.subList(feed.size() - n, feed.size()); // loopReadings: step by step
            lastStep.stream().filter(r -> !r.segment().equals(held)).forEach(last::add);
            lastStep.clear();
            expected -= model.segmentsOfZone(model.zoneOf(0)).length;
        }
        publish(broker, in, feed);
        JobConfig cfg = JobConfig.defaults(registry).withModelPoll(null).withRocksDb(false)
                .withCheckpoints(Duration.ofHours(1), tmp.resolve("checkpoints-" + name))
                .withCloseWhenComplete(true)
                .withCheckpointOnStep(checkpointOnStep);
        long from = System.currentTimeMillis();
        JobClient client = new ForecastJob(
                ExactlyOnceKafka.source(broker.bootstrapServers(), in, name, new RawRecordDeserializer()),
                KafkaOutputs.forecasts(broker.bootstrapServers(), out, name, delivery),
                KafkaOutputs.deadLetters(broker.bootstrapServers(), rejected, name), cfg)
                .withFutureCheck(false)
                .withFlinkOption("restart-strategy.type", "none")
                .executeAsync();
        try {
            if (holdOneZone) {
                assertEquals(n * (steps - 1), CommittedTopic.readAtLeast(broker.kafka(), out, n * (steps - 1), wait)
                        .size(), "the first five steps, committed when every zone had closed them");
                publish(broker, in, last);
                from = System.currentTimeMillis();
            }
            Set<String> distinct = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : CommittedTopic.readAtLeast(broker.kafka(), out, expected, wait)) {
                distinct.add(SmallCity.key(ForecastJson.fromBytes(r.value())));
            }
            return new Seen(expected, distinct.size(), System.currentTimeMillis() - from);
        } finally {
            client.cancel().get();
        }
    }

    private static void publish(TestBroker broker, String topic, List<SpeedReading> readings) throws Exception {
        try (FeedPublisher publisher = new FeedPublisher(broker.bootstrapServers(), topic, 0)) {
            assertEquals(readings.size(), publisher.publish(readings.iterator(), 0).acknowledged());
        }
    }
}
