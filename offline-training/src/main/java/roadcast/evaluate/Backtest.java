package roadcast.evaluate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Replays a history through several predictors under one {@link EvaluationPlan}: every row is observed in time order
 * (training rows too, as warm-up), and at each test issue row every predictor forecasts all lead steps, which are
 * scored against the targets. Inputs and targets are separate matrices so the predictors can see cleaned readings
 * while scores use the data set's recorded values.
 * <p>
 * Every predictor is scored on the same pairs: a (target, lead) pair counts only when the target is not masked and
 * no predictor's forecast of it is NaN (persistence has none before a segment's first reading), so a baseline is never
 * compared on an easier or harder set than the model. For the sink's predictor, when it gives bands, the share of
 * those pairs inside its band is reported as the band coverage.
 */
public final class Backtest {

    /**
     * Receives every forecast of the sink's predictor whose targets exist: lead k, network order; lower and upper are
     * its band (null when the predictor gives none).
     */
    @FunctionalInterface
    public interface ForecastSink {
        void accept(int issueRow, int leadSteps, double[] predicted, double[] lower, double[] upper) throws IOException;
    }

    private final EvaluationPlan plan;
    private final float[][] inputs;
    private final float[][] targets;
    private final long firstMillis;
    private final long stepMillis;

    /**
     * @param inputs      [T][N] what predictors observe (NaN = no reading)
     * @param targets     [T][N] what forecasts are scored against
     * @param firstMillis epoch ms of row 0
     */
    public Backtest(EvaluationPlan plan, float[][] inputs, float[][] targets, long firstMillis, long stepMillis) {
        if (inputs.length != plan.steps() || targets.length != plan.steps()) {
            throw new IllegalArgumentException("plan for " + plan.steps() + " rows, inputs " + inputs.length
                    + ", targets " + targets.length);
        }
        this.plan = plan;
        this.inputs = inputs;
        this.targets = targets;
        this.firstMillis = firstMillis;
        this.stepMillis = stepMillis;
    }

    /**
     * @param predictors    the rows of the result table, in order
     * @param sink          every in-range forecast of {@code predictors.get(sinkOf)}; null for none
     * @param sinkOf        index of the predictor whose forecasts go to the sink and the traces
     * @param traceSegments network indices to trace (may be empty)
     * @param traceLeads    lead steps to trace (may be empty)
     */
    public BacktestResult run(List<NetworkPredictor> predictors, int sinkOf, ForecastSink sink, int[] traceSegments,
                              int[] traceLeads) {
        return run(predictors, sinkOf, sink, traceSegments, traceLeads, null);
    }

    /**
     * As {@link #run(List, int, ForecastSink, int[], int[])}, also scoring congestion levels with {@code grader}
     * (null = not): at each reported horizon's own lead step, the level the predictor announces
     * ({@link NetworkPredictor#levelSpeed}) against the target's level. The persistence predictor's score is then
     * "the level now persists".
     */
    public BacktestResult run(List<NetworkPredictor> predictors, int sinkOf, ForecastSink sink, int[] traceSegments,
                              int[] traceLeads, LevelGrader grader) {
        int n = inputs[0].length;
        int p = predictors.size();
        int hCount = plan.horizons().size();
        ErrorAccumulator[][] acc = new ErrorAccumulator[p][hCount];
        for (ErrorAccumulator[] row : acc) {
            for (int h = 0; h < hCount; h++) {
                row[h] = new ErrorAccumulator(plan.mask());
            }
        }
        long[] inBand = new long[hCount];
        long[] banded = new long[hCount];
        int leads = plan.maxSteps();
        List<HorizonSpec> leadSpecs = new ArrayList<>(leads);
        long stepMin = stepMillis / 60_000L;
        for (int k = 1; k <= leads; k++) {
            leadSpecs.add(new HorizonSpec((int) (k * stepMin), k, false, plan.firstIssue(),
                    Math.min(plan.lastIssue(), plan.steps() - 1 - k)));
        }
        ErrorAccumulator[][] accLead = new ErrorAccumulator[p][leads];
        for (ErrorAccumulator[] row : accLead) {
            for (int k = 0; k < leads; k++) {
                row[k] = new ErrorAccumulator(plan.mask());
            }
        }
        long[] inBandLead = new long[leads];
        long[] bandedLead = new long[leads];
        long[][] levelPairs = new long[p][hCount];
        long[][] levelCorrect = new long[p][hCount];
        double[][][] out = new double[p][plan.maxSteps()][n];
        double[][] lower = new double[plan.maxSteps()][n];
        double[][] upper = new double[plan.maxSteps()][n];
        long[][] predictNanos = new long[p][plan.issues()];
        long[][] observeNanos = new long[p][plan.issues()];
        int issues = plan.issues();
        double[][][] tracePred = new double[traceSegments.length][traceLeads.length][issues];
        for (int t = 0; t <= plan.lastIssue(); t++) {
            long millis = firstMillis + t * stepMillis;
            boolean issue = t >= plan.firstIssue();
            int slot = t - plan.firstIssue();
            boolean hasBands = false;
            for (int j = 0; j < p; j++) {
                NetworkPredictor predictor = predictors.get(j);
                long t0 = System.nanoTime();
                predictor.observe(millis, inputs[t]);
                if (!issue) {
                    continue;
                }
                long t1 = System.nanoTime();
                predictor.predict(out[j]);
                long t2 = System.nanoTime();
                observeNanos[j][slot] = t1 - t0;
                predictNanos[j][slot] = t2 - t1;
                if (grader != null) {
                    scoreLevels(t, predictor, out[j], grader, levelPairs[j], levelCorrect[j]);
                }
                if (j == sinkOf) {
                    hasBands = predictor.bands(lower, upper);
                    deliver(t, slot, out[j], hasBands ? lower : null, hasBands ? upper : null, sink, traceSegments,
                            traceLeads, tracePred);
                }
            }
            if (issue) {
                double[][] sinkOut = hasBands ? out[sinkOf] : null;
                score(t, plan.horizons(), out, acc, sinkOut, lower, upper, inBand, banded);
                score(t, leadSpecs, out, accLead, sinkOut, lower, upper, inBandLead, bandedLead);
            }
        }
        List<PredictorResult> results = new ArrayList<>(p);
        for (int j = 0; j < p; j++) {
            List<HorizonScores> scores = new ArrayList<>(hCount);
            for (int h = 0; h < hCount; h++) {
                double coverage = j == sinkOf && banded[h] > 0 ? (double) inBand[h] / banded[h] : Double.NaN;
                scores.add(new HorizonScores(plan.horizons().get(h), acc[j][h].scores(), coverage));
            }
            List<HorizonScores> byLead = new ArrayList<>(leads);
            for (int k = 0; k < leads; k++) {
                double coverage = j == sinkOf && bandedLead[k] > 0 ? (double) inBandLead[k] / bandedLead[k] : Double.NaN;
                byLead.add(new HorizonScores(leadSpecs.get(k), accLead[j][k].scores(), coverage));
            }
            List<LevelScores> levels = new ArrayList<>(hCount);
            if (grader != null) {
                for (int h = 0; h < hCount; h++) {
                    levels.add(new LevelScores(plan.horizons().get(h).minutes(), levelPairs[j][h], levelCorrect[j][h]));
                }
            }
            results.add(new PredictorResult(predictors.get(j).name(), scores, percentileMs(predictNanos[j], 50),
                    percentileMs(predictNanos[j], 99), percentileMs(observeNanos[j], 50), byLead, levels));
        }
        return new BacktestResult(plan, results, traces(traceSegments, traceLeads, tracePred));
    }

    /**
     * Scores every predictor's forecasts issued at row t on the pairs all of them can be scored on; a pair some
     * predictor leaves NaN is counted as skipped for all.
     *
     * @param banded the sink predictor's forecasts when it gave bands (lower, upper), else null
     */
    private void score(int t, List<HorizonSpec> horizons, double[][][] out, ErrorAccumulator[][] acc,
                       double[][] banded, double[][] lower, double[][] upper, long[] inBand, long[] bandPairs) {
        MaskPolicy mask = plan.mask();
        int p = out.length;
        for (int h = 0; h < horizons.size(); h++) {
            HorizonSpec spec = horizons.get(h);
            if (!spec.scores(t)) {
                continue;
            }
            for (int k = spec.firstScoredStep(); k <= spec.steps(); k++) {
                float[] y = targets[t + k];
                for (int i = 0; i < y.length; i++) {
                    boolean all = !mask.skips(y[i]);
                    for (int j = 0; j < p && all; j++) {
                        all = !Double.isNaN(out[j][k - 1][i]);
                    }
                    for (int j = 0; j < p; j++) {
                        acc[j][h].add(y[i], all ? out[j][k - 1][i] : Double.NaN);
                    }
                    if (all && banded != null) {
                        bandPairs[h]++;
                        if (y[i] >= lower[k - 1][i] && y[i] <= upper[k - 1][i]) {
                            inBand[h]++;
                        }
                    }
                }
            }
        }
    }

    private void scoreLevels(int t, NetworkPredictor predictor, double[][] out, LevelGrader grader, long[] pairs,
                             long[] correct) {
        List<HorizonSpec> horizons = plan.horizons();
        for (int h = 0; h < horizons.size(); h++) {
            HorizonSpec spec = horizons.get(h);
            if (!spec.scores(t)) {
                continue;
            }
            float[] y = targets[t + spec.steps()];
            double[] yHat = out[spec.steps() - 1];
            for (int i = 0; i < y.length; i++) {
                if (Float.isNaN(y[i]) || plan.mask().skips(y[i]) || !Double.isFinite(yHat[i])) {
                    continue;
                }
                int actual = grader.level(i, y[i]);
                int predicted = grader.level(i, predictor.levelSpeed(spec.steps(), i, yHat[i]));
                if (actual < 0 || predicted < 0) {
                    continue;
                }
                pairs[h]++;
                if (actual == predicted) {
                    correct[h]++;
                }
            }
        }
    }

    private void deliver(int t, int slot, double[][] out, double[][] lower, double[][] upper, ForecastSink sink,
                         int[] traceSegments, int[] traceLeads, double[][][] tracePred) {
        if (sink != null) {
            int maxLead = Math.min(plan.maxSteps(), plan.steps() - 1 - t);
            try {
                for (int k = 1; k <= maxLead; k++) {
                    sink.accept(t, k, out[k - 1], lower == null ? null : lower[k - 1], upper == null ? null : upper[k - 1]);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (int s = 0; s < traceSegments.length; s++) {
            for (int l = 0; l < traceLeads.length; l++) {
                tracePred[s][l][slot] = out[traceLeads[l] - 1][traceSegments[s]];
            }
        }
    }

    private List<Trace> traces(int[] traceSegments, int[] traceLeads, double[][][] tracePred) {
        List<Trace> traces = new ArrayList<>();
        int issues = plan.issues();
        long stepMin = stepMillis / 60_000L;
        for (int s = 0; s < traceSegments.length; s++) {
            for (int l = 0; l < traceLeads.length; l++) {
                int lead = traceLeads[l];
                long[] when = new long[issues];
                double[] actual = new double[issues];
                for (int k = 0; k < issues; k++) {
                    int target = plan.firstIssue() + k + lead;
                    when[k] = firstMillis + target * stepMillis;
                    actual[k] = target < plan.steps() ? targets[target][traceSegments[s]] : Double.NaN;
                }
                traces.add(new Trace(traceSegments[s], (int) (lead * stepMin), when, tracePred[s][l], actual));
            }
        }
        return traces;
    }

    /** Nearest-rank percentile of durations in ns, as ms. */
    static double percentileMs(long[] nanos, double percentile) {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }
}
