package roadcast.manifold;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import roadcast.model.HorizonLeads;

class LatentDynamicsTest {

    /** A^T f of dynamics a (layout of LatentDynamics) for latent k at horizon index h, features of order p at t. */
    private static double forecast(double[] a, double[] z, int r, int p, int h, int k, int t) {
        int q = LatentDynamics.featureCount(r, p);
        double[] f = new double[q];
        LatentDynamics.features(z, r, p, t, f);
        double acc = 0;
        for (int j = 0; j < q; j++) {
            acc += a[(h * r + k) * q + j] * f[j];
        }
        return acc;
    }

    /**
     * The order-averaged dynamics forecast the mean of the forecasts of orders 1..p (what the kernel, linear in A,
     * then serves), and differ from the order-p dynamics alone; with one order they are that order's solve.
     */
    @Test
    void averagedDynamicsForecastTheMeanOfEveryOrder() {
        Random rnd = new Random(5);
        int steps = 400;
        int r = 2;
        int p = 3;
        int horizons = 4;
        double lambda = 0.5;
        double[] z = new double[steps * r];
        for (int t = 1; t < steps; t++) {
            // an AR(2)-like latent series, so that the orders disagree
            for (int k = 0; k < r; k++) {
                double prev2 = t >= 2 ? z[(t - 2) * r + k] : 0;
                z[t * r + k] = 0.6 * z[(t - 1) * r + k] - 0.3 * prev2 + rnd.nextGaussian() + 0.2 * k;
            }
        }
        int from = p - 1;
        int to = steps - horizons;
        LatentDynamics.Moments[] moments = new LatentDynamics.Moments[p];
        for (int k = 1; k <= p; k++) {
            moments[k - 1] = LatentDynamics.moments(z, r, k, HorizonLeads.consecutive(horizons), from, to);
        }
        double[] averaged = LatentDynamics.solveAveraged(moments, lambda);
        double[] single = LatentDynamics.solve(moments[p - 1], lambda);
        double largestGap = 0;
        for (int t = from; t < to; t += 37) {
            for (int h = 0; h < horizons; h++) {
                for (int k = 0; k < r; k++) {
                    double mean = 0;
                    for (int order = 1; order <= p; order++) {
                        double[] a = LatentDynamics.fit(z, r, order, HorizonLeads.consecutive(horizons), from, to,
                                lambda);
                        mean += forecast(a, z, r, order, h, k, t) / p;
                    }
                    double got = forecast(averaged, z, r, p, h, k, t);
                    assertEquals(mean, got, 1e-9);
                    largestGap = Math.max(largestGap, Math.abs(got - forecast(single, z, r, p, h, k, t)));
                }
            }
        }
        assertTrue(largestGap > 1e-3, "the average should differ from the order-" + p + " dynamics alone");
        assertArrayEquals(LatentDynamics.solve(moments[0], lambda),
                LatentDynamics.solveAveraged(new LatentDynamics.Moments[] {moments[0]}, lambda), 1e-12);
    }
}
