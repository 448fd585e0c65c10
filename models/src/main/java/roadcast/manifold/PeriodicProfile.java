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
     * @param profileRow [T] profile row of each time step: {@link LocalClock#profileRow}, or the bin of a coarser
     *                   grid ({@link ProfileGrid#bin})
     * @param slots      slots per day
     * @param from       first row used (inclusive)
     * @param to         last row used (exclusive)
     * @param kappa      shrinkage weight toward the segment mean
     */
    public static double[] fit(double[] x, int n, int[] profileRow, int slots, int from, int to, double kappa) {
        double[] mean = segmentMeans(x, n, from, to);
        double[] sum = new double[2 * slots * n];
        int[] count = new int[2 * slots * n];
        accumulate(x, n, profileRow, from, to, sum, count, 1);
        double[] profile = new double[2 * slots * n];
        shrink(sum, count, mean, n, slots, kappa, profile);
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

    /**
     * Deviations d_t = x_t - mu(t) for all rows [0, T), mu interpolated on the profile's grid
     * ({@link ProfileSteps#at}); NaN stays NaN.
     */
    public static double[] deviations(double[] x, int n, ProfileSteps steps, double[] profile) {
        int count = x.length / n;
        double[] d = new double[x.length];
        for (int t = 0; t < count; t++) {
            subtract(x, n, steps, t, profile, d);
        }
        return d;
    }

    /** d[t n + i] = x[t n + i] - mu(t)_i of row t. */
    private static void subtract(double[] x, int n, ProfileSteps steps, int t, double[] profile, double[] d) {
        int rowOff = t * n;
        int lo = steps.lower()[t] * n;
        double w = steps.weight()[t];
        if (w == 0.0) {
            for (int i = 0; i < n; i++) {
                d[rowOff + i] = x[rowOff + i] - profile[lo + i];
            }
            return;
        }
        int hi = steps.upper()[t] * n;
        for (int i = 0; i < n; i++) {
            double a = profile[lo + i];
            d[rowOff + i] = x[rowOff + i] - (a + w * (profile[hi + i] - a));
        }
    }

    /**
     * Circular moving average of each day type's profile over {@code 2 * halfWindow + 1} time-of-day slots. With a few
     * days of history each slot mean holds only a handful of values; their noise reappears as spurious changes of
     * mu(t + h) - mu(t) in every forecast, and averaging neighbouring slots removes most of it.
     */
    public static double[] smooth(double[] profile, int n, int slots, int halfWindow) {
        if (halfWindow <= 0 || slots < 2 * halfWindow + 1) {
            return profile;
        }
        double[] out = new double[profile.length];
        for (int row = 0; row < 2 * slots; row++) {
            smoothRow(profile, n, slots, halfWindow, row, out);
        }
        return out;
    }

    /**
     * Row {@code row} (day type times slots plus slot) of {@link #smooth} into {@code out[row n, (row + 1) n)}, with
     * the same sums in the same order, so bit for bit the same values: the stream's forecaster smooths only the rows
     * its forecasts reach (a few of 2 x 288 per zone) instead of the whole profile of every zone at start-up.
     */
    public static void smoothRow(double[] profile, int n, int slots, int halfWindow, int row, double[] out) {
        int outOff = row * n;
        if (halfWindow <= 0 || slots < 2 * halfWindow + 1) {
            System.arraycopy(profile, outOff, out, outOff, n);
            return;
        }
        double scale = 1.0 / (2 * halfWindow + 1);
        int typeOff = (row / slots) * slots * n;
        int k = row % slots;
        java.util.Arrays.fill(out, outOff, outOff + n, 0.0);
        for (int j = -halfWindow; j <= halfWindow; j++) {
            int inOff = typeOff + Math.floorMod(k + j, slots) * n;
            for (int i = 0; i < n; i++) {
                out[outOff + i] += profile[inOff + i];
            }
        }
        for (int i = 0; i < n; i++) {
            out[outOff + i] *= scale;
        }
    }

    /**
     * Deviations for fitting basis and dynamics, cross-fitted by leaving one day out: a row of day D in [from, to) is
     * compared with the profile fitted without day D. The in-sample profile has already absorbed part of each day's
     * own deviation (a third of it with three weekdays of history), so dynamics fitted on in-sample deviations trust
     * the profile too much and forecast poorly on new days. Rows outside [from, to) use {@code profile} as it is.
     *
     * @param steps      the rows' bins (fit) and interpolation (deviations) on the profile's grid of {@code slots}
     *                   slots per day; its day starts delimit the days left out
     * @param profile    the (smoothed) profile fitted on [from, to), for rows outside it
     * @param halfWindow smoothing of each left-out profile, as in {@link #smooth}
     */
    public static double[] crossFittedDeviations(double[] x, int n, ProfileSteps steps, int slots, int from, int to,
                                                 double kappa, int halfWindow, double[] profile) {
        double[] d = deviations(x, n, steps, profile);
        int[] bin = steps.bin();
        boolean[] newDay = steps.dayStart();
        double[] mean = segmentMeans(x, n, from, to);
        double[] sum = new double[2 * slots * n];
        int[] count = new int[2 * slots * n];
        accumulate(x, n, bin, from, to, sum, count, 1);
        double[] leftOut = new double[2 * slots * n];
        int dayStart = from;
        while (dayStart < to) {
            int dayEnd = dayStart + 1;
            while (dayEnd < to && !newDay[dayEnd]) {
                dayEnd++;
            }
            accumulate(x, n, bin, dayStart, dayEnd, sum, count, -1);
            shrink(sum, count, mean, n, slots, kappa, leftOut);
            double[] dayProfile = smooth(leftOut, n, slots, halfWindow);
            for (int t = dayStart; t < dayEnd; t++) {
                subtract(x, n, steps, t, dayProfile, d);
            }
            accumulate(x, n, bin, dayStart, dayEnd, sum, count, 1);
            dayStart = dayEnd;
        }
        return d;
    }

    /** Adds (sign 1) or removes (sign -1) rows [from, to) from the per-(profile row, segment) sums and counts. */
    private static void accumulate(double[] x, int n, int[] profileRow, int from, int to, double[] sum, int[] count,
                                   int sign) {
        for (int t = from; t < to; t++) {
            int base = profileRow[t] * n;
            int rowOff = t * n;
            for (int i = 0; i < n; i++) {
                double v = x[rowOff + i];
                if (!Double.isNaN(v)) {
                    sum[base + i] += sign * v;
                    count[base + i] += sign;
                }
            }
        }
    }

    /** mu = (sum + kappa m_i) / (count + kappa) per day type, falling back to the all-days slot mean. */
    private static void shrink(double[] sum, int[] count, double[] mean, int n, int slots, double kappa,
                               double[] profile) {
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
    }
}
