package roadcast.alerts;

import roadcast.forecast.NetworkForecast;
import roadcast.forecast.ZoneForecaster;
import roadcast.manifold.LocalClock;
import roadcast.model.HorizonLeads;
import roadcast.model.ManifoldModel;
import roadcast.model.ZoneModel;
import roadcast.skill.DayPeriod;

/**
 * The lower band {@link IncidentDetector} compares readings with, rebuilt from a forecast's speeds with the model's
 * scale for the detector ({@link ZoneModel#alertSigma()}, {@link ZoneModel#alertBand()}): each segment's own residual
 * RMS, not shrunk toward its zone's as the forecast band's sigma is. The shrinkage holds the published band's
 * coverage, but it narrows a noisy road's band toward its zone's, so that road's ordinary dips fall under it and the
 * detector, whose settings were chosen on the unshrunk band, raises false alerts. The same edge as the kernel's band
 * ({@link ZoneForecaster#lowerEdge}), only the scale and quantiles differ; a model without a detector scale of its own
 * (fitted before it existed) gives exactly the published forecast's lower band.
 * <p>
 * The one place the detector's band is made: the alerts benchmark's replay and serving's live alerts use it. Not
 * thread-safe (the clock caches the UTC offset); one per replay or consumer.
 */
public final class AlertBand {

    private static final int WIDTH = 2 * ZoneModel.PERIODS + 1;

    // what the band needs of the model, not the model: a consumer keeping a few versions' bands keeps no profiles
    private final int[] zoneOf;
    private final int[] localIndex;
    private final int[] zoneSize;
    private final double[][] sigma;
    private final double[][] band;
    private final LocalClock clock;
    private final long stepMillis;
    private final HorizonLeads leads;

    public AlertBand(ManifoldModel model) {
        int n = model.network().size();
        zoneOf = new int[n];
        localIndex = new int[n];
        for (int s = 0; s < n; s++) {
            zoneOf[s] = model.zoneOf(s);
            localIndex[s] = model.localIndexOf(s);
        }
        int zones = model.zoneCount();
        zoneSize = new int[zones];
        sigma = new double[zones][];
        band = new double[zones][];
        for (int z = 0; z < zones; z++) {
            zoneSize[z] = model.zone(z).size();
            sigma[z] = model.zone(z).alertSigma();
            band[z] = model.zone(z).alertBand();
        }
        stepMillis = model.step().toMillis();
        leads = model.leads();
        clock = new LocalClock(model.timeZone(), stepMillis);
    }

    /**
     * The detector's lower band of one forecast value.
     *
     * @param segment      network index in the model
     * @param h            horizon index ({@link HorizonLeads#steps(int)} steps ahead)
     * @param issuedMillis issue time of the forecast
     * @param speed        its forecast speed at horizon h
     * @param imputed      whether the segment's last value was imputed when it was issued (the band widens)
     */
    public double lower(int segment, int h, long issuedMillis, double speed, boolean imputed) {
        int z = zoneOf[segment];
        // the period of the target time, as the kernel's band reads it
        int period = DayPeriod.of(clock.minuteOfDay(issuedMillis + leads.millis(h, stepMillis))).ordinal() - 1;
        double[] q = band[z];
        double s = sigma[z][h * zoneSize[z] + localIndex[segment]];
        double scale = imputed ? s * q[h * WIDTH + 2 * ZoneModel.PERIODS] : s;
        return ZoneForecaster.lowerEdge(speed, scale, q[h * WIDTH + period]);
    }

    /**
     * The detector's lower band of a network forecast, into {@code lower[h][segment]} for the horizons and segments
     * (network indices) the buffer holds.
     */
    public void lower(NetworkForecast forecast, double[][] lower) {
        for (int h = 0; h < lower.length; h++) {
            double[] row = lower[h];
            for (int s = 0; s < row.length; s++) {
                row[s] = lower(s, h, forecast.issuedAtMillis, forecast.speed(h, s), forecast.imputed(s));
            }
        }
    }
}
