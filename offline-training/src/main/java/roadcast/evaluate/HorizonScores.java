package roadcast.evaluate;

/**
 * The scores of one predictor at one reported horizon.
 *
 * @param coverage share of the scored pairs inside the predictor's band (the 90% band of the model); NaN when the
 *                 predictor gives no band
 */
public record HorizonScores(HorizonSpec horizon, Scores scores, double coverage) {

    public HorizonScores(HorizonSpec horizon, Scores scores) {
        this(horizon, scores, Double.NaN);
    }
}
