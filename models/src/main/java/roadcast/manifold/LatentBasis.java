package roadcast.manifold;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The zone's low-dimensional manifold: the top eigenvectors of the deviation covariance C = D^T D / T (missing
 * deviations count as 0). The symmetric eigen decomposition of the n x n covariance is much faster than an SVD of
 * the T x n deviation matrix and gives the same principal axes.
 */
public final class LatentBasis {

    private LatentBasis() {
    }

    /**
     * @param d    [T * n] deviations, NaN = missing
     * @param from first row (inclusive)
     * @param to   last row (exclusive)
     * @param rank number of axes wanted (capped at n)
     * @return U as [n * rank] row-major (column k = k-th axis, eigenvalue descending; sign fixed so that the largest
     *         absolute entry of each axis is positive, which makes training reproducible)
     */
    public static double[] fit(double[] d, int n, int from, int to, int rank) {
        int r = Math.min(rank, n);
        int rows = to - from;
        DMatrixRMaj dm = new DMatrixRMaj(rows, n);
        double[] data = dm.data;
        for (int t = 0; t < rows; t++) {
            int src = (from + t) * n;
            int dst = t * n;
            for (int i = 0; i < n; i++) {
                double v = d[src + i];
                data[dst + i] = Double.isNaN(v) ? 0.0 : v;
            }
        }
        DMatrixRMaj c = new DMatrixRMaj(n, n);
        gram(dm, c);
        CommonOps_DDRM.scale(1.0 / Math.max(1, rows), c);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(c)) {
            throw new IllegalStateException("eigen decomposition of the " + n + " x " + n + " covariance failed");
        }
        Integer[] order = new Integer[n];
        double[] value = new double[n];
        for (int k = 0; k < n; k++) {
            order[k] = k;
            value[k] = eig.getEigenvalue(k).getReal();
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int cmp = Double.compare(value[b], value[a]);
            return cmp != 0 ? cmp : Integer.compare(a, b);
        });
        double[] u = new double[n * r];
        for (int k = 0; k < r; k++) {
            DMatrixRMaj v = eig.getEigenVector(order[k]);
            double norm = 0;
            int argMax = 0;
            for (int i = 0; i < n; i++) {
                norm += v.data[i] * v.data[i];
                if (Math.abs(v.data[i]) > Math.abs(v.data[argMax])) {
                    argMax = i;
                }
            }
            double scale = (v.data[argMax] < 0 ? -1.0 : 1.0) / Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                u[i * r + k] = v.data[i] * scale;
            }
        }
        return u;
    }

    /** Rows of C = D^T D made in one sweep over D ({@link #gram}): 16 rows of a 256-wide C are 32 kB, an L1's worth. */
    private static final int GRAM_BLOCK = 16;

    /**
     * C = D^T D (c_ij = sum_t d_ti d_tj), the upper triangle computed and mirrored, as EJML's
     * {@code CommonOps_DDRM.multInner} does and bit for bit equal to it: each c_ij is d_0i d_0j plus the products of
     * rows 1, 2, .. in order. EJML sweeps the whole T x n matrix once per row of C (n sweeps of megabytes, the fit's
     * largest cache-miss cost); this sweeps it once per {@link #GRAM_BLOCK} rows of C.
     */
    static void gram(DMatrixRMaj dm, DMatrixRMaj c) {
        int rows = dm.numRows;
        int n = dm.numCols;
        double[] a = dm.data;
        double[] out = c.data;
        for (int i0 = 0; i0 < n; i0 += GRAM_BLOCK) {
            int i1 = Math.min(n, i0 + GRAM_BLOCK);
            for (int i = i0; i < i1; i++) {
                double ai = rows == 0 ? 0.0 : a[i];
                int o = i * n;
                for (int j = i; j < n; j++) {
                    out[o + j] = rows == 0 ? 0.0 : ai * a[j];
                }
            }
            for (int t = 1; t < rows; t++) {
                int row = t * n;
                for (int i = i0; i < i1; i++) {
                    double ai = a[row + i];
                    int o = i * n;
                    for (int j = i; j < n; j++) {
                        out[o + j] += ai * a[row + j];
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                out[i * n + j] = out[j * n + i];
            }
        }
    }

    /** The first {@code rank} columns of an [n * wide] basis, as [n * rank]. */
    public static double[] leading(double[] u, int n, int wide, int rank) {
        double[] out = new double[n * rank];
        for (int i = 0; i < n; i++) {
            System.arraycopy(u, i * wide, out, i * rank, rank);
        }
        return out;
    }
}
