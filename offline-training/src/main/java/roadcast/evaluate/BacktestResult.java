package roadcast.evaluate;

import java.util.List;

/** Scores of every predictor of a backtest, and the forecast-versus-actual traces of the traced predictor. */
public record BacktestResult(EvaluationPlan plan, List<PredictorResult> predictors, List<Trace> traces) {

    public BacktestResult {
        predictors = List.copyOf(predictors);
        traces = List.copyOf(traces);
    }

    public PredictorResult of(String name) {
        return predictors.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no predictor " + name));
    }
}
