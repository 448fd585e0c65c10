package roadcast.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class BacktestTest {

    private static final long STEP = Duration.ofMinutes(5).toMillis();

    @Test
    void persistenceOnARampHasErrorEqualToTheLead() {
        // x_t = t on every segment: the last value misses lead k by exactly k, so pooled RMSE over 1..H is
        // sqrt(mean k^2) and the single-step (standard) RMSE at H is H.
        int steps = 600;
        int n = 3;
        float[][] x = new float[steps][n];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) {
                x[t][i] = t;
            }
        }
        EvaluationPlan tgcn = Protocol.TGCN.plan(steps, Duration.ofMinutes(5));
        BacktestResult r = new Backtest(tgcn, x, x, 0L, STEP).run(List.of(new Persistence(n)), -1, null,
                new int[0], new int[0]);
        for (HorizonScores hs : r.of("persistence").horizons()) {
            int h = hs.horizon().steps();
            double meanSq = 0;
            for (int k = 1; k <= h; k++) {
                meanSq += (double) k * k / h;
            }
            assertEquals(Math.sqrt(meanSq), hs.scores().rmse(), 1e-9, "pooled RMSE at " + h + " steps");
            long issues = hs.horizon().lastIssue() - hs.horizon().firstIssue() + 1;
            assertEquals(issues * h * n, hs.scores().pairs());
        }
        EvaluationPlan standard = Protocol.STANDARD.plan(steps, Duration.ofMinutes(5));
        BacktestResult s = new Backtest(standard, x, x, 0L, STEP).run(List.of(new Persistence(n)), -1, null,
                new int[0], new int[0]);
        for (HorizonScores hs : s.of("persistence").horizons()) {
            assertEquals(hs.horizon().steps(), hs.scores().rmse(), 1e-9);
            assertEquals(hs.horizon().steps(), hs.scores().mae(), 1e-9);
        }
    }

    @Test
    void historicalAverageIsExactOnAPurelyDailySeriesAndTheSinkSeesEveryInRangeLead() {
        // a series that repeats every day and on weekends alike: the time-of-day mean of the training part is exact
        int perDay = 288;
        int steps = perDay * 10;
        int n = 2;
        float[][] x = new float[steps][n];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) {
                x[t][i] = (float) (50 + 10 * Math.sin(2 * Math.PI * (t % perDay) / perDay + i));
            }
        }
        EvaluationPlan plan = Protocol.TGCN.plan(steps, Duration.ofMinutes(5));
        HistoricalAverage ha = HistoricalAverage.fit(x, 0, plan.trainRows(), 0L, STEP, ZoneId.of("UTC"));
        List<int[]> seen = new ArrayList<>();
        BacktestResult r = new Backtest(plan, x, x, 0L, STEP).run(List.of(ha, new Persistence(n)), 0,
                (issue, lead, predicted, lower, upper) -> seen.add(new int[] {issue, lead}), new int[] {1}, new int[] {3, 12});
        for (HorizonScores hs : r.of("historical_average").horizons()) {
            assertEquals(0.0, hs.scores().rmse(), 1e-4);
        }
        int expected = 0;
        for (int t = plan.firstIssue(); t <= plan.lastIssue(); t++) {
            expected += Math.min(plan.maxSteps(), steps - 1 - t);
        }
        assertEquals(expected, seen.size());
        assertEquals(2, r.traces().size());
        Trace t60 = r.traces().get(1);
        assertEquals(60, t60.leadMinutes());
        assertEquals(x[plan.firstIssue() + 12][1], t60.actual()[0], 1e-6);
        assertEquals(t60.actual()[0], t60.predicted()[0], 1e-4);
    }

    @Test
    void everyPredictorIsScoredOnTheSamePairs() {
        // segment 1 has no reading until well into the test part: persistence cannot forecast it before, the
        // historical average can; both must be scored on the pairs persistence has, and count the rest as skipped
        int perDay = 288;
        int steps = perDay * 5;
        int n = 2;
        float[][] x = new float[steps][n];
        for (int t = 0; t < steps; t++) {
            x[t][0] = 50 + t % 7;
            x[t][1] = t < steps - 100 ? Float.NaN : 40;
        }
        EvaluationPlan plan = Protocol.TGCN.plan(steps, Duration.ofMinutes(5));
        HistoricalAverage ha = HistoricalAverage.fit(x, 0, plan.trainRows(), 0L, STEP, ZoneId.of("UTC"));
        BacktestResult r = new Backtest(plan, x, x, 0L, STEP).run(List.of(ha, new Persistence(n)), -1, null,
                new int[0], new int[0]);
        for (int h = 0; h < plan.horizons().size(); h++) {
            Scores a = r.of("historical_average").horizons().get(h).scores();
            Scores p = r.of("persistence").horizons().get(h).scores();
            assertEquals(p.pairs(), a.pairs(), "pairs at horizon " + h);
            assertEquals(p.skipped(), a.skipped());
            HorizonSpec spec = plan.horizons().get(h);
            long all = (long) (spec.lastIssue() - spec.firstIssue() + 1) * spec.steps() * n;
            assertEquals(all, p.pairs() + p.skipped());
            org.junit.jupiter.api.Assertions.assertTrue(p.skipped() > 0, "segment 1 is skipped before its first reading");
        }
        for (int k = 0; k < plan.maxSteps(); k++) {
            assertEquals(r.of("persistence").leads().get(k).scores().pairs(),
                    r.of("historical_average").leads().get(k).scores().pairs(), "pairs at lead " + (k + 1));
        }
    }

    @Test
    void congestionLevelAccuracyAtEachHorizonsOwnLeadStep() {
        // a 60-minute square wave, 30 min free (60) then 30 min congested (20): "the level now persists" is always
        // wrong at +30 min, always right at +60 and right half the time at +15; the historical average is exact
        int n = 2;
        float[][] x = squareWave(288 * 10, n);
        EvaluationPlan plan = Protocol.TGCN.plan(x.length, Duration.ofMinutes(5));
        HistoricalAverage ha = squareWaveAverage(x, plan);
        LevelGrader grader = (segment, speed) -> speed < 40 ? 1 : 0;
        BacktestResult r = new Backtest(plan, x, x, 0L, STEP).run(List.of(new Persistence(n), ha), -1, null,
                new int[0], new int[0], grader);
        PredictorResult p = r.of("persistence");
        assertEquals(0.0, p.levelAccuracy(30), 1e-12);
        assertEquals(1.0, p.levelAccuracy(60), 1e-12);
        assertEquals(0.5, p.levelAccuracy(15), 0.01);
        for (LevelScores l : r.of("historical_average").levels()) {
            assertEquals(1.0, l.accuracy(), 1e-12, "at " + l.minutes() + " min");
            HorizonSpec spec = plan.horizons().stream().filter(h -> h.minutes() == l.minutes()).findFirst().get();
            assertEquals((long) (spec.lastIssue() - spec.firstIssue() + 1) * n, l.pairs(), "one target per segment");
        }
        BacktestResult without = new Backtest(plan, x, x, 0L, STEP).run(List.of(new Persistence(n)), -1, null,
                new int[0], new int[0]);
        assertEquals(true, Double.isNaN(without.of("persistence").levelAccuracy(30)), "not scored without a grader");
    }

    @Test
    void theLevelScoredIsTheOneThePredictorAnnounces() {
        // the exact historical average of the square wave above, announcing "congested" whatever it forecasts: its
        // speeds score as the average's, its levels are right exactly on the congested half of the targets
        int n = 2;
        float[][] x = squareWave(288 * 10, n);
        EvaluationPlan plan = Protocol.TGCN.plan(x.length, Duration.ofMinutes(5));
        HistoricalAverage ha = squareWaveAverage(x, plan);
        NetworkPredictor congested = new NetworkPredictor() {
            @Override
            public String name() {
                return "congested";
            }

            @Override
            public void observe(long stepMillis, float[] row) {
                ha.observe(stepMillis, row);
            }

            @Override
            public void predict(double[][] out) {
                ha.predict(out);
            }

            @Override
            public double levelSpeed(int lead, int segment, double forecast) {
                return 20;
            }
        };
        BacktestResult r = new Backtest(plan, x, x, 0L, STEP).run(List.of(congested), -1, null, new int[0],
                new int[0], (segment, speed) -> speed < 40 ? 1 : 0);
        for (LevelScores l : r.of("congested").levels()) {
            assertEquals(0.5, l.accuracy(), 0.01, "at " + l.minutes() + " min");
        }
        assertEquals(0.0, r.of("congested").horizons().get(0).scores().rmse(), 1e-9, "the speeds are the average's");
    }

    /** A 60-minute square wave on every segment: 30 min free (60), then 30 min congested (20). */
    /** The historical average fitted on the plan's training rows of {@link #squareWave}: exact on its test rows. */
    private static HistoricalAverage squareWaveAverage(float[][] x, EvaluationPlan plan) {
        return HistoricalAverage.fit(x, 0, plan.trainRows(), 0L, STEP, ZoneId.of("UTC"));
    }

    private static float[][] squareWave(int steps, int n) {
        float[][] x = new float[steps][n];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) {
                x[t][i] = t % 12 < 6 ? 60f : 20f;
            }
        }
        return x;
    }
}
