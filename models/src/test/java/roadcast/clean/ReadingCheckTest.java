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

    @Test
    void rangeEdgesAreInclusive() {
        SegmentTrack track = new SegmentTrack();
        assertEquals(Verdict.OK, check.check(track, rules.minSpeed()));
        assertEquals(Verdict.OK, check.check(track, rules.maxSpeed()));
        assertEquals(Verdict.OUT_OF_RANGE, check.check(track, Math.nextDown(rules.minSpeed())));
        assertEquals(Verdict.OUT_OF_RANGE, check.check(track, Math.nextUp(rules.maxSpeed())));
        assertEquals(Verdict.OUT_OF_RANGE, check.check(track, Double.POSITIVE_INFINITY));
        assertEquals(Verdict.MISSING, check.check(track, Double.NaN));
    }

    @Test
    void spikeIsMeasuredAgainstTheMedianOfThreePrevious() {
        SegmentTrack track = new SegmentTrack();
        check.check(track, 100);
        check.check(track, 145); // an outlier among the three does not move the median
        check.check(track, 102);
        assertEquals(102, track.recentMedian(), 0);
        double jump = rules.maxJump();
        assertEquals(Verdict.OK, check.check(track, 102 - jump));          // exactly the threshold: kept
        SegmentTrack other = new SegmentTrack();
        check.check(other, 100);
        check.check(other, 145);
        check.check(other, 102);
        assertEquals(Verdict.SPIKE, check.check(other, 102 - jump - 0.01));
    }
}
