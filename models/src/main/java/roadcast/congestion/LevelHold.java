package roadcast.congestion;

import roadcast.network.RoadClass;

/**
 * The congestion level a forecast announces: a decision, not only the grade of the point forecast. A forecast that
 * moves a little across a level's edge is as likely to stay in the current level as to leave it, and announcing a
 * change that does not come costs more than missing one the band itself says is unsure; "the level now persists" is
 * right most of the time on most roads.
 * <p>
 * Rule: with y the point forecast, [lo, hi] its calibrated band, n the current speed (the kernel's nowcast: the reading
 * where there is one) and k >= 0 the hold of the horizon, the announced level is the grade of the speed of the band
 * scaled by k about y that is nearest n: min(n, y + k (hi - y)) when n > y, max(n, y - k (y - lo)) when n < y. So the
 * level stays the current one while the scaled band still reaches it, and otherwise is the level nearest the current
 * one that the scaled band covers. k = 0 is the grade of the point forecast (every model before the hold); the speed
 * forecast itself is never changed. k is chosen per horizon on the validation block (the share of levels graded
 * right, {@link #CANDIDATES}; {@code ManifoldTrainer}).
 */
public final class LevelHold {

    /** The holds the training compares on validation, ascending: a tie goes to the smallest (0 first). */
    public static final double[] CANDIDATES = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 1.25, 1.5, 2.0};

    private LevelHold() {
    }

    /**
     * The speed whose grade is the announced level; {@code speed} itself when the hold is 0 or n, lo or hi is unknown.
     *
     * @param now   the current speed (NaN = unknown)
     * @param speed the point forecast y
     * @param lower the band's lower edge lo (<= y)
     * @param upper the band's upper edge hi (>= y)
     * @param hold  k >= 0
     */
    public static double gradedSpeed(double now, double speed, double lower, double upper, double hold) {
        if (!(hold > 0) || Double.isNaN(now) || Double.isNaN(speed)) {
            return speed;
        }
        if (now > speed) {
            return Double.isNaN(upper) ? speed : Math.min(now, speed + hold * (upper - speed));
        }
        return Double.isNaN(lower) ? speed : Math.max(now, speed - hold * (speed - lower));
    }

    /** The announced level ({@link #gradedSpeed} graded by {@code grader}); null where no grade applies. */
    public static CongestionLevel level(CongestionGrader grader, RoadClass roadClass, double freeFlowSpeed, double now,
                                        double speed, double lower, double upper, double hold) {
        return grader.level(roadClass, gradedSpeed(now, speed, lower, upper, hold), freeFlowSpeed);
    }

    /**
     * The hold of one horizon from the validation's counts: the candidate with the most levels graded right, the
     * smallest among equals.
     *
     * @param correct levels graded right with each of {@link #CANDIDATES}, in order
     */
    public static double choose(long[] correct) {
        int best = 0;
        for (int c = 1; c < CANDIDATES.length; c++) {
            if (correct[c] > correct[best]) {
                best = c;
            }
        }
        return CANDIDATES[best];
    }
}
