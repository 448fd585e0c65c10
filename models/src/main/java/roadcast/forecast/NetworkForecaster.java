package roadcast.forecast;

import roadcast.model.ManifoldModel;

/**
 * All zones of a model at once over network rows (network segment order): the backtest's and bench-forecast's
 * driver of {@link ZoneForecaster}. Not thread-safe.
 */
public final class NetworkForecaster {

    private final ManifoldModel model;
    private final ZoneForecaster[] forecasters;
    private final ZoneState[] states;
    private final int[][] segments;
    private final float[][] zoneRows;
    private long stepMillis = Long.MIN_VALUE;

    public NetworkForecaster(ManifoldModel model) {
        this.model = model;
        int zones = model.zoneCount();
        forecasters = new ZoneForecaster[zones];
        states = new ZoneState[zones];
        segments = new int[zones][];
        zoneRows = new float[zones][];
        for (int z = 0; z < zones; z++) {
            forecasters[z] = new ZoneForecaster(model.zone(z));
            states[z] = forecasters[z].newState();
            segments[z] = model.segmentsOfZone(z);
            zoneRows[z] = new float[segments[z].length];
        }
    }

    public ManifoldModel model() {
        return model;
    }

    public NetworkForecast newForecast() {
        return new NetworkForecast(model);
    }

    /** Takes one network row (NaN = no reading) at a step. */
    public void observe(long stepMillis, float[] networkRow) {
        if (networkRow.length != model.network().size()) {
            throw new IllegalArgumentException("network row of " + networkRow.length + " speeds, the model has "
                    + model.network().size() + " segments");
        }
        for (int z = 0; z < forecasters.length; z++) {
            int[] seg = segments[z];
            float[] row = zoneRows[z];
            for (int k = 0; k < seg.length; k++) {
                row[k] = networkRow[seg[k]];
            }
            forecasters[z].observe(states[z], stepMillis, row);
        }
        this.stepMillis = stepMillis;
    }

    public void forecast(NetworkForecast out) {
        for (int z = 0; z < forecasters.length; z++) {
            forecasters[z].forecast(states[z], out.zones[z]);
        }
        out.issuedAtMillis = stepMillis;
    }

    /** Zone z's state after the last observe (read only: the kriging layer works from it). */
    public ZoneState state(int zone) {
        return states[zone];
    }

    /** The zone-local speeds given to zone z at the last step (for {@link Forecasts#toRecords}). */
    public float[] lastZoneRow(int zone) {
        return zoneRows[zone];
    }
}
