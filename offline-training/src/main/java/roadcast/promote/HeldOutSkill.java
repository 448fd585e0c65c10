package roadcast.promote;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import roadcast.evaluate.Backtest;
import roadcast.evaluate.BacktestResult;
import roadcast.evaluate.EvaluationPlan;
import roadcast.evaluate.HorizonSpec;
import roadcast.evaluate.ManifoldPredictor;
import roadcast.evaluate.MaskPolicy;
import roadcast.evaluate.NetworkPredictor;
import roadcast.evaluate.Protocol;
import roadcast.evaluate.Scores;
import roadcast.history.SpeedHistory;
import roadcast.model.ManifoldModel;

/**
 * Candidate and model in service forecasting the same held-out rows with the backtest's code: both observe the
 * cleaned rows in time order from one day before the held-out block (warm-up), a forecast of every lead up to the
 * model's last horizon is issued at every held-out row, and each is scored against the recorded speeds, pooled over
 * every lead (as T-GCN pools). Only segments both models know are scored, so both are judged on the same cells.
 */
public final class HeldOutSkill {

    /**
     * @param candidate MAE/RMSE of the candidate, pooled over leads 1..max
     * @param service   the same of the model in service
     * @param segments  segments scored (in both models)
     */
    public record Result(Scores candidate, Scores service, int segments) {

        /** Candidate MAE over the service's (below 1 = the candidate is better). */
        public double maeRatio() {
            return candidate.mae() / service.mae();
        }
    }

    private HeldOutSkill() {
    }

    /**
     * @param cleaned  the data set's rows after cleaning (what the models observe), network order of the candidate
     * @param recorded the same rows as recorded (what forecasts are scored against)
     * @param heldOut  first held-out row; rows [heldOut, end) are the held-out block
     */
    public static Result measure(ManifoldModel candidate, ManifoldModel service, SpeedHistory cleaned,
                                 SpeedHistory recorded, int heldOut) {
        long stepMillis = cleaned.step().toMillis();
        if (service.step().toMillis() != stepMillis || candidate.step().toMillis() != stepMillis) {
            throw new IllegalArgumentException("the model in service has a step of " + service.step()
                    + ", the data " + cleaned.step());
        }
        int maxSteps = candidate.horizonsMin().length;
        int dayRows = (int) (86_400_000L / stepMillis);
        int from = Math.max(0, heldOut - dayRows);
        int to = cleaned.steps();
        int steps = to - from;
        int firstIssue = heldOut - from;
        int lastIssue = steps - 1 - maxSteps;
        if (lastIssue < firstIssue) {
            throw new IllegalArgumentException("the held-out block of " + (to - heldOut) + " rows is shorter than "
                    + "the " + maxSteps + " steps of one forecast");
        }
        String[] ids = cleaned.segmentIds();
        int n = ids.length;
        int[] serviceColumn = new int[n];
        int common = 0;
        for (int i = 0; i < n; i++) {
            Optional<Integer> j = service.network().indexOf(ids[i]);
            serviceColumn[i] = j.orElse(-1);
            common += j.isPresent() ? 1 : 0;
        }
        float[][] inputs = Arrays.copyOfRange(cleaned.speed(), from, to);
        float[][] targets = new float[steps][];
        for (int t = 0; t < steps; t++) {
            targets[t] = recorded.speed()[from + t].clone();
            for (int i = 0; i < n; i++) {
                if (serviceColumn[i] < 0) {
                    targets[t][i] = Float.NaN;
                }
            }
        }
        int minutes = (int) (maxSteps * stepMillis / 60_000L);
        HorizonSpec pooled = new HorizonSpec(minutes, maxSteps, true, firstIssue, lastIssue);
        EvaluationPlan plan = new EvaluationPlan(Protocol.TGCN, steps, firstIssue, firstIssue, lastIssue, maxSteps,
                List.of(pooled), MaskPolicy.NONE);
        Backtest backtest = new Backtest(plan, inputs, targets, cleaned.epochMillis(from), stepMillis);
        NetworkPredictor cand = new ManifoldPredictor(candidate, stepMillis, maxSteps);
        NetworkPredictor serv = new ColumnMappedPredictor(new ManifoldPredictor(service, stepMillis, maxSteps),
                serviceColumn, service.network().size(), maxSteps);
        BacktestResult result = backtest.run(List.of(cand, serv), 0, null, new int[0], new int[0]);
        return new Result(result.predictors().get(0).horizons().get(0).scores(),
                result.predictors().get(1).horizons().get(0).scores(), common);
    }

    /** A predictor over another network's columns: rows mapped in, forecasts mapped back (NaN where unknown). */
    static final class ColumnMappedPredictor implements NetworkPredictor {
        private final NetworkPredictor inner;
        private final int[] column;
        private final float[] row;
        private final double[][] innerOut;

        ColumnMappedPredictor(NetworkPredictor inner, int[] column, int innerSegments, int maxSteps) {
            this.inner = inner;
            this.column = column;
            this.row = new float[innerSegments];
            this.innerOut = new double[maxSteps][innerSegments];
        }

        @Override
        public String name() {
            return "service";
        }

        @Override
        public void observe(long stepMillis, float[] data) {
            Arrays.fill(row, Float.NaN);
            for (int i = 0; i < column.length; i++) {
                if (column[i] >= 0) {
                    row[column[i]] = data[i];
                }
            }
            inner.observe(stepMillis, row);
        }

        @Override
        public void predict(double[][] out) {
            inner.predict(innerOut);
            for (int k = 0; k < out.length; k++) {
                for (int i = 0; i < column.length; i++) {
                    out[k][i] = k < innerOut.length && column[i] >= 0 ? innerOut[k][column[i]] : Double.NaN;
                }
            }
        }
    }
}
