package roadcast.forecast;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import roadcast.congestion.CongestionGrader;
import roadcast.congestion.CongestionLevel;
import roadcast.congestion.LevelHold;
import roadcast.kriging.ExtendedForecast;
import roadcast.kriging.KrigingModel;
import roadcast.model.ManifoldModel;
import roadcast.model.ZoneModel;
import roadcast.network.RoadClass;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;

/** The only place where kernel output becomes published {@link Forecast} records (stream and backtest alike). */
public final class Forecasts {

    private Forecasts() {
    }

    /**
     * @param zone     zone index in the model
     * @param forecast the kernel's output for that zone
     * @param observed the zone-local speeds given at the issue step (NaN = no reading), or null when not kept
     * @return one record per segment of the zone, in zone-local order; levels ({@link LevelHold}: the model's hold
     *         of each horizon from the kernel's nowcast and band) are null where no grade applies
     */
    public static List<Forecast> toRecords(ManifoldModel model, int zone, ZoneForecast forecast, float[] observed) {
        return toRecords(new ZoneIssue(new ZoneIssue.Layout(model, zone), forecast, observed));
    }

    /** The records of a zone's issue, in zone-local order (the values the stream encodes without them). */
    public static List<Forecast> toRecords(ZoneIssue issue) {
        // An array, not a growing list: the backtest calls this for every zone at every step.
        Forecast[] out = new Forecast[issue.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = issue.segment(i).toForecast();
        }
        return Arrays.asList(out);
    }

    /**
     * The records of a zone's extended segments (coverage "extended"): row 0 of the kriging layer is
     * {@code estimatedSpeed}, rows 1..H the horizons. Levels grade against a free-flow speed that is the kriging
     * weights' mean of the neighbours' free-flow speeds (the road has no history of its own).
     *
     * @param members kriging indices of the zone's extended segments ({@link roadcast.kriging.ExtendedReadings#members})
     * @param out     the kriging layer's output for the step (after any live readings were fused)
     * @param live    fused live speeds of the members at {@code live[from + j]} (NaN = none), or null when not kept
     * @return one record per member, in members order
     */
    public static List<Forecast> extendedRecords(ManifoldModel model, int zone, int[] members, ExtendedForecast out,
                                                 float[] live, int from) {
        KrigingModel kriging = model.kriging();
        int[] horizonsMin = model.horizonsMin();
        int horizons = horizonsMin.length;
        CongestionGrader grader = CongestionGrader.of(model.unit());
        List<Forecast> records = new ArrayList<>(members.length);
        for (int j = 0; j < members.length; j++) {
            int e = members[j];
            Segment segment = kriging.segments().get(e);
            double freeFlow = extendedFreeFlow(model, e);
            double[] speed = new double[horizons];
            double[] lower = new double[horizons];
            double[] upper = new double[horizons];
            String[] level = new String[horizons];
            for (int h = 0; h < horizons; h++) {
                speed[h] = out.speed[h + 1][e];
                lower[h] = out.lower[h + 1][e];
                upper[h] = out.upper[h + 1][e];
                // the grade of the point forecast: the level holds were chosen on the observed segments' validation
                CongestionLevel l = grader.level(segment.roadClass(), speed[h], freeFlow);
                level[h] = l == null ? null : l.wireName();
            }
            double seen = live == null ? Double.NaN : live[from + j];
            records.add(new Forecast(segment.id(), out.issuedAtMillis, model.version(), seen, Double.isNaN(seen),
                    horizonsMin, speed, level, lower, upper, Forecast.EXTENDED, out.speed[0][e]));
        }
        return records;
    }

    /**
     * The free-flow speed congestion levels of extended segment {@code e} (kriging index) are graded against: the
     * kriging weights' mean of its observed neighbours' free-flow speeds (the road has no history of its own).
     */
    public static double extendedFreeFlow(ManifoldModel model, int e) {
        KrigingModel kriging = model.kriging();
        ZoneModel zm = model.zone(kriging.zone()[e]);
        int k = kriging.k();
        double sum = 0;
        double sumG = 0;
        for (int c = 0; c < k; c++) {
            double g = kriging.weight()[e * k + c];
            sum += g * model.freeFlowSpeed(zm.segment(kriging.neighbours()[e * k + c]));
            sumG += g;
        }
        return sumG > 0 ? sum / sumG : model.freeFlowSpeed(zm.segment(kriging.neighbours()[e * k]));
    }
}
