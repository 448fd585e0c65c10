package roadcast.trainjob;

import roadcast.forecast.NetworkForecast;
import roadcast.forecast.NetworkForecaster;
import roadcast.history.SpeedHistory;
import roadcast.model.ManifoldModel;

/**
 * How far apart two models' forecasts are: both kernels fed the same rows, every segment, horizon and band compared
 * after every row. The check that the cluster's model is the local trainer's.
 */
public final class ForecastDifference {

    private ForecastDifference() {
    }

    /** Largest |a - b| of forecast speed, lower and upper band over rows [from, to) of {@code history}. */
    public static double maxAbs(ManifoldModel a, ManifoldModel b, SpeedHistory history, int from, int to) {
        if (a.network().size() != b.network().size() || a.horizonsMin().length != b.horizonsMin().length) {
            return Double.POSITIVE_INFINITY;
        }
        NetworkForecaster fa = new NetworkForecaster(a);
        NetworkForecaster fb = new NetworkForecaster(b);
        NetworkForecast outA = fa.newForecast();
        NetworkForecast outB = fb.newForecast();
        int n = a.network().size();
        int horizons = a.horizonsMin().length;
        double max = 0;
        for (int t = from; t < to; t++) {
            long millis = history.epochMillis(t);
            fa.observe(millis, history.speed()[t]);
            fb.observe(millis, history.speed()[t]);
            fa.forecast(outA);
            fb.forecast(outB);
            for (int h = 0; h < horizons; h++) {
                for (int s = 0; s < n; s++) {
                    max = Math.max(max, diff(outA.speed(h, s), outB.speed(h, s)));
                    max = Math.max(max, diff(outA.lower(h, s), outB.lower(h, s)));
                    max = Math.max(max, diff(outA.upper(h, s), outB.upper(h, s)));
                }
            }
        }
        return max;
    }

    /** NaN on both sides is agreement; NaN on one side is an infinite difference. */
    private static double diff(double x, double y) {
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return Double.isNaN(x) && Double.isNaN(y) ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.abs(x - y);
    }
}
