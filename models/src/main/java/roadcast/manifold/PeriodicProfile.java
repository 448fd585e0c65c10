package roadcast.manifold;

/**
 * The periodic profile mu[dayType][slot][i]: mean speed per (weekday/weekend, time-of-day slot, segment), shrunk
 * toward the segment's overall mean m_i as (sum + kappa m_i) / (count + kappa) so that slots seen once or twice do not
 * carry their noise into every forecast. A day type without data at a slot falls back to the all-days slot mean.
 * NaN-aware. Layout of the result: {@code profile[(dayType * slots + slot) * n + i]}.
 */
public final class PeriodicProfile {

    private PeriodicProfile() {
    }

    /**
     * @param x          [T * n] row-major speeds, NaN = missing
     * @param n          segments (columns)
     * @param profileRow [T] profile row of each time step ({@link LocalClock#profileRow})
     * @param slots      slots per day
     * @param from       first row used (inclusive)
     * @param to         last row used (exclusive)
     * @param kappa      shrinkage weight toward the segment mean
     */
    public static double[] fit(double[] x, int n, int[] profileRow, int slots, int from, int to, double kappa) {
        double[] mean = segmentMeans(x, n, from, to);
        double[] sum = new double[2 * slots * n];
        int[] count = new int[2 * slots * n];
        for (int t = from; t < to; t++) {
            int base = profileRow[t] * n;
            int rowOff = t * n;
            for (int i = 0; i < n; i++) {
                double v = x[rowOff + i];
                if (!Double.isNaN(v)) {
                    sum[base + i] += v;
                    count[base + i]++;
                }
            }
        }
        double[] profile = new double[2 * slots * n];
        for (int k = 0; k < slots; k++) {
            for (int i = 0; i < n; i++) {
                int weekday = k * n + i;
                int weekend = (slots + k) * n + i;
                double allSum = sum[weekday] + sum[weekend];
                int allCount = count[weekday] + count[weekend];
                double all = (allSum + kappa * mean[i]) / (allCount + kappa);
                profile[weekday] = count[weekday] > 0 ? (sum[weekday] + kappa * mean[i]) / (count[weekday] + kappa) : all;
                profile[weekend] = count[weekend] > 0 ? (sum[weekend] + kappa * mean[i]) / (count[weekend] + kappa) : all;
            }
        }
        return profile;
    }

    /** Mean of each column over [from, to); a column without data takes the mean of the other columns' means (0 if none). */
    public static double[] segmentMeans(double[] x, int n, int from, int to) {
        double[] sum = new double[n];
        int[] count = new int[n];
        for (int t = from; t < to; t++) {
            int rowOff = t * n;
            for (int i = 0; i < n; i++) {
                double v = x[rowOff + i];
                if (!Double.isNaN(v)) {
                    sum[i] += v;
                    count[i]++;
                }
            }
        }
        double[] mean = new double[n];
        double known = 0;
        int knownCount = 0;
        for (int i = 0; i < n; i++) {
            if (count[i] > 0) {
                mean[i] = sum[i] / count[i];
                known += mean[i];
                knownCount++;
            }
        }
        double fallback = knownCount > 0 ? known / knownCount : 0.0;
        for (int i = 0; i < n; i++) {
            if (count[i] == 0) {
                mean[i] = fallback;
            }
        }
        return mean;
    }

    /** Deviations d_t = x_t - mu(t) for all rows [0, T); NaN stays NaN. */
    public static double[] deviations(double[] x, int n, int[] profileRow, double[] profile) {
        int steps = x.length / n;
        double[] d = new double[x.length];
        for (int t = 0; t < steps; t++) {
            int rowOff = t * n;
            int base = profileRow[t] * n;
            for (int i = 0; i < n; i++) {
                d[rowOff + i] = x[rowOff + i] - profile[base + i];
            }
        }
        return d;
    }
}
