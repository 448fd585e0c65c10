package roadcast.manifold;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

class LocalCorrectionTest {

    /** The moment-based solve equals ridge regression on explicitly formed targets R = d_{t+h} - U A_h^T f_t. */
    @Test
    void momentSolveEqualsDirectRidgeAndLowerOrdersAreSlices() {
        Random rnd = new Random(2);
        int steps = 300;
        int n = 6;
        int r = 2;
        int p = 3;
        int horizons = 3;
        double lambda = 0.7;
        double[] e = new double[steps * n];
        double[] d = new double[steps * n];
        double[] z = new double[steps * r];
        double[] u = new double[n * r];
        for (int k = 0; k < e.length; k++) {
            e[k] = rnd.nextGaussian();
            d[k] = rnd.nextGaussian() + 0.5 * e[k];
        }
        for (int k = 0; k < z.length; k++) {
            z[k] = rnd.nextGaussian();
        }
        for (int k = 0; k < u.length; k++) {
            u[k] = rnd.nextGaussian();
        }
        int from = 2;
        int to = steps - horizons;
        LocalCorrection.ResidualMoments res = LocalCorrection.residualMoments(e, d, n, horizons, from, to);
        LocalCorrection.FeatureMoments wide = LocalCorrection.featureMoments(e, z, r, p, res);
        for (int order = 1; order <= p; order++) {
            LocalCorrection.FeatureMoments direct = LocalCorrection.featureMoments(e, z, r, order, res);
            LocalCorrection.FeatureMoments sliced = wide.forOrder(order);
            assertArrayEquals(direct.s0(), sliced.s0(), 1e-9);
            assertArrayEquals(direct.s1(), sliced.s1(), 1e-9);
            assertArrayEquals(direct.s2(), sliced.s2(), 1e-9);
            int q = LatentDynamics.featureCount(r, order);
            double[] a = LatentDynamics.fit(z, r, order, horizons, from, to, lambda);
            double[] phi = LocalCorrection.solve(res, sliced, u, a, lambda);
            double[] f = new double[q];
            for (int h = 0; h < horizons; h++) {
                for (int i = 0; i < n; i++) {
                    double[] gtg = new double[9];
                    double[] gtr = new double[3];
                    for (int t = from; t < to; t++) {
                        LatentDynamics.features(z, r, order, t, f);
                        double manifold = 0;
                        for (int k = 0; k < r; k++) {
                            double zk = 0;
                            for (int j = 0; j < q; j++) {
                                zk += a[(h * r + k) * q + j] * f[j];
                            }
                            manifold += u[i * r + k] * zk;
                        }
                        double target = d[(t + h + 1) * n + i] - manifold;
                        double[] g = {e[t * n + i], e[(t - 1) * n + i], 1};
                        for (int x = 0; x < 3; x++) {
                            gtr[x] += g[x] * target;
                            for (int y = 0; y < 3; y++) {
                                gtg[x * 3 + y] += g[x] * g[y];
                            }
                        }
                    }
                    for (int x = 0; x < 3; x++) {
                        gtg[x * 3 + x] += lambda;
                    }
                    org.ejml.data.DMatrixRMaj sol = new org.ejml.data.DMatrixRMaj(3, 1);
                    org.ejml.dense.row.CommonOps_DDRM.solve(new org.ejml.data.DMatrixRMaj(3, 3, true, gtg),
                            new org.ejml.data.DMatrixRMaj(3, 1, true, gtr), sol);
                    for (int x = 0; x < 3; x++) {
                        assertEquals(sol.get(x), phi[(h * n + i) * 3 + x], 1e-9);
                    }
                }
            }
        }
    }
}
