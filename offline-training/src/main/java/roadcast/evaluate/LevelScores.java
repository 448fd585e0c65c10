package roadcast.evaluate;

/**
 * Congestion-level accuracy of one predictor at one reported horizon: the share of targets whose level (graded by the
 * model's rules) equals the level of the forecast for them, scored at the horizon's own lead step.
 *
 * @param minutes lead time
 * @param pairs   targets with a level and a forecast with a level
 * @param correct of those, forecast level = actual level
 */
public record LevelScores(int minutes, long pairs, long correct) {

    public double accuracy() {
        return pairs == 0 ? Double.NaN : (double) correct / pairs;
    }
}
