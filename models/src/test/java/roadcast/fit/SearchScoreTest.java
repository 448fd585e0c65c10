package roadcast.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import roadcast.clean.CredibilityRules;
import roadcast.forecast.ZoneForecast;
import roadcast.forecast.ZoneForecaster;
import roadcast.forecast.ZoneState;
import roadcast.history.SpeedUnit;
import roadcast.model.ZoneModel;
import roadcast.skill.ZoneValidation;

/**
 * What the hyperparameter search ranks candidates by (issue 14): the forecast as served, i.e. after the blend toward
 * the nowcast and the trend term, and, when the validation block is short, over earlier blocks too.
 */
class SearchScoreTest {

    private static final long STEP = 300_000L;
    private static final int PER_DAY = 288;
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final long FIRST = 1_420_070_400_000L; // 2015-01-01T00:00Z
    private static final int N = 5;
    private static final int DAYS = 5;

    /** A small zone with a daily pattern, an AR(1) walk and some missing readings. */
    private static double[] series() {
        Random rnd = new Random(23);
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

    /** A fitted model with its blend and trend removed: the forecast is the manifold's m, as in the search. */
    private static ZoneModel candidate(double[] x) {
        int steps = x.length / N;
        TrainingConfig cfg = TrainingConfig.defaults("synthetic", "test", CredibilityRules.defaults(SpeedUnit.MPH));
        int[] rows = ManifoldTrainer.profileRows(FIRST, steps, STEP, UTC);
        ZoneModel fitted = ZoneFitter.fitZone(x, new int[] {0, 1, 2, 3, 4}, rows, FIRST, STEP, UTC, 6, cfg).model();
        int h = fitted.horizons();
        return fitted.withBands(fitted.sigma(), fitted.band(), new double[h * ZoneModel.REGIMES * N],
                new double[h * N]);
    }

    /**
     * The served score straight from its definition: per fold and horizon, the pairs (target observed, segment
     * observed before) of the kernel's forecasts from row from - 1 on; the least-squares fit of y - m on
     * [(n - m)-, (n - m)+, s] solved by EJML; the smaller of its squared error and the nowcast's.
     *
     * @return {sq A, pairs A, sq B, pairs B}, or with relative, {sum of sq / persistence's sq A, horizons A, ..}
     */
    private static double[] reference(ZoneModel model, double[] x, int from, boolean relative) {
        int horizons = model.horizons();
        int steps = x.length / N;
        java.util.List<double[]>[][] rows = new java.util.List[2][horizons];
        for (int f = 0; f < 2; f++) {
            for (int h = 0; h < horizons; h++) {
                rows[f][h] = new java.util.ArrayList<>();
            }
        }
        ZoneForecaster kernel = new ZoneForecaster(model);
        ZoneState state = kernel.newState();
        ZoneForecast forecast = new ZoneForecast(horizons, N);
        double[] now = new double[N];
        double[] change = new double[N];
        double[] last = new double[N];
        java.util.Arrays.fill(last, Double.NaN);
        float[] row = new float[N];
        for (int t = 0; t < steps - 1; t++) {
            for (int i = 0; i < N; i++) {
                row[i] = (float) x[t * N + i];
                if (!Double.isNaN(x[t * N + i])) {
                    last[i] = x[t * N + i];
                }
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
                    if (Double.isNaN(y) || Double.isNaN(last[i])) {
                        continue;
                    }
                    double m = forecast.speed[h][i];
                    double gap = now[i] - m;
                    rows[f][h].add(new double[] {y - m, Math.min(gap, 0), Math.max(gap, 0), change[i], y - now[i],
                            y - last[i]});
                }
            }
        }
        double[] total = new double[4];
        for (int f = 0; f < 2; f++) {
            for (int h = 0; h < horizons; h++) {
                java.util.List<double[]> pairs = rows[f][h];
                if (pairs.isEmpty()) {
                    continue;
                }
                DMatrixRMaj a = new DMatrixRMaj(pairs.size(), 3);
                DMatrixRMaj b = new DMatrixRMaj(pairs.size(), 1);
                double nowSq = 0;
                double lastSq = 0;
                for (int k = 0; k < pairs.size(); k++) {
                    double[] p = pairs.get(k);
                    a.set(k, 0, p[1]);
                    a.set(k, 1, p[2]);
                    a.set(k, 2, p[3]);
                    b.set(k, 0, p[0]);
                    nowSq += p[4] * p[4];
                    lastSq += p[5] * p[5];
                }
                DMatrixRMaj beta = new DMatrixRMaj(3, 1);
                assertTrue(CommonOps_DDRM.solve(a, b, beta), "least squares");
                double sse = 0;
                for (int k = 0; k < pairs.size(); k++) {
                    double[] p = pairs.get(k);
                    double r = p[0] - beta.get(0) * p[1] - beta.get(1) * p[2] - beta.get(2) * p[3];
                    sse += r * r;
                }
                double served = Math.min(sse, nowSq);
                total[2 * f] += relative ? served / lastSq : served;
                total[2 * f + 1] += relative ? 1 : pairs.size();
            }
        }
        return total;
    }

    @Test
    void servedScoreIsTheLeastSquaresBlendOrTheNowcastPerFoldAndHorizon() {
        double[] x = series();
        ZoneModel model = candidate(x);
        int from = (DAYS - 1) * PER_DAY;
        for (boolean relative : new boolean[] {false, true}) {
            double[] expected = reference(model, x, from, relative);
            double[] actual = ZoneValidation.scoreServedFolds(model, x, FIRST, from, 1, relative);
            assertTrue(expected[1] > 0 && expected[3] > 0, "both folds have pairs");
            assertEquals(expected[1], actual[1], 0.0, "pairs A");
            assertEquals(expected[3], actual[3], 0.0, "pairs B");
            assertEquals(expected[0], actual[0], 1e-7 * expected[0], "fold A, relative " + relative);
            assertEquals(expected[2], actual[2], 1e-7 * expected[2], "fold B, relative " + relative);
        }
    }

    @Test
    void servedScoreIsNeverAboveTheManifoldForecastsOwn() {
        double[] x = series();
        ZoneModel model = candidate(x);
        int from = (DAYS - 1) * PER_DAY;
        double[] raw = ZoneValidation.scoreFolds(model, x, FIRST, from, 1);
        double[] served = ZoneValidation.scoreServedFolds(model, x, FIRST, from, 1, false);
        assertEquals(raw[1], served[1], 0.0);
        assertEquals(raw[3], served[3], 0.0);
        assertTrue(served[0] <= raw[0] * (1 + 1e-9), served[0] + " vs " + raw[0]);
        assertTrue(served[2] <= raw[2] * (1 + 1e-9), served[2] + " vs " + raw[2]);
        assertTrue(served[0] < raw[0], "the blend toward the nowcast helps a forecast this far from the readings");
    }

    @Test
    void aShortValidationBlockGetsEarlierOriginsUpToTwoDays() {
        // Los-loop's training part: 1612 five-minute steps, the last 322 (1.1 days) validate; one block before it
        // leaves 3.4 days to fit on, and the two blocks cover 2.2 days
        assertArrayEquals(new int[] {968}, ZoneFitter.earlierOrigins(1290, 322, STEP, 2, 12));
        // its nested validation: 1289 steps, 258 validate (0.9 days): two earlier blocks, fitted on 2.7 and 1.8 days
        assertArrayEquals(new int[] {773, 515}, ZoneFitter.earlierOrigins(1031, 258, STEP, 2, 12));
        // three days: 173 steps (0.6 days) validate; a second earlier block would leave 1.2 days to fit on
        assertArrayEquals(new int[] {518}, ZoneFitter.earlierOrigins(691, 173, STEP, 2, 12));
    }

    @Test
    void aValidationBlockOfTwoDaysOrMoreIsTheOnlyOne() {
        // 14 days: 806 steps (2.8 days) validate, as at scale: the search costs what it did
        assertArrayEquals(new int[0], ZoneFitter.earlierOrigins(3226, 806, STEP, 2, 12));
        // SZ-taxi's 15-minute steps: 24.8 days of training, 5 validate
        assertArrayEquals(new int[0], ZoneFitter.earlierOrigins(1905, 476, 900_000L, 2, 4));
    }
}
