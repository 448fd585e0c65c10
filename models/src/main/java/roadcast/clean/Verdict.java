package roadcast.clean;

/**
 * Why a reading was accepted or rejected. The first five apply to histories and streams alike; FUTURE and LATE only
 * make sense for live readings, which carry an arrival time.
 */
public enum Verdict {
    /** Credible: kept. */
    OK,
    /** NaN, or an exact zero where the data set's convention says zero means "no observation". */
    MISSING,
    /** Outside [minSpeed, maxSpeed]. */
    OUT_OF_RANGE,
    /** The same exact value repeated for {@code stuckSteps} steps or more: a frozen sensor. */
    STUCK,
    /** Further than {@code maxJump} from the median of the segment's three previous readings. */
    SPIKE,
    /** Event time more than {@code maxFutureMillis} ahead of the processing clock (stream only). */
    FUTURE,
    /** Event time more than {@code allowedLatenessMillis} behind the segment's newest reading (stream only). */
    LATE;

    public boolean accepted() {
        return this == OK;
    }
}
