package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.ingest.DeadLetter;
import roadcast.ingest.RejectReason;
import roadcast.publish.IssuedForecast;

/**
 * The count-based close rule ({@link ExpectedReadings}) in the zone operator under Flink's keyed operator harness
 * (real state backend and timers, processing time driven by the test): a step closes as soon as every segment that
 * reported in the zone's previous step has reported, without the quiet period; a segment it awaits and that is
 * missing leaves the step to the quiet period; a segment silent before and late now is refused as too late, never
 * dropped, and awaited in the next step.
 */
class ExpectedReadingsCloseTest {

    static final int TRAIN_ROWS = ZoneOperatorStateTest.TRAIN_ROWS;
    static final long QUIET = 1000;

    static SmallCity city;
    static ModelRef ref;
    static NetworkLayout layout;

    /** The city and model of these tests (also {@link ReadingScheduleCloseTest}'s). */
    @BeforeAll
    static void trainModel(@TempDir Path tmp) throws Exception {
        city = SmallCity.generate("x", 3, 11);
        SmallCity.Published model = city.publishForOperator(tmp.resolve("registry"), TRAIN_ROWS, 3);
        ref = model.ref();
        layout = model.layout();
    }

    /** The operator as bench-stream and the demo run it: close when complete and when expected, quiet 1 s. */
    static KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> harness()
            throws Exception {
        ZoneOperator op = new ZoneOperator(ref, layout, false, true, QUIET, false).withCloseWhenExpected(true);
        return new KeyedTwoInputStreamOperatorTestHarness<>(op, (ReadingEvent e) -> ZoneOperator.NETWORK_KEY,
                (String v) -> ZoneOperator.NETWORK_KEY, org.apache.flink.api.common.typeinfo.Types.INT);
    }

    /** Network indices of zone 0's observed segments. */
    static List<Integer> zone0() {
        List<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < layout.size(); i++) {
            if (layout.zoneOfSegment()[i] == 0 && layout.localIndex()[i] < layout.observedSizes()[0]) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * Opens the operator at processing time 10 s and feeds step 0 of {@code zone} without {@code silent}; it closes
     * by the quiet period (no previous step to expect from).
     */
    static void firstStep(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> h,
                          List<Integer> zone, int silent) throws Exception {
        h.setProcessingTime(10_000);
        h.open();
        feed(h, 0, zone, List.of(silent));
        h.setProcessingTime(11_000 + ZoneOperator.QUIET_CONFIRM_MILLIS);
        h.setProcessingTime(11_100 + 2 * ZoneOperator.QUIET_CONFIRM_MILLIS);
        assertEquals(zone.size(), ZoneOperatorStateTest.forecasts(h).size());
    }

    /** Readings of zone 0's segments at row {@code TRAIN_ROWS + t}, except {@code missing}. */
    static void feed(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> h, int t,
                     List<Integer> segments, List<Integer> missing) throws Exception {
        for (int i : segments) {
            if (!missing.contains(i)) {
                send(h, i, t);
            }
        }
    }

    static void send(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> h, int i,
                     int t) throws Exception {
        int row = TRAIN_ROWS + t;
        h.processElement1(new StreamRecord<>(ZoneOperatorStateTest.reading(layout, i, city.history.epochMillis(row),
                city.history.speed()[row][i])));
    }

    /** Forecasts of step {@code t} of the segment with network index {@code i}. */
    static List<IssuedForecast> of(List<IssuedForecast> all, int i, int t) {
        long step = city.history.epochMillis(TRAIN_ROWS + t);
        String id = layout.segmentIds()[i];
        return all.stream().filter(f -> f.forecast().segment().equals(id) && f.forecast().issuedAt() == step)
                .toList();
    }

    @Test
    void aStepWhoseExpectedSegmentsAllReportedClosesBeforeTheQuietPeriod() throws Exception {
        List<Integer> zone = zone0();
        assertTrue(zone.size() >= 4, "zone 0 has " + zone.size() + " segments");
        int silent = zone.get(1); // a sensor in a dropout: silent in steps 0 and 1
        try (var h = harness()) {
            h.setProcessingTime(10_000);
            h.open();
            feed(h, 0, zone, List.of(silent));
            assertEquals(0, ZoneOperatorStateTest.forecasts(h).size(), "step 0 is incomplete: it waits");
            h.setProcessingTime(11_000 + ZoneOperator.QUIET_CONFIRM_MILLIS);
            h.setProcessingTime(11_100 + 2 * ZoneOperator.QUIET_CONFIRM_MILLIS);
            assertEquals(zone.size(), ZoneOperatorStateTest.forecasts(h).size(),
                    "step 0 closes by the quiet period (no previous step to expect from)");

            h.setProcessingTime(20_000);
            feed(h, 1, zone, List.of(silent));
            List<IssuedForecast> out = ZoneOperatorStateTest.forecasts(h);
            assertEquals(2 * zone.size(), out.size(),
                    "step 1 closes with the last reading it awaited, no quiet period (processing time unchanged)");
            assertTrue(of(out, silent, 1).get(0).forecast().imputed(), "the silent segment is imputed");
            assertFalse(of(out, zone.get(0), 1).get(0).forecast().imputed());
            assertTrue(ZoneOperatorStateTest.deadLetters(h).isEmpty(), "no reading refused");
        }
    }

    @Test
    void moreMissingExpectedSegmentsThanStragglersFallBackToTheQuietPeriod() throws Exception {
        List<Integer> zone = zone0();
        int silent = zone.get(1);
        // reported in step 0, not in step 1: two, more than the stragglers a zone of this size may wait for briefly
        List<Integer> missing = List.of(zone.get(2), zone.get(3));
        assertTrue(missing.size() > Math.max(1, (int) (ExpectedReadings.MAX_STRAGGLER_SHARE * zone.size())));
        try (var h = harness()) {
            firstStep(h, zone, silent);

            h.setProcessingTime(20_000);
            List<Integer> absent = new java.util.ArrayList<>(missing);
            absent.add(silent);
            feed(h, 1, zone, absent);
            h.setProcessingTime(20_500);
            assertEquals(zone.size(), ZoneOperatorStateTest.forecasts(h).size(),
                    "segments the step awaits are missing: no early close");
            h.setProcessingTime(21_000 + ZoneOperator.QUIET_CONFIRM_MILLIS);
            h.setProcessingTime(21_100 + 2 * ZoneOperator.QUIET_CONFIRM_MILLIS);
            List<IssuedForecast> out = ZoneOperatorStateTest.forecasts(h);
            assertEquals(2 * zone.size(), out.size(), "the quiet period closes it");
            assertTrue(of(out, missing.get(0), 1).get(0).forecast().imputed());
            assertTrue(ZoneOperatorStateTest.deadLetters(h).isEmpty(), "no reading refused");
        }
    }

    @Test
    void aStepAwaitingOnlyAStragglerClosesAfterATenthOfTheQuietPeriodAndRefusesItLater() throws Exception {
        List<Integer> zone = zone0();
        int silent = zone.get(1);
        int straggler = zone.get(2); // reported in step 0; in step 1 it comes after the zone has paused
        long wait = QUIET / ZoneOperator.STRAGGLER_WAIT_DIVISOR;
        try (var h = harness()) {
            firstStep(h, zone, silent);

            h.setProcessingTime(20_000);
            feed(h, 1, zone, List.of(silent, straggler));
            h.setProcessingTime(20_000 + wait - 1);
            assertEquals(zone.size(), ZoneOperatorStateTest.forecasts(h).size(),
                    "the straggler is awaited while the zone's readings pause for less than the short wait");
            h.setProcessingTime(20_000 + wait + ZoneOperator.QUIET_CONFIRM_MILLIS);
            h.setProcessingTime(20_000 + wait + 3 * ZoneOperator.QUIET_CONFIRM_MILLIS);
            List<IssuedForecast> out = ZoneOperatorStateTest.forecasts(h);
            assertEquals(2 * zone.size(), out.size(), "closed after the short wait, long before the quiet period");
            assertTrue(of(out, straggler, 1).get(0).forecast().imputed(), "the straggler is imputed");

            send(h, straggler, 1);
            List<DeadLetter> refused = ZoneOperatorStateTest.deadLetters(h);
            assertEquals(1, refused.size(), "the straggler's reading is dead-lettered, not dropped");
            assertEquals(RejectReason.TOO_LATE, refused.get(0).reason());
        }
    }

    /**
     * While a step's burst is read the input never empties: the straggler wait ends once the straggler's own partition
     * has been read past the zone's pause in append time (issue 12: before, such zones stayed open until the whole
     * burst was read), and not while that partition lags behind, however far the others are read.
     */
    @Test
    void aStragglerWaitEndsWhenItsPartitionIsReadPastThePauseThoughTheInputNeverEmpties() throws Exception {
        List<Integer> zone = zone0();
        int silent = zone.get(1);
        int straggler = zone.get(2); // its readings come on partition 0 (see ZoneOperatorStateTest.reading)
        long wait = QUIET / ZoneOperator.STRAGGLER_WAIT_DIVISOR;
        long appended = city.history.epochMillis(TRAIN_ROWS + 1); // the readings' append time (see reading())
        try (var h = harness()) {
            firstStep(h, zone, silent);

            h.setProcessingTime(20_000);
            feed(h, 1, zone, List.of(silent, straggler));
            long t = 20_000;
            while (t < 20_000 + 3 * wait) {
                // a reading between any two looks of the quiet check: partition 1 read far past the pause
                t += ZoneOperator.QUIET_CONFIRM_MILLIS;
                h.setProcessingTime(t);
                busy(h, zone.get(0), 1, appended + 2 * wait);
            }
            assertEquals(zone.size(), ZoneOperatorStateTest.forecasts(h).size(),
                    "the straggler's partition is not read past the pause: its reading may still be queued there");

            busy(h, zone.get(0), 0, appended + 2 * wait);
            h.setProcessingTime(t + ZoneOperator.QUIET_CONFIRM_MILLIS);
            busy(h, zone.get(0), 1, appended + 2 * wait);
            h.setProcessingTime(t + 2 * ZoneOperator.QUIET_CONFIRM_MILLIS);
            List<IssuedForecast> out = ZoneOperatorStateTest.forecasts(h);
            assertEquals(2 * zone.size(), out.size(), "closed while the input is still busy");
            assertTrue(of(out, straggler, 1).get(0).forecast().imputed(), "the straggler is imputed");
        }
    }

    /** Another reading of segment {@code i} in step {@code t} (refused as a duplicate): input read on a partition. */
    private static void busy(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> h,
                             int i, int partition, long appendMillis) throws Exception {
        int row = TRAIN_ROWS + 1;
        ReadingEvent e = ZoneOperatorStateTest.reading(layout, i, city.history.epochMillis(row),
                city.history.speed()[row][i]);
        e.partition = partition;
        e.appendMillis = appendMillis;
        h.processElement1(new StreamRecord<>(e));
    }

    @Test
    void aSegmentSilentBeforeAndLateNowIsRefusedAsTooLateAndAwaitedInTheNextStep() throws Exception {
        List<Integer> zone = zone0();
        int returning = zone.get(zone.size() - 1); // back from a dropout; its reading comes after all the others
        try (var h = harness()) {
            firstStep(h, zone, returning);

            h.setProcessingTime(20_000);
            feed(h, 1, zone, List.of(returning));
            assertEquals(2 * zone.size(), ZoneOperatorStateTest.forecasts(h).size(), "step 1 closed early");
            send(h, returning, 1);
            List<DeadLetter> refused = ZoneOperatorStateTest.deadLetters(h);
            assertEquals(1, refused.size(), "the returning segment's reading is dead-lettered, not dropped");
            assertEquals(RejectReason.TOO_LATE, refused.get(0).reason());

            // Step 2: it reported (late) in step 1, so step 2 waits for it.
            h.setProcessingTime(30_000);
            feed(h, 2, zone, List.of(returning));
            assertEquals(2 * zone.size(), ZoneOperatorStateTest.forecasts(h).size(), "step 2 awaits it");
            send(h, returning, 2);
            List<IssuedForecast> out = ZoneOperatorStateTest.forecasts(h);
            assertEquals(3 * zone.size(), out.size(), "step 2 closes with its reading, before the quiet period");
            assertFalse(of(out, returning, 2).get(0).forecast().imputed(), "its reading is in the forecast");
            assertEquals(1, ZoneOperatorStateTest.deadLetters(h).size());
        }
    }
}
