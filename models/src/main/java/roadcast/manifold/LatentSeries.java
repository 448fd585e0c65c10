package roadcast.manifold;

/**
 * The batch view of a zone's history on its manifold: latent states of every row, the off-manifold residuals
 * e_t = d_t - U z_t (0 where the segment had no reading) and the deviations with missing entries filled by their
 * manifold estimate (U z_t)_i, which the local correction uses as targets.
 */
public final class LatentSeries {

    private LatentSeries() {
    }

    /** z [T * r] of deviations d [T * n] (NaN = missing) by {@link LatentProjection}; an empty row gets z = 0. */
    public static double[] latent(double[] d, int n, double[] u, int r, double eps) {
        int steps = d.length / n;
        double[] z = new double[steps * r];
        LatentProjection projection = new LatentProjection(u, n, r, eps);
        for (int t = 0; t < steps; t++) {
            projection.project(d, t * n, z, t * r);
        }
        return z;
    }

    /** Fills e (residuals, 0 where missing) and dFilled (d, or (U z)_i where missing), both [T * n]. */
    public static void residuals(double[] d, int n, double[] u, int r, double[] z, double[] e, double[] dFilled) {
        int steps = d.length / n;
        for (int t = 0; t < steps; t++) {
            int rowOff = t * n;
            int zOff = t * r;
            for (int i = 0; i < n; i++) {
                double onManifold = 0;
                int row = i * r;
                for (int k = 0; k < r; k++) {
                    onManifold += u[row + k] * z[zOff + k];
                }
                double di = d[rowOff + i];
                if (Double.isNaN(di)) {
                    e[rowOff + i] = 0.0;
                    dFilled[rowOff + i] = onManifold;
                } else {
                    e[rowOff + i] = di - onManifold;
                    dFilled[rowOff + i] = di;
                }
            }
        }
    }
}
