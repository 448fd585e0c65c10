package roadcast.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import roadcast.forecast.ZoneForecast;
import roadcast.forecast.ZoneForecaster;
import roadcast.forecast.ZoneState;
import roadcast.model.ZoneModel;
import roadcast.model.HorizonLeads;

/**
 * The profile trend x_hat = m + w (n - m) + c (S(t+h) - S(t)) (issue 14): it reduces to the forecast without trend
 * when c = 0 and to the last reading moved by the profile's change when w = 1, and the calibration recovers c from a
 * series built with a known relation.
 */
class ProfileTrendTest {

    private static final long STEP = 300_000L;
    private static final int SLOTS = 288;
    private static final int N = 3;
    private static final int H = 12;
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final long FIRST = 1_420_070_400_000L; // 2015-01-01T00:00Z

    /** The daily cycle the model's profile holds: amplitude 20 mph, a phase per segment, both day types alike. */
    private static double cycle(int slot, int i) {
        return 50 + 20 * Math.sin(2 * Math.PI * slot / SLOTS + i);
    }

    private static final int BLEND = H * ZoneModel.REGIMES * N;

    /**
     * A model whose manifold forecast is the profile alone (dynamics and local correction 0), so that the nowcast of
     * an observed segment is its reading and m = mu(t + h).
     */
    private static ZoneModel profileOnly(double[] blend, int trendHalfWindow, double[] trend) {
        return profileOnly(true, blend, trendHalfWindow, trend);
    }

    /** The same with the profile flat at 50 where {@code daily} is false. */
    private static ZoneModel profileOnly(boolean daily, double[] blend, int trendHalfWindow, double[] trend) {
        double[] profile = new double[2 * SLOTS * N];
        for (int type = 0; type < 2; type++) {
            for (int k = 0; k < SLOTS; k++) {
                for (int i = 0; i < N; i++) {
                    profile[(type * SLOTS + k) * N + i] = daily ? cycle(k, i) : 50;
                }
            }
        }
        double[] basis = new double[N];
        Arrays.fill(basis, 1 / Math.sqrt(N));
        int q = 1 + 1;
        return new ZoneModel(new int[] {0, 1, 2}, STEP, UTC, HorizonLeads.consecutive(H), 1, 1, 1.0, 0.01, 1.645,
                profile, basis, new double[H * q], new double[H * N * 3], filled(H * N, 1.0),
                ZoneModel.symmetricBand(H, 1.645), blend, trendHalfWindow, trend);
    }

    private static double[] filled(int length, double value) {
        double[] a = new double[length];
        Arrays.fill(a, value);
        return a;
    }

    /** Readings: the cycle scaled by {@code scale} (around its mean) plus a random walk level per segment. */
    private static double[] series(int steps, double scale, long seed) {
        Random rnd = new Random(seed);
        double[] x = new double[steps * N];
        double[] level = new double[N];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < N; i++) {
                level[i] += 0.2 * rnd.nextGaussian();
                x[t * N + i] = 50 + scale * (cycle(t % SLOTS, i) - 50) + level[i];
            }
        }
        return x;
    }

    private static float[] row(double[] x, int t) {
        float[] r = new float[N];
        for (int i = 0; i < N; i++) {
            r[i] = (float) x[t * N + i];
        }
        return r;
    }

    @Test
    void withoutTrendWeightsTheForecastIsTheOneWithoutTrendAndWithBlendOneItIsTheReadingPlusTheProfilesChange() {
        double[] x = series(400, 1.0, 1);
        Random rnd = new Random(2);
        double[] blend = new double[BLEND];
        Arrays.setAll(blend, c -> rnd.nextDouble());
        ZoneModel noTrend = profileOnly(blend, 6, new double[H * N]);
        ZoneModel old = noTrend.withoutTrend();
        ZoneModel persistent = profileOnly(filled(BLEND, 1.0), 0, new double[H * N]);
        ZoneModel relative = profileOnly(filled(BLEND, 1.0), 0, filled(H * N, 0.7));
        ZoneModel[] models = {noTrend, old, persistent, relative};
        ZoneForecaster[] kernels = new ZoneForecaster[models.length];
        ZoneState[] states = new ZoneState[models.length];
        ZoneForecast[] outs = new ZoneForecast[models.length];
        for (int m = 0; m < models.length; m++) {
            kernels[m] = new ZoneForecaster(models[m]);
            states[m] = kernels[m].newState();
            outs[m] = new ZoneForecast(H, N);
        }
        for (int t = 0; t < 400; t++) {
            long at = FIRST + t * STEP;
            for (int m = 0; m < models.length; m++) {
                kernels[m].observe(states[m], at, row(x, t));
                kernels[m].forecast(states[m], outs[m]);
            }
            int slot = t % SLOTS;
            for (int h = 0; h < H; h++) {
                assertArrayEquals(outs[1].speed[h], outs[0].speed[h], 1e-12, "trend 0 is the model without trend");
                assertArrayEquals(outs[1].lower[h], outs[0].lower[h], 1e-12);
                assertArrayEquals(outs[1].upper[h], outs[0].upper[h], 1e-12);
                for (int i = 0; i < N; i++) {
                    float reading = row(x, t)[i];
                    assertEquals(reading, outs[2].speed[h][i], 1e-9, "w = 1, c = 0: persistence");
                    // half-window 0: S is the profile itself
                    double change = cycle((slot + h + 1) % SLOTS, i) - cycle(slot, i);
                    assertEquals(reading + 0.7 * change, outs[3].speed[h][i], 1e-9,
                            "w = 1, c = 0.7: the reading moved by 0.7 times the profile's change");
                }
            }
        }
    }

    @Test
    void profileChangeIsTheChangeOfTheProfileSmoothedOverTheHalfWindow() {
        ZoneModel model = profileOnly(new double[BLEND], 3, filled(H * N, 1.0));
        ZoneForecaster kernel = new ZoneForecaster(model);
        ZoneState state = kernel.newState();
        kernel.observe(state, FIRST + 100 * STEP, row(series(101, 1.0, 3), 100));
        double[] change = new double[N];
        for (int h = 0; h < H; h++) {
            kernel.profileChange(state, h, change);
            for (int i = 0; i < N; i++) {
                double to = 0;
                double from = 0;
                for (int j = -3; j <= 3; j++) {
                    to += cycle(100 + h + 1 + j, i) / 7;
                    from += cycle(100 + j, i) / 7;
                }
                assertEquals(to - from, change[i], 1e-9);
            }
        }
    }

    @Test
    void calibrationRecoversTheProfileChangeTheReadingsFollow() {
        // the readings move by half the profile's change (their cycle has half its amplitude) plus a random walk:
        // the best forecast is the last reading (w = 1) plus 0.5 times the profile's change
        int steps = 6 * SLOTS;
        int from = 4 * SLOTS;
        double[] x = series(steps, 0.5, 4);
        ZoneModel candidate = profileOnly(new double[BLEND], 0, new double[H * N]);
        BandCalibration.Result r = BandCalibration.calibrate(candidate, candidate, candidate, x, FIRST, from, 1.645);
        for (int h = 0; h < H; h++) {
            for (int i = 0; i < N; i++) {
                assertEquals(0.5, r.trend()[h * N + i], 1e-12, "trend weight of horizon " + h);
                for (int regime = 0; regime < ZoneModel.REGIMES; regime++) {
                    double w = r.blend()[ZoneModel.blendIndex(h, regime, i, N)];
                    assertTrue(w >= 0.9, "blend of horizon " + h + ", regime " + regime + ": " + w);
                }
            }
        }
        // and on the readings that follow the whole profile the weight is 1
        BandCalibration.Result full = BandCalibration.calibrate(candidate, candidate, candidate,
                series(steps, 1.0, 5), FIRST, from, 1.645);
        for (int h = 0; h < H; h++) {
            assertEquals(1.0, full.trend()[h * N], 1e-12, "trend weight of horizon " + h);
        }
    }

    @Test
    void theBlendLearnsThatDropsBelowTheForecastPersistAndRisesAboveItDoNot() {
        // flat profile (m = 50); readings 50 + D + eps: D a drop of -10 that comes and goes every few hours (it
        // persists), eps >= 0 fresh every step (it does not). A reading below the forecast is mostly the drop (lean on
        // it), one above is noise (lean on it much less): the two regimes get different weights
        Random rnd = new Random(6);
        int steps = 6 * SLOTS;
        double[] x = new double[steps * N];
        boolean[] drop = new boolean[N];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < N; i++) {
                if (rnd.nextDouble() < 1.0 / 36) {
                    drop[i] = !drop[i];
                }
                double eps = -Math.log(1 - rnd.nextDouble());
                x[t * N + i] = 50 + (drop[i] ? -10 : 0) + eps;
            }
        }
        ZoneModel candidate = profileOnly(false, new double[BLEND], 0, new double[H * N]);
        BandCalibration.Result r = BandCalibration.calibrate(candidate, candidate, candidate, x, FIRST, 4 * SLOTS,
                1.645);
        for (int i = 0; i < N; i++) {
            double below = r.blend()[ZoneModel.blendIndex(0, 1, i, N)];
            double above = r.blend()[ZoneModel.blendIndex(0, 0, i, N)];
            assertTrue(below >= 0.8, "a reading below the forecast persists: weight " + below);
            assertTrue(above <= below - 0.3, "a reading above it is noise: weight " + above + " against " + below);
        }
    }
}
