package roadcast.kriging;

import roadcast.forecast.ZoneForecast;
import roadcast.forecast.ZoneForecaster;
import roadcast.forecast.ZoneState;
import roadcast.manifold.LocalClock;
import roadcast.manifold.ProfileGrid;
import roadcast.model.HorizonLeads;
import roadcast.model.ZoneModel;

/**
 * The kriging layer of one zone: from the zone's state and forecast (what {@link roadcast.forecast.ZoneForecaster}
 * gives), the now-estimate and every horizon's forecast of the zone's extended segments, by {@link KrigingKernel}
 * on the neighbours' values at that horizon. Row 0 uses the neighbours' current values (the reading, or the
 * zone's estimate x = mu + U z + e where they have none); row h their forecasts at h. No allocation per call; not
 * thread-safe.
 */
public final class ExtendedForecaster {

    private final KrigingModel kriging;
    private final int[] members;
    private final int n;
    private final int r;
    private final int k;
    private final int f;
    private final long stepMillis;
    private final HorizonLeads leads;
    private final double[] profile;
    private final double[] u;
    private final LocalClock clock;
    private final ProfileGrid grid;
    /** [n] mu of the zone's segments at the row's time. */
    private final double[] mu;
    private final double[] now;
    private final double[] v;
    private final double[] vLag;
    /** [n] each observed segment's nowcast one step back, its nowcast now where none was kept. */
    private final double[] previous;
    private final double[] p;
    private final double[] x;
    private final double[] scratch;

    public ExtendedForecaster(ZoneModel zone, KrigingModel kriging, int zoneIndex) {
        this.kriging = kriging;
        members = kriging.membersOf(zoneIndex);
        if (kriging.rows() != zone.horizons() + 1) {
            throw new IllegalArgumentException("kriging has " + kriging.rows() + " horizon rows, the zone "
                    + zone.horizons() + " horizons + now");
        }
        this.n = zone.size();
        this.r = zone.rank();
        this.k = kriging.k();
        this.f = kriging.featureCount();
        this.stepMillis = zone.stepMillis();
        this.leads = zone.leads();
        this.profile = zone.profile();
        this.u = zone.basis();
        this.clock = new LocalClock(zone.timeZone(), stepMillis);
        this.grid = zone.profileGrid();
        this.mu = new double[n];
        this.now = new double[n];
        this.v = new double[k];
        this.vLag = new double[k];
        this.previous = new double[n];
        this.p = new double[k];
        this.x = new double[f];
        this.scratch = new double[2 * k];
    }

    /** Extended segments (kriging indices) this zone serves. */
    public int[] members() {
        return members.clone();
    }

    /**
     * Writes rows 0..H of this zone's extended segments into {@code out} (columns = kriging indices).
     *
     * @param s  the zone's state after the last observe
     * @param fc the zone's forecast from that state
     */
    public void estimate(ZoneState s, ZoneForecast fc, ExtendedForecast out) {
        estimate(s, fc, out, null);
    }

    /** What the kernel saw for one extended segment at one horizon row: the fitter learns from it. */
    interface FeatureSink {
        /** x is the forecaster's buffer, valid only during the call. */
        void accept(int row, int extended, double[] x, double base);
    }

    /** As {@link #estimate(ZoneState, ZoneForecast, ExtendedForecast)}, also handing every feature row to sink. */
    void estimate(ZoneState s, ZoneForecast fc, ExtendedForecast out, FeatureSink sink) {
        if (members.length == 0) {
            return;
        }
        long t = s.stepMillis;
        grid.row(profile, n, t, mu);
        for (int i = 0; i < n; i++) {
            // x_now = mu(t) + U z_t + e_t: the reading itself where there was one (e = d - U z)
            double value = mu[i] + s.residual[i];
            int row = i * r;
            for (int c = 0; c < r; c++) {
                value += u[row + c] * s.latent[c];
            }
            now[i] = value;
            // the kernel's lagged feature: the nowcast one step back, as the fit took the history's previous row
            double before = ZoneForecaster.keptNowcast(s, n, i, 1);
            previous[i] = Double.isNaN(before) ? value : before;
        }
        for (int h = 0; h < kriging.rows(); h++) {
            double[] values = h == 0 ? now : fc.speed[h - 1];
            long target = t + leads.rowSteps(h) * stepMillis;
            grid.row(profile, n, target, mu);
            int minute = clock.minuteOfDay(target);
            double sumV = 0;
            for (int i = 0; i < n; i++) {
                sumV += values[i];
            }
            // at a horizon the step before is itself a forecast: the lagged feature is the row's own value there
            // (departure 0), the feature speaks for the nowcast row, where the fit learned it
            estimateRow(h, values, h == 0 ? previous : values, mu, sumV / n, minute, out, sink);
        }
        out.issuedAtMillis = t;
    }

    private void estimateRow(int h, double[] values, double[] lagged, double[] muRow, double zoneMeanV, int minute,
                             ExtendedForecast out, FeatureSink sink) {
        double[] beta = kriging.beta();
        int[] nb = kriging.neighbours();
        double lo = kriging.lower()[h];
        double hi = kriging.upper()[h];
        for (int e : members) {
            int o = e * k;
            for (int j = 0; j < k; j++) {
                int i = nb[o + j];
                v[j] = values[i];
                vLag[j] = lagged[i];
                p[j] = muRow[i];
            }
            double b = KrigingKernel.features(k, kriging.weight(), kriging.upstream(), o, v, vLag, p, zoneMeanV, minute,
                    kriging.level(), e * kriging.levels(), kriging.levels(), x, scratch);
            double y = KrigingKernel.predict(b, beta, h * f, x, f);
            if (sink != null) {
                sink.accept(h, e, x, b);
            }
            out.speed[h][e] = y;
            out.lower[h][e] = y + lo;
            out.upper[h][e] = y + hi;
        }
    }
}
