package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import roadcast.clean.CredibilityRules;
import roadcast.clean.Verdict;
import roadcast.history.SpeedUnit;
import roadcast.ingest.RejectReason;
import roadcast.ingest.Rejection;
import roadcast.reading.Source;

/** The per-reading rules of the zone operator, without Flink: a zone of three segments, 5-minute steps. */
class ZoneIntakeTest {

    private static final long STEP = 300_000L;
    private static final long LATENESS = 60_000L;
    private static final long T0 = 1_330_560_000_000L; // a step boundary
    private static final NetworkLayout LAYOUT = new NetworkLayout(new String[] {"a", "b", "c", "x"},
            new int[] {0, 0, 0, 1}, new int[] {0, 1, 2, 0}, new int[] {3, 1}, STEP, "UTC", 100, LATENESS, 60_000L);

    private final ZoneIntake intake = new ZoneIntake(LAYOUT, CredibilityRules.defaults(SpeedUnit.MPH));
    private final ZoneMemory zone = ZoneMemory.fresh(new String[] {"a", "b", "c"});

    private static ReadingEvent reading(int segment, long time, double speed, Source source) {
        ReadingEvent e = new ReadingEvent();
        e.segment = LAYOUT.segmentIds()[segment];
        e.segmentIndex = segment;
        e.zone = LAYOUT.zoneOfSegment()[segment];
        e.timeMillis = time;
        e.speed = speed;
        e.source = source;
        e.appendMillis = time + 5;
        return e;
    }

    /** The operator's steps for one reading: too late, else open the step if needed, then the other rules. */
    private Rejection offer(ReadingEvent e, long watermark) {
        long stepStart = LAYOUT.stepStart(e.timeMillis);
        StepAccumulator step = zone.openStep(stepStart);
        if (step == null) {
            Rejection late = intake.tooLate(zone, e, stepStart, watermark);
            if (late != null) {
                return late;
            }
            step = zone.open(stepStart, 3);
        }
        return intake.admit(zone, step, e);
    }

    @Test
    void everyRejectingVerdictHasItsOwnReason() {
        Set<RejectReason> used = EnumSet.noneOf(RejectReason.class);
        for (Verdict v : Verdict.values()) {
            if (v.accepted()) {
                assertThrows(IllegalArgumentException.class, () -> ZoneIntake.reasonOf(v));
            } else {
                assertTrue(used.add(ZoneIntake.reasonOf(v)), v + " shares its reason with another verdict");
            }
        }
        assertEquals(RejectReason.STUCK, ZoneIntake.reasonOf(Verdict.STUCK));
        assertEquals(RejectReason.SPIKE, ZoneIntake.reasonOf(Verdict.SPIKE));
    }

    /**
     * With a learned fusion (loop calibrated to the floating cars as loop - 5): readings are kept per source and fused
     * at the close by it, not by the fixed weights; a source the fusion does not know is dead-lettered, not silently
     * dropped; the track rules judge the fused value, once per step.
     */
    @Test
    void withALearnedFusionReadingsAreKeptPerSourceAndFusedByIt() {
        roadcast.fusion.FusionModel fusion = new roadcast.fusion.FusionModel(Source.FLOATING_CAR, java.util.List.of(
                new roadcast.fusion.SourceCalibration(Source.FLOATING_CAR, true, "none", new double[0],
                        new double[] {0, 0}, java.util.Map.of(), 4.0, 0, java.util.Map.of()),
                new roadcast.fusion.SourceCalibration(Source.LOOP, false, "speed", new double[] {-5, 1},
                        new double[] {0, 0}, java.util.Map.of(), 1.0, 500, java.util.Map.of())), 1 / 24.0, "test");
        ZoneIntake fusing = new ZoneIntake(LAYOUT, CredibilityRules.defaults(SpeedUnit.MPH), fusion);
        StepAccumulator step = zone.open(T0, 3);
        assertNull(fusing.admit(zone, step, reading(0, T0 + 1000, 60, Source.LOOP)));
        assertNull(fusing.admit(zone, step, reading(0, T0 + 2000, 50, Source.FLOATING_CAR)));
        assertNull(fusing.admit(zone, step, reading(0, T0 + 3000, 54, Source.FLOATING_CAR)));
        Rejection unknown = fusing.admit(zone, step, reading(1, T0 + 1000, 40, Source.CELLULAR));
        assertNotNull(unknown);
        assertEquals(RejectReason.WRONG_TYPE, unknown.reason());
        assertTrue(unknown.detail().contains("cellular") && unknown.detail().contains("floating_car"),
                unknown.detail());
        assertEquals(RejectReason.IMPOSSIBLE_SPEED,
                fusing.admit(zone, step, reading(2, T0 + 1000, 900, Source.LOOP)).reason());
        assertEquals(0, zone.tracks[0].seen, "the track rules wait for the fused value");

        roadcast.fusion.Fuser fuser = new roadcast.fusion.Fuser(fusion, zone.segments);
        float[] row = new float[3];
        double[] scratch = new double[2];
        step.fusedInto(row, fuser, zone.fusionTracks(), scratch.clone(), scratch.clone(), scratch.clone());
        // loop 60 - 5 = 55 (variance 1), probes' mean 52 (variance 4): (55 + 52 / 4) / (1 + 1 / 4) = 54.4
        assertEquals(54.4, row[0], 1e-4);
        assertTrue(Float.isNaN(row[1]) && Float.isNaN(row[2]), "nothing fusable read b or c");
        assertEquals(0, fusing.cleanFused(zone, row));
        assertEquals(1, zone.tracks[0].seen, "the fused value passed the track rules once");
        assertTrue(zone.fusionTracks[Source.LOOP.ordinal() * 3] != 0, "the loop's credibility track moved");
    }

    @Test
    void readingsOfOneStepAreFusedByCredibility() {
        assertNull(offer(reading(0, T0 + 1000, 60, Source.LOOP), Long.MIN_VALUE));
        assertNull(offer(reading(0, T0 + 2000, 40, Source.FLOATING_CAR), Long.MIN_VALUE));
        assertNull(offer(reading(2, T0 + 3000, 30, Source.CELLULAR), Long.MIN_VALUE));
        StepAccumulator step = zone.openStep(T0);
        assertEquals(3, step.readings);
        assertEquals(2, step.covered);
        assertFalse(step.complete());
        float[] row = new float[3];
        step.fusedInto(row);
        assertEquals((60 * 1.0 + 40 * 0.6) / 1.6, row[0], 1e-5);
        assertTrue(Float.isNaN(row[1]), "no reading of b");
        assertEquals(30, row[2], 1e-6);
        assertNull(offer(reading(1, T0 + 4000, 50, Source.LOOP), Long.MIN_VALUE));
        assertTrue(step.complete());
        assertEquals(T0 + 4005, step.maxAppendMillis);
    }

    @Test
    void theSameSegmentTimeAndSourceTwiceIsADuplicateEvenAfterARejection() {
        assertNull(offer(reading(0, T0, 60, Source.LOOP), Long.MIN_VALUE));
        assertEquals(RejectReason.DUPLICATE, offer(reading(0, T0, 61, Source.LOOP), Long.MIN_VALUE).reason());
        assertNull(offer(reading(0, T0, 58, Source.FLOATING_CAR), Long.MIN_VALUE), "another source is news");
        assertNull(offer(reading(0, T0 + 30_000, 59, Source.LOOP), Long.MIN_VALUE), "another time is news");
        assertEquals(RejectReason.DUPLICATE, offer(reading(0, T0 + 30_000, 59, Source.LOOP), Long.MIN_VALUE).reason());
        Rejection impossible = offer(reading(1, T0, 500, Source.LOOP), Long.MIN_VALUE);
        assertEquals(RejectReason.IMPOSSIBLE_SPEED, impossible.reason());
        assertEquals(RejectReason.DUPLICATE, offer(reading(1, T0, 500, Source.LOOP), Long.MIN_VALUE).reason(),
                "a resent refused reading is a duplicate");
        assertEquals(3, zone.openStep(T0).readings);
    }

    @Test
    void readingsOfOneSegmentAreRememberedUpToTheLimitOfAStep() {
        int max = StepAccumulator.MAX_READINGS_PER_SEGMENT;
        for (int k = 0; k < max; k++) {
            assertNull(offer(reading(2, T0 + k * 1000L, 50 + (k % 3), Source.FLOATING_CAR), Long.MIN_VALUE), "reading " + k);
        }
        for (int k = 0; k < max; k++) {
            assertEquals(RejectReason.DUPLICATE,
                    offer(reading(2, T0 + k * 1000L, 50, Source.FLOATING_CAR), Long.MIN_VALUE).reason(), "reading " + k);
        }
        // A flood of distinct timestamps: refused with a reason, and the step does not grow.
        for (int k = max; k < 10_000; k++) {
            assertEquals(RejectReason.TOO_MANY_READINGS,
                    offer(reading(2, T0 + k, 50, Source.CELLULAR), Long.MIN_VALUE).reason(), "reading " + k);
        }
        assertEquals(max - 1, zone.openStep(T0).extraCount);
        assertNull(offer(reading(0, T0, 60, Source.LOOP), Long.MIN_VALUE), "other segments are not affected");
    }

    @Test
    void aStepPastItsCloseTimeOrAlreadyForecastIsTooLate() {
        long previousClose = LAYOUT.closeTime(T0 - STEP);
        assertNull(offer(reading(0, T0 - STEP + 10, 60, Source.LOOP), previousClose - 1), "within the allowed lateness");
        zone.takeUpTo(T0 - STEP);
        Rejection late = offer(reading(1, T0 - STEP + 20, 60, Source.LOOP), previousClose);
        assertNotNull(late);
        assertEquals(RejectReason.TOO_LATE, late.reason());
        assertTrue(late.detail().contains("closed at watermark"), late.detail());

        assertNull(offer(reading(0, T0, 60, Source.LOOP), previousClose));
        zone.takeUpTo(T0);
        zone.lastClosedStep = T0;
        Rejection early = offer(reading(1, T0 + 10, 60, Source.LOOP), Long.MIN_VALUE);
        assertEquals(RejectReason.TOO_LATE, early.reason(), "its step was closed early");
        assertTrue(early.detail().contains("already forecast"), early.detail());
        assertNull(offer(reading(1, T0 + STEP, 60, Source.LOOP), Long.MIN_VALUE), "the next step opens");
    }

    @Test
    void credibilityRulesRunOnTheSegmentsOwnTrack() {
        // Three steady readings, then a jump far beyond maxJump from their median: a spike, on that segment only.
        for (int k = 0; k < 3; k++) {
            assertNull(offer(reading(0, T0 + k * STEP, 60, Source.LOOP), Long.MIN_VALUE));
        }
        Rejection spike = offer(reading(0, T0 + 3 * STEP, 5, Source.LOOP), Long.MIN_VALUE);
        assertEquals(RejectReason.SPIKE, spike.reason());
        assertNull(offer(reading(1, T0 + 3 * STEP, 5, Source.LOOP), Long.MIN_VALUE), "b has no history: no spike");
        assertEquals(4, zone.tracks[0].seen);
        assertEquals(1, zone.tracks[0].rejected);
    }

    @Test
    void openStepsStayInTimeOrderAndCloseOldestFirst() {
        assertNull(offer(reading(0, T0 + 2 * STEP, 60, Source.LOOP), Long.MIN_VALUE));
        assertNull(offer(reading(0, T0, 60, Source.LOOP), Long.MIN_VALUE));
        assertNull(offer(reading(0, T0 + STEP, 60, Source.LOOP), Long.MIN_VALUE));
        long[] starts = java.util.Arrays.stream(zone.openSteps).mapToLong(s -> s.stepStart).toArray();
        assertArrayEquals(new long[] {T0, T0 + STEP, T0 + 2 * STEP}, starts);
        StepAccumulator[] closed = zone.takeUpTo(T0 + STEP);
        assertEquals(2, closed.length);
        assertEquals(T0, closed[0].stepStart);
        assertEquals(1, zone.openSteps.length);
        assertEquals(T0 + 2 * STEP, zone.openSteps[0].stepStart);
    }
}
