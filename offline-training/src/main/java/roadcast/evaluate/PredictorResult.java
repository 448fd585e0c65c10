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
 */
public record PredictorResult(String name, List<HorizonScores> horizons, double predictMsMedian, double predictMsP99,
                              double observeMsMedian) {

    public PredictorResult {
        horizons = List.copyOf(horizons);
    }

    public Scores at(int minutes) {
        return horizons.stream().filter(h -> h.horizon().minutes() == minutes).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no horizon of " + minutes + " min")).scores();
    }
}
