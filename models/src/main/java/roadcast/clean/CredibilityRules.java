package roadcast.clean;

import java.time.Duration;
import roadcast.history.SpeedUnit;

/**
 * The rules that decide whether a speed is credible, shared by the offline cleaner ({@link HistoryCleaner}) and the
 * stream ({@link ReadingCheck}) so that a model is trained on data cleaned exactly as its live input will be.
 *
 * @param minSpeed              lowest credible speed, in the data's unit (inclusive)
 * @param maxSpeed              highest credible speed, in the data's unit (inclusive)
 * @param maxJump               spike threshold: |x_t - median(x_{t-3}, x_{t-2}, x_{t-1})| above it is a spike
 * @param stuckSteps            the same exact value seen this many consecutive readings is a stuck sensor (from the
 *                              {@code stuckSteps}-th repeat on)
 * @param maxFutureMillis       live readings stamped further ahead of the clock than this are rejected
 * @param allowedLatenessMillis live readings older than the segment's newest reading by more than this are rejected
 * @param zeroIsMissing         an exact 0.0 means "no observation" (METR-LA, PEMS-BAY, SZ-taxi conventions), not a
 *                              speed
 */
public record CredibilityRules(double minSpeed, double maxSpeed, double maxJump, int stuckSteps, long maxFutureMillis,
                               long allowedLatenessMillis, boolean zeroIsMissing) implements java.io.Serializable {

    /** One hour: a frozen value shorter than this is indistinguishable from a calm night at the speed cap. */
    public static final Duration STUCK_DURATION = Duration.ofHours(1);
    public static final Duration DEFAULT_STEP = Duration.ofMinutes(5);

    public CredibilityRules {
        if (!(minSpeed >= 0) || !(maxSpeed > minSpeed)) {
            throw new IllegalArgumentException("need 0 <= minSpeed < maxSpeed, got " + minSpeed + ".." + maxSpeed);
        }
        if (!(maxJump > 0)) {
            throw new IllegalArgumentException("maxJump must be positive, got " + maxJump);
        }
        if (stuckSteps < 2) {
            throw new IllegalArgumentException("stuckSteps must be at least 2, got " + stuckSteps);
        }
        if (maxFutureMillis < 0 || allowedLatenessMillis < 0) {
            throw new IllegalArgumentException("time tolerances must not be negative");
        }
    }

    /** The contract's six rules; zeros are treated as missing. */
    public CredibilityRules(double minSpeed, double maxSpeed, double maxJump, int stuckSteps, long maxFutureMillis,
                            long allowedLatenessMillis) {
        this(minSpeed, maxSpeed, maxJump, stuckSteps, maxFutureMillis, allowedLatenessMillis, true);
    }

    /** Defaults for 5-minute data. */
    public static CredibilityRules defaults(SpeedUnit unit) {
        return defaults(unit, DEFAULT_STEP);
    }

    /**
     * Defaults, chosen on the real sets so as not to over-clean: Los-loop's minimum is 1.0 mph (crawling
     * traffic, kept), the largest value of any set is 80.5 km/h; a 40 mph (64 km/h) jump against the median of the
     * last three readings flags about 0.1% of Los-loop, mostly one-step dips to ~10 mph and back; stuck = one hour of
     * identical values, whatever the step.
     */
    public static CredibilityRules defaults(SpeedUnit unit, Duration step) {
        double min = 1.0;
        double max = unit == SpeedUnit.MPH ? 90.0 : 150.0;
        double jump = unit.fromKmh(SpeedUnit.MPH.toKmh(40.0));
        int stuck = (int) Math.max(2, Math.round((double) STUCK_DURATION.toMillis() / step.toMillis()));
        return new CredibilityRules(min, max, jump, stuck, Duration.ofMinutes(5).toMillis(),
                Duration.ofMinutes(10).toMillis(), true);
    }

    public CredibilityRules withStuckSteps(int steps) {
        return new CredibilityRules(minSpeed, maxSpeed, maxJump, steps, maxFutureMillis, allowedLatenessMillis,
                zeroIsMissing);
    }

    public CredibilityRules withMaxJump(double jump) {
        return new CredibilityRules(minSpeed, maxSpeed, jump, stuckSteps, maxFutureMillis, allowedLatenessMillis,
                zeroIsMissing);
    }

    public CredibilityRules withZeroIsMissing(boolean zeroMissing) {
        return new CredibilityRules(minSpeed, maxSpeed, maxJump, stuckSteps, maxFutureMillis, allowedLatenessMillis,
                zeroMissing);
    }
}
