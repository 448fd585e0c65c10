package roadcast.ingest;

import java.time.Instant;
import java.util.Optional;

/**
 * The clock rule of the parser, apart so it can be tested alone (the per-segment rules, too late and duplicate, are
 * in {@code roadcast.stream.ZoneIntake}). Arithmetic saturates: extreme event times from a broken producer must be
 * rejected, not overflow into acceptance.
 */
public final class ReadingRules {

    /** 1970-01-01T00:00:00Z: no traffic reading is older, and negative epoch times are a broken producer. */
    public static final long MIN_EVENT_MILLIS = 0L;
    /**
     * 2200-01-01T00:00:00Z: an absolute ceiling that holds even with the future check off, far enough from
     * Long.MAX_VALUE that step starts, close times and watermarks computed from an event time never overflow.
     */
    public static final long MAX_EVENT_MILLIS = 7_258_118_400_000L;
    /**
     * With the wall-clock check off (replays), how far a reading may lead the newest event time accepted so far: a
     * year. Further ahead it would push event time forward and close (then refuse as too late) every step before it.
     */
    public static final long MAX_LEAD_WITHOUT_FUTURE_CHECK_MILLIS = java.time.Duration.ofDays(366).toMillis();

    private ReadingRules() {
    }

    /** TIME_OUT_OF_RANGE when the event time lies outside [{@link #MIN_EVENT_MILLIS}, {@link #MAX_EVENT_MILLIS}]. */
    public static Optional<Rejection> outOfRange(long eventMillis) {
        if (eventMillis < MIN_EVENT_MILLIS || eventMillis > MAX_EVENT_MILLIS) {
            return Optional.of(new Rejection(RejectReason.TIME_OUT_OF_RANGE, "time " + format(eventMillis)
                    + " (" + eventMillis + " ms) is outside " + format(MIN_EVENT_MILLIS) + " .. "
                    + format(MAX_EVENT_MILLIS)));
        }
        return Optional.empty();
    }

    /** TOO_FAR_IN_FUTURE when {@code eventMillis > referenceMillis + maxFutureMillis}. */
    public static Optional<Rejection> tooFarInFuture(long eventMillis, long referenceMillis, long maxFutureMillis) {
        long limit = saturatedAdd(referenceMillis, maxFutureMillis);
        if (eventMillis > limit) {
            return Optional.of(new Rejection(RejectReason.TOO_FAR_IN_FUTURE, "time " + format(eventMillis)
                    + " is more than " + maxFutureMillis + " ms ahead of " + format(referenceMillis)));
        }
        return Optional.empty();
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        // Overflow iff both operands have the sign opposite to the result.
        if (((a ^ r) & (b ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }

    static String format(long epochMillis) {
        try {
            return Instant.ofEpochMilli(epochMillis).toString();
        } catch (java.time.DateTimeException e) {
            return epochMillis + " ms";
        }
    }
}
