package roadcast.bench;

/**
 * Counts of non-negative millisecond values in log-linear buckets: exact below 1024 ms, then 512 sub-buckets per
 * power of two (relative error below 0.2%), up to 2^40 ms; larger values fall in the last bucket. Fixed memory
 * (about 140 KB), no allocation per value. Not thread-safe.
 */
public final class LatencyHistogram {

    private static final int LINEAR = 1024;
    private static final int SUB_BITS = 9;
    private static final int SUB = 1 << SUB_BITS;
    private static final int MAX_EXP = 40;
    private static final int BUCKETS = LINEAR + (MAX_EXP - 10 + 1) * SUB;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;
    private double sum;

    /** Adds one value; negative values (clock skew) count as 0. */
    public void record(long millis) {
        long v = Math.max(0, millis);
        counts[index(v)]++;
        total++;
        sum += v;
        if (v > max) {
            max = v;
        }
    }

    public long count() {
        return total;
    }

    public long max() {
        return max;
    }

    public double mean() {
        return total == 0 ? Double.NaN : sum / total;
    }

    /**
     * The value at quantile {@code q} in [0, 1] (nearest rank: the smallest bucket holding at least
     * {@code ceil(q * count)} values), as the bucket's midpoint capped at the maximum seen; NaN when empty.
     */
    public double quantile(double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("quantile must be in [0, 1], got " + q);
        }
        if (total == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(max, midpoint(i));
            }
        }
        return max;
    }

    public void reset() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        max = 0;
        sum = 0;
    }

    static int index(long v) {
        if (v < LINEAR) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v);
        if (exp > MAX_EXP) {
            return BUCKETS - 1;
        }
        int sub = (int) ((v >>> (exp - SUB_BITS)) & (SUB - 1));
        return LINEAR + (exp - 10) * SUB + sub;
    }

    static double midpoint(int index) {
        if (index < LINEAR) {
            return index;
        }
        int exp = 10 + (index - LINEAR) / SUB;
        int sub = (index - LINEAR) % SUB;
        long width = 1L << (exp - SUB_BITS);
        long low = (long) (SUB + sub) * width;
        return low + (width - 1) / 2.0;
    }
}
