package roadcast.bench;

import org.HdrHistogram.Histogram;

/**
 * Lag in milliseconds, counted by HdrHistogram (auto-resizing, 3 significant digits: relative error below 0.1%).
 * This class only fixes the semantics the lag meters report: negative values (clock skew between the producer's
 * timestamp and the reader) count as 0, values above 2^40 ms (35 years) are counted there, an empty histogram answers
 * NaN, quantiles are nearest-rank values capped at the maximum seen, and max and mean are exact (HdrHistogram's are
 * bucket-equivalent values). Not thread-safe.
 */
public final class LatencyHistogram {

    private static final int SIGNIFICANT_DIGITS = 3;

    private static final long LARGEST_COUNTED = 1L << 40;

    private final Histogram counts = new Histogram(SIGNIFICANT_DIGITS);
    private long max;
    private double sum;

    /** Adds one value; negative values count as 0. */
    public void record(long millis) {
        long v = Math.max(0, millis);
        counts.recordValue(Math.min(v, LARGEST_COUNTED));
        sum += v;
        max = Math.max(max, v);
    }

    public long count() {
        return counts.getTotalCount();
    }

    public long max() {
        return max;
    }

    public double mean() {
        return count() == 0 ? Double.NaN : sum / count();
    }

    /** The value at quantile {@code q} in [0, 1] (nearest rank, HdrHistogram's precision); NaN when empty. */
    public double quantile(double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("quantile must be in [0, 1], got " + q);
        }
        if (count() == 0) {
            return Double.NaN;
        }
        return Math.min(max(), counts.getValueAtPercentile(q * 100));
    }

    public void reset() {
        counts.reset();
        max = 0;
        sum = 0;
    }
}
