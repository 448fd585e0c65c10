package roadcast.manifold;

import roadcast.model.HorizonLeads;

/**
 * Direct multi-horizon latent dynamics: for each horizon h, z_{t+h} ~ A_h^T f_t with features
 * f_t = [z_t, z_{t-1}, ..., z_{t-p+1}, 1] (length q = r p + 1), fitted by ridge regression
 * A_h = (F^T F + lambda I)^-1 F^T Z_{+h}. Layout of A: {@code a[(h * r + k) * q + j]} = weight of feature j for
 * latent k at horizon index h ({@link HorizonLeads#steps(int)} steps ahead), so one forecast reads contiguous memory.
 * The trainer stores the order-averaged dynamics ({@link #solveAveraged}) in this layout.
 */
public final class LatentDynamics {

    private LatentDynamics() {
    }

    public static int featureCount(int rank, int order) {
        return rank * order + 1;
    }

    /** Writes f_t into out[0..q): lags of the latent series [T * r], then the constant 1. Requires t >= p - 1. */
    public static void features(double[] z, int r, int p, int t, double[] out) {
        features(z, r, p, t, out, 0);
    }

    /** {@link #features} into out[off .. off + r p + 1). */
    public static void features(double[] z, int r, int p, int t, double[] out, int off) {
        for (int j = 0; j < p; j++) {
            System.arraycopy(z, (t - j) * r, out, off + j * r, r);
        }
        out[off + r * p] = 1.0;
    }

    /**
     * @param z        latent series [T * r]
     * @param leads    steps ahead of each of the H horizons
     * @param from     first issue time (>= p - 1)
     * @param to       last issue time (exclusive), with to - 1 + leads.max() < T
     */
    public static double[] fit(double[] z, int r, int p, HorizonLeads leads, int from, int to, double lambda) {
        return solve(moments(z, r, p, leads, from, to), lambda);
    }

    /**
     * F^T F (lower triangle) and F^T Z_{+h} of every horizon, shared by all lambdas.
     *
     * @param rhs [(h * r + k) * q + j] = sum_t f_tj z_{t+L(h),k}, L(h) the lead of horizon h in steps
     */
    public record Moments(int rank, int order, int horizons, double[] ftf, double[] rhs) {
    }

    public static Moments moments(double[] z, int r, int p, HorizonLeads leads, int from, int to) {
        int q = featureCount(r, p);
        int horizons = leads.count();
        double[] ftf = new double[q * q];
        double[] rhs = new double[horizons * r * q]; // rhs[(h * r + k) * q + j] = sum_t f_tj z_{t+L(h),k}
        double[] f = new double[q];
        for (int t = from; t < to; t++) {
            features(z, r, p, t, f);
            for (int a = 0; a < q; a++) {
                double fa = f[a];
                for (int b = 0; b <= a; b++) {
                    ftf[a * q + b] += fa * f[b];
                }
            }
            for (int h = 0; h < horizons; h++) {
                int target = (t + leads.steps(h)) * r;
                for (int k = 0; k < r; k++) {
                    double zk = z[target + k];
                    int row = (h * r + k) * q;
                    for (int j = 0; j < q; j++) {
                        rhs[row + j] += f[j] * zk;
                    }
                }
            }
        }
        return new Moments(r, p, horizons, ftf, rhs);
    }

    /** A = (F^T F + lambda I)^-1 F^T Z_{+h} for every horizon, in the layout of {@link #fit}. */
    public static double[] solve(Moments m, double lambda) {
        int r = m.rank();
        int q = featureCount(r, m.order());
        int horizons = m.horizons();
        double[] ftf = m.ftf().clone();
        double[] rhs = m.rhs().clone();
        for (int a = 0; a < q; a++) {
            ftf[a * q + a] += lambda;
        }
        SmallSolve.choleskyInPlace(ftf, q);
        double[] column = new double[q];
        for (int hk = 0; hk < horizons * r; hk++) {
            System.arraycopy(rhs, hk * q, column, 0, q);
            SmallSolve.choleskySolveInPlace(ftf, q, column);
            System.arraycopy(column, 0, rhs, hk * q, q);
        }
        return rhs;
    }

    /**
     * The mean of the dynamics of every lag order 1..p, each written in the order-p layout with zero weights on the
     * lags it does not use: A = (1/p) sum_k pad_p(A_k), A_k = (F_k^T F_k + lambda I)^-1 F_k^T Z_{+h}. A forecast
     * with it is the mean of the forecasts of the p orders (the kernel is linear in A), so the choice of order, which a
     * validation day makes noisily, is hedged rather than made.
     *
     * @param moments moments of orders 1..p over the same issue times, index k - 1
     */
    public static double[] solveAveraged(Moments[] moments, double lambda) {
        int p = moments.length;
        int r = moments[p - 1].rank();
        int horizons = moments[p - 1].horizons();
        int q = featureCount(r, p);
        double[] out = new double[horizons * r * q];
        for (int k = 1; k <= p; k++) {
            double[] ak = solve(moments[k - 1], lambda);
            int qk = featureCount(r, k);
            for (int hk = 0; hk < horizons * r; hk++) {
                int src = hk * qk;
                int dst = hk * q;
                for (int j = 0; j < r * k; j++) {
                    out[dst + j] += ak[src + j] / p;
                }
                out[dst + q - 1] += ak[src + qk - 1] / p; // the constant is the last feature of every order
            }
        }
        return out;
    }
}
