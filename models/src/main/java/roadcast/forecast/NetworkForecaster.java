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
    private final double[][] nowcastScratch;
    private long stepMillis = Long.MIN_VALUE;

    public NetworkForecaster(ManifoldModel model) {
        this.model = model;
        int zones = model.zoneCount();
        forecasters = new ZoneForecaster[zones];
        states = new ZoneState[zones];
        segments = new int[zones][];
        zoneRows = new float[zones][];
        nowcastScratch = new double[zones][];
        for (int z = 0; z < zones; z++) {
            forecasters[z] = new ZoneForecaster(model.zone(z));
            states[z] = forecasters[z].newState();
            segments[z] = model.segmentsOfZone(z);
            zoneRows[z] = new float[segments[z].length];
            nowcastScratch[z] = new double[segments[z].length];
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

    /**
     * Every segment's estimate now (network order): the zones' {@link ZoneForecaster#nowcast}, the horizon-0 value
     * of the forecast.
     *
     * @param out network-size buffer
     */
    public void nowcast(double[] out) {
        for (int z = 0; z < forecasters.length; z++) {
            int[] seg = segments[z];
            double[] local = nowcastScratch[z];
            forecasters[z].nowcast(states[z], local);
            for (int k = 0; k < seg.length; k++) {
                out[seg[k]] = local[k];
            }
        }
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
