package roadcast.manifold;

import roadcast.model.HorizonLeads;

/**
 * Per-segment correction of what the manifold misses: for segment i and horizon h, the target
 * R = d_{t+h,i} - (U A_h^T f_t)_i is regressed on g = [e_{i,t}, e_{i,t-1}, 1, x_{i,t}] by ridge,
 * phi = (G^T G + lambda I)^-1 G^T R, with x_{i,t} = {@link #excess}(e_{i,t} - e_{i,t-1}, tau_i) the part of the
 * residual's last jump beyond the segment's threshold tau_i ({@link #jumpThresholds}). G^T R = G^T d_{+h} - S_i^T A_h
 * U_i with S_i = F^T G_i, so the T x n matrix of manifold forecasts is never formed, and the moments are shared between
 * hyperparameter candidates: {@link ResidualMoments} depend on the basis only, {@link FeatureMoments} on basis and lag
 * order, the solve on lambda. Layout: the first three coefficients in {@code phi[(h * n + i) * 3 + c]}, the jump's in
 * {@code jump[h * n + i]} ({@link Correction}).
 * <p>
 * Why the jump term (issue 14): on a freeway's loops (PEMSD8, training rows) a small jump of a reading is partly noise
 * that reverts at the next step, while a large one is a real change that goes on; a linear term in e_t and e_{t-1}
 * fits one compromise, dominated by the few large jumps' squares, and reverts too little of the many small ones. With
 * the jump's excess beyond tau as a fourth feature the fit can revert small jumps and follow large ones. Where the
 * relation is linear (Los-loop) the excess weight comes out near zero.
 */
public final class LocalCorrection {

    public static final int WIDTH = 3;
    /**
     * tau_i = JUMP_SCALE x the segment's mean absolute residual jump |e_t - e_{t-1}| on the rows it is fitted on. 3:
     * on PEMSD8's training rows (persistence vs persistence minus 0.15 of the last jump clipped at +-tau, one step
     * ahead) tau of 2-5 mph did best, about three times the mean absolute jump there (0.69 mph); fixed, not searched,
     * so training costs what it did.
     */
    public static final double JUMP_SCALE = 3.0;
    /** Issue times whose terms are added to the moments together (they stay in cache meanwhile). */
    private static final int MOMENT_BLOCK = 8;

    private LocalCorrection() {
    }

    /**
     * The fitted correction of a zone: phi [H * n * 3] (e_t, e_{t-1}, constant), jump [H * n] (the weight of the jump's
     * excess) and the thresholds tau [n] the excess was taken beyond.
     */
    public record Correction(double[] phi, double[] jump, double[] threshold) {
    }

    /** The part of a jump j beyond +-tau: sign(j) max(|j| - tau, 0); 0 for tau = +infinity. */
    public static double excess(double jump, double tau) {
        return jump > tau ? jump - tau : jump < -tau ? jump + tau : 0.0;
    }

    /**
     * tau_i = {@link #JUMP_SCALE} x mean |e_t - e_{t-1}| of segment i over issue times [from, to) where both residuals
     * are of readings (non-zero: a missing reading's residual is 0); +infinity (no jump term) without such pairs.
     */
    public static double[] jumpThresholds(double[] e, int n, int from, int to) {
        double[] sum = new double[n];
        long[] count = new long[n];
        for (int t = Math.max(1, from); t < to; t++) {
            int cur = t * n;
            int prev = (t - 1) * n;
            for (int i = 0; i < n; i++) {
                double e0 = e[cur + i];
                double e1 = e[prev + i];
                if (e0 != 0.0 && e1 != 0.0) {
                    sum[i] += Math.abs(e0 - e1);
                    count[i]++;
                }
            }
        }
        double[] tau = new double[n];
        for (int i = 0; i < n; i++) {
            tau[i] = count[i] == 0 ? Double.POSITIVE_INFINITY : JUMP_SCALE * sum[i] / count[i];
        }
        return tau;
    }

    /**
     * G^T G and G^T d_{+h} of every segment over issue times [from, to).
     *
     * @param gtg  [n * 5]: sum e_t^2, sum e_t e_{t-1}, sum e_t, sum e_{t-1}^2, sum e_{t-1}
     * @param gtd  [H * n * 3]: sum e_t d_{t+h}, sum e_{t-1} d_{t+h}, sum d_{t+h}
     * @param tau  [n] the jump thresholds
     * @param gtgx [n * 4]: sum x e_t, sum x e_{t-1}, sum x, sum x^2 with x the jump's excess
     * @param gtdx [H * n]: sum x d_{t+h}
     */
    public record ResidualMoments(int n, int horizons, int from, int to, double[] gtg, double[] gtd, double[] tau,
                                  double[] gtgx, double[] gtdx) {
    }

    /**
     * S_i = F^T G_i over the same issue times: s0[j * n + i] = sum f_tj e_{t,i}, s1 with e_{t-1,i}, s2[j] = sum f_tj,
     * s3[j * n + i] = sum f_tj x_{t,i} (the jump's excess).
     */
    public record FeatureMoments(int rank, int order, double[] s0, double[] s1, double[] s2, double[] s3) {

        /**
         * The moments of a lower lag order over the same issue times: its features are the first r p features of
         * this order plus the constant, so they are a slice, not a new pass over the history.
         */
        public FeatureMoments forOrder(int p) {
            if (p == order) {
                return this;
            }
            if (p > order || p < 1) {
                throw new IllegalArgumentException("order " + p + " is not within 1.." + order);
            }
            int n = s0.length / LatentDynamics.featureCount(rank, order);
            return new FeatureMoments(rank, p, slice(s0, n, p), slice(s1, n, p), slice(s2, 1, p), slice(s3, n, p));
        }

        /** Rows 0 .. r p - 1 and the constant's row (r order) of a [q * width] moment. */
        private double[] slice(double[] s, int width, int p) {
            int keep = rank * p;
            int constant = rank * order;
            double[] t = new double[(keep + 1) * width];
            System.arraycopy(s, 0, t, 0, keep * width);
            System.arraycopy(s, constant * width, t, keep * width, width);
            return t;
        }
    }

    /**
     * @param e     residuals [T * n]
     * @param dFill deviations with missing entries filled [T * n]
     * @param from  first issue time, at least 1 (e_{t-1} is used)
     * @param leads steps ahead of each of the H horizons: horizon h's target is row t + leads.steps(h)
     * @param to    last issue time (exclusive), to - 1 + leads.max() < T
     * @param tau   [n] jump thresholds ({@link #jumpThresholds})
     */
    public static ResidualMoments residualMoments(double[] e, double[] dFill, int n, HorizonLeads leads, int from,
                                                  int to, double[] tau) {
        int horizons = leads.count();
        double[] gtg = new double[5 * n];
        double[] gtd = new double[horizons * n * WIDTH];
        double[] gtgx = new double[4 * n];
        double[] gtdx = new double[horizons * n];
        for (int t = from; t < to; t++) {
            int cur = t * n;
            int prev = (t - 1) * n;
            for (int i = 0; i < n; i++) {
                double e0 = e[cur + i];
                double e1 = e[prev + i];
                int g = 5 * i;
                gtg[g] += e0 * e0;
                gtg[g + 1] += e0 * e1;
                gtg[g + 2] += e0;
                gtg[g + 3] += e1 * e1;
                gtg[g + 4] += e1;
                double x = excess(e0 - e1, tau[i]);
                if (x != 0.0) {
                    int gx = 4 * i;
                    gtgx[gx] += x * e0;
                    gtgx[gx + 1] += x * e1;
                    gtgx[gx + 2] += x;
                    gtgx[gx + 3] += x * x;
                }
            }
        }
        // G^T d_{+h}: MOMENT_BLOCK issue times at once per horizon, each sum's terms still added in time order
        double[] xs = new double[MOMENT_BLOCK * n];
        for (int t0 = from; t0 < to; t0 += MOMENT_BLOCK) {
            int t1 = Math.min(to, t0 + MOMENT_BLOCK);
            boolean anyJump = false;
            for (int t = t0; t < t1; t++) {
                int cur = t * n;
                int prev = (t - 1) * n;
                int o = (t - t0) * n;
                for (int i = 0; i < n; i++) {
                    double x = excess(e[cur + i] - e[prev + i], tau[i]);
                    xs[o + i] = x;
                    anyJump |= x != 0.0;
                }
            }
            for (int h = 0; h < horizons; h++) {
                int out = h * n * WIDTH;
                int outX = h * n;
                for (int t = t0; t < t1; t++) {
                    int cur = t * n;
                    int prev = (t - 1) * n;
                    int target = (t + leads.steps(h)) * n;
                    for (int i = 0; i < n; i++) {
                        double dv = dFill[target + i];
                        int o = out + i * WIDTH;
                        gtd[o] += e[cur + i] * dv;
                        gtd[o + 1] += e[prev + i] * dv;
                        gtd[o + 2] += dv;
                    }
                    if (anyJump) {
                        int o = (t - t0) * n;
                        for (int i = 0; i < n; i++) {
                            gtdx[outX + i] += xs[o + i] * dFill[target + i];
                        }
                    }
                }
            }
        }
        return new ResidualMoments(n, horizons, from, to, gtg, gtd, tau.clone(), gtgx, gtdx);
    }

    /** F^T G_i over the issue times of {@code residual}, for latent series z [T * r] with lag order p. */
    public static FeatureMoments featureMoments(double[] e, double[] z, int r, int p, ResidualMoments residual) {
        int n = residual.n();
        int q = LatentDynamics.featureCount(r, p);
        double[] tau = residual.tau();
        double[] s0 = new double[q * n];
        double[] s1 = new double[q * n];
        double[] s2 = new double[q];
        double[] s3 = new double[q * n];
        // MOMENT_BLOCK issue times at once per feature, so s0 and s1 (q * n each) are swept once per block rather than
        // once per issue time; each sum's terms are still added in time order, so the sums are the same bits
        double[] f = new double[MOMENT_BLOCK * q];
        for (int t0 = residual.from(); t0 < residual.to(); t0 += MOMENT_BLOCK) {
            int t1 = Math.min(residual.to(), t0 + MOMENT_BLOCK);
            for (int t = t0; t < t1; t++) {
                LatentDynamics.features(z, r, p, t, f, (t - t0) * q);
            }
            for (int j = 0; j < q; j++) {
                int row = j * n;
                for (int t = t0; t < t1; t++) {
                    double fj = f[(t - t0) * q + j];
                    s2[j] += fj;
                    int cur = t * n;
                    int prev = (t - 1) * n;
                    for (int i = 0; i < n; i++) {
                        s0[row + i] += fj * e[cur + i];
                        s1[row + i] += fj * e[prev + i];
                    }
                }
            }
            // the jump's excess is non-zero for few (segment, time) pairs: added only where it is
            for (int t = t0; t < t1; t++) {
                int cur = t * n;
                int prev = (t - 1) * n;
                int fo = (t - t0) * q;
                for (int i = 0; i < n; i++) {
                    double x = excess(e[cur + i] - e[prev + i], tau[i]);
                    if (x != 0.0) {
                        for (int j = 0; j < q; j++) {
                            s3[j * n + i] += f[fo + j] * x;
                        }
                    }
                }
            }
        }
        return new FeatureMoments(r, p, s0, s1, s2, s3);
    }

    /** The correction for dynamics a ({@link LatentDynamics} layout) and basis u [n * r]. */
    public static Correction solve(ResidualMoments res, FeatureMoments feat, double[] u, double[] a, double lambda) {
        int n = res.n();
        int horizons = res.horizons();
        int r = feat.rank();
        int q = LatentDynamics.featureCount(r, feat.order());
        long m = res.to() - res.from();
        double[] gtg = res.gtg();
        double[] gtd = res.gtd();
        double[] gtgx = res.gtgx();
        double[] gtdx = res.gtdx();
        double[] s0 = feat.s0();
        double[] s1 = feat.s1();
        double[] s2 = feat.s2();
        double[] s3 = feat.s3();
        double[] phi = new double[horizons * n * WIDTH];
        double[] jump = new double[horizons * n];
        double[] w = new double[q];
        int width = WIDTH + 1;
        double[] mat = new double[width * width];
        double[] rhs = new double[width];
        for (int h = 0; h < horizons; h++) {
            for (int i = 0; i < n; i++) {
                // w = A_h U_i: the manifold forecast of segment i is w . f_t
                java.util.Arrays.fill(w, 0.0);
                for (int k = 0; k < r; k++) {
                    double uik = u[i * r + k];
                    int row = (h * r + k) * q;
                    for (int j = 0; j < q; j++) {
                        w[j] += uik * a[row + j];
                    }
                }
                double c0 = 0;
                double c1 = 0;
                double c2 = 0;
                double c3 = 0;
                for (int j = 0; j < q; j++) {
                    c0 += s0[j * n + i] * w[j];
                    c1 += s1[j * n + i] * w[j];
                    c2 += s2[j] * w[j];
                    c3 += s3[j * n + i] * w[j];
                }
                int o = (h * n + i) * WIDTH;
                rhs[0] = gtd[o] - c0;
                rhs[1] = gtd[o + 1] - c1;
                rhs[2] = gtd[o + 2] - c2;
                rhs[3] = gtdx[h * n + i] - c3;
                int g = 5 * i;
                int gx = 4 * i;
                // lower triangle of G^T G + lambda I, row-major 4 x 4, features e_t, e_{t-1}, 1, x
                mat[0] = gtg[g] + lambda;
                mat[4] = gtg[g + 1];
                mat[5] = gtg[g + 3] + lambda;
                mat[8] = gtg[g + 2];
                mat[9] = gtg[g + 4];
                mat[10] = m + lambda;
                mat[12] = gtgx[gx];
                mat[13] = gtgx[gx + 1];
                mat[14] = gtgx[gx + 2];
                mat[15] = gtgx[gx + 3] + lambda;
                SmallSolve.choleskyInPlace(mat, width);
                SmallSolve.choleskySolveInPlace(mat, width, rhs);
                phi[o] = rhs[0];
                phi[o + 1] = rhs[1];
                phi[o + 2] = rhs[2];
                jump[h * n + i] = rhs[3];
            }
        }
        return new Correction(phi, jump, res.tau().clone());
    }

    /** One-shot fit: thresholds from the same issue times, moments and solve. */
    public static Correction fit(double[] e, double[] dFill, int n, double[] z, double[] u, int r, int p, double[] a,
                                 HorizonLeads leads, int from, int to, double lambda) {
        double[] tau = jumpThresholds(e, n, from, to);
        ResidualMoments res = residualMoments(e, dFill, n, leads, from, to, tau);
        return solve(res, featureMoments(e, z, r, p, res), u, a, lambda);
    }
}
