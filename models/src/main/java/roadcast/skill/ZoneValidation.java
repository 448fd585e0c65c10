package roadcast.skill;

import roadcast.forecast.ZoneForecast;
import roadcast.forecast.ZoneForecaster;
import roadcast.forecast.ZoneState;
import roadcast.manifold.LocalClock;
import roadcast.model.HorizonLeads;
import roadcast.model.ZoneModel;

/**
 * Runs the forecasting kernel over a validation block and accumulates squared errors of the model, persistence
 * (the last observed speed of the segment) and the historical average (the model's profile), per zone-local segment,
 * horizon and {@link DayPeriod} of the issue time. Only pairs whose target was observed and whose segment has a last
 * observed speed count, the same pairs for all three.
 */
public final class ZoneValidation {

    /**
     * How the zone's levels are graded, for the level hold's counts ({@link Sums#levelCorrect}): the model's grader,
     * and each zone-local segment's road class and free-flow speed.
     */
    public record Levels(roadcast.congestion.CongestionGrader grader, roadcast.network.RoadClass[] classes,
                         double[] freeFlow) {
    }

    /** Sums in {@link SkillTable} layout over zone-local segments: [(i * H + h) * PERIODS + period]. */
    public static final class Sums implements java.io.Serializable {
        private static final long serialVersionUID = 2L;
        public final int n;
        public final int horizons;
        public final double[] sqModel;
        public final double[] sqPersistence;
        public final double[] sqHistoricalAverage;
        public final double[] absModel;
        public final long[] pairs;
        /**
         * [h * C + c], C = {@link roadcast.congestion.LevelHold#CANDIDATES}: the validation pairs (those above whose
         * target and forecast both have a grade) whose level the hold c announces right; all zero when the walk had no
         * {@link Levels}.
         */
        public final long[] levelCorrect;

        Sums(int n, int horizons) {
            this.n = n;
            this.horizons = horizons;
            int cells = n * horizons * SkillTable.PERIODS;
            sqModel = new double[cells];
            sqPersistence = new double[cells];
            sqHistoricalAverage = new double[cells];
            absModel = new double[cells];
            pairs = new long[cells];
            levelCorrect = new long[horizons * roadcast.congestion.LevelHold.CANDIDATES.length];
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
        return run(model, x, firstMillis, from, stride, null);
    }

    /**
     * As {@link #run(ZoneModel, double[], long, int, int)}, also counting the levels each level hold announces right
     * ({@link Sums#levelCorrect}) when {@code levels} is given (the forecasts then carry their band).
     */
    public static Sums run(ZoneModel model, double[] x, long firstMillis, int from, int stride, Levels levels) {
        Sums sums = new Sums(model.size(), model.horizons());
        walk(model, x, firstMillis, from, stride, sums, new double[2], levels);
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

    private static void walk(ZoneModel model, double[] x, long firstMillis, int from, int stride, Sums sums,
                             double[] total, Levels levels) {
        int n = model.size();
        int steps = x.length / n;
        int horizons = model.horizons();
        HorizonLeads leads = model.leads();
        long stepMillis = model.stepMillis();
        ZoneForecaster forecaster = new ZoneForecaster(model);
        ZoneState state = forecaster.newState();
        ZoneForecast out = new ZoneForecast(horizons, n);
        LocalClock clock = new LocalClock(model.timeZone(), stepMillis);
        double[] profile = model.profile();
        roadcast.manifold.ProfileGrid grid = model.profileGrid();
        double[] mu = new double[n];
        double[] last = new double[n];
        java.util.Arrays.fill(last, Double.NaN);
        int firstIssue = Math.max(0, from - 1);
        int warmStart = Math.max(0, firstIssue - model.order() - 2);
        for (int t = 0; t < warmStart; t++) {
            remember(x, t, n, last);
        }
        float[] row = new float[n];
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
            if (levels == null) {
                forecaster.forecastSpeeds(state, out);
            } else {
                forecaster.forecast(state, out);
            }
            int period = DayPeriod.of(clock.minuteOfDay(issued)).ordinal();
            for (int h = 0; h < horizons && t + leads.steps(h) < steps; h++) {
                int target = (t + leads.steps(h)) * n;
                if (sums != null) {
                    grid.row(profile, n, issued + leads.millis(h, stepMillis), mu);
                }
                double[] speed = out.speed[h];
                if (sums == null) {
                    int fold = 2 * roadcast.fit.BandCalibration.fold(issued, firstMillis);
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
                    double ea = mu[i] - y;
                    int all = SkillTable.cell(i, horizons, h, DayPeriod.ALL_DAY);
                    int per = all + period;
                    add(sums, all, em, ep, ea);
                    add(sums, per, em, ep, ea);
                    if (levels != null) {
                        countLevels(levels, sums, h, i, y, out);
                    }
                }
            }
        }
    }

    /** One pair's levels: the target's grade against the level each hold announces, where both have a grade. */
    private static void countLevels(Levels levels, Sums sums, int h, int i, double y, ZoneForecast out) {
        roadcast.network.RoadClass roadClass = levels.classes()[i];
        double freeFlow = levels.freeFlow()[i];
        roadcast.congestion.CongestionLevel actual = levels.grader().level(roadClass, y, freeFlow);
        if (actual == null) {
            return;
        }
        double[] holds = roadcast.congestion.LevelHold.CANDIDATES;
        int base = h * holds.length;
        for (int c = 0; c < holds.length; c++) {
            if (roadcast.congestion.LevelHold.level(levels.grader(), roadClass, freeFlow, out.now[i], out.speed[h][i],
                    out.lower[h][i], out.upper[h][i], holds[c]) == actual) {
                sums.levelCorrect[base + c]++;
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
