package roadcast.clean;

/**
 * What {@link ReadingCheck} remembers about one segment between readings. A Flink POJO (public no-arg constructor,
 * public primitive fields) so the stream can keep it in keyed state; the offline cleaner keeps one per column.
 */
public class SegmentTrack {

    /** The three most recent in-range readings, newest in {@code recent0}; NaN until seen. */
    public double recent0 = Double.NaN;
    public double recent1 = Double.NaN;
    public double recent2 = Double.NaN;
    /** How many of recent0..2 hold a reading (0..3). */
    public int recentCount;
    /** Value of the current run of identical readings and its length. */
    public double runValue = Double.NaN;
    public int runLength;
    /** Highest in-range speed ever seen: a run at this value is the sensor's cap, not a freeze. NaN until seen. */
    public double maxSeen = Double.NaN;
    /** Newest event time accepted for lateness checks, Long.MIN_VALUE before the first. */
    public long newestMillis = Long.MIN_VALUE;
    /** Readings seen and readings rejected, for monitoring. */
    public long seen;
    public long rejected;

    public SegmentTrack() {
    }

    /** Median of the three recent readings (only meaningful when {@code recentCount == 3}). */
    public double recentMedian() {
        double a = recent0;
        double b = recent1;
        double c = recent2;
        // median of three = max(min(a,b), min(max(a,b), c))
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    void push(double speed) {
        recent2 = recent1;
        recent1 = recent0;
        recent0 = speed;
        if (recentCount < 3) {
            recentCount++;
        }
    }

    @Override
    public String toString() {
        return "SegmentTrack{recent=" + recent0 + "," + recent1 + "," + recent2 + " (" + recentCount + "), run="
                + runValue + "x" + runLength + ", max=" + maxSeen + ", newest=" + newestMillis + ", seen=" + seen + ", rejected=" + rejected
                + "}";
    }
}
