package roadcast.kriging;

/**
 * The kriging kernel: the estimate of a segment without data from its K nearest observed neighbours, the one
 * function the fitter learns with and the forecaster applies (no second implementation).
 * <p>
 * With v_k the neighbours' values (now, or their forecasts at a horizon), nearest first, p_k their periodic
 * profiles at the target time, g_k = exp(-(d_k / w)^2) their kernel weights and omega_k = g_k / sum g:
 * <pre>
 *   B = sum omega_k v_k          (the kernel-weighted neighbour mean, as kriged persistence)
 *   y_hat = B + beta . x,  x = [ v_(k) - B (the order statistics, k = 1..K), v_k - B (nearest first),
 *                               g_k (v_k - B), up_k (v_k - B),
 *                               wmedian_k(v_k; g_k) - B, sum omega_k p_k - B, median_k p_k - B, mean_k v_k - B,
 *                               Vzone - B, 1, sin/cos of 2 pi tod, sin/cos of 4 pi tod, s_1 .. s_S,
 *                               sum omega_k v'_k - B ]
 * </pre>
 * where up_k is 1 for an upstream neighbour, Vzone the mean of the zone's values and tod the local time of day as a
 * fraction: a linear combination of the kernel mean, the kernel-weighted median (robust: one neighbour in a jam
 * of its own does not drag it), order statistics (an L-estimator) and distance-ranked values, one
 * regression shared by all segments, learned on masked observed segments. s_1 .. s_S are the segment's level
 * features ({@link SegmentLevel}): constant in time, they let the regression learn a road's level offset from its
 * wider neighbourhood (S = 0 in models written before them). v'_k is the neighbour's nowcast one step earlier
 * ({@link #LAG} feature, last): the same kernel mean a step back says whether the neighbourhood is slowing down or
 * recovering, which the nowcast alone does not (models written before it read with its coefficient 0). No
 * allocation: the caller passes the feature buffer and a scratch of 2 K.
 */
public final class KrigingKernel {

    /** Features after the 4 K neighbour ones. */
    public static final int EXTRA = 10;
    /** Position of the intercept after the neighbour features (not penalised by the ridge). */
    public static final int INTERCEPT = 5;
    /** Lagged features after the level features: the neighbours' kernel mean one step earlier. */
    public static final int LAG = 1;

    private KrigingKernel() {
    }

    public static int featureCount(int k) {
        return featureCount(k, 0);
    }

    /** Features with s segment level features after the time-varying ones. */
    public static int featureCount(int k, int s) {
        return 4 * k + EXTRA + s + LAG;
    }

    /** Position of the lagged kernel mean's departure among the features of K neighbours and s level features. */
    public static int lagFeature(int k, int s) {
        return 4 * k + EXTRA + s;
    }

    /**
     * Fills x[0, featureCount(k)) and returns B.
     *
     * @param g       kernel weights, g[gOff + k]
     * @param up      1 = upstream, 0 = downstream, up[gOff + k]
     * @param v       neighbour values [0, k)
     * @param vLag    neighbour values one step earlier [0, k) (the current value where none was kept)
     * @param p       neighbour profiles [0, k)
     * @param minute  local minute of the day of the target time
     * @param level   the segment's level features, level[lOff .. lOff + s)
     * @param scratch at least 2 k values
     */
    public static double features(int k, double[] g, double[] up, int gOff, double[] v, double[] vLag, double[] p,
                                  double zoneMeanV, int minute, double[] level, int lOff, int s, double[] x,
                                  double[] scratch) {
        double sumG = 0;
        for (int j = 0; j < k; j++) {
            sumG += g[gOff + j];
        }
        double kriged = 0;
        double lagged = 0;
        double pk = 0;
        double mean = 0;
        for (int j = 0; j < k; j++) {
            double omega = sumG > 1e-12 ? g[gOff + j] / sumG : 1.0 / k;
            kriged += omega * v[j];
            lagged += omega * vLag[j];
            pk += omega * p[j];
            mean += v[j];
            scratch[j] = v[j];
            scratch[k + j] = p[j];
        }
        mean /= k;
        double b = kriged;
        double wMedian = weightedMedian(v, g, gOff, k, sumG);
        // insertion sort of K (small) values in place: order statistics of v and of p, no allocation
        sort(scratch, 0, k);
        sort(scratch, k, k);
        double pMedian = median(scratch, k, k);
        for (int j = 0; j < k; j++) {
            double dev = v[j] - b;
            x[j] = scratch[j] - b;
            x[k + j] = dev;
            x[2 * k + j] = g[gOff + j] * dev;
            x[3 * k + j] = up[gOff + j] * dev;
        }
        int o = 4 * k;
        x[o] = wMedian - b;
        x[o + 1] = pk - b;
        x[o + 2] = pMedian - b;
        x[o + 3] = mean - b;
        x[zoneMeanFeature(k)] = zoneMeanV - b;
        x[o + INTERCEPT] = 1.0;
        double angle = 2 * Math.PI * minute / 1440.0;
        x[o + 6] = Math.sin(angle);
        x[o + 7] = Math.cos(angle);
        x[o + 8] = Math.sin(2 * angle);
        x[o + 9] = Math.cos(2 * angle);
        System.arraycopy(level, lOff, x, o + EXTRA, s);
        x[lagFeature(k, s)] = lagged - b;
        return b;
    }

    /** The value where the kernel weights of the smaller values reach half their sum (plain median if all ~0). */
    private static double weightedMedian(double[] v, double[] g, int gOff, int k, double sumG) {
        if (!(sumG > 1e-12)) {
            return weightedMedianEqual(v, k);
        }
        double half = 0.5 * sumG;
        // O(K^2) without sorting a copy: for each candidate, the weight of values strictly below it
        double best = v[0];
        double bestBelow = Double.POSITIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            double below = 0;
            double atOrBelow = 0;
            for (int j = 0; j < k; j++) {
                if (v[j] < v[i]) {
                    below += g[gOff + j];
                }
                if (v[j] <= v[i]) {
                    atOrBelow += g[gOff + j];
                }
            }
            // v[i] is a weighted median when the weight below is < half and at-or-below is >= half
            if (below < half && atOrBelow >= half && v[i] < bestBelow) {
                best = v[i];
                bestBelow = v[i];
            }
        }
        return best;
    }

    private static double weightedMedianEqual(double[] v, int k) {
        double best = v[0];
        for (int i = 0; i < k; i++) {
            int below = 0;
            int atOrBelow = 0;
            for (int j = 0; j < k; j++) {
                if (v[j] < v[i]) {
                    below++;
                }
                if (v[j] <= v[i]) {
                    atOrBelow++;
                }
            }
            if (2 * below < k && 2 * atOrBelow >= k) {
                return v[i];
            }
        }
        return best;
    }

    private static void sort(double[] a, int from, int length) {
        for (int i = from + 1; i < from + length; i++) {
            double key = a[i];
            int j = i - 1;
            while (j >= from && a[j] > key) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = key;
        }
    }

    /** The median of {@code sorted[from .. from + length)}, already in ascending order (length >= 1). */
    static double median(double[] sorted, int from, int length) {
        int mid = from + length / 2;
        return length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }

    /** Position of the zone mean's departure Vzone - B among the features of K neighbours. */
    public static int zoneMeanFeature(int k) {
        return 4 * k + 4;
    }

    /**
     * The coefficients of (1 - a) y_hat + a Vzone, the estimate moved a share a of the way to the zone's mean: the
     * kernel is linear in its coefficients and Vzone = B + (Vzone - B) is one of its features, so the shrunk estimate
     * is the same kernel with beta' = (1 - a) beta + a e_zone (no new feature, no new model format). Where the
     * neighbours say little about a road (a free-flowing freeway whose detectors differ more by their own level
     * than by their distance), the zone's mean is the better estimate and the fit can say how far to trust it.
     *
     * @param beta  coefficients of featureCount(k, s) features (not modified)
     * @param share a in [0, 1]; 0 returns an equal copy
     */
    public static double[] towardZoneMean(double[] beta, int k, double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("the share toward the zone mean must be in [0, 1], got " + share);
        }
        double[] out = new double[beta.length];
        for (int j = 0; j < beta.length; j++) {
            out[j] = (1 - share) * beta[j];
        }
        out[zoneMeanFeature(k)] += share;
        return out;
    }

    /** y_hat = B + beta[bOff ..] . x */
    public static double predict(double base, double[] beta, int bOff, double[] x, int f) {
        double y = base;
        for (int j = 0; j < f; j++) {
            y += beta[bOff + j] * x[j];
        }
        return y;
    }
}
