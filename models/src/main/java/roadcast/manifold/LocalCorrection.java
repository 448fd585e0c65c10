package roadcast.manifold;

/**
 * Per-segment correction of what the manifold misses: for segment i and horizon h, the target
 * R = d_{t+h,i} - (U A_h^T f_t)_i is regressed on g = [e_{i,t}, e_{i,t-1}, 1] by ridge,
 * phi = (G^T G + lambda I)^-1 G^T R. G^T R = G^T d_{+h} - S_i^T A_h U_i with S_i = F^T G_i, so the T x n matrix of
 * manifold forecasts is never formed, and the moments are shared between hyperparameter candidates:
 * {@link ResidualMoments} depend on the basis only, {@link FeatureMoments} on basis and lag order, the solve on
 * lambda. Layout of phi: {@code phi[(h * n + i) * 3 + c]}.
 */
public final class LocalCorrection {

    public static final int WIDTH = 3;
    /** Issue times whose terms are added to the moments together (they stay in cache meanwhile). */
    private static final int MOMENT_BLOCK = 8;

    private LocalCorrection() {
    }

    /**
     * G^T G and G^T d_{+h} of every segment over issue times [from, to).
     *
     * @param gtg [n * 5]: sum e_t^2, sum e_t e_{t-1}, sum e_t, sum e_{t-1}^2, sum e_{t-1}
     * @param gtd [H * n * 3]: sum e_t d_{t+h}, sum e_{t-1} d_{t+h}, sum d_{t+h}
     */
    public record ResidualMoments(int n, int horizons, int from, int to, double[] gtg, double[] gtd) {
    }

    /**
     * S_i = F^T G_i over the same issue times: s0[j * n + i] = sum f_tj e_{t,i}, s1 with e_{t-1,i}, s2[j] = sum f_tj.
     */
    public record FeatureMoments(int rank, int order, double[] s0, double[] s1, double[] s2) {

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
            int keep = rank * p;
            int constant = rank * order;
            double[] t0 = new double[(keep + 1) * n];
            double[] t1 = new double[(keep + 1) * n];
            double[] t2 = new double[keep + 1];
            System.arraycopy(s0, 0, t0, 0, keep * n);
            System.arraycopy(s1, 0, t1, 0, keep * n);
            System.arraycopy(s0, constant * n, t0, keep * n, n);
            System.arraycopy(s1, constant * n, t1, keep * n, n);
            System.arraycopy(s2, 0, t2, 0, keep);
            t2[keep] = s2[constant];
            return new FeatureMoments(rank, p, t0, t1, t2);
        }
    }

    /**
     * @param e     residuals [T * n]
     * @param dFill deviations with missing entries filled [T * n]
     * @param from  first issue time, at least 1 (e_{t-1} is used)
     * @param to    last issue time (exclusive), to - 1 + H < T
     */
    public static ResidualMoments residualMoments(double[] e, double[] dFill, int n, int horizons, int from, int to) {
        double[] gtg = new double[5 * n];
        double[] gtd = new double[horizons * n * WIDTH];
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
            }
        }
        // G^T d_{+h}: MOMENT_BLOCK issue times at once per horizon, each sum's terms still added in time order
        for (int t0 = from; t0 < to; t0 += MOMENT_BLOCK) {
            int t1 = Math.min(to, t0 + MOMENT_BLOCK);
            for (int h = 0; h < horizons; h++) {
                int out = h * n * WIDTH;
                for (int t = t0; t < t1; t++) {
                    int cur = t * n;
                    int prev = (t - 1) * n;
                    int target = (t + h + 1) * n;
                    for (int i = 0; i < n; i++) {
                        double dv = dFill[target + i];
                        int o = out + i * WIDTH;
                        gtd[o] += e[cur + i] * dv;
                        gtd[o + 1] += e[prev + i] * dv;
                        gtd[o + 2] += dv;
                    }
                }
            }
        }
        return new ResidualMoments(n, horizons, from, to, gtg, gtd);
    }

    /** F^T G_i over the issue times of {@code residual}, for latent series z [T * r] with lag order p. */
    public static FeatureMoments featureMoments(double[] e, double[] z, int r, int p, ResidualMoments residual) {
        int n = residual.n();
        int q = LatentDynamics.featureCount(r, p);
        double[] s0 = new double[q * n];
        double[] s1 = new double[q * n];
        double[] s2 = new double[q];
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
        }
        return new FeatureMoments(r, p, s0, s1, s2);
    }

    /** phi for dynamics a ({@link LatentDynamics} layout) and basis u [n * r]. */
    public static double[] solve(ResidualMoments res, FeatureMoments feat, double[] u, double[] a, double lambda) {
        int n = res.n();
        int horizons = res.horizons();
        int r = feat.rank();
        int q = LatentDynamics.featureCount(r, feat.order());
        long m = res.to() - res.from();
        double[] gtg = res.gtg();
        double[] gtd = res.gtd();
        double[] s0 = feat.s0();
        double[] s1 = feat.s1();
        double[] s2 = feat.s2();
        double[] phi = new double[horizons * n * WIDTH];
        double[] w = new double[q];
        double[] mat = new double[WIDTH * WIDTH];
        double[] rhs = new double[WIDTH];
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
                for (int j = 0; j < q; j++) {
                    c0 += s0[j * n + i] * w[j];
                    c1 += s1[j * n + i] * w[j];
                    c2 += s2[j] * w[j];
                }
                int o = (h * n + i) * WIDTH;
                rhs[0] = gtd[o] - c0;
                rhs[1] = gtd[o + 1] - c1;
                rhs[2] = gtd[o + 2] - c2;
                int g = 5 * i;
                // lower triangle of G^T G + lambda I, row-major 3 x 3
                mat[0] = gtg[g] + lambda;
                mat[3] = gtg[g + 1];
                mat[4] = gtg[g + 3] + lambda;
                mat[6] = gtg[g + 2];
                mat[7] = gtg[g + 4];
                mat[8] = m + lambda;
                SmallSolve.choleskyInPlace(mat, WIDTH);
                SmallSolve.choleskySolveInPlace(mat, WIDTH, rhs);
                phi[o] = rhs[0];
                phi[o + 1] = rhs[1];
                phi[o + 2] = rhs[2];
            }
        }
        return phi;
    }

    /** One-shot fit: moments and solve. */
    public static double[] fit(double[] e, double[] dFill, int n, double[] z, double[] u, int r, int p, double[] a,
                               int horizons, int from, int to, double lambda) {
        ResidualMoments res = residualMoments(e, dFill, n, horizons, from, to);
        return solve(res, featureMoments(e, z, r, p, res), u, a, lambda);
    }
}
