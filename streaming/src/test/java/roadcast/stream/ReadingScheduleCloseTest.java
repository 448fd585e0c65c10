package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.ingest.DeadLetter;
import roadcast.ingest.RejectReason;
import roadcast.publish.IssuedForecast;

/**
 * The schedule close rule ({@link ReadingSchedule}) in the zone operator under Flink's keyed operator harness, with a
 * feed spread over the step: zone 0's first three segments report early in the step, its last three after a pause
 * longer than the quiet period (a zone covering two grid rows of a feed sent in segment order). The quiet close, made
 * for bursts, closes the zone in that pause and refuses its last readings as {@code TOO_LATE} (README, issue 12: 3.9 %
 * of the readings at 200,000 segments); with the rule, once a step has shown each segment's place, the pause closes
 * nothing, a segment missing from its place costs the zone the grace, and a sensor back from a dropout at its old
 * place is awaited, not refused. Each test fails with the rule off (grace 0): the quiet or count close refuses.
 */
class ReadingScheduleCloseTest {

    static final int TRAIN_ROWS = ZoneOperatorStateTest.TRAIN_ROWS;
    static final long QUIET = 1000;
    static final long GRACE = 200;
    /** Wall time of step t's first reading: steps a minute apart. */
    static final long BASE = 100_000;
    static final long STEP_WALL = 60_000;
    /** The pause within zone 0's readings, longer than the quiet period. */
    static final long PAUSE = 3 * QUIET;

    static SmallCity city;
    static ModelRef ref;
    static NetworkLayout layout;

    @BeforeAll
    static void trainModel(@TempDir Path tmp) throws Exception {
        ExpectedReadingsCloseTest.trainModel(tmp);
        city = ExpectedReadingsCloseTest.city;
        ref = ExpectedReadingsCloseTest.ref;
        layout = ExpectedReadingsCloseTest.layout;
    }

    /** As bench-stream runs the job with --close-on-schedule: complete, expected and quiet closes on too. */
    static KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> harness(long grace)
            throws Exception {
        ZoneOperator op = new ZoneOperator(ref, layout, false, true, QUIET, false).withCloseWhenExpected(true)
                .withCloseOnSchedule(grace);
        return new KeyedTwoInputStreamOperatorTestHarness<>(op, (ReadingEvent e) -> ZoneOperator.NETWORK_KEY,
                (String v) -> ZoneOperator.NETWORK_KEY, org.apache.flink.api.common.typeinfo.Types.INT);
    }

    /** Zone 0's observed segments (network indices), in the feed's order. */
    static List<Integer> zone() {
        List<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < layout.size(); i++) {
            if (layout.zoneOfSegment()[i] == 0 && layout.localIndex()[i] < layout.observedSizes()[0]) {
                out.add(i);
            }
        }
        assertTrue(out.size() >= 6, "zone 0 has " + out.size() + " segments");
        return out.subList(0, 6);
    }

    /** Wall (and append) time of the k-th reading of zone 0 in step t: 100 ms apart, the pause after the third. */
    static long place(int t, int k) {
        return BASE + t * STEP_WALL + k * 100L + (k >= 3 ? PAUSE : 0);
    }

    /** Step t of zone 0 as the feed sends it, without {@code missing}; processing time follows the feed. */
    static void step(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> h, int t,
                     List<Integer> missing) throws Exception {
        for (int k = 0; k < zone().size(); k++) {
            if (!missing.contains(k)) {
                h.setProcessingTime(place(t, k));
                read(h, t, k);
            }
        }
    }

    /** Zone 0's k-th reading of step t, appended at its place, read now. */
    static void read(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> h, int t,
                     int k) throws Exception {
        int i = zone().get(k);
        int row = TRAIN_ROWS + t;
        ReadingEvent e = ZoneOperatorStateTest.reading(layout, i, city.history.epochMillis(row),
                city.history.speed()[row][i]);
        e.appendMillis = place(t, k);
        h.processElement1(new StreamRecord<>(e));
    }

    /** Opens the operator and feeds step 0, the job's first: it shows each segment's place. */
    static void firstStep(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> h)
            throws Exception {
        h.setProcessingTime(BASE - 1000);
        h.open();
        step(h, 0, List.of());
        runTo(h, place(0, 5) + 2 * QUIET);
    }

    /** The job's first step, then step 1 whole: every segment's place is known from step 1 on. */
    static void placesKnown(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> h)
            throws Exception {
        firstStep(h);
        step(h, 1, List.of());
        runTo(h, place(1, 5) + 2 * QUIET);
    }

    /** Lets processing time run to {@code until} in steps of 5 ms (the quiet confirmation's window). */
    static void runTo(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> h,
                      long until) throws Exception {
        for (long t = h.getProcessingTime() + ZoneOperator.QUIET_CONFIRM_MILLIS; t <= until;
             t += ZoneOperator.QUIET_CONFIRM_MILLIS) {
            h.setProcessingTime(t);
        }
    }

    static long forecastsOf(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> h,
                            int t) {
        long step = city.history.epochMillis(TRAIN_ROWS + t);
        return ZoneOperatorStateTest.forecasts(h).stream().filter(f -> f.forecast().issuedAt() == step).count();
    }

    static long refused(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> h) {
        return ZoneOperatorStateTest.deadLetters(h).stream().map(DeadLetter::reason)
                .filter(r -> r == RejectReason.TOO_LATE).count();
    }

    /**
     * Step 0 is the job's first: no place is known, and the quiet close refuses the readings after the pause (the
     * fallback). From step 1 on every segment has a place: the pause closes nothing, the step closes complete.
     */
    @Test
    void aPauseWithinTheStepClosesNothingOnceThePlacesAreKnown() throws Exception {
        try (var h = harness(GRACE)) {
            firstStep(h);
            assertEquals(3, refused(h), "the first step falls back to the quiet close, which closes in the pause");
            for (int t = 1; t <= 2; t++) {
                step(h, t, List.of());
                assertEquals(6, forecastsOf(h, t), "step " + t + " closes complete at its last reading");
                runTo(h, place(t, 5) + 2 * QUIET);
            }
            assertEquals(3, refused(h), "nothing refused after the first step");
        }
    }

    /** A segment missing from its place: the zone closes a grace after it, not at the pause, the segment imputed. */
    @Test
    void aSegmentMissingFromItsPlaceCostsItsZoneTheGrace() throws Exception {
        try (var h = harness(GRACE)) {
            placesKnown(h);
            long before = refused(h);
            // the second segment misses step 2: read past by the readings after the pause, not by the pause
            step(h, 2, List.of(1));
            assertEquals(0, forecastsOf(h, 2), "closed at the pause or before the timer");
            runTo(h, place(2, 5) + GRACE);
            assertEquals(6, forecastsOf(h, 2), "closed within the grace after its last reading, the missing imputed");
            // the last segment misses step 3: nothing is read past its place; the wall clock passes it plus the grace,
            // then the input must stay empty for the quiet period (readings on their way are read meanwhile)
            step(h, 3, List.of(5));
            runTo(h, place(3, 5) + GRACE + QUIET - 10 * ZoneOperator.QUIET_CONFIRM_MILLIS);
            assertEquals(0, forecastsOf(h, 3), "still open while the input has not stayed empty for the quiet period");
            runTo(h, place(3, 5) + GRACE + QUIET + 4 * ZoneOperator.QUIET_CONFIRM_MILLIS);
            assertEquals(6, forecastsOf(h, 3), "closed once the input stayed empty for the quiet period after that");
            assertEquals(before, refused(h), "nothing refused");
        }
    }

    /**
     * A sensor silent in step 1 and back in step 2 at its old place, last of its zone: the count-based close (every
     * segment of step 1 has reported) would close before it and refuse it; the schedule awaits it.
     */
    @Test
    void aSensorBackFromADropoutAtItsPlaceIsAwaitedNotRefused() throws Exception {
        try (var h = harness(GRACE)) {
            firstStep(h);
            long before = refused(h);
            step(h, 1, List.of(5));
            runTo(h, place(1, 5) + 2 * QUIET);
            assertEquals(6, forecastsOf(h, 1), "step 1 closed without the silent sensor");
            step(h, 2, List.of());
            runTo(h, place(2, 5) + 2 * QUIET);
            assertEquals(6, forecastsOf(h, 2));
            assertEquals(before, refused(h), "the returning sensor's reading is accepted");
        }
    }

    /**
     * Two of the zone's six segments (a third) in an outage from before the start: more than
     * {@link ExpectedReadings#MAX_SILENT_SHARE} of the zone not seen since. Once the partition has been read through a
     * whole step (step 1, entered at its first reading), they are silent sensors, not readings the job missed by
     * joining a step midway: the zone closes by the places of the other four, not at the pause. It fell back to the
     * quiet close for as long as the outage lasted and refused the three readings after the pause at every step (a
     * zone of the generated 20,000-segment city with 12.8 % of its sensors out: 200 readings a step, README issue 12).
     */
    @Test
    void aZoneWithMoreThanATenthOfItsSensorsOutClosesOnScheduleAfterAWholeStep() throws Exception {
        try (var h = harness(GRACE)) {
            List<Integer> out = List.of(0, 1);
            h.setProcessingTime(BASE - 1000);
            h.open();
            step(h, 0, out);
            runTo(h, place(0, 5) + 2 * QUIET);
            step(h, 1, out);
            runTo(h, place(1, 5) + 2 * QUIET);
            long before = refused(h);
            assertEquals(6, before, "steps 0 and 1: no whole step read yet, the quiet close refuses after the pause");
            for (int t = 2; t <= 3; t++) {
                step(h, t, out);
                assertEquals(6, forecastsOf(h, t), "step " + t + " closes at its last reading, the two out imputed");
                runTo(h, place(t, 5) + 2 * QUIET);
            }
            assertEquals(before, refused(h), "nothing refused once a whole step was read");
        }
    }

    /**
     * The operator stalls (a checkpoint's synchronous part, a GC pause) from before the zone's last segment's place
     * to well past it plus the grace and the quiet period. The timers due in the stall fire when it ends, as mails
     * ahead of the input queued meanwhile: the last reading, sent on time, waits behind them. The stall is no
     * evidence that the input was empty, so the zone must not close before that reading is read. It did (the
     * confirmation counted the stall as empty input) and the reading was refused as TOO_LATE.
     */
    @Test
    void aStallOfTheOperatorIsNotAnEmptyInput() throws Exception {
        try (var h = harness(GRACE)) {
            placesKnown(h);
            long before = refused(h);
            step(h, 2, List.of(5));
            // one jump of processing time: every timer due in the stall fires late, in order, before the input
            h.setProcessingTime(place(2, 5) + GRACE + 2 * QUIET);
            assertEquals(0, forecastsOf(h, 2), "closed in the stall, before the reading queued behind it was read");
            read(h, 2, 5); // the last reading, appended at its place, read after the stall
            assertEquals(6, forecastsOf(h, 2), "closes complete at the reading queued behind the stall");
            assertEquals(before, refused(h), "nothing refused");
        }
    }

    /**
     * The places are checkpointed: a job restored between steps closes its first step after the restore by the
     * schedule (the pause closes nothing), not by the quiet close of a job's first step. Before the places were kept
     * in the zones' state the restored job refused the three readings after the pause, as in the job's first step.
     */
    @Test
    void thePlacesSurviveARestoreBetweenSteps() throws Exception {
        OperatorSubtaskState checkpoint;
        long before;
        try (var h = harness(GRACE)) {
            placesKnown(h);
            before = refused(h);
            checkpoint = h.snapshot(1, h.getProcessingTime());
        }
        try (var h = harness(GRACE)) {
            h.setProcessingTime(place(2, 0) - 1000);
            h.initializeState(checkpoint);
            h.open();
            step(h, 2, List.of());
            assertEquals(6, forecastsOf(h, 2), "the restored job's first step closes complete at its last reading");
            runTo(h, place(2, 5) + 2 * QUIET);
            assertEquals(0, refused(h), "nothing refused after the restore (" + before + " in the job's first step)");
        }
    }

    /**
     * A job restored in the middle of a step (after the readings before the pause) goes on measuring that step's
     * places from its first reading (the partition's anchor is checkpointed too): the replayed readings after the
     * pause are not refused, and the next step, with a segment missing before the pause, still closes by the places.
     */
    @Test
    void aRestoreInTheMiddleOfAStepKeepsItsAnchor() throws Exception {
        OperatorSubtaskState checkpoint;
        try (var h = harness(GRACE)) {
            placesKnown(h);
            step(h, 2, List.of(3, 4, 5));
            checkpoint = h.snapshot(1, h.getProcessingTime());
        }
        try (var h = harness(GRACE)) {
            h.setProcessingTime(place(2, 2) + 10);
            h.initializeState(checkpoint);
            h.open();
            step(h, 2, List.of(0, 1, 2));
            assertEquals(6, forecastsOf(h, 2), "the step restored midway closes complete at its last reading");
            runTo(h, place(2, 5) + 2 * QUIET);
            step(h, 3, List.of(1));
            runTo(h, place(3, 5) + GRACE);
            assertEquals(6, forecastsOf(h, 3), "closed within the grace after its last reading, the missing imputed");
            assertEquals(0, refused(h), "nothing refused after the restore");
        }
    }
}
