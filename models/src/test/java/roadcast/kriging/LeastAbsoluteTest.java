package roadcast.kriging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Known answers of the ridge-penalised least-absolute-deviations fit the kriging layer learns with. */
class LeastAbsoluteTest {

    @Test
    void recoversTheLineThroughTheBulkDespiteGrossOutliers() {
        // y = 2 x1 - 3 x2 + 1 (x3 = 1 is the intercept), and one sample in five thrown off by +40: least squares
        // moves with the outliers, the conditional median does not
        int n = 2000;
        int f = 3;
        float[] x = new float[n * f];
        float[] y = new float[n];
        Random r = new Random(7);
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian();
            double b = r.nextGaussian();
            x[i * f] = (float) a;
            x[i * f + 1] = (float) b;
            x[i * f + 2] = 1f;
            y[i] = (float) (2 * a - 3 * b + 1 + 0.1 * r.nextGaussian() + (i % 5 == 0 ? 40 : 0));
        }
        double[] beta = LeastAbsolute.fit(x, y, n, f, 0, null);
        assertEquals(2.0, beta[0], 0.15);
        assertEquals(-3.0, beta[1], 0.15);
        assertEquals(1.0, beta[2], 0.6, "intercept near 1, not the least-squares 9");
        double[] squares = LeastAbsolute.ridgeScaled(normal(x, n, f), rhs(x, y, n, f), f, n, 0);
        assertEquals(9.0, squares[2], 0.5, "least squares takes the outliers' mean shift");
    }

    @Test
    void includeSelectsTheSamplesAndInfiniteRidgeIsTheKernelMean() {
        // two populations: samples 0..99 follow y = 5, samples 100..199 follow y = -5 (intercept only)
        int n = 200;
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = 1f;
            y[i] = i < 100 ? 5f : -5f;
        }
        assertEquals(5.0, LeastAbsolute.fit(x, y, n, 1, 0, i -> i < 100)[0], 1e-6);
        assertEquals(-5.0, LeastAbsolute.fit(x, y, n, 1, 0, i -> i >= 100)[0], 1e-6);
        assertArrayEquals(new double[1], LeastAbsolute.fit(x, y, n, 1, Double.POSITIVE_INFINITY, null));
        // ridge lambda per unit weight on the least-squares start: beta = mean / (1 + lambda) = 5 / 2
        assertEquals(2.5, LeastAbsolute.ridgeScaled(new double[] {100}, new double[] {500}, 1, 100, 1)[0], 1e-12);
        assertTrue(Math.abs(LeastAbsolute.fit(x, y, n, 1, 1.0, i -> i < 100)[0]) < 5.0, "the ridge shrinks");
    }

    private static double[] normal(float[] x, int n, int f) {
        double[] a = new double[f * f];
        for (int i = 0; i < n; i++) {
            for (int row = 0; row < f; row++) {
                for (int c = row; c < f; c++) {
                    a[row * f + c] += x[i * f + row] * x[i * f + c];
                }
            }
        }
        return a;
    }

    private static double[] rhs(float[] x, float[] y, int n, int f) {
        double[] b = new double[f];
        for (int i = 0; i < n; i++) {
            for (int row = 0; row < f; row++) {
                b[row] += x[i * f + row] * y[i];
            }
        }
        return b;
    }
}
