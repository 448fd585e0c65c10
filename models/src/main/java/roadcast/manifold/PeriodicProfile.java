package roadcast.manifold;

/**
 * The periodic profile mu[dayType][slot][i]: mean speed per (weekday/weekend, time-of-day slot, segment), shrunk
 * toward the segment's overall mean m_i as (sum + kappa m_i) / (count + kappa) so that slots seen once or twice do not
 * carry their noise into every forecast. A day type without data at a slot falls back to the all-days slot mean.
 * NaN-aware. Layout of the result: {@code profile[(dayType * slots + slot) * n + i]}.
 */
public final class PeriodicProfile {

    /** Weighted count below which a profile row counts as unseen ({@link #shrink}). */
    private static final double NO_WEIGHT = 1e-9;

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
        return fit(x, n, profileRow, slots, from, to, kappa, null);
    }

    /**
     * {@link #fit(double[], int, int[], int, int, int, double)} with each row's reading counted {@code weight[t]}
     * times in its slot mean, the segment mean and the shrinkage (weights of rows [from, to); null = every row once,
     * bit for bit the unweighted fit): a profile that follows the recent days more ({@link #recencyWeights}).
     */
    public static double[] fit(double[] x, int n, int[] profileRow, int slots, int from, int to, double kappa,
                               double[] weight) {
        double[] mean = segmentMeans(x, n, from, to, weight);
        double[] sum = new double[2 * slots * n];
        double[] count = new double[2 * slots * n];
        accumulate(x, n, profileRow, from, to, sum, count, 1, weight);
        double[] profile = new double[2 * slots * n];
        shrink(sum, count, mean, n, slots, kappa, profile);
        return profile;
    }

    /**
     * Weights of rows [0, to) that halve every {@code halfLifeDays} days back from row {@code to - 1} (weight 1):
     * w_t = 2^(-(to - 1 - t) step / (halfLifeDays day)). Null (every row counts once) when {@code halfLifeDays} is 0.
     * Why: a network's level can move within the weeks a model trains on (SZ-taxi's probe speeds fell by 1-20 km/h
     * on 38 of its 40 roads from 11 January 2015 on, README issue 14), and a profile that averages all days equally
     * then forecasts a level between the old and the new; the half-life is chosen per zone on its validation block ({@code ZoneFitter}).
     */
    public static double[] recencyWeights(int to, long stepMillis, double halfLifeDays) {
        if (halfLifeDays == 0) {
            return null;
        }
        if (!(halfLifeDays > 0)) {
            throw new IllegalArgumentException("half-life must be positive days or 0 (none), got " + halfLifeDays);
        }
        double perStep = -(double) stepMillis / (halfLifeDays * LocalClock.DAY_MILLIS);
        double[] w = new double[to];
        for (int t = 0; t < to; t++) {
            w[t] = Math.pow(2.0, perStep * (to - 1 - t));
        }
        return w;
    }

    /** Mean of each column over [from, to); a column without data takes the mean of the other columns' means (0 if none). */
    public static double[] segmentMeans(double[] x, int n, int from, int to) {
        return segmentMeans(x, n, from, to, null);
    }

    /** {@link #segmentMeans(double[], int, int, int)} with row t counted {@code weight[t]} times (null = once). */
    static double[] segmentMeans(double[] x, int n, int from, int to, double[] weight) {
        double[] sum = new double[n];
        double[] count = new double[n];
        for (int t = from; t < to; t++) {
            int rowOff = t * n;
            double w = weight == null ? 1.0 : weight[t];
            for (int i = 0; i < n; i++) {
                double v = x[rowOff + i];
                if (!Double.isNaN(v)) {
                    sum[i] += w * v;
                    count[i] += w;
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
        return crossFittedDeviations(x, n, steps, slots, from, to, kappa, halfWindow, profile, null);
    }

    /**
     * {@link #crossFittedDeviations(double[], int, ProfileSteps, int, int, int, double, int, double[])} of a profile
     * fitted with row weights ({@link #fit(double[], int, int[], int, int, int, double, double[])}; null = once each):
     * each left-out profile keeps the other days' weights.
     */
    public static double[] crossFittedDeviations(double[] x, int n, ProfileSteps steps, int slots, int from, int to,
                                                 double kappa, int halfWindow, double[] profile, double[] weight) {
        double[] d = deviations(x, n, steps, profile);
        int[] bin = steps.bin();
        boolean[] newDay = steps.dayStart();
        double[] mean = segmentMeans(x, n, from, to, weight);
        double[] sum = new double[2 * slots * n];
        double[] count = new double[2 * slots * n];
        accumulate(x, n, bin, from, to, sum, count, 1, weight);
        double[] leftOut = new double[2 * slots * n];
        int dayStart = from;
        while (dayStart < to) {
            int dayEnd = dayStart + 1;
            while (dayEnd < to && !newDay[dayEnd]) {
                dayEnd++;
            }
            accumulate(x, n, bin, dayStart, dayEnd, sum, count, -1, weight);
            shrink(sum, count, mean, n, slots, kappa, leftOut);
            double[] dayProfile = smooth(leftOut, n, slots, halfWindow);
            for (int t = dayStart; t < dayEnd; t++) {
                subtract(x, n, steps, t, dayProfile, d);
            }
            accumulate(x, n, bin, dayStart, dayEnd, sum, count, 1, weight);
            dayStart = dayEnd;
        }
        return d;
    }

    /**
     * Adds (sign 1) or removes (sign -1) rows [from, to), row t weighted {@code weight[t]} (null = 1), from the
     * per-(profile row, segment) sums and counts. With unit weights the counts stay whole numbers, exact in doubles.
     */
    private static void accumulate(double[] x, int n, int[] profileRow, int from, int to, double[] sum,
                                   double[] count, int sign, double[] weight) {
        for (int t = from; t < to; t++) {
            int base = profileRow[t] * n;
            int rowOff = t * n;
            double w = weight == null ? sign : sign * weight[t];
            for (int i = 0; i < n; i++) {
                double v = x[rowOff + i];
                if (!Double.isNaN(v)) {
                    sum[base + i] += w * v;
                    count[base + i] += w;
                }
            }
        }
    }

    /**
     * mu = (sum + kappa m_i) / (count + kappa) per day type, falling back to the all-days slot mean where the day type
     * has no reading: a count under {@link #NO_WEIGHT}, which a day removed from weighted sums leaves as rounding
     * residue where unit weights leave 0.
     */
    private static void shrink(double[] sum, double[] count, double[] mean, int n, int slots, double kappa,
                               double[] profile) {
        for (int k = 0; k < slots; k++) {
            for (int i = 0; i < n; i++) {
                int weekday = k * n + i;
                int weekend = (slots + k) * n + i;
                double allSum = sum[weekday] + sum[weekend];
                double allCount = count[weekday] + count[weekend];
                double all = (allSum + kappa * mean[i]) / (allCount + kappa);
                profile[weekday] = count[weekday] > NO_WEIGHT ? (sum[weekday] + kappa * mean[i]) / (count[weekday] + kappa) : all;
                profile[weekend] = count[weekend] > NO_WEIGHT ? (sum[weekend] + kappa * mean[i]) / (count[weekend] + kappa) : all;
            }
        }
    }
}
