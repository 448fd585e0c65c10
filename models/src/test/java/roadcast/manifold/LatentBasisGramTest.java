package roadcast.manifold;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/** The blocked Gram matrix of the basis fit is EJML's multInner to the last bit, so the basis does not move. */
class LatentBasisGramTest {

    @Test
    void gramEqualsEjmlMultInnerBitForBit() {
        Random random = new Random(11);
        int[][] shapes = {{1, 1}, {3, 1}, {1, 5}, {40, 17}, {300, 33}, {2000, 130}};
        for (int[] shape : shapes) {
            DMatrixRMaj d = new DMatrixRMaj(shape[0], shape[1]);
            for (int k = 0; k < d.data.length; k++) {
                // deviations of mixed scale, some missing (0 in the basis fit)
                d.data[k] = random.nextInt(5) == 0 ? 0.0 : random.nextGaussian() * Math.pow(10, random.nextInt(4));
            }
            DMatrixRMaj expected = new DMatrixRMaj(shape[1], shape[1]);
            CommonOps_DDRM.multInner(d, expected);
            DMatrixRMaj actual = new DMatrixRMaj(shape[1], shape[1]);
            LatentBasis.gram(d, actual);
            assertArrayEquals(expected.data, actual.data, 0.0, shape[0] + " x " + shape[1]);
        }
    }
}
