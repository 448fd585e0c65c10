package roadcast.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import roadcast.history.SpeedUnit;

class ReadingCheckTest {

    private final CredibilityRules rules = CredibilityRules.defaults(SpeedUnit.KMH);
    private final ReadingCheck check = new ReadingCheck(rules);

    @Test
    void futureAndLateReadingsAreRejectedWithoutTouchingTheTrack() {
        SegmentTrack track = new SegmentTrack();
        long now = 1_000_000_000L;
        assertEquals(Verdict.OK, check.check(track, now, 50, now));
        assertEquals(Verdict.FUTURE, check.check(track, now + rules.maxFutureMillis() + 1, 50, now));
        assertEquals(Verdict.OK, check.check(track, now + rules.maxFutureMillis(), 51, now));
        long newest = now + rules.maxFutureMillis();
        assertEquals(Verdict.LATE, check.check(track, newest - rules.allowedLatenessMillis() - 1, 50, now));
        assertEquals(Verdict.OK, check.check(track, newest - rules.allowedLatenessMillis(), 52, now));
        assertEquals(newest, track.newestMillis);
        assertEquals(5, track.seen);
        assertEquals(2, track.rejected);
        assertEquals(3, track.recentCount);
    }

    /** Five minutes, the step of the default rules. */
    private static final long STEP = 300_000L;
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void rangeEdgesAreInclusive() {
        SegmentTrack track = new SegmentTrack();
        assertEquals(Verdict.OK, check.check(track, T0, rules.minSpeed()));
        assertEquals(Verdict.OK, check.check(track, T0, rules.maxSpeed()));
        assertEquals(Verdict.OUT_OF_RANGE, check.check(track, T0, Math.nextDown(rules.minSpeed())));
        assertEquals(Verdict.OUT_OF_RANGE, check.check(track, T0, Math.nextUp(rules.maxSpeed())));
        assertEquals(Verdict.OUT_OF_RANGE, check.check(track, T0, Double.POSITIVE_INFINITY));
        assertEquals(Verdict.MISSING, check.check(track, T0, Double.NaN));
    }

    @Test
    void spikeIsMeasuredAgainstTheMedianOfThreePrevious() {
        SegmentTrack track = new SegmentTrack();
        check.check(track, T0, 100);
        check.check(track, T0 + STEP, 145); // an outlier among the three does not move the median
        check.check(track, T0 + 2 * STEP, 102);
        assertEquals(102, track.recentMedian(), 0);
        double jump = rules.maxJump();
        assertEquals(Verdict.OK, check.check(track, T0 + 3 * STEP, 102 - jump));          // exactly the threshold: kept
        SegmentTrack other = new SegmentTrack();
        check.check(other, T0, 100);
        check.check(other, T0 + STEP, 145);
        check.check(other, T0 + 2 * STEP, 102);
        assertEquals(Verdict.SPIKE, check.check(other, T0 + 3 * STEP, 102 - jump - 0.01));
    }

    /**
     * grid5's B2B3 (issue 13): a probe road read at 12:35 (80.5 km/h) and 12:40 (77.3), then, after the incident
     * started, at 13:00 (16.8) and 13:05 (7.2). The 13:05 reading is 70 km/h under the median of the three before, but
     * the oldest of them is 30 min old: a change of traffic, not a faulty reading. Compared with readings of any age
     * (the rule before) it was a spike and the detector lost the incident's second reading.
     */
    @Test
    void aProbeRoadsSecondDeepReadingIsNotJudgedAgainstStaleReadings() {
        long minute = 60_000L;
        long[] at = {T0, T0 + 5 * minute, T0 + 25 * minute, T0 + 30 * minute};
        double[] speed = {80.46, 77.33, 16.75, 7.18};
        assertEquals(4 * STEP, CredibilityRules.defaults(SpeedUnit.KMH).spikeSpanMillis(),
                "the default span is four 5-minute steps");
        SegmentTrack probe = new SegmentTrack();
        SegmentTrack unbounded = new SegmentTrack();
        ReadingCheck anyAge = new ReadingCheck(rules.withSpikeSpanMillis(Long.MAX_VALUE));
        for (int k = 0; k < 3; k++) {
            assertEquals(Verdict.OK, check.check(probe, at[k], speed[k]));
            assertEquals(Verdict.OK, anyAge.check(unbounded, at[k], speed[k]));
        }
        assertEquals(Verdict.OK, check.check(probe, at[3], speed[3]), "kept: its neighbours are 5-30 min old");
        assertEquals(Verdict.SPIKE, anyAge.check(unbounded, at[3], speed[3]), "the rule before rejected it");
    }

    /** A loop road read at every step keeps the spike rule: a one-step dip against readings 5-15 min old. */
    @Test
    void aOneStepSpikeOnARoadReadEveryStepIsStillRejected() {
        SegmentTrack loop = new SegmentTrack();
        double[] speed = {80.46, 77.33, 79.1};
        for (int k = 0; k < 3; k++) {
            assertEquals(Verdict.OK, check.check(loop, T0 + k * STEP, speed[k]));
        }
        assertEquals(Verdict.SPIKE, check.check(loop, T0 + 3 * STEP, 7.18));
        // one step missing (readings 10, 15 and 20 min old: within four steps) is still judged
        SegmentTrack gap = new SegmentTrack();
        for (int k = 0; k < 3; k++) {
            check.check(gap, T0 + k * STEP, speed[k]);
        }
        assertEquals(Verdict.SPIKE, check.check(gap, T0 + 4 * STEP, 7.18));
        // two steps missing: the oldest neighbour is 25 min old, beyond the span
        SegmentTrack twoGaps = new SegmentTrack();
        for (int k = 0; k < 3; k++) {
            check.check(twoGaps, T0 + k * STEP, speed[k]);
        }
        assertEquals(Verdict.OK, check.check(twoGaps, T0 + 5 * STEP, 7.18));
    }

    /** A track restored from state written before the times were kept is judged only once it has three new readings. */
    @Test
    void aTrackWithoutTimesIsJudgedOnceItHasThreeTimedReadings() {
        assertEquals(Verdict.OK, check.check(restored(), T0, 7));
        assertEquals(Verdict.SPIKE, new ReadingCheck(rules.withSpikeSpanMillis(Long.MAX_VALUE))
                .check(restored(), T0, 7), "a model cleaned with readings of any age keeps its rule");
        SegmentTrack timed = new SegmentTrack();
        for (int k = 0; k < 3; k++) {
            check.check(timed, T0 + k * STEP, 80);
        }
        assertEquals(Verdict.SPIKE, check.check(timed, T0 + 3 * STEP, 7));
    }

    /** Three readings at 80 km/h whose times are not known. */
    private static SegmentTrack restored() {
        SegmentTrack t = new SegmentTrack();
        t.recent0 = 80;
        t.recent1 = 80;
        t.recent2 = 80;
        t.recentCount = 3;
        return t;
    }
}
