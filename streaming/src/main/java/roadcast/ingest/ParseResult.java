package roadcast.ingest;

import roadcast.reading.SpeedReading;

/**
 * Outcome of parsing one input record: exactly one of {@code reading} and {@code rejection} is non-null.
 * A plain record rather than a sealed hierarchy so that Java 17 callers (and Flink functions) can branch with
 * {@link #accepted()}.
 */
public record ParseResult(SpeedReading reading, Rejection rejection) {

    public ParseResult {
        if ((reading == null) == (rejection == null)) {
            throw new IllegalArgumentException("exactly one of reading and rejection must be given");
        }
    }

    public static ParseResult of(SpeedReading reading) {
        return new ParseResult(reading, null);
    }

    public static ParseResult rejected(RejectReason reason, String detail) {
        return new ParseResult(null, new Rejection(reason, detail));
    }

    public boolean accepted() {
        return reading != null;
    }
}
