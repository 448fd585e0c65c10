package roadcast.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import roadcast.ingest.ParseResult;
import roadcast.ingest.ReadingParser;
import roadcast.kafka.EmbeddedKafka;
import roadcast.reading.Source;
import roadcast.reading.SpeedReading;

class FeedPublisherTest {

    private static final long STEP = 300_000L;
    private static final long T0 = 1_330_588_800_000L; // 2012-03-01T08:00Z
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = new EmbeddedKafka(2, Map.of()).start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** {@code steps} steps of {@code segments} segments; segment 0 has a gap (NaN) at every odd step. */
    static List<SpeedReading> feed(int steps, int segments) {
        List<SpeedReading> out = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            for (int s = 0; s < segments; s++) {
                double speed = s == 0 && t % 2 == 1 ? Double.NaN : 40 + t + s * 0.5;
                out.add(new SpeedReading("seg" + s, T0 + t * STEP, speed, s == 1 ? 12 : Double.NaN, Double.NaN,
                        s % 2 == 0 ? Source.LOOP : Source.FLOATING_CAR));
            }
        }
        return out;
    }

    @Test
    void everyReadingArrivesKeyedBySegmentAndParsesBackPacedStepByStep() throws Exception {
        kafka.createTopics("paced");
        List<SpeedReading> feed = feed(6, 5);
        List<Long> stepTimes = new ArrayList<>();
        PublishSummary summary;
        long before;
        // speedup 3000: a 5-minute step every 100 ms
        try (FeedPublisher publisher = new FeedPublisher(kafka.bootstrapServers(), "paced", 3000)) {
            publisher.onStep((time, n) -> stepTimes.add(time));
            before = System.currentTimeMillis();
            summary = publisher.publish(feed.iterator(), 0);
        }
        assertEquals(27, summary.sent(), "30 readings minus 3 gaps");
        assertEquals(27, summary.acknowledged());
        assertEquals(3, summary.skipped());
        assertEquals(6, summary.steps());
        assertEquals(0, summary.failed());
        assertNull(summary.firstError());
        assertTrue(summary.elapsedMillis() >= 500, "5 step intervals of 100 ms: " + summary.elapsedMillis());
        for (int t = 0; t < 6; t++) {
            assertEquals(T0 + t * STEP, stepTimes.get(t));
        }

        List<ConsumerRecord<String, byte[]>> records = readAll("paced", 27);
        assertEquals(27, records.size());
        ReadingParser parser = ReadingParser.lenient(ZoneId.of("UTC"), 200);
        TreeMap<Long, Long> firstCreateTimeOfStep = new TreeMap<>();
        List<SpeedReading> received = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            ParseResult p = parser.parse(r.key().getBytes(java.nio.charset.StandardCharsets.UTF_8), r.value());
            assertTrue(p.accepted(), () -> String.valueOf(p.rejection()));
            assertEquals(r.key(), p.reading().segment());
            received.add(p.reading());
            firstCreateTimeOfStep.merge(p.reading().timeMillis(), r.timestamp(), Math::min);
        }
        List<SpeedReading> expected = feed.stream().filter(x -> !Double.isNaN(x.speed())).toList();
        assertTrue(received.containsAll(expected) && expected.containsAll(received), "same readings");
        // The schedule starts inside publish(), after `before`: step k is never sent before before + k * 100 ms.
        for (var e : firstCreateTimeOfStep.entrySet()) {
            long k = (e.getKey() - T0) / STEP;
            assertTrue(e.getValue() - before >= k * 100, "step " + k + " sent "
                    + (e.getValue() - before) + " ms after the start, before its due time " + k * 100);
        }
    }

    @Test
    void aSpreadFeedSendsEachStepOverTheStepNeverBeforeAReadingsPhase() throws Exception {
        for (FeedSpread spread : new FeedSpread[] {FeedSpread.IN_ORDER, FeedSpread.SENSOR_PHASE}) {
            String topic = "spread-" + spread;
            kafka.createTopics(topic);
            List<SpeedReading> feed = feed(2, 40);
            long before;
            PublishSummary summary;
            // speedup 600: a 5-minute step every 500 ms, its 40 readings over those 500 ms (long beside the pauses
            // of a thread on a loaded machine, which then sends what fell due at once)
            try (FeedPublisher publisher = new FeedPublisher(kafka.bootstrapServers(), topic, 600)
                    .withSpread(spread, Duration.ofMillis(STEP))) {
                before = System.currentTimeMillis();
                summary = publisher.publish(feed.iterator(), 0);
            }
            assertEquals(79, summary.sent(), spread + ": 80 readings minus 1 gap");
            assertEquals(2, summary.steps());
            TreeMap<Long, long[]> sendSpan = new TreeMap<>();
            for (ConsumerRecord<String, byte[]> r : readAll(topic, 79)) {
                String segment = r.key();
                int index = Integer.parseInt(segment.substring(3));
                // the record's step, from its reading's time
                ParseResult p = ReadingParser.lenient(ZoneId.of("UTC"), 200)
                        .parse(segment.getBytes(java.nio.charset.StandardCharsets.UTF_8), r.value());
                long k = (p.reading().timeMillis() - T0) / STEP;
                // in order: the k-th of the step's 40 readings (a gap keeps its place) at k / 40
                double phase = spread.phase(segment, index, 40);
                long due = (long) (k * 500 + phase * 500);
                assertTrue(r.timestamp() - before >= due, spread + ": " + segment + " of step " + k + " sent "
                        + (r.timestamp() - before) + " ms after the start, before its phase's due time " + due);
                long exact = (long) (phase * 500);
                sendSpan.merge(k, new long[] {r.timestamp(), r.timestamp(), exact, exact},
                        (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]),
                                Math.max(a[3], b[3])});
            }
            for (var e : sendSpan.entrySet()) {
                long[] v = e.getValue();
                long span = v[1] - v[0];
                long phases = v[3] - v[2];
                // a burst sends 40 readings within a few ms; spread, they span their phases' part of the 500 ms (half
                // of it at least on a loaded machine, where a send can be late but never early)
                assertTrue(phases >= 250 && span >= phases / 2, spread + ": step " + e.getKey() + " sent within "
                        + span + " ms, its phases span " + phases + " ms");
            }
        }
    }

    @Test
    void sensorPhasesAreFixedPerSensorAndSpreadOverTheStep() {
        int[] deciles = new int[10];
        for (int i = 0; i < 10_000; i++) {
            double phase = FeedSpread.SENSOR_PHASE.phase("seg" + i, i, 10_000);
            assertEquals(phase, FeedSpread.SENSOR_PHASE.phase("seg" + i, 0, 1), "the same at any place in the feed");
            assertTrue(phase >= 0 && phase < 1);
            deciles[(int) (phase * 10)]++;
        }
        for (int d : deciles) {
            assertTrue(d > 850 && d < 1150, "about 1,000 sensors per tenth of the step: " + java.util.Arrays.toString(deciles));
        }
    }

    @Test
    void spreadsAreNamedOnTheCommandLineAsInTheJson() {
        for (FeedSpread spread : FeedSpread.values()) {
            assertEquals(spread, new FeedSpread.Converter().convert(spread.toString()));
        }
        assertEquals("in-order", FeedSpread.IN_ORDER.toString());
        assertThrows(picocli.CommandLine.TypeConversionException.class,
                () -> new FeedSpread.Converter().convert("sideways"));
    }

    @Test
    void aSpreadNeedsAPacedFeed() throws Exception {
        try (FeedPublisher publisher = new FeedPublisher(kafka.bootstrapServers(), "t", 0)) {
            assertThrows(IllegalArgumentException.class, () -> publisher.withSpread(FeedSpread.IN_ORDER,
                    Duration.ofMinutes(1)), "speedup 0 has no step to spread over");
        }
    }

    @Test
    void limitStopsAfterThatManyRecords() throws Exception {
        kafka.createTopics("limited");
        try (FeedPublisher publisher = new FeedPublisher(kafka.bootstrapServers(), "limited", 0)) {
            PublishSummary s = publisher.publish(feed(10, 4).iterator(), 7);
            assertEquals(7, s.sent());
            assertEquals(7, s.acknowledged());
            assertEquals(2, s.steps(), "4 records of step 0 and 3 of step 1");
        }
        assertEquals(7, readAll("limited", 7).size());
    }

    @Test
    void stopEndsABackgroundRunThatWouldTakeHours() throws Exception {
        kafka.createTopics("stopped");
        // speedup 1: real time, the second step would be due in five minutes
        FeedPublisher publisher = new FeedPublisher(kafka.bootstrapServers(), "stopped", 1);
        try {
            publisher.start(feed(100, 3).iterator(), 0);
            long deadline = System.currentTimeMillis() + 20_000;
            while (publisher.acknowledged() < 3 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(3, publisher.acknowledged(), "first step sent at once");
            publisher.stop();
            PublishSummary s = publisher.await(Duration.ofSeconds(5));
            assertNotNull(s, "stopped within 5 s");
            assertTrue(s.stopped());
            assertEquals(3, s.sent());
        } finally {
            publisher.close();
        }
    }

    @Test
    void nonsenseSpeedupIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FeedPublisher((String) null, "t", -1));
        assertThrows(IllegalArgumentException.class, () -> new FeedPublisher("localhost:1", "t", Double.NaN));
    }

    static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
        return TopicReader.readAll(kafka, topic, expected);
    }
}
