package roadcast.forecast;

import roadcast.model.ManifoldModel;

/** Output buffer of {@link NetworkForecaster#forecast}: one {@link ZoneForecast} per zone, reused between steps. */
public final class NetworkForecast {

    public final ZoneForecast[] zones;
    public long issuedAtMillis;
    private final int[] zoneOf;
    private final int[] localIndex;

    public NetworkForecast(ManifoldModel model) {
        int horizons = model.horizonsMin().length;
        zones = new ZoneForecast[model.zoneCount()];
        for (int z = 0; z < zones.length; z++) {
            zones[z] = new ZoneForecast(horizons, model.zone(z).size());
        }
        int n = model.network().size();
        zoneOf = new int[n];
        localIndex = new int[n];
        for (int s = 0; s < n; s++) {
            zoneOf[s] = model.zoneOf(s);
            localIndex[s] = model.localIndexOf(s);
        }
    }

    /** Forecast speed of a network segment at horizon index h. */
    public double speed(int h, int segment) {
        return zones[zoneOf[segment]].speed[h][localIndex[segment]];
    }

    public double lower(int h, int segment) {
        return zones[zoneOf[segment]].lower[h][localIndex[segment]];
    }

    public double upper(int h, int segment) {
        return zones[zoneOf[segment]].upper[h][localIndex[segment]];
    }

    /** The nowcast the segment's forecast started from ({@link ZoneForecast#now}). */
    public double now(int segment) {
        return zones[zoneOf[segment]].now[localIndex[segment]];
    }

    public boolean imputed(int segment) {
        return zones[zoneOf[segment]].imputed[localIndex[segment]];
    }
}
