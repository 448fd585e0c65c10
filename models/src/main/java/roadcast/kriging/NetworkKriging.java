package roadcast.kriging;

import roadcast.forecast.NetworkForecast;
import roadcast.forecast.NetworkForecaster;
import roadcast.model.ManifoldModel;

/**
 * The kriging layer over all zones at once, beside a {@link NetworkForecaster} (backtest, benchmark): one
 * {@link ExtendedForecaster} per zone, the same one the stream's zone operator would run. Not thread-safe.
 */
public final class NetworkKriging {

    private final ExtendedForecaster[] zones;
    private final KrigingModel kriging;

    public NetworkKriging(ManifoldModel model) {
        if (model.kriging() == null) {
            throw new IllegalArgumentException("model " + model.version() + " has no kriging layer");
        }
        this.kriging = model.kriging();
        zones = new ExtendedForecaster[model.zoneCount()];
        for (int z = 0; z < zones.length; z++) {
            zones[z] = new ExtendedForecaster(model.zone(z), kriging, z);
        }
    }

    public ExtendedForecast newForecast() {
        return new ExtendedForecast(kriging.rows(), kriging.size());
    }

    /** Every extended segment's estimate now and forecasts, from the forecaster's states and its last forecast. */
    public void estimate(NetworkForecaster forecaster, NetworkForecast forecast, ExtendedForecast out) {
        for (int z = 0; z < zones.length; z++) {
            zones[z].estimate(forecaster.state(z), forecast.zones[z], out);
        }
        out.issuedAtMillis = forecast.issuedAtMillis;
    }
}
