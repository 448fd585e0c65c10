package roadcast.bench;

/**
 * Records per second over the span between the first and the last record counted. Thread-safe: the consumer thread
 * adds, a reporting thread reads.
 */
public final class ThroughputMeter {

    private long count;
    private long firstNanos = -1;
    private long lastNanos = -1;
    private long firstBatch;

    /** Counts {@code n} records that arrived at {@code nowNanos} ({@link System#nanoTime()}). */
    public synchronized void add(long n, long nowNanos) {
        if (n <= 0) {
            return;
        }
        if (firstNanos < 0) {
            firstNanos = nowNanos;
            firstBatch = n;
        }
        lastNanos = nowNanos;
        count += n;
    }

    public void add(long n) {
        add(n, System.nanoTime());
    }

    public synchronized long count() {
        return count;
    }

    /** Seconds between the first and last record, 0 before two batches. */
    public synchronized double spanSeconds() {
        return firstNanos < 0 ? 0 : (lastNanos - firstNanos) / 1e9;
    }

    /**
     * Records per second: the records after the first batch over the span since it (the first batch only marks the
     * start, it took no measurable time). NaN before there are two batches.
     */
    public synchronized double perSecond() {
        double span = spanSeconds();
        return span <= 0 ? Double.NaN : (count - firstBatch) / span;
    }

    public synchronized void reset() {
        count = 0;
        firstNanos = -1;
        lastNanos = -1;
        firstBatch = 0;
    }
}
