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
    private final ExtendedReadings[] readings;
    private final KrigingModel kriging;
    /** Per zone, its members' live readings gathered from a kriging-order row. */
    private final float[][] liveOfZone;
    private final int[][] membersOf;

    public NetworkKriging(ManifoldModel model) {
        if (model.kriging() == null) {
            throw new IllegalArgumentException("model " + model.version() + " has no kriging layer");
        }
        this.kriging = model.kriging();
        zones = new ExtendedForecaster[model.zoneCount()];
        readings = new ExtendedReadings[model.zoneCount()];
        liveOfZone = new float[model.zoneCount()][];
        membersOf = new int[model.zoneCount()][];
        for (int z = 0; z < zones.length; z++) {
            zones[z] = new ExtendedForecaster(model.zone(z), kriging, z);
            readings[z] = new ExtendedReadings(model.zone(z), kriging, z);
            membersOf[z] = readings[z].members();
            liveOfZone[z] = new float[membersOf[z].length];
        }
    }

    /** The live-reading rule of zone {@code z} (what the stream applies to the same zone). */
    public ExtendedReadings readings(int z) {
        return readings[z];
    }

    /**
     * As {@link #estimate(NetworkForecaster, NetworkForecast, ExtendedForecast)}, with the live readings of extended
     * segments fused by {@link ExtendedReadings}.
     *
     * @param live [kriging size] fused live speed per extended segment (kriging order), NaN = none
     */
    public void estimate(NetworkForecaster forecaster, NetworkForecast forecast, float[] live, ExtendedForecast out) {
        if (live.length != kriging.size()) {
            throw new IllegalArgumentException(live.length + " live speeds for " + kriging.size()
                    + " extended segments");
        }
        estimate(forecaster, forecast, out);
        for (int z = 0; z < zones.length; z++) {
            int[] members = membersOf[z];
            float[] mine = liveOfZone[z];
            for (int j = 0; j < members.length; j++) {
                mine[j] = live[members[j]];
            }
            readings[z].apply(mine, 0, out);
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
