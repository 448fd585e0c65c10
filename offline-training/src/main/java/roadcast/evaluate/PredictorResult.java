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
 * @param levels          congestion-level accuracy per reported horizon (empty when the backtest had no grader)
 */
public record PredictorResult(String name, List<HorizonScores> horizons, double predictMsMedian, double predictMsP99,
                              double observeMsMedian, List<LevelScores> levels) {

    public PredictorResult {
        horizons = List.copyOf(horizons);
        levels = List.copyOf(levels);
    }

    /** Without congestion-level scores. */
    public PredictorResult(String name, List<HorizonScores> horizons, double predictMsMedian, double predictMsP99,
                           double observeMsMedian) {
        this(name, horizons, predictMsMedian, predictMsP99, observeMsMedian, List.of());
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
