package roadcast.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import roadcast.clean.CredibilityRules;
import roadcast.forecast.ZoneForecast;
import roadcast.forecast.ZoneForecaster;
import roadcast.forecast.ZoneState;
import roadcast.history.SpeedUnit;
import roadcast.model.ZoneModel;
import roadcast.model.HorizonLeads;

/**
 * The calibration's sums (BandCalibration.Sums: every trend weight's residual sums of a cell updated by one flat loop,
 * and best's sums kept only at the trend weight chosen per horizon) are bit for bit those of the straightforward
 * accumulation: one set of sums per trend weight, a = y - m - c_k s, then for each grid weight w_g = g / 20 the terms
 * (a - w_g b)^2 and |a - w_g b| added in time order. The calibration's choices compare these sums, so equal sums make
 * the same model.
 */
class BandCalibrationSumsTest {

    private static final long STEP = 300_000L;
    private static final int PER_DAY = 288;
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final long FIRST = 1_420_070_400_000L; // 2015-01-01T00:00Z
    private static final int N = 5;
    private static final int DAYS = 5;

    /** A small zone with a daily pattern, an AR(1) walk and some missing readings; its model without blend or trend. */
    private static double[] series() {
        Random rnd = new Random(17);
        int steps = DAYS * PER_DAY;
        double[] x = new double[steps * N];
        double[] walk = new double[N];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < N; i++) {
                walk[i] = 0.97 * walk[i] + rnd.nextGaussian();
                double daily = 8 * Math.sin(2 * Math.PI * (t % PER_DAY) / PER_DAY + i);
                x[t * N + i] = rnd.nextDouble() < 0.03 ? Double.NaN : Math.max(1, 55 + daily + walk[i]);
            }
        }
        return x;
    }

    private static ZoneModel candidate(double[] x) {
        int steps = x.length / N;
        int[] segments = {0, 1, 2, 3, 4};
        TrainingConfig cfg = TrainingConfig.defaults("synthetic", "test", CredibilityRules.defaults(SpeedUnit.MPH));
        int[] rows = ManifoldTrainer.profileRows(FIRST, steps, STEP, UTC);
        ZoneModel fitted = ZoneFitter.fitZone(x, segments, rows, FIRST, STEP, UTC, HorizonLeads.consecutive(6), cfg)
                .model();
        int h = fitted.horizons();
        // as during calibration: no blend, no trend (the forecast is the manifold's m)
        return fitted.withBands(fitted.sigma(), fitted.band(), new double[h * ZoneModel.REGIMES * N], new double[h * N]);
    }

    /** The straightforward sums [fold][k][cell * GRID + g] (sse, then sae) of the kernel's pairs over the block. */
    private static double[][][][] reference(ZoneModel model, double[] x, int from) {
        int horizons = model.horizons();
        int trends = BandCalibration.TRENDS.length;
        int grid = BandCalibration.GRID;
        int cells = horizons * ZoneModel.REGIMES * N;
        double[][][][] out = new double[2][2][trends][cells * grid]; // [sse|sae][fold][k][...]
        ZoneForecaster kernel = new ZoneForecaster(model);
        ZoneState state = kernel.newState();
        ZoneForecast forecast = new ZoneForecast(horizons, N);
        double[] now = new double[N];
        double[] change = new double[N];
        int steps = x.length / N;
        float[] row = new float[N];
        for (int t = 0; t < steps - 1; t++) {
            for (int i = 0; i < N; i++) {
                row[i] = (float) x[t * N + i];
            }
            long issued = FIRST + t * STEP;
            kernel.observe(state, issued, row);
            if (t < from - 1) {
                continue;
            }
            int f = BandCalibration.fold(issued, FIRST);
            kernel.forecast(state, forecast);
            kernel.nowcast(state, now);
            for (int h = 0; h < horizons && t + h + 1 < steps; h++) {
                kernel.profileChange(state, h, change);
                for (int i = 0; i < N; i++) {
                    double y = x[(t + h + 1) * N + i];
                    if (Double.isNaN(y)) {
                        continue;
                    }
                    double m = forecast.speed[h][i];
                    double b = now[i] - m;
                    int c = ZoneModel.blendIndex(h, ZoneModel.regime(b), i, N);
                    for (int k = 0; k < trends; k++) {
                        double a = y - m - BandCalibration.TRENDS[k] * change[i];
                        for (int g = 0; g < grid; g++) {
                            double r = a - (double) g / (grid - 1) * b;
                            out[0][f][k][c * grid + g] += r * r;
                            out[1][f][k][c * grid + g] += Math.abs(r);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Sums' residual sums of trend weight k, fold f, in the reference layout. */
    private static double[] slice(BandCalibration.Sums s, double[][] sums, int f, int k) {
        int grid = BandCalibration.GRID;
        double[] out = new double[s.n * s.horizons * grid];
        for (int c = 0; c < s.n * s.horizons; c++) {
            System.arraycopy(sums[f], s.at(c, k, 0), out, c * grid, grid);
        }
        return out;
    }

    @Test
    void everyTrendsSumsAreThoseOfTheStraightforwardAccumulation() {
        double[] x = series();
        ZoneModel model = candidate(x);
        int from = (DAYS - 1) * PER_DAY;
        BandCalibration.Sums sums = BandCalibration.sums(model, x, FIRST, from, null);
        double[][][][] expected = reference(model, x, from);
        double total = 0;
        for (int f = 0; f < 2; f++) {
            for (int k = 0; k < BandCalibration.TRENDS.length; k++) {
                assertArrayEquals(expected[0][f][k], slice(sums, sums.sse, f, k), 0.0, "SSE fold " + f + " trend " + k);
                assertArrayEquals(expected[1][f][k], slice(sums, sums.sae, f, k), 0.0, "SAE fold " + f + " trend " + k);
                total += Arrays.stream(expected[0][f][k]).sum();
            }
        }
        assertTrue(total > 0, "the block has pairs");
    }

    @Test
    void sumsKeptAtTheChosenTrendAloneEqualThoseOfEveryTrend() {
        double[] x = series();
        ZoneModel model = candidate(x);
        int from = (DAYS - 1) * PER_DAY;
        int[] trendOf = new int[model.horizons()];
        Arrays.setAll(trendOf, h -> (3 * h + 1) % BandCalibration.TRENDS.length);
        BandCalibration.Sums all = BandCalibration.sums(model, x, FIRST, from, null);
        BandCalibration.Sums chosen = BandCalibration.sums(model, x, FIRST, from, trendOf);
        int trends = BandCalibration.TRENDS.length;
        int perHorizon = ZoneModel.REGIMES * N;
        for (int f = 0; f < 2; f++) {
            assertArrayEquals(all.sbb[f], chosen.sbb[f], 0.0);
            assertArrayEquals(all.count[f], chosen.count[f]);
            for (int c = 0; c < all.n * all.horizons; c++) {
                int h = c / perHorizon;
                for (int k = 0; k < trends; k++) {
                    boolean kept = k == trendOf[h];
                    assertEquals(kept ? all.sab[f][c * trends + k] : 0.0, chosen.sab[f][c * trends + k], 0.0);
                    for (int g = 0; g < BandCalibration.GRID; g++) {
                        int at = all.at(c, k, g);
                        assertEquals(kept ? all.sse[f][at] : 0.0, chosen.sse[f][at], 0.0, "SSE " + c + " " + k);
                        assertEquals(kept ? all.sae[f][at] : 0.0, chosen.sae[f][at], 0.0, "SAE " + c + " " + k);
                    }
                }
            }
        }
    }
}
