package roadcast.evaluate;

/** The scores of one predictor at one reported horizon. */
public record HorizonScores(HorizonSpec horizon, Scores scores) {
}
