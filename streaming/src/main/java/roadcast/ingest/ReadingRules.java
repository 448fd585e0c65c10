package roadcast.ingest;

import java.time.Instant;
import java.util.Optional;

/**
 * The clock rule of the parser, apart so it can be tested alone (the per-segment rules, too late and duplicate, are
 * in {@code roadcast.stream.ZoneIntake}). Arithmetic saturates: extreme event times from a broken producer must be
 * rejected, not overflow into acceptance.
 */
public final class ReadingRules {

    private ReadingRules() {
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
