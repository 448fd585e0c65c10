package roadcast.skill;

import roadcast.forecast.ZoneForecast;
import roadcast.forecast.ZoneForecaster;
import roadcast.forecast.ZoneState;
import roadcast.manifold.LocalClock;
import roadcast.model.ZoneModel;

/**
 * Runs the forecasting kernel over a validation block and accumulates squared errors of the model, persistence
 * (the last observed speed of the segment) and the historical average (the model's profile), per zone-local segment,
 * horizon and {@link DayPeriod} of the issue time. Only pairs whose target was observed and whose segment has a last
 * observed speed count, the same pairs for all three.
 */
public final class ZoneValidation {

    /** Sums in {@link SkillTable} layout over zone-local segments: [(i * H + h) * PERIODS + period]. */
    public static final class Sums implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        public final int n;
        public final int horizons;
        public final double[] sqModel;
        public final double[] sqPersistence;
        public final double[] sqHistoricalAverage;
        public final double[] absModel;
        public final long[] pairs;

        Sums(int n, int horizons) {
            this.n = n;
            this.horizons = horizons;
            int cells = n * horizons * SkillTable.PERIODS;
            sqModel = new double[cells];
            sqPersistence = new double[cells];
            sqHistoricalAverage = new double[cells];
            absModel = new double[cells];
            pairs = new long[cells];
        }

        /** RMSE of the model over every segment, horizon and issue time (NaN without pairs). */
        public double rmse() {
            double sq = 0;
            long count = 0;
            for (int i = 0; i < n; i++) {
                for (int h = 0; h < horizons; h++) {
                    int c = SkillTable.cell(i, horizons, h, DayPeriod.ALL_DAY);
                    sq += sqModel[c];
                    count += pairs[c];
                }
            }
            return count == 0 ? Double.NaN : Math.sqrt(sq / count);
        }

        /**
         * Residual RMS per [h * n + i]; cells without pairs take the mean of their horizon (or 0 if none).
         */
        public double[] sigma() {
            double[] sigma = new double[horizons * n];
            for (int h = 0; h < horizons; h++) {
                double sq = 0;
                long count = 0;
                for (int i = 0; i < n; i++) {
                    int c = SkillTable.cell(i, horizons, h, DayPeriod.ALL_DAY);
                    sq += sqModel[c];
                    count += pairs[c];
                }
                double fallback = count == 0 ? 0.0 : Math.sqrt(sq / count);
                for (int i = 0; i < n; i++) {
                    int c = SkillTable.cell(i, horizons, h, DayPeriod.ALL_DAY);
                    sigma[h * n + i] = pairs[c] == 0 ? fallback : Math.sqrt(sqModel[c] / pairs[c]);
                }
            }
            return sigma;
        }
    }

    private ZoneValidation() {
    }

    /**
     * @param x           zone speeds [T * n] (NaN = missing)
     * @param firstMillis epoch ms of row 0
     * @param from        first validation row: forecasts are issued at rows from - 1 .. T - 2
     * @param stride      issue a forecast every stride-th row (1 = all)
     */
    public static Sums run(ZoneModel model, double[] x, long firstMillis, int from, int stride) {
        Sums sums = new Sums(model.size(), model.horizons());
        walk(model, x, firstMillis, from, stride, sums, new double[2], null);
        return sums;
    }

    /**
     * RMSE of the model alone over the same pairs as {@link #run}, without the per-cell bookkeeping: the
     * hyperparameter search's criterion.
     */
    public static double score(ZoneModel model, double[] x, long firstMillis, int from, int stride) {
        double[] total = scoreFolds(model, x, firstMillis, from, stride);
        double count = total[1] + total[3];
        return count == 0 ? Double.NaN : Math.sqrt((total[0] + total[2]) / count);
    }

    /**
     * Squared-error sums of {@link #score} split by the fold of the issue time
     * ({@link roadcast.fit.BandCalibration#fold}): {sq A, pairs A, sq B, pairs B}, so the band can be calibrated on
     * one fold with the candidate chosen on the other.
     */
    public static double[] scoreFolds(ZoneModel model, double[] x, long firstMillis, int from, int stride) {
        double[] total = new double[4];
        walk(model, x, firstMillis, from, stride, null, total, null);
        return total;
    }

    /**
     * Moments of one fold and horizon for {@link #scoreServedFolds}: the lower triangle of G = F^T F over the
     * regressors F = [g-, g+, s] (entries g-g-, g-s, g+g+, g+s, ss; g-g+ is 0), F^T r, r^T r, the nowcast's and
     * persistence's squared errors and the pairs.
     */
    private static final int SERVED_WIDTH = 12;

    /**
     * Squared-error sums split by fold as {@link #scoreFolds}, of the forecast as it is served rather than of the
     * manifold forecast m alone: the served forecast is x = m + w (n - m) + c s ({@link ZoneForecaster}: n the nowcast,
     * w by the regime of n - m, s the smoothed profile's change from issue to target), its weights fitted afterwards
     * on this block ({@code roadcast.fit.BandCalibration}), so a candidate whose m adds most to the nowcast can beat
     * one whose m alone is closer to the targets. Per fold and horizon the zone's least-squares (w-, w+, c) of the
     * target on F = [(n - m)-, (n - m)+, s] stands for the calibration's weights (three weights fitted on thousands
     * of pairs: in-sample is close to cross-fitted), and the horizon counts the smaller of that fit's squared error
     * and the nowcast's, as the calibration falls back to the nowcast where the blend loses to it.
     *
     * @param relative each horizon's squared error divided by persistence's on the same pairs, so that every horizon
     *                 weighs the same in the sum (else the long horizons' larger errors decide); the result is then
     *                 {sum of ratios A, horizons with pairs A, the same for B}
     */
    public static double[] scoreServedFolds(ZoneModel model, double[] x, long firstMillis, int from, int stride,
                                            boolean relative) {
        int horizons = model.horizons();
        double[] moments = new double[2 * horizons * SERVED_WIDTH];
        walk(model, x, firstMillis, from, stride, null, new double[4], moments);
        double[] total = new double[4];
        double[] g = new double[9];
        double[] beta = new double[3];
        for (int f = 0; f < 2; f++) {
            for (int h = 0; h < horizons; h++) {
                int o = (f * horizons + h) * SERVED_WIDTH;
                double pairs = moments[o + 11];
                if (pairs == 0) {
                    continue;
                }
                // (G + eps I) beta = F^T r, G's lower triangle row-major 3 x 3; eps keeps a regime without pairs
                // (a zero row) solvable and changes the fit by nothing measurable
                double eps = 1e-9 * (moments[o] + moments[o + 2] + moments[o + 4]) + 1e-12;
                g[0] = moments[o] + eps;
                g[3] = 0.0;
                g[4] = moments[o + 2] + eps;
                g[6] = moments[o + 1];
                g[7] = moments[o + 3];
                g[8] = moments[o + 4] + eps;
                beta[0] = moments[o + 5];
                beta[1] = moments[o + 6];
                beta[2] = moments[o + 7];
                double sse;
                try {
                    roadcast.manifold.SmallSolve.choleskyInPlace(g, 3);
                    roadcast.manifold.SmallSolve.choleskySolveInPlace(g, 3, beta);
                    // SSE at the least-squares weights: r^T r - beta^T F^T r
                    sse = moments[o + 8]
                            - (beta[0] * moments[o + 5] + beta[1] * moments[o + 6] + beta[2] * moments[o + 7]);
                } catch (ArithmeticException collinear) {
                    sse = moments[o + 8]; // no weights: the manifold forecast as it is
                }
                double served = Math.min(Math.max(sse, 0.0), moments[o + 9]);
                if (relative) {
                    double persistence = moments[o + 10];
                    total[2 * f] += persistence > 0 ? served / persistence : 1.0;
                    total[2 * f + 1] += 1;
                } else {
                    total[2 * f] += served;
                    total[2 * f + 1] += pairs;
                }
            }
        }
        return total;
    }

    /** Adds one issue time's pairs at one horizon to {@link #scoreServedFolds}'s moments at offset o. */
    private static void addServed(double[] m, double[] now, double[] change, double[] x, int target, double[] last,
                                  int n, double[] moments, int o) {
        double loLo = 0;
        double loS = 0;
        double hiHi = 0;
        double hiS = 0;
        double sS = 0;
        double loR = 0;
        double hiR = 0;
        double sR = 0;
        double rR = 0;
        double nowSq = 0;
        double lastSq = 0;
        double pairs = 0;
        for (int i = 0; i < n; i++) {
            double y = x[target + i];
            if (Double.isNaN(y) || Double.isNaN(last[i])) {
                continue;
            }
            double r = y - m[i];
            double gap = now[i] - m[i];
            double s = change[i];
            // the blend's regimes (ZoneModel.regime): the reading below the forecast (gap < 0) or not
            double lo = Math.min(gap, 0.0);
            double hi = gap - lo;
            loLo += lo * lo;
            loS += lo * s;
            hiHi += hi * hi;
            hiS += hi * s;
            sS += s * s;
            loR += lo * r;
            hiR += hi * r;
            sR += s * r;
            rR += r * r;
            double eNow = r - gap;
            nowSq += eNow * eNow;
            double eLast = y - last[i];
            lastSq += eLast * eLast;
            pairs++;
        }
        moments[o] += loLo;
        moments[o + 1] += loS;
        moments[o + 2] += hiHi;
        moments[o + 3] += hiS;
        moments[o + 4] += sS;
        moments[o + 5] += loR;
        moments[o + 6] += hiR;
        moments[o + 7] += sR;
        moments[o + 8] += rR;
        moments[o + 9] += nowSq;
        moments[o + 10] += lastSq;
        moments[o + 11] += pairs;
    }

    private static void walk(ZoneModel model, double[] x, long firstMillis, int from, int stride, Sums sums,
                             double[] total, double[] served) {
        int n = model.size();
        int steps = x.length / n;
        int horizons = model.horizons();
        long stepMillis = model.stepMillis();
        ZoneForecaster forecaster = new ZoneForecaster(model);
        ZoneState state = forecaster.newState();
        ZoneForecast out = new ZoneForecast(horizons, n);
        LocalClock clock = new LocalClock(model.timeZone(), stepMillis);
        double[] profile = model.profile();
        double[] last = new double[n];
        java.util.Arrays.fill(last, Double.NaN);
        int firstIssue = Math.max(0, from - 1);
        int warmStart = Math.max(0, firstIssue - model.order() - 2);
        for (int t = 0; t < warmStart; t++) {
            remember(x, t, n, last);
        }
        float[] row = new float[n];
        double[] now = served == null ? null : new double[n];
        double[] change = served == null ? null : new double[n];
        for (int t = warmStart; t < steps - 1; t++) {
            for (int i = 0; i < n; i++) {
                row[i] = (float) x[t * n + i];
            }
            long issued = firstMillis + t * stepMillis;
            forecaster.observe(state, issued, row);
            remember(x, t, n, last);
            if (t < firstIssue || (t - firstIssue) % stride != 0) {
                continue;
            }
            forecaster.forecastSpeeds(state, out);
            if (served != null) {
                forecaster.nowcast(state, now);
            }
            int period = DayPeriod.of(clock.minuteOfDay(issued)).ordinal();
            for (int h = 0; h < horizons && t + h + 1 < steps; h++) {
                int target = (t + h + 1) * n;
                int base = clock.profileRow(issued + (h + 1) * stepMillis) * n;
                double[] speed = out.speed[h];
                if (sums == null) {
                    int fold = 2 * roadcast.fit.BandCalibration.fold(issued, firstMillis);
                    if (served != null) {
                        forecaster.profileChange(state, h, change);
                        addServed(speed, now, change, x, target, last, n, served,
                                ((fold / 2) * horizons + h) * SERVED_WIDTH);
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        double y = x[target + i];
                        if (!Double.isNaN(y) && !Double.isNaN(last[i])) {
                            double em = speed[i] - y;
                            total[fold] += em * em;
                            total[fold + 1]++;
                        }
                    }
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    double y = x[target + i];
                    if (Double.isNaN(y) || Double.isNaN(last[i])) {
                        continue;
                    }
                    double em = speed[i] - y;
                    double ep = last[i] - y;
                    double ea = profile[base + i] - y;
                    int all = SkillTable.cell(i, horizons, h, DayPeriod.ALL_DAY);
                    int per = all + period;
                    add(sums, all, em, ep, ea);
                    add(sums, per, em, ep, ea);
                }
            }
        }
    }

    private static void add(Sums s, int cell, double em, double ep, double ea) {
        s.sqModel[cell] += em * em;
        s.absModel[cell] += Math.abs(em);
        s.sqPersistence[cell] += ep * ep;
        s.sqHistoricalAverage[cell] += ea * ea;
        s.pairs[cell]++;
    }

    private static void remember(double[] x, int t, int n, double[] last) {
        for (int i = 0; i < n; i++) {
            double v = x[t * n + i];
            if (!Double.isNaN(v)) {
                last[i] = v;
            }
        }
    }
}
