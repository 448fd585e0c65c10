package roadcast.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import roadcast.clean.CredibilityRules;
import roadcast.history.SpeedUnit;
import roadcast.manifold.LatentDynamics;
import roadcast.model.ZoneModel;

/**
 * The order and ridge of the latent dynamics chosen per horizon (issue 14): each horizon of the fitted model carries
 * the dynamics and local correction of one grid point, exactly as a fit fixed at that point gives them (lower orders
 * written in the layout of the highest, zero weights on the lags they do not use).
 */
class DynamicsByHorizonTest {

    private static final long STEP = 300_000L;
    private static final int HORIZONS = 12;

    @Test
    void eachHorizonCarriesTheDynamicsOfOneGridPoint() {
        int n = 6;
        int steps = 4 * 288;
        double[] x = city(n, steps, new Random(7));
        ZoneId utc = ZoneId.of("UTC");
        int[] profileRow = ManifoldTrainer.profileRows(0L, steps, STEP, utc);
        int[] segments = {0, 1, 2, 3, 4, 5};
        TrainingConfig d = TrainingConfig.defaults("test", "test",
                CredibilityRules.defaults(SpeedUnit.MPH, Duration.ofMillis(STEP)));
        TrainingConfig grid = grid(d, new int[] {1, 2}, new double[] {0.1, 100});
        ZoneModel byHorizon = ZoneFitter.fitZone(x, segments, profileRow, 0L, STEP, utc, HORIZONS, grid).model();
        int r = byHorizon.rank();
        int p = byHorizon.order();
        int q = LatentDynamics.featureCount(r, p);
        for (int h = 0; h < HORIZONS; h++) {
            int match = -1;
            for (int k = 0; k < 4 && match < 0; k++) {
                int order = k < 2 ? 1 : 2;
                double lambda = k % 2 == 0 ? 0.1 : 100;
                if (order > p) {
                    continue;
                }
                ZoneModel fixed = ZoneFitter.fitZone(x, segments, profileRow, 0L, STEP, utc, HORIZONS,
                        grid(d, new int[] {order}, new double[] {lambda})).model();
                double[] a = LatentDynamics.pad(fixed.dynamics(), r, order, p, HORIZONS);
                if (Arrays.equals(slice(a, h, r * q), slice(byHorizon.dynamics(), h, r * q))) {
                    match = k;
                    assertArrayEquals(slice(fixed.local(), h, n * 3), slice(byHorizon.local(), h, n * 3), 1e-12,
                            "the local correction of horizon " + (h + 1) + " comes with its dynamics");
                    assertArrayEquals(slice(fixed.jump(), h, n), slice(byHorizon.jump(), h, n), 1e-12);
                }
            }
            assertTrue(match >= 0, "horizon " + (h + 1) + " matches no grid point");
        }
    }

    @Test
    void paddedDynamicsForecastAsTheirOwnOrder() {
        int r = 2;
        Random rnd = new Random(3);
        double[] z = new double[50 * r];
        for (int i = 0; i < z.length; i++) {
            z[i] = rnd.nextGaussian();
        }
        double[] a = LatentDynamics.fit(z, r, 1, HORIZONS, 2, 30, 1.0);
        double[] padded = LatentDynamics.pad(a, r, 1, 3, HORIZONS);
        double[] f1 = new double[LatentDynamics.featureCount(r, 1)];
        double[] f3 = new double[LatentDynamics.featureCount(r, 3)];
        LatentDynamics.features(z, r, 1, 40, f1);
        LatentDynamics.features(z, r, 3, 40, f3);
        for (int hk = 0; hk < HORIZONS * r; hk++) {
            double one = 0;
            double three = 0;
            for (int j = 0; j < f1.length; j++) {
                one += a[hk * f1.length + j] * f1[j];
            }
            for (int j = 0; j < f3.length; j++) {
                three += padded[hk * f3.length + j] * f3[j];
            }
            assertEquals(one, three, 1e-12);
        }
    }

    private static TrainingConfig grid(TrainingConfig d, int[] orders, double[] lambdas) {
        return new TrainingConfig(d.dataset(), d.provenance(), d.credibility(), d.maxZoneSize(), new int[] {2},
                orders, lambdas, d.validationFraction(), d.profileShrinkage(), new int[] {0}, new double[0],
                d.projectionEps(), d.freeFlowPercentile(), d.bandZ(), d.maxHorizonMinutes(), 1);
    }

    /** A daily profile plus two latent series, one oscillating (period 40 min), one slow, shared by loadings. */
    static double[] city(int n, int steps, Random rnd) {
        double[] x = new double[steps * n];
        double o1 = 0;
        double o2 = 0;
        double slow = 0;
        double c = 2 * Math.cos(2 * Math.PI / 8);
        for (int t = 0; t < steps; t++) {
            double o = 0.95 * (c * o1 - 0.95 * o2) + rnd.nextGaussian();
            o2 = o1;
            o1 = o;
            slow = 0.98 * slow + 0.3 * rnd.nextGaussian();
            double day = 2 * Math.PI * (t % 288) / 288.0;
            for (int i = 0; i < n; i++) {
                x[t * n + i] = 60 - 8 * Math.max(0, Math.sin(day)) + (1 + 0.2 * i) * o + (2 - 0.3 * i) * slow
                        + 0.5 * rnd.nextGaussian();
            }
        }
        return x;
    }

    private static double[] slice(double[] a, int h, int width) {
        return Arrays.copyOfRange(a, h * width, (h + 1) * width);
    }
}
