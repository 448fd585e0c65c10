package roadcast.fit;

import roadcast.forecast.ZoneForecast;
import roadcast.forecast.ZoneForecaster;
import roadcast.forecast.ZoneState;

/** The kernel run over a whole series as the stream would, scored after the training part. */
final class HeldOutForecasts {

    private HeldOutForecasts() {
    }

    /**
     * RMSE of every horizon's forecast issued after the first {@code trainSteps} steps of {@code x} ([T * n], steps
     * of {@code stepMillis} from {@code firstMillis}).
     */
    static double rmse(ZoneFitter.Result fitted, double[] x, int n, int trainSteps, long firstMillis,
                       long stepMillis) {
        ZoneForecaster kernel = new ZoneForecaster(fitted.model());
        ZoneState state = kernel.newState();
        int horizons = fitted.model().horizons();
        ZoneForecast out = new ZoneForecast(horizons, n);
        float[] row = new float[n];
        int steps = x.length / n;
        double sq = 0;
        long pairs = 0;
        for (int t = 0; t < steps - 1; t++) {
            for (int i = 0; i < n; i++) {
                row[i] = (float) x[t * n + i];
            }
            kernel.observe(state, firstMillis + t * stepMillis, row);
            if (t < trainSteps) {
                continue;
            }
            kernel.forecast(state, out);
            for (int h = 0; h < horizons && t + h + 1 < steps; h++) {
                for (int i = 0; i < n; i++) {
                    double e = out.speed[h][i] - x[(t + h + 1) * n + i];
                    sq += e * e;
                    pairs++;
                }
            }
        }
        return Math.sqrt(sq / pairs);
    }
}
