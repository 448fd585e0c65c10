package roadcast.manifold;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import roadcast.model.HorizonLeads;

class LocalCorrectionTest {

    /**
     * The moment-based solve equals ridge regression on explicitly formed targets R = d_{t+h} - U A_h^T f_t and
     * features [e_t, e_{t-1}, 1, excess(e_t - e_{t-1}, tau)], and lower orders' moments are slices.
     */
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
        // thresholds low enough that every segment has many jumps beyond them; the last segment has none (+infinity)
        double[] tau = new double[n];
        for (int i = 0; i < n; i++) {
            tau[i] = i == n - 1 ? Double.POSITIVE_INFINITY : 0.8 + 0.2 * i;
        }
        LocalCorrection.ResidualMoments res = LocalCorrection.residualMoments(e, d, n,
                HorizonLeads.consecutive(horizons), from, to, tau);
        LocalCorrection.FeatureMoments wide = LocalCorrection.featureMoments(e, z, r, p, res);
        for (int order = 1; order <= p; order++) {
            LocalCorrection.FeatureMoments direct = LocalCorrection.featureMoments(e, z, r, order, res);
            LocalCorrection.FeatureMoments sliced = wide.forOrder(order);
            assertArrayEquals(direct.s0(), sliced.s0(), 1e-9);
            assertArrayEquals(direct.s1(), sliced.s1(), 1e-9);
            assertArrayEquals(direct.s2(), sliced.s2(), 1e-9);
            assertArrayEquals(direct.s3(), sliced.s3(), 1e-9);
            int q = LatentDynamics.featureCount(r, order);
            double[] a = LatentDynamics.fit(z, r, order, HorizonLeads.consecutive(horizons), from, to, lambda);
            LocalCorrection.Correction fit = LocalCorrection.solve(res, sliced, u, a, lambda);
            assertArrayEquals(tau, fit.threshold());
            double[] f = new double[q];
            for (int h = 0; h < horizons; h++) {
                for (int i = 0; i < n; i++) {
                    double[] gtg = new double[16];
                    double[] gtr = new double[4];
                    int beyond = 0;
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
                        double jump = e[t * n + i] - e[(t - 1) * n + i];
                        double excess = Math.signum(jump) * Math.max(0.0, Math.abs(jump) - tau[i]);
                        beyond += excess != 0 ? 1 : 0;
                        double[] g = {e[t * n + i], e[(t - 1) * n + i], 1, excess};
                        for (int x = 0; x < 4; x++) {
                            gtr[x] += g[x] * target;
                            for (int y = 0; y < 4; y++) {
                                gtg[x * 4 + y] += g[x] * g[y];
                            }
                        }
                    }
                    assertTrue(i == n - 1 ? beyond == 0 : beyond > 20, "jumps beyond tau of segment " + i);
                    for (int x = 0; x < 4; x++) {
                        gtg[x * 4 + x] += lambda;
                    }
                    DMatrixRMaj sol = new DMatrixRMaj(4, 1);
                    CommonOps_DDRM.solve(new DMatrixRMaj(4, 4, true, gtg), new DMatrixRMaj(4, 1, true, gtr), sol);
                    for (int x = 0; x < 3; x++) {
                        assertEquals(sol.get(x), fit.phi()[(h * n + i) * 3 + x], 1e-9);
                    }
                    assertEquals(sol.get(3), fit.jump()[h * n + i], 1e-9);
                    if (i == n - 1) {
                        assertEquals(0.0, fit.jump()[h * n + i], 0.0, "no jump beyond +infinity: weight 0");
                    }
                }
            }
        }
    }

    /** tau_i = 3 x the mean absolute jump between two readings (non-zero residuals); +infinity without such pairs. */
    @Test
    void jumpThresholdsAreThreeMeanAbsoluteJumpsOfReadings() {
        int n = 3;
        double[] e = {
            1.0, 0.0, 0.0,
            2.0, 0.0, 5.0,
            0.0, 0.0, 1.0,   // segment 0 has no reading here: its jumps into and out of this row do not count
            4.0, 0.0, 3.0,
            3.0, 0.0, 2.0,
        };
        double[] tau = LocalCorrection.jumpThresholds(e, n, 1, 5);
        assertEquals(LocalCorrection.JUMP_SCALE * (1.0 + 1.0) / 2, tau[0], 1e-12);
        assertEquals(Double.POSITIVE_INFINITY, tau[1]);
        assertEquals(LocalCorrection.JUMP_SCALE * (4.0 + 2.0 + 1.0) / 3, tau[2], 1e-12);
        assertEquals(0.0, LocalCorrection.excess(1.5, 2.0), 0.0);
        assertEquals(0.5, LocalCorrection.excess(2.5, 2.0), 1e-15);
        assertEquals(-1.0, LocalCorrection.excess(-3.0, 2.0), 1e-15);
        assertEquals(0.0, LocalCorrection.excess(1e9, Double.POSITIVE_INFINITY), 0.0);
    }

    /**
     * A loop's reading whose small jumps are noise (they revert at the next step) and whose large ones are real
     * changes (they last), as on PEMSD8's freeway loops (issue 14): a correction linear in e_t and e_{t-1} can only fit
     * one compromise between reverting and following; with the jump's excess beyond tau it reverts the small ones and
     * follows the large ones, and its one-step forecasts on later rows beat both the linear correction's and the last
     * reading's (persistence) in RMSE and MAE.
     */
    @Test
    void jumpTermRevertsNoiseAndFollowsLevelShiftsOnLaterRows() {
        Random rnd = new Random(14);
        int steps = 4000;
        int n = 1;
        int r = 1;
        int p = 1;
        int horizons = 1;
        double lambda = 0.1;
        double[] e = new double[steps];
        double level = 0;
        for (int t = 0; t < steps; t++) {
            if (rnd.nextDouble() < 0.02) {
                level += (rnd.nextBoolean() ? 1 : -1) * (4 + 4 * rnd.nextDouble());
            }
            level *= 0.995;
            e[t] = level + 0.5 * rnd.nextGaussian();
        }
        // no manifold part: z = 0, so the target is the next residual itself
        double[] z = new double[steps * r];
        double[] u = {1.0};
        double[] d = e.clone();
        int half = steps / 2;
        LocalCorrection.Correction withJump = LocalCorrection.fit(e, d, n, z, u, r, p,
                LatentDynamics.fit(z, r, p, HorizonLeads.consecutive(horizons), 1, half, lambda),
                HorizonLeads.consecutive(horizons), 1, half, lambda);
        assertTrue(withJump.threshold()[0] > 1 && withJump.threshold()[0] < 4, "tau " + withJump.threshold()[0]);
        assertTrue(withJump.jump()[0] > 0.2, "a large jump is followed: kappa " + withJump.jump()[0]);
        // the linear correction: the same fit with no jump beyond +infinity
        double[] none = {Double.POSITIVE_INFINITY};
        LocalCorrection.ResidualMoments res = LocalCorrection.residualMoments(e, d, n,
                HorizonLeads.consecutive(horizons), 1, half, none);
        LocalCorrection.Correction linear = LocalCorrection.solve(res, LocalCorrection.featureMoments(e, z, r, p, res),
                u, LatentDynamics.fit(z, r, p, HorizonLeads.consecutive(horizons), 1, half, lambda), lambda);
        assertEquals(0.0, linear.jump()[0], 0.0);
        double[] sq = new double[3];
        double[] abs = new double[3];
        for (int t = half; t < steps - 1; t++) {
            double jump = LocalCorrection.excess(e[t] - e[t - 1], withJump.threshold()[0]);
            double[] forecast = {
                withJump.phi()[0] * e[t] + withJump.phi()[1] * e[t - 1] + withJump.phi()[2] + withJump.jump()[0] * jump,
                linear.phi()[0] * e[t] + linear.phi()[1] * e[t - 1] + linear.phi()[2],
                e[t],
            };
            for (int k = 0; k < 3; k++) {
                double err = e[t + 1] - forecast[k];
                sq[k] += err * err;
                abs[k] += Math.abs(err);
            }
        }
        assertTrue(sq[0] < 0.97 * sq[1] && sq[0] < 0.97 * sq[2],
                "squared errors with jump, linear, persistence: " + java.util.Arrays.toString(sq));
        assertTrue(abs[0] < 0.97 * abs[1] && abs[0] < 0.97 * abs[2],
                "absolute errors with jump, linear, persistence: " + java.util.Arrays.toString(abs));
    }
}
