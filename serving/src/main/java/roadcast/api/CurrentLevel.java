package roadcast.api;

import roadcast.forecast.Forecast;

/**
 * The congestion level of a speed observed now, graded with the segment's own forecast: the level of the forecast
 * horizon whose speed is closest. Serving does not hold the model's free-flow speeds, but each forecast carries
 * speed/level pairs produced by the model's grader for this very segment, and the grades are monotone in speed.
 */
public final class CurrentLevel {

    private CurrentLevel() {
    }

    /** The level, or null when it cannot be told (no forecast, or no finite speed). */
    public static String of(Forecast f, double speed) {
        if (f == null || !Double.isFinite(speed)) {
            return null;
        }
        String best = null;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int h = 0; h < f.speed().length; h++) {
            double d = Math.abs(f.speed()[h] - speed);
            if (Double.isFinite(d) && d < bestDistance) {
                bestDistance = d;
                best = f.level()[h];
            }
        }
        return best;
    }
}
