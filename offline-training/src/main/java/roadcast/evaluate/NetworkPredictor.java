package roadcast.evaluate;

/**
 * A forecaster of the whole network as the backtest drives it: every row in time order, then at issue rows a
 * forecast of every lead step. Implementations keep their own scratch; one instance per backtest.
 */
public interface NetworkPredictor {

    /** Name in tables and JSON ("persistence", "historical_average", "model"). */
    String name();

    /** Takes the network row observed at {@code stepMillis} (network segment order, NaN = no reading). */
    void observe(long stepMillis, float[] row);

    /**
     * Forecasts lead steps 1..out.length after the last observed row: {@code out[k - 1][i]} for segment i. A lead
     * the predictor cannot forecast is NaN.
     */
    void predict(double[][] out);

    /**
     * The band of the last {@link #predict} (same shape as its output), if the predictor gives one.
     *
     * @return false (and nothing written) when it gives none
     */
    default boolean bands(double[][] lower, double[][] upper) {
        return false;
    }

    /**
     * The speed whose congestion grade is the level this predictor announces for segment i at lead k of the last
     * {@link #predict}, given its forecast there: the forecast itself unless the predictor decides levels otherwise
     * (the model's level hold, {@link roadcast.congestion.LevelHold}).
     */
    default double levelSpeed(int lead, int segment, double forecast) {
        return forecast;
    }
}
