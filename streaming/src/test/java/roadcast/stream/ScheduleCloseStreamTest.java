package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.flink.core.execution.JobClient;
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
import roadcast.publish.KafkaOutputs;
import roadcast.reading.Source;
import roadcast.reading.SpeedReading;
import roadcast.replay.FeedPublisher;
import roadcast.replay.FeedSpread;

/**
 * The schedule close ({@code --close-on-schedule}) end to end on the mini-cluster, through Kafka, exactly once, with
 * a feed spread over the step ({@link FeedSpread#IN_ORDER}) in an order that splits zone 0's readings around all the
 * other zones' (a pause of about three quarters of the step within zone 0, longer than the quiet period) and some
 * readings missing, the last steps' too (event time cannot close those within the run: only the schedule can). After
 * the first step, whose places are not known yet (the quiet close, the fallback, refuses zone 0's late half there),
 * nothing is refused and every forecast equals the backtest of the readings the job accepted.
 */
class ScheduleCloseStreamTest {

    static final String IN = "schedule.speed";
    static final String OUT = "schedule.forecast";
    static final String REJECTED = "schedule.speed.rejected";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestMiniCluster.withSlots(2);

    @RegisterExtension
    static final TestBroker BROKER = TestBroker.withTopics(IN, OUT, REJECTED);

    @TempDir
    static Path tmp;

    @Test
    void aSpreadFeedLosesNothingAfterItsFirstStepAndEqualsTheBacktest() throws Exception {
        SmallCity city = SmallCity.generate("q", 5, 23, 4);
        Path registry = tmp.resolve("registry");
        int from = 4 * 288;
        SmallCity.Published model = city.publishForOperator(registry, from, 3);
        String version = model.ref().version();
        NetworkLayout layout = model.layout();
        int n = city.history.segments();
        int steps = 6;

        // Feed order: zone 0's first half, every other segment, zone 0's second half.
        List<Integer> zone0 = new ArrayList<>();
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = layout.indexById().get(city.history.segmentIds()[i]);
            (layout.zoneOfSegment()[index] == 0 ? zone0 : others).add(i);
        }
        assertTrue(zone0.size() >= 4 && others.size() >= 6, zone0 + " / " + others);
        List<Integer> order = new ArrayList<>(zone0.subList(0, zone0.size() / 2));
        order.addAll(others);
        order.addAll(zone0.subList(zone0.size() / 2, zone0.size()));

        // Missing: a segment of another zone mid-run; zone 0's second segment (before the pause) and its last
        // (the step's last reading) in the last steps, which event time does not close within the run.
        Set<String> missing = new HashSet<>();
        missing.add(city.history.segmentIds()[others.get(3)] + "@" + city.history.epochMillis(from + 3));
        missing.add(city.history.segmentIds()[zone0.get(1)] + "@" + city.history.epochMillis(from + steps - 2));
        missing.add(city.history.segmentIds()[zone0.get(zone0.size() - 1)] + "@"
                + city.history.epochMillis(from + steps - 1));

        List<SpeedReading> feed = new ArrayList<>();
        for (int t = from; t < from + steps; t++) {
            for (int i : order) {
                String id = city.history.segmentIds()[i];
                // a missing reading keeps its place in the step (NaN: the publisher skips it) so the others keep theirs
                double speed = missing.contains(id + "@" + city.history.epochMillis(t)) ? Double.NaN
                        : city.history.speed()[t][i];
                feed.add(new SpeedReading(id, city.history.epochMillis(t), speed, Double.NaN, Double.NaN,
                        Source.LOOP));
            }
        }

        // 5-minute steps at 300x: a step a second, readings about 40 ms apart, zone 0's pause about 0.7 s.
        JobConfig cfg = JobConfig.defaults(registry).withModelPoll(null)
                .withCheckpoints(Duration.ofMillis(200), tmp.resolve("checkpoints"))
                .withCloseWhenComplete(true).withCloseWhenExpected(true)
                .withCloseAfterQuiet(Duration.ofMillis(300)).withCloseOnSchedule(Duration.ofMillis(100));
        JobClient client = new ForecastJob(
                ExactlyOnceKafka.source(BROKER.bootstrapServers(), IN, "schedule", new RawRecordDeserializer()),
                KafkaOutputs.forecasts(BROKER.bootstrapServers(), OUT, "schedule"),
                KafkaOutputs.deadLetters(BROKER.bootstrapServers(), REJECTED, "schedule"), cfg)
                .withFutureCheck(false)
                .withFlinkOption("restart-strategy.type", "none")
                .executeAsync();
        List<ConsumerRecord<byte[], byte[]>> out;
        try {
            Thread.sleep(2000); // the job's start, so the first step is not read as a backlog
            try (FeedPublisher publisher = new FeedPublisher(BROKER.bootstrapServers(), IN, 300)
                    .withSpread(FeedSpread.IN_ORDER, city.history.step())) {
                var sent = publisher.publish(feed.iterator(), 0);
                assertEquals(feed.size() - missing.size(), sent.acknowledged());
            }
            out = CommittedTopic.read(BROKER, OUT, n * steps, Duration.ofSeconds(20));
        } finally {
            client.cancel().get();
        }

        // Refused: only readings of the first step (zone 0's late half, by the quiet close); the backtest leaves them out.
        String firstStep = Instant.ofEpochMilli(city.history.epochMillis(from)).toString();
        Set<String> withheld = new HashSet<>(missing);
        for (ConsumerRecord<byte[], byte[]> r : CommittedTopic.read(BROKER, REJECTED, Integer.MAX_VALUE,
                Duration.ofSeconds(2))) {
            DeadLetter letter = DeadLetterJson.decode(r.value());
            assertEquals(RejectReason.TOO_LATE, letter.reason(), letter.toString());
            assertTrue(letter.payload().contains(firstStep), "refused after the first step: " + letter.payload());
            withheld.add(letter.key() + "@" + city.history.epochMillis(from));
        }

        Map<String, Forecast> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            Forecast f = ForecastJson.fromBytes(r.value());
            seen.put(SmallCity.key(f), f);
        }
        assertEquals(n * steps, seen.size(), "every (segment, step) forecast, the last steps' with missing readings");
        for (Forecast e : city.backtest(registry, version, from, from + steps, withheld).forecasts().values()) {
            Forecast a = seen.get(SmallCity.key(e));
            assertNotNull(a, SmallCity.key(e));
            assertEquals(e.observedSpeed(), a.observedSpeed(), 0.005 + 1e-9, SmallCity.key(e));
            assertArrayEquals(e.speed(), a.speed(), 0.005 + 1e-9, SmallCity.key(e));
        }
    }
}
