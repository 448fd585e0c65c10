package roadcast.kriging;

/**
 * The kriging kernel: the estimate of a segment without data from its K nearest observed neighbours, the one
 * function the fitter learns with and the forecaster applies (no second implementation).
 * <p>
 * With g_k = exp(-(d_k / w)^2) the neighbours' kernel weights, omega_k = g_k / sum g, v_k the neighbours' values
 * (now, or their forecasts at a horizon) and p_k their periodic profiles at the target time:
 * <pre>
 *   B = sum omega_k v_k          (kriged value: the kernel-weighted neighbour mean)
 *   P = sum omega_k p_k          (kriged profile)
 *   y_hat = B + beta . x,  x = [ v_k - B (k = 1..K, nearest first), g_k (v_k - B), up_k (v_k - B),
 *                               P - B, mean_k v_k - B, Vzone - B, P - Pzone, 1,
 *                               sin/cos of 2 pi tod, sin/cos of 4 pi tod ]
 * </pre>
 * where up_k is 1 for an upstream neighbour, Vzone and Pzone the means of the zone's values and profiles, and tod
 * the local time of day as a fraction. beta is one ridge regression shared by all segments, learned on masked
 * observed segments. No allocation: the caller passes the feature buffer.
 */
public final class KrigingKernel {

    /** Features after the 3 K neighbour ones. */
    public static final int EXTRA = 9;

    private KrigingKernel() {
    }

    public static int featureCount(int k) {
        return 3 * k + EXTRA;
    }

    /**
     * Fills x[0, featureCount(k)) and returns B.
     *
     * @param g      kernel weights, g[gOff + k]
     * @param up     1 = upstream, 0 = downstream, up[gOff + k]
     * @param v      neighbour values [0, k)
     * @param p      neighbour profiles [0, k)
     * @param minute local minute of the day of the target time
     */
    public static double features(int k, double[] g, double[] up, int gOff, double[] v, double[] p, double zoneMeanV,
                                  double zoneMeanP, int minute, double[] x) {
        double sumG = 0;
        for (int j = 0; j < k; j++) {
            sumG += g[gOff + j];
        }
        double b = 0;
        double pk = 0;
        double mean = 0;
        for (int j = 0; j < k; j++) {
            double omega = sumG > 1e-12 ? g[gOff + j] / sumG : 1.0 / k;
            b += omega * v[j];
            pk += omega * p[j];
            mean += v[j];
        }
        mean /= k;
        for (int j = 0; j < k; j++) {
            double dev = v[j] - b;
            x[j] = dev;
            x[k + j] = g[gOff + j] * dev;
            x[2 * k + j] = up[gOff + j] * dev;
        }
        int o = 3 * k;
        x[o] = pk - b;
        x[o + 1] = mean - b;
        x[o + 2] = zoneMeanV - b;
        x[o + 3] = pk - zoneMeanP;
        x[o + 4] = 1.0;
        double angle = 2 * Math.PI * minute / 1440.0;
        x[o + 5] = Math.sin(angle);
        x[o + 6] = Math.cos(angle);
        x[o + 7] = Math.sin(2 * angle);
        x[o + 8] = Math.cos(2 * angle);
        return b;
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
