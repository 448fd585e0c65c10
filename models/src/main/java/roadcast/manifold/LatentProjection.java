package roadcast.manifold;

/**
 * Latent state of one time step from its deviations: z = U^T d when every segment was observed; otherwise the
 * least-squares fit to the observed rows, z = (U_o^T U_o + eps I)^-1 U_o^T d_o (the "missing inputs" projection),
 * solved by an in-place Cholesky factorisation. Preallocated scratch: no allocation per call. Not thread-safe.
 */
public final class LatentProjection {

    private final double[] u;
    private final int n;
    private final int r;
    private final double eps;
    private final double[] fullGram;
    private final double[] gram;
    private final double[] rhs;

    /**
     * @param u   basis [n * r] row-major
     * @param eps ridge that keeps the projection defined when few segments are observed
     */
    public LatentProjection(double[] u, int n, int r, double eps) {
        if (u.length != n * r) {
            throw new IllegalArgumentException("basis of " + u.length + " values is not " + n + " x " + r);
        }
        this.u = u;
        this.n = n;
        this.r = r;
        this.eps = eps;
        this.gram = new double[r * r];
        this.rhs = new double[r];
        // U^T U over all segments (lower triangle), so a row with few gaps only subtracts its missing segments
        this.fullGram = new double[r * r];
        for (int i = 0; i < n; i++) {
            int row = i * r;
            for (int a = 0; a < r; a++) {
                for (int b = 0; b <= a; b++) {
                    fullGram[a * r + b] += u[row + a] * u[row + b];
                }
            }
        }
    }

    /**
     * Projects d[dOff .. dOff+n) (NaN = not observed) into z[zOff .. zOff+r).
     *
     * @return the number of observed segments (0: z is set to 0)
     */
    public int project(double[] d, int dOff, double[] z, int zOff) {
        int observed = 0;
        for (int i = 0; i < n; i++) {
            if (!Double.isNaN(d[dOff + i])) {
                observed++;
            }
        }
        if (observed == n) {
            for (int k = 0; k < r; k++) {
                z[zOff + k] = 0.0;
            }
            for (int i = 0; i < n; i++) {
                double di = d[dOff + i];
                int row = i * r;
                for (int k = 0; k < r; k++) {
                    z[zOff + k] += u[row + k] * di;
                }
            }
            return observed;
        }
        // U_o^T U_o = U^T U - sum over missing i of u_i u_i^T when fewer than half are missing
        boolean subtract = 2 * observed >= n;
        if (subtract) {
            System.arraycopy(fullGram, 0, gram, 0, r * r);
        } else {
            java.util.Arrays.fill(gram, 0.0);
        }
        java.util.Arrays.fill(rhs, 0.0);
        for (int i = 0; i < n; i++) {
            double di = d[dOff + i];
            int row = i * r;
            if (Double.isNaN(di)) {
                if (subtract) {
                    for (int a = 0; a < r; a++) {
                        double ua = u[row + a];
                        for (int b = 0; b <= a; b++) {
                            gram[a * r + b] -= ua * u[row + b];
                        }
                    }
                }
                continue;
            }
            for (int a = 0; a < r; a++) {
                double ua = u[row + a];
                rhs[a] += ua * di;
                if (!subtract) {
                    for (int b = 0; b <= a; b++) {
                        gram[a * r + b] += ua * u[row + b];
                    }
                }
            }
        }
        for (int a = 0; a < r; a++) {
            gram[a * r + a] += eps;
        }
        SmallSolve.choleskyInPlace(gram, r);
        SmallSolve.choleskySolveInPlace(gram, r, rhs);
        System.arraycopy(rhs, 0, z, zOff, r);
        return observed;
    }
}
