package roadcast.kriging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Moving the kriged estimate toward the zone's mean: the kernel's coefficients moved a share a give
 * (1 - a) y_hat + a Vzone for every input, and the fit takes the share whose fold-by-fold fits score lowest on the
 * calibration replay, the smaller one on a tie (so nothing moves where moving does not help).
 */
class ZoneMeanShareTest {

    private static final int K = 4;
    private static final int F = KrigingKernel.featureCount(K, SegmentLevel.COUNT);

    @Test
    void theMovedCoefficientsGiveTheEstimateMovedTowardTheZoneMean() {
        Random r = new Random(3);
        double[] g = new double[K];
        double[] up = new double[K];
        double[] v = new double[K];
        double[] p = new double[K];
        double[] level = new double[SegmentLevel.COUNT];
        double[] beta = new double[F];
        for (int j = 0; j < K; j++) {
            g[j] = r.nextDouble();
            up[j] = r.nextInt(2);
            v[j] = 40 + 30 * r.nextDouble();
            p[j] = 40 + 30 * r.nextDouble();
        }
        for (int j = 0; j < level.length; j++) {
            level[j] = r.nextGaussian();
        }
        for (int j = 0; j < F; j++) {
            beta[j] = 0.3 * r.nextGaussian();
        }
        double zoneMean = 61.5;
        double[] x = new double[F];
        double b = KrigingKernel.features(K, g, up, 0, v, v, p, zoneMean, 830, level, 0, SegmentLevel.COUNT, x,
                new double[2 * K]);
        double estimate = KrigingKernel.predict(b, beta, 0, x, F);
        for (double a : Kriging.ZONE_MEAN_SHARES) {
            double moved = KrigingKernel.predict(b, KrigingKernel.towardZoneMean(beta, K, a), 0, x, F);
            assertEquals((1 - a) * estimate + a * zoneMean, moved, 1e-9, "share " + a);
        }
        assertArrayEquals(beta, KrigingKernel.towardZoneMean(beta, K, 0), "share 0 changes nothing");
        assertThrows(IllegalArgumentException.class, () -> KrigingKernel.towardZoneMean(beta, K, 1.5));
    }

    /**
     * The lagged feature, last: the kernel mean of the neighbours' values a step back less the kernel mean now
     * (B), a known answer on three neighbours, and 0 where the values a step back are the current ones.
     */
    @Test
    void theLaggedFeatureIsTheKernelMeanOneStepBackLessTheKernelMeanNow() {
        int k = 3;
        double[] g = {2, 1, 1};
        double[] up = {1, 0, 1};
        double[] v = {50, 60, 40};
        double[] vLag = {54, 60, 36};
        double[] p = {55, 55, 55};
        double[] level = new double[SegmentLevel.COUNT];
        int f = KrigingKernel.featureCount(k, SegmentLevel.COUNT);
        double[] x = new double[f];
        double b = KrigingKernel.features(k, g, up, 0, v, vLag, p, 50, 600, level, 0, SegmentLevel.COUNT, x,
                new double[2 * k]);
        // B = (2 * 50 + 60 + 40) / 4 = 50; a step back (2 * 54 + 60 + 36) / 4 = 51
        assertEquals(50.0, b, 1e-12);
        assertEquals(f - 1, KrigingKernel.lagFeature(k, SegmentLevel.COUNT));
        assertEquals(1.0, x[KrigingKernel.lagFeature(k, SegmentLevel.COUNT)], 1e-12);
        KrigingKernel.features(k, g, up, 0, v, v, p, 50, 600, level, 0, SegmentLevel.COUNT, x, new double[2 * k]);
        assertEquals(0.0, x[KrigingKernel.lagFeature(k, SegmentLevel.COUNT)], 0.0);
    }

    @Test
    void theShareThatScoresLowestIsChosenAndATieKeepsTheSmaller() {
        double[][] foldBeta = {new double[F], null, new double[F]};
        int z = KrigingKernel.zoneMeanFeature(K);
        // a score lowest where the zone-mean coefficient is 0.6: the moved fits' coefficient is the share itself here
        assertEquals(0.5, Kriging.zoneMeanShare(foldBeta, K, fb -> Math.abs(fb[0][z] - 0.6)));
        assertEquals(0.75, Kriging.zoneMeanShare(foldBeta, K, fb -> Math.abs(fb[2][z] - 0.7)));
        assertEquals(0.0, Kriging.zoneMeanShare(foldBeta, K, fb -> 1.0), "every share ties: nothing moves");
        assertEquals(0.0, Kriging.zoneMeanShare(foldBeta, K, fb -> fb[0][z]), "moving only makes it worse");
    }
}
