package roadcast.evaluate;

import java.util.List;

/**
 * What the backtest measured for one predictor.
 *
 * @param name            predictor name
 * @param horizons        scores per reported horizon, in the protocol's order
 * @param predictMsMedian median wall time of one whole-network forecast (all lead steps), ms
 * @param predictMsP99    99th percentile of the same, ms
 * @param observeMsMedian median wall time of taking one network row, ms
 * @param leads           scores of each single lead step 1..maxSteps (5, 10, .. 60 min) over every test issue whose
 *                        target exists, on the same pairs for every predictor; empty when not measured
 * @param levels          congestion-level accuracy per reported horizon (empty when the backtest had no grader)
 */
public record PredictorResult(String name, List<HorizonScores> horizons, double predictMsMedian, double predictMsP99,
                              double observeMsMedian, List<HorizonScores> leads, List<LevelScores> levels) {

    public PredictorResult {
        horizons = List.copyOf(horizons);
        leads = List.copyOf(leads);
        levels = List.copyOf(levels);
    }

    /** Without single-lead or congestion-level scores. */
    public PredictorResult(String name, List<HorizonScores> horizons, double predictMsMedian, double predictMsP99,
                           double observeMsMedian) {
        this(name, horizons, predictMsMedian, predictMsP99, observeMsMedian, List.of(), List.of());
    }

    /** Level accuracy at a horizon; NaN when levels were not scored. */
    public double levelAccuracy(int minutes) {
        return levels.stream().filter(l -> l.minutes() == minutes).findFirst().map(LevelScores::accuracy)
                .orElse(Double.NaN);
    }

    public Scores at(int minutes) {
        return horizons.stream().filter(h -> h.horizon().minutes() == minutes).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no horizon of " + minutes + " min")).scores();
    }
}
