package roadcast.ingest;

/** Why an input record was not accepted as a reading; written to the dead-letter topic with a detail text. */
public enum RejectReason {
    /** Not JSON, not a JSON object, or empty (tombstone). */
    MALFORMED_JSON,
    /** A required field (segment, time, speed) is absent, null or empty. */
    MISSING_FIELD,
    /** A field has the wrong JSON type or an unreadable value (time text that is not ISO-8601, unknown source). */
    WRONG_TYPE,
    /** speed is NaN or infinite (the non-standard JSON literals NaN/Infinity, or a number too large for a double). */
    NOT_A_NUMBER,
    /** speed below zero. */
    NEGATIVE_SPEED,
    /** speed above the credibility maximum. */
    IMPOSSIBLE_SPEED,
    /** flow below zero or occupancy outside [0, 1]. */
    OUT_OF_RANGE,
    /** The segment is not in the model's network. */
    UNKNOWN_SEGMENT,
    /** Event time further ahead of the reference clock than allowed. */
    TOO_FAR_IN_FUTURE,
    /**
     * Event time outside the range any reading can have ({@link ReadingRules#MIN_EVENT_MILLIS} ..
     * {@link ReadingRules#MAX_EVENT_MILLIS}): kept out so that step arithmetic can never overflow.
     */
    TIME_OUT_OF_RANGE,
    /** Event time behind the watermark by more than the allowed lateness. */
    TOO_LATE,
    /** Same segment, time and source already accepted. */
    DUPLICATE,
    /** The segment already has the most readings one step keeps (a flood of distinct timestamps). */
    TOO_MANY_READINGS,
    /** The Kafka key differs from the segment field. */
    KEY_MISMATCH,
    /** The segment repeated exactly the same speed for the model's stuck-sensor number of steps (a frozen sensor). */
    STUCK,
    /** The speed jumped further from the median of the segment's previous readings than the model allows. */
    SPIKE
}
