package roadcast.manifold;

/** Dense solves of small symmetric positive definite systems, in place, without allocation. */
public final class SmallSolve {

    private SmallSolve() {
    }

    /**
     * Cholesky A = L L^T of the lower triangle of a [m * m] row-major matrix, written over that lower triangle.
     * The upper triangle is ignored.
     */
    public static void choleskyInPlace(double[] a, int m) {
        for (int j = 0; j < m; j++) {
            double diag = a[j * m + j];
            for (int k = 0; k < j; k++) {
                diag -= a[j * m + k] * a[j * m + k];
            }
            if (!(diag > 0)) {
                throw new ArithmeticException("matrix is not positive definite (pivot " + j + " = " + diag + ")");
            }
            double l = Math.sqrt(diag);
            a[j * m + j] = l;
            for (int i = j + 1; i < m; i++) {
                double s = a[i * m + j];
                for (int k = 0; k < j; k++) {
                    s -= a[i * m + k] * a[j * m + k];
                }
                a[i * m + j] = s / l;
            }
        }
    }

    /** Solves L L^T x = b for x, overwriting b, with L from {@link #choleskyInPlace}. */
    public static void choleskySolveInPlace(double[] l, int m, double[] b) {
        for (int i = 0; i < m; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i * m + k] * b[k];
            }
            b[i] = s / l[i * m + i];
        }
        for (int i = m - 1; i >= 0; i--) {
            double s = b[i];
            for (int k = i + 1; k < m; k++) {
                s -= l[k * m + i] * b[k];
            }
            b[i] = s / l[i * m + i];
        }
    }
}
