package roadcast.forecast;

import java.util.ArrayList;
import java.util.List;

import roadcast.congestion.CongestionGrader;
import roadcast.congestion.CongestionLevel;
import roadcast.model.ManifoldModel;
import roadcast.model.ZoneModel;
import roadcast.network.Segment;

/** The only place where kernel output becomes published {@link Forecast} records (stream and backtest alike). */
public final class Forecasts {

    private Forecasts() {
    }

    /**
     * @param zone     zone index in the model
     * @param forecast the kernel's output for that zone
     * @param observed the zone-local speeds given at the issue step (NaN = no reading), or null when not kept
     * @return one record per segment of the zone, in zone-local order; levels are null where no grade applies
     */
    public static List<Forecast> toRecords(ManifoldModel model, int zone, ZoneForecast forecast, float[] observed) {
        ZoneModel zm = model.zone(zone);
        int n = zm.size();
        if (forecast.segments() != n || (observed != null && observed.length != n)) {
            throw new IllegalArgumentException("zone " + zone + " has " + n + " segments, got a forecast of "
                    + forecast.segments() + (observed == null ? "" : " and " + observed.length + " observed speeds"));
        }
        int[] horizonsMin = model.horizonsMin();
        int horizons = horizonsMin.length;
        CongestionGrader grader = CongestionGrader.of(model.unit());
        List<Forecast> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int s = zm.segment(i);
            Segment segment = model.network().segment(s);
            double freeFlow = model.freeFlowSpeed(s);
            double[] speed = new double[horizons];
            double[] lower = new double[horizons];
            double[] upper = new double[horizons];
            String[] level = new String[horizons];
            for (int h = 0; h < horizons; h++) {
                speed[h] = forecast.speed[h][i];
                lower[h] = forecast.lower[h][i];
                upper[h] = forecast.upper[h][i];
                CongestionLevel l = grader.level(segment.roadClass(), speed[h], freeFlow);
                level[h] = l == null ? null : l.wireName();
            }
            double seen = observed == null ? Double.NaN : observed[i];
            out.add(new Forecast(segment.id(), forecast.issuedAtMillis, model.version(), seen, forecast.imputed[i],
                    horizonsMin.clone(), speed, level, lower, upper));
        }
        return out;
    }
}
