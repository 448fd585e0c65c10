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
import org.apache.flink.core.execution.SavepointFormatType;
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
    static final String IN_RESTORE = "schedule-restore.speed";
    static final String OUT_RESTORE = "schedule-restore.forecast";
    static final String REJECTED_RESTORE = "schedule-restore.speed.rejected";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestMiniCluster.withSlots(2);

    @RegisterExtension
    static final TestBroker BROKER = TestBroker.withTopics(IN, OUT, REJECTED, IN_RESTORE, OUT_RESTORE, REJECTED_RESTORE);

    @TempDir
    static Path tmp;

    /** The city, its model, and a feed in an order that splits zone 0 around every other zone, some readings missing. */
    record Feed(SmallCity city, Path registry, String version, int from, int steps, int n, List<SpeedReading> readings,
                Set<String> missing) {

        /** The readings of steps [first, last). */
        List<SpeedReading> steps(int first, int last) {
            int perStep = readings.size() / steps;
            return readings.subList(first * perStep, last * perStep);
        }

        long sent(int first, int last) {
            long skipped = 0;
            for (SpeedReading r : steps(first, last)) {
                skipped += Double.isNaN(r.speed()) ? 1 : 0;
            }
            return steps(first, last).size() - skipped;
        }
    }

    static Feed feed(String name, Path tmp) throws Exception {
        SmallCity city = SmallCity.generate(name, 5, 23, 4);
        Path registry = tmp.resolve("registry-" + name);
        int from = 4 * 288;
        SmallCity.Published model = city.publishForOperator(registry, from, 3);
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

        List<SpeedReading> readings = new ArrayList<>();
        for (int t = from; t < from + steps; t++) {
            for (int i : order) {
                String id = city.history.segmentIds()[i];
                // a missing reading keeps its place in the step (NaN: the publisher skips it) so the others keep theirs
                double speed = missing.contains(id + "@" + city.history.epochMillis(t)) ? Double.NaN
                        : city.history.speed()[t][i];
                readings.add(new SpeedReading(id, city.history.epochMillis(t), speed, Double.NaN, Double.NaN,
                        Source.LOOP));
            }
        }
        return new Feed(city, registry, model.ref().version(), from, steps, n, readings, missing);
    }

    /** The job on {@code in}, exactly once, with the schedule close; from {@code restoreFrom} when not null. */
    static JobClient submit(Feed feed, String in, String out, String rejected, String restoreFrom) throws Exception {
        // 5-minute steps at 300x: a step a second, readings about 40 ms apart, zone 0's pause about 0.7 s.
        JobConfig cfg = JobConfig.defaults(feed.registry()).withModelPoll(null)
                .withCheckpoints(Duration.ofMillis(200), tmp.resolve("checkpoints-" + in))
                .withCloseWhenComplete(true).withCloseWhenExpected(true)
                .withCloseAfterQuiet(Duration.ofMillis(300)).withCloseOnSchedule(Duration.ofMillis(100));
        ForecastJob job = new ForecastJob(
                ExactlyOnceKafka.source(BROKER.bootstrapServers(), in, in, new RawRecordDeserializer()),
                KafkaOutputs.forecasts(BROKER.bootstrapServers(), out, in),
                KafkaOutputs.deadLetters(BROKER.bootstrapServers(), rejected, in), cfg)
                .withFutureCheck(false)
                .withFlinkOption("restart-strategy.type", "none");
        if (restoreFrom != null) {
            job.withFlinkOption("execution.state-recovery.path", restoreFrom);
        }
        return job.executeAsync();
    }

    /** Sends steps [first, last) of the feed spread over each step at 300x. */
    static void publish(Feed feed, String in, int first, int last) throws Exception {
        try (FeedPublisher publisher = new FeedPublisher(BROKER.bootstrapServers(), in, 300)
                .withSpread(FeedSpread.IN_ORDER, feed.city().history.step())) {
            var sent = publisher.publish(feed.steps(first, last).iterator(), 0);
            assertEquals(feed.sent(first, last), sent.acknowledged());
        }
    }

    /**
     * Every refused reading is of the first step (zone 0's late half, by the quiet close: no place known yet); every
     * (segment, step) forecast came, and equals the backtest of the readings the job accepted.
     */
    static void refusedOnlyInTheFirstStepAndEqualsTheBacktest(Feed feed, String out, String rejected)
            throws Exception {
        SmallCity city = feed.city();
        List<ConsumerRecord<byte[], byte[]>> forecasts = CommittedTopic.read(BROKER, out, feed.n() * feed.steps(),
                Duration.ofSeconds(20));
        String firstStep = Instant.ofEpochMilli(city.history.epochMillis(feed.from())).toString();
        Set<String> withheld = new HashSet<>(feed.missing());
        for (ConsumerRecord<byte[], byte[]> r : CommittedTopic.read(BROKER, rejected, Integer.MAX_VALUE,
                Duration.ofSeconds(2))) {
            DeadLetter letter = DeadLetterJson.decode(r.value());
            assertEquals(RejectReason.TOO_LATE, letter.reason(), letter.toString());
            assertTrue(letter.payload().contains(firstStep), "refused after the first step: " + letter.payload());
            withheld.add(letter.key() + "@" + city.history.epochMillis(feed.from()));
        }

        Map<String, Forecast> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : forecasts) {
            Forecast f = ForecastJson.fromBytes(r.value());
            seen.put(SmallCity.key(f), f);
        }
        assertEquals(feed.n() * feed.steps(), seen.size(),
                "every (segment, step) forecast, the last steps' with missing readings");
        for (Forecast e : city.backtest(feed.registry(), feed.version(), feed.from(), feed.from() + feed.steps(),
                withheld).forecasts().values()) {
            Forecast a = seen.get(SmallCity.key(e));
            assertNotNull(a, SmallCity.key(e));
            assertEquals(e.observedSpeed(), a.observedSpeed(), 0.005 + 1e-9, SmallCity.key(e));
            assertArrayEquals(e.speed(), a.speed(), 0.005 + 1e-9, SmallCity.key(e));
        }
    }

    @Test
    void aSpreadFeedLosesNothingAfterItsFirstStepAndEqualsTheBacktest() throws Exception {
        Feed feed = feed("q", tmp);
        JobClient client = submit(feed, IN, OUT, REJECTED, null);
        try {
            Thread.sleep(2000); // the job's start, so the first step is not read as a backlog
            publish(feed, IN, 0, feed.steps());
            CommittedTopic.read(BROKER, OUT, feed.n() * feed.steps(), Duration.ofSeconds(20));
        } finally {
            client.cancel().get();
        }
        refusedOnlyInTheFirstStepAndEqualsTheBacktest(feed, OUT, REJECTED);
    }

    /**
     * The places survive a stop with a savepoint and a resubmission (the operator's procedure, as in
     * {@code StopAndResubmitTest}): the first step after the restore closes by the schedule, so zone 0's pause closes
     * nothing there either. Before the places were checkpointed that step fell back to the quiet close and refused zone
     * 0's late half, as in the job's first step.
     */
    @Test
    void theFirstStepAfterAResubmissionFromASavepointClosesOnSchedule() throws Exception {
        Feed feed = feed("r", tmp);
        JobClient first = submit(feed, IN_RESTORE, OUT_RESTORE, REJECTED_RESTORE, null);
        String savepoint;
        try {
            Thread.sleep(2000);
            publish(feed, IN_RESTORE, 0, 3);
            CommittedTopic.read(BROKER, OUT_RESTORE, feed.n() * 3, Duration.ofSeconds(20));
        } finally {
            savepoint = first.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get();
        }
        JobClient second = submit(feed, IN_RESTORE, OUT_RESTORE, REJECTED_RESTORE, savepoint);
        try {
            Thread.sleep(2000);
            publish(feed, IN_RESTORE, 3, feed.steps());
            CommittedTopic.read(BROKER, OUT_RESTORE, feed.n() * feed.steps(), Duration.ofSeconds(20));
        } finally {
            second.cancel().get();
        }
        refusedOnlyInTheFirstStepAndEqualsTheBacktest(feed, OUT_RESTORE, REJECTED_RESTORE);
    }
}
