package roadcast.kriging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Bagging over fold draws ({@link KrigingConfig#maskDraws}): the chosen regression is fitted once per draw of the
 * masking folds and the coefficients averaged, fold by fold for the held-out fits. (The fit itself, which keeps the
 * average only where the calibration replay prefers it, runs in KrigingModelTest and LevelFeatureCheckTest with the
 * default draws.)
 */
class MaskDrawsTest {

    @Test
    void foldFitsAreAveragedElementWiseOverTheDrawsThatHaveThem() {
        double[][] first = {{1, 2}, {10, 20}, null};
        double[][] second = {{3, 6}, null, null};
        double[][] third = {{5, 1}, {20, 40}, null};
        double[][] mean = Kriging.mean(new double[][][] {first, second, third});
        assertArrayEquals(new double[] {3, 3}, mean[0], 1e-12);
        // a fold with no fit in one draw (no sample in it) is the mean of the draws that have one
        assertArrayEquals(new double[] {15, 30}, mean[1], 1e-12);
        assertNull(mean[2], "no draw has a fit for this fold");
    }

    @Test
    void theEstimateOfTheMeanCoefficientsIsTheMeanOfTheFitsEstimates() {
        // the kernel is linear in the coefficients: averaging them is averaging the fits' estimates
        double[] x = {0.5, -1.25, 2};
        double[][] betas = {{0.1, 0.2, -0.3}, {0.4, -0.1, 0.05}, {-0.2, 0.3, 0.1}};
        double meanOfEstimates = 0;
        for (double[] b : betas) {
            meanOfEstimates += KrigingKernel.predict(60, b, 0, x, 3) / 3;
        }
        double[] mean = Kriging.meanOf(betas);
        assertArrayEquals(new double[] {0.1, 0.4 / 3, -0.05}, mean, 1e-12, "the draws' mean, not the first draw");
        assertEquals(meanOfEstimates, KrigingKernel.predict(60, mean, 0, x, 3), 1e-12);
        assertArrayEquals(betas[1], Kriging.meanOf(new double[][] {betas[1]}), 0, "one draw: its own coefficients");
    }

    @Test
    void aConfigWithoutMaskDrawsIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KrigingConfig(5,
                new int[] {4}, new double[] {1}, new double[] {0.1}, 0.2, 0.9, 1L, 1_000_000L, 0));
        assertTrue(e.getMessage().contains("mask draw"), e.getMessage());
        assertEquals(KrigingConfig.MASK_DRAWS, new KrigingConfig(5, new int[] {4}, new double[] {1},
                new double[] {0.1}, 0.2, 0.9, 1L, 1_000_000L).maskDraws());
    }
}
