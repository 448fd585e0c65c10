package roadcast.evaluate;

/**
 * Error figures of one forecaster at one horizon, pooled over every scored (target, prediction) pair.
 *
 * @param rmse     sqrt(mean (y - y_hat)^2)
 * @param mae      mean |y - y_hat|
 * @param accuracy 1 - ||Y - Y_hat||_F / ||Y||_F (T-GCN)
 * @param r2       1 - sum (y - y_hat)^2 / sum (y - mean y)^2
 * @param var      explained variance 1 - Var(y - y_hat) / Var(y)
 * @param mape     mean |y - y_hat| / |y| over non-zero targets, NaN when the protocol does not report it
 * @param pairs    pairs scored
 * @param skipped  pairs left out: masked targets (zero/NaN under masking) or NaN targets/predictions that cannot be
 *                 scored at all
 */
public record Scores(double rmse, double mae, double accuracy, double r2, double var, double mape, long pairs,
                     long skipped) {
}
