package roadcast.ingest;

import java.time.Instant;
import java.util.Optional;

import roadcast.reading.SpeedReading;

/**
 * The time and duplicate rules that need a clock or per-segment state. The Flink job applies them with keyed
 * state; they live here so they can be tested without Flink. All arithmetic saturates: extreme event times from
 * a broken producer must be rejected, not overflow into acceptance.
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

    /**
     * TOO_LATE when {@code eventMillis < watermarkMillis - allowedLatenessMillis}; a watermark of
     * {@code Long.MIN_VALUE} (none yet) accepts everything.
     */
    public static Optional<Rejection> tooLate(long eventMillis, long watermarkMillis, long allowedLatenessMillis) {
        if (watermarkMillis == Long.MIN_VALUE) {
            return Optional.empty();
        }
        long limit = saturatedAdd(watermarkMillis, -allowedLatenessMillis);
        if (eventMillis < limit) {
            return Optional.of(new Rejection(RejectReason.TOO_LATE, "time " + format(eventMillis)
                    + " is more than " + allowedLatenessMillis + " ms behind the watermark " + format(watermarkMillis)));
        }
        return Optional.empty();
    }

    /**
     * DUPLICATE when {@code seen} already holds the reading's time and source; otherwise remembers it. {@code seen}
     * is the segment's keyed state (the caller writes it back).
     */
    public static Optional<Rejection> duplicate(SeenReadings seen, SpeedReading reading) {
        if (!seen.remember(reading.timeMillis(), reading.source())) {
            return Optional.of(new Rejection(RejectReason.DUPLICATE, "segment '" + reading.segment() + "' at "
                    + format(reading.timeMillis()) + " from " + SourceNames.name(reading.source()) + " already received"));
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
