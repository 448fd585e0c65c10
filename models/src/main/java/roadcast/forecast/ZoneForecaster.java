package roadcast.forecast;

import roadcast.manifold.LatentDynamics;
import roadcast.manifold.LatentProjection;
import roadcast.manifold.LocalClock;
import roadcast.manifold.LocalCorrection;
import roadcast.manifold.PeriodicProfile;
import roadcast.manifold.ProfileGrid;
import roadcast.model.HorizonLeads;
import roadcast.model.ZoneModel;
import roadcast.skill.DayPeriod;

/**
 * The forecasting kernel: the single implementation used by the backtest and the streaming operator.
 * <p>
 * observe: d = x - mu(t); z by the missing-inputs projection onto the zone basis; e = d - U z (0 for segments
 * without reading). forecast: m_{t+h} = mu(t+h) + U A_h^T f_t + phi_{h,i} . [e_t, e_{t-1}, 1] + kappa_{h,i} x_t,
 * x_t the excess of the residual's last jump e_t - e_{t-1} beyond +-tau_i ({@link LocalCorrection}), blended toward the
 * nowcast n_t = mu(t) + U z_t + e_t (the reading itself where there was one), plus the profile's expected change:
 * x_hat = m + w_{h,r,i} (n_t - m) + c_{h,i} (S(t+h) - S(t)) + b_{h,p} (s_t - n_t), clamped to >= 0, the blend weight
 * w by regime r (n_t below m or not, {@link ZoneModel#regime}), with S the profile smoothed over
 * +-{@link ZoneModel#trendHalfWindow()} slots, s_t the mean of the nowcasts of the last {@link #SMOOTHING_STEPS}
 * steps and b its weight by horizon, period p of the issue time and state of the road then
 * (the nowcast against the segment's highest profile value, {@link ZoneModel#smoothingState};
 * {@link ZoneModel#nowcastSmoothing()}). With w = 1 this is the last reading moved by the smoothed profile's
 * change (a forecast relative to the last reading), with w = c = 0 the manifold forecast, with w = 1 and c = 0
 * persistence of the nowcast; band [x_hat + s q_lo, x_hat + s q_hi] with s = sigma_{h,i} (times the
 * horizon's widening when the segment's last value was imputed) and q the standardised residual quantiles of the
 * target time's period ({@link ZoneModel#band()}), clamped to >= 0 and holding x_hat.
 * <p>
 * A step where no segment of the zone has a reading carries the latent state by the dynamics' one-step forecast
 * (z_t = A_1^T f_{t-1}) with zero residuals, so a short feed outage does not snap forecasts back to the profile.
 * Skipped steps (stepMillis jumps by more than one step) are advanced the same way; after a gap longer than
 * {@link #MAX_CARRIED_STEPS} the state restarts from the profile (z = 0, e = 0).
 * <p>
 * No allocation per call (preallocated scratch, cached UTC offset); not thread-safe: one per operator/thread.
 */
public final class ZoneForecaster {

    public static final int MAX_CARRIED_STEPS = 48;

    /**
     * Steps in the smoothed nowcast s_t: the mean of the nowcasts of the last 6 steps (those with a reading of the
     * zone). A finite window, not an exponential average: the streaming job re-estimates a zone's state under another
     * zoning from the zone's last {@code ZoneMemory.RECENT_STEPS} (6) rows, and the stream must equal the backtest
     * after it; an exponential average remembers every row before them (ModelSwitchTest caught it). On the nested
     * validation of Los-loop (README, issue 14) an added weight per lead and period of the day on s_t - n_t gained
     * about as much with the mean of the last 6 as with an exponential average of weight 0.3 (15-min RMSE 4.535 ->
     * 4.497 and 4.501).
     */
    public static final int SMOOTHING_STEPS = 6;

    /**
     * Rows of a state's per-segment memory ({@link ZoneState#residual}): e_t, e_{t-1}, then the nowcasts of the last
     * {@link #SMOOTHING_STEPS} steps, newest first (NaN for a step without a reading of the zone, and before the
     * first).
     */
    private static final int NOWCASTS = 2;
    private static final int MEMORY = NOWCASTS + SMOOTHING_STEPS;

    private final ZoneModel model;
    private final int n;
    private final int r;
    private final int p;
    private final int q;
    private final int horizons;
    private final HorizonLeads leads;
    private final long stepMillis;
    private final double[] profile;
    private final double[] u;
    /**
     * U transposed, [r * n]: the forecast adds U z segment-wise with the axis k outermost, so each k is one
     * contiguous pass over the segments (independent sums the JIT vectorises) instead of r dependent adds per segment.
     */
    private final double[] uT;
    /** [n] mu(t+h) + U z_hat of one horizon ({@link #forecast}). */
    private final double[] onManifold;
    private final double[] a;
    private final double[] phi;
    private final double[] sigma;
    private final double[] band;
    private final double[] blend;
    private final double[] now;
    private final double[] trend;
    private final boolean hasTrend;
    /** kappa [H * n] and tau [n] of the local correction's jump term ({@link LocalCorrection}). */
    private final double[] jump;
    private final double[] jumpThreshold;
    private final boolean hasJump;
    /** [n] the excess of each segment's last residual jump beyond its threshold, per forecast call. */
    private final double[] jumpExcess;
    /** b [H * SMOOTHING_CELLS] of the nowcast smoothing ({@link ZoneModel#nowcastSmoothing()}). */
    private final double[] nowcastSmoothing;
    private final boolean hasSmoothing;
    /** [n] each segment's highest profile value: the reference of the road's state for the nowcast smoothing. */
    private final double[] top;
    /** [n] s_t - n_t clipped, per forecast call: the same for every horizon, so computed once. */
    private final double[] smoothingInput;
    /**
     * S: the profile smoothed for the trend term, row by row as forecasts reach it ({@link #trendRow}): smoothing the
     * whole profile of every zone when the stream starts was a tenth of the forecast thread in a 24-step run at
     * 20,000 segments, for the few rows a run's forecasts read. Null until first used.
     */
    private double[] trendProfile;
    /** [profile row] whether {@code trendProfile}'s row is made. */
    private boolean[] trendRowDone;
    private final LocalClock clock;
    /** Where a time falls on the profile's grid (interpolated when the profile is coarser than the step). */
    private final ProfileGrid grid;
    /** [n] mu(t) of the observed step. */
    private final double[] mu;
    /** [n] S(t) of the issue time, and S(t + h) of a target ({@link #smoothedAt}). */
    private final double[] trendNow;
    private final double[] trendTarget;
    private final LatentProjection projection;
    private final double[] d;
    private final double[] z;
    private final double[] f;
    private final double[] zHat;

    public ZoneForecaster(ZoneModel model) {
        this.model = model;
        this.n = model.size();
        this.r = model.rank();
        this.p = model.order();
        this.q = LatentDynamics.featureCount(r, p);
        this.horizons = model.horizons();
        this.leads = model.leads();
        this.stepMillis = model.stepMillis();
        this.profile = model.profile();
        this.u = model.basis();
        this.uT = new double[u.length];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < r; k++) {
                uT[k * n + i] = u[i * r + k];
            }
        }
        this.onManifold = new double[n];
        this.a = model.dynamics();
        this.phi = model.local();
        this.sigma = model.sigma();
        this.band = model.band();
        this.blend = model.blend();
        this.now = new double[model.size()];
        this.trend = model.trend();
        this.hasTrend = anyNonZero(trend);
        this.jump = model.jump();
        this.jumpThreshold = model.jumpThreshold();
        this.hasJump = anyNonZero(jump);
        this.jumpExcess = new double[n];
        this.nowcastSmoothing = model.nowcastSmoothing();
        this.hasSmoothing = anyNonZero(nowcastSmoothing);
        this.top = new double[n];
        this.smoothingInput = new double[n];
        java.util.Arrays.fill(top, Double.NEGATIVE_INFINITY);
        for (int k = 0; k < profile.length; k++) {
            top[k % n] = Math.max(top[k % n], profile[k]);
        }
        this.clock = new LocalClock(model.timeZone(), stepMillis);
        this.grid = model.profileGrid();
        this.mu = new double[n];
        this.trendNow = new double[n];
        this.trendTarget = new double[n];
        this.projection = new LatentProjection(u, n, r, model.eps());
        this.d = new double[n];
        this.z = new double[r];
        this.f = new double[q];
        this.zHat = new double[r];
    }

    /** Whether a term has any non-zero weight: a term without one is skipped in the forecast loop. */
    private static boolean anyNonZero(double[] weights) {
        for (double w : weights) {
            if (w != 0.0) {
                return true;
            }
        }
        return false;
    }

    public ZoneModel model() {
        return model;
    }

    /** A fresh state: zero latent and residuals, i.e. "at the profile", no smoothed nowcast yet. */
    public ZoneState newState() {
        ZoneState s = new ZoneState();
        s.latent = new double[r * p];
        s.residual = new double[MEMORY * n];
        java.util.Arrays.fill(s.residual, NOWCASTS * n, MEMORY * n, Double.NaN);
        s.imputed = new boolean[n];
        java.util.Arrays.fill(s.imputed, true);
        return s;
    }

    /**
     * Takes the zone's speeds at one step.
     *
     * @param zoneSpeeds zone-local order, NaN = no reading
     * @throws IllegalArgumentException if the step is not after the state's last step, or the row has the wrong size
     */
    public void observe(ZoneState s, long stepMillis, float[] zoneSpeeds) {
        if (zoneSpeeds.length != n) {
            throw new IllegalArgumentException("zone row of " + zoneSpeeds.length + " speeds, the zone has " + n);
        }
        if (s.residual.length < MEMORY * n) {
            // a state written before the smoothed nowcast (two residual rows): the smoothing starts afresh
            double[] grown = java.util.Arrays.copyOf(s.residual, MEMORY * n);
            java.util.Arrays.fill(grown, NOWCASTS * n, MEMORY * n, Double.NaN);
            s.residual = grown;
        }
        if (s.stepMillis != Long.MIN_VALUE) {
            if (stepMillis <= s.stepMillis) {
                throw new IllegalArgumentException("step " + stepMillis + " is not after the last observed step "
                        + s.stepMillis);
            }
            long skipped = (stepMillis - s.stepMillis) / this.stepMillis - 1;
            if (skipped > MAX_CARRIED_STEPS) {
                java.util.Arrays.fill(s.latent, 0.0);
                java.util.Arrays.fill(s.residual, 0, NOWCASTS * n, 0.0);
                java.util.Arrays.fill(s.residual, NOWCASTS * n, MEMORY * n, Double.NaN);
            } else {
                for (long k = 0; k < skipped; k++) {
                    carry(s);
                }
            }
        }
        grid.row(profile, n, stepMillis, mu);
        for (int i = 0; i < n; i++) {
            d[i] = zoneSpeeds[i] - mu[i];
        }
        int observed = projection.project(d, 0, z, 0);
        if (observed == 0) {
            carry(s);
        } else {
            push(s, z);
            System.arraycopy(s.residual, 0, s.residual, n, n);
            shiftNowcasts(s.residual);
            int newest = NOWCASTS * n;
            for (int i = 0; i < n; i++) {
                double onManifold = 0;
                int row = i * r;
                for (int k = 0; k < r; k++) {
                    onManifold += u[row + k] * z[k];
                }
                if (Double.isNaN(d[i])) {
                    s.residual[i] = 0.0;
                    s.imputed[i] = true;
                } else {
                    s.residual[i] = d[i] - onManifold;
                    s.imputed[i] = false;
                }
                // the nowcast kept for the smoothing: the reading where there is one, the zone's estimate where not
                s.residual[newest + i] = mu[i] + onManifold + s.residual[i];
            }
            s.steps++;
        }
        s.stepMillis = stepMillis;
    }

    /**
     * The nowcast kept for segment i of an n-segment zone's state {@code back} observed steps before the newest
     * (0 = the newest), NaN where none was kept (a step without a reading of the zone, before the first, a state
     * written before the nowcasts were kept): the kriging kernel's lagged feature reads it, so the state's layout
     * stays known here alone.
     */
    public static double keptNowcast(ZoneState s, int n, int i, int back) {
        int at = (NOWCASTS + back) * n + i;
        return back < SMOOTHING_STEPS && at < s.residual.length ? s.residual[at] : Double.NaN;
    }

    /**
     * s_t - n_t of every segment, the input of the nowcast smoothing term (0 where the state has no smoothed nowcast):
     * what the calibration fits the term's weights on.
     */
    public void smoothingInput(ZoneState s, double[] out) {
        nowcast(s, out);
        smoothingInput(s.residual, out, out);
    }

    /** s_t - n_t clipped into {@code out} from the nowcasts {@code now} (may be {@code out}); 0 where s_t is unknown. */
    private void smoothingInput(double[] memory, double[] now, double[] out) {
        boolean has = memory.length >= MEMORY * n;
        for (int i = 0; i < n; i++) {
            double sm = has ? smoothedNowcast(memory, i) : Double.NaN;
            out[i] = Double.isNaN(sm) ? 0.0 : smoothingGap(sm - now[i], i);
        }
    }

    /**
     * s_t of segment i: the mean of its nowcasts of the last {@link #SMOOTHING_STEPS} steps with a reading of the zone,
     * summed newest first (the same bits whatever the state's age); NaN when there is none.
     */
    private double smoothedNowcast(double[] memory, int i) {
        double sum = 0;
        int count = 0;
        for (int k = 0; k < SMOOTHING_STEPS; k++) {
            double v = memory[(NOWCASTS + k) * n + i];
            if (!Double.isNaN(v)) {
                sum += v;
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /** Moves the kept nowcasts one step older (the oldest drops out) and empties the newest row. */
    private void shiftNowcasts(double[] memory) {
        int newest = NOWCASTS * n;
        System.arraycopy(memory, newest, memory, newest + n, (SMOOTHING_STEPS - 1) * n);
        java.util.Arrays.fill(memory, newest, newest + n, Double.NaN);
    }

    /**
     * s_t - n_t clipped to +-tau_i, the segment's jump threshold ({@link LocalCorrection#jumpThresholds}): a
     * difference within a few typical jumps is noise the recent mean removes, a larger one a real change the smoothed
     * nowcast lags (on PEMSD8's nested validation the unclipped term lost RMSE at 15 min).
     */
    private double smoothingGap(double gap, int i) {
        double tau = jumpThreshold[i];
        return gap > tau ? tau : gap < -tau ? -tau : gap;
    }

    /** The cell of the nowcast smoothing's weights of segment i with nowcast {@code now} at an issue period. */
    public int smoothingCell(int issuePeriod, double now, int i) {
        return issuePeriod * ZoneModel.SMOOTHING_STATES + ZoneModel.smoothingState(now, top[i]);
    }

    /** Advances one step without readings (no nowcast kept for it): z_t = A_1^T f_{t-1}, e_t = 0. */
    private void carry(ZoneState s) {
        latentForecast(s.latent, 0, zHat);
        push(s, zHat);
        System.arraycopy(s.residual, 0, s.residual, n, n);
        java.util.Arrays.fill(s.residual, 0, n, 0.0);
        shiftNowcasts(s.residual); // observe grew an older state before it comes here
        java.util.Arrays.fill(s.imputed, true);
        s.steps++;
    }

    private void push(ZoneState s, double[] newest) {
        System.arraycopy(s.latent, 0, s.latent, r, r * (p - 1));
        System.arraycopy(newest, 0, s.latent, 0, r);
    }

    /** zOut = A_h^T f for the lags held in latent; h is the horizon index (0 = one step). */
    private void latentForecast(double[] latent, int h, double[] zOut) {
        System.arraycopy(latent, 0, f, 0, r * p);
        f[r * p] = 1.0;
        for (int k = 0; k < r; k++) {
            int row = (h * r + k) * q;
            double acc = 0;
            for (int j = 0; j < q; j++) {
                acc += a[row + j] * f[j];
            }
            zOut[k] = acc;
        }
    }

    /**
     * The nowcast n_t = mu(t) + U z_t + e_t of every segment from the state after the last observe: the reading where
     * the segment had one, the zone's estimate where not.
     */
    public void nowcast(ZoneState s, double[] out) {
        if (s.stepMillis == Long.MIN_VALUE) {
            throw new IllegalStateException("nowcast before the first observed step");
        }
        grid.row(profile, n, s.stepMillis, out);
        double[] latent = s.latent;
        double[] e0 = s.residual;
        // mu(t) + e_t, then + U z_t axis by axis: per segment the adds of a loop over k inside the segment's
        for (int i = 0; i < n; i++) {
            out[i] = out[i] + e0[i];
        }
        for (int k = 0; k < r; k++) {
            double zk = latent[k];
            int col = k * n;
            for (int i = 0; i < n; i++) {
                out[i] += uT[col + i] * zk;
            }
        }
    }

    /** Offset of profile row {@code row} in {@link #trendProfile}, smoothing the row on first use. */
    private int trendRow(int row) {
        if (trendProfile == null) {
            trendProfile = new double[profile.length];
            trendRowDone = new boolean[profile.length / Math.max(1, n)];
        }
        if (!trendRowDone[row]) {
            PeriodicProfile.smoothRow(profile, n, model.slotsPerDay(), model.trendHalfWindow(), row, trendProfile);
            trendRowDone[row] = true;
        }
        return row * n;
    }

    /**
     * The smoothed profile's expected change S(t+h) - S(t) of every segment from the last observed step t to its
     * target at horizon index h ({@link HorizonLeads#steps(int)} steps ahead): the input of the trend term, for the
     * calibration that fits its weights.
     */
    public void profileChange(ZoneState s, int h, double[] out) {
        if (s.stepMillis == Long.MIN_VALUE) {
            throw new IllegalStateException("profile change before the first observed step");
        }
        smoothedAt(s.stepMillis, trendNow);
        smoothedAt(s.stepMillis + leads.millis(h, stepMillis), trendTarget);
        for (int i = 0; i < n; i++) {
            out[i] = trendTarget[i] - trendNow[i];
        }
    }

    /** S(t) of every segment into {@code out[0, n)}: the smoothed profile on the grid, interpolated as mu is. */
    private void smoothedAt(long millis, double[] out) {
        grid.locate(millis);
        int lo = trendRow(grid.lower());
        double w = grid.weight();
        if (w == 0.0) {
            System.arraycopy(trendProfile, lo, out, 0, n);
            return;
        }
        int hi = trendRow(grid.upper());
        double[] smooth = trendProfile;
        for (int i = 0; i < n; i++) {
            double a = smooth[lo + i];
            out[i] = a + w * (smooth[hi + i] - a);
        }
    }

    /**
     * The band's lower edge of a forecast speed y = max(0, x): y + s q_lo, clamped to >= 0 and at most y (the same
     * value from y as from x: where x < 0 both are 0). The kernel's band, and the incident detector's band rebuilt
     * from a published forecast with the detector's own scale ({@link roadcast.alerts.AlertBand}).
     *
     * @param scale sigma of the horizon and segment, times the widening when its last value was imputed
     * @param qLo   the standardised lower quantile of the target time's period
     */
    public static double lowerEdge(double y, double scale, double qLo) {
        return Math.min(y, Math.max(0.0, y + scale * qLo));
    }

    /** Forecasts every horizon from the state after the last observe. */
    public void forecast(ZoneState s, ZoneForecast out) {
        forecast(s, out, true);
    }

    /**
     * {@link #forecast} without the band: {@code out.lower} and {@code out.upper} are left as they are, the speeds
     * and imputed flags are the same to the last bit. For the validation walks of training (the hyperparameter
     * search, the calibration), which score speeds only and run the kernel once per candidate and issue time.
     */
    public void forecastSpeeds(ZoneState s, ZoneForecast out) {
        forecast(s, out, false);
    }

    private void forecast(ZoneState s, ZoneForecast out, boolean withBand) {
        if (out.speed.length != horizons || out.imputed.length != n) {
            throw new IllegalArgumentException("forecast buffer is " + out.speed.length + " x " + out.imputed.length
                    + ", the zone needs " + horizons + " x " + n);
        }
        if (s.stepMillis == Long.MIN_VALUE) {
            throw new IllegalStateException("forecast before the first observed step");
        }
        nowcast(s, now);
        if (hasTrend) {
            smoothedAt(s.stepMillis, trendNow);
        }
        double[] e0 = s.residual;
        boolean[] imputed = s.imputed;
        int bandWidth = 2 * ZoneModel.PERIODS + 1;
        if (hasJump) {
            for (int i = 0; i < n; i++) {
                jumpExcess[i] = LocalCorrection.excess(e0[i] - e0[n + i], jumpThreshold[i]);
            }
        }
        boolean smooth = hasSmoothing && e0.length >= MEMORY * n;
        if (smooth) {
            smoothingInput(e0, now, smoothingInput);
        }
        int issuePeriod = DayPeriod.of(clock.minuteOfDay(s.stepMillis)).ordinal() - 1;
        for (int h = 0; h < horizons; h++) {
            latentForecast(s.latent, h, zHat);
            long target = s.stepMillis + leads.millis(h, stepMillis);
            int cells = h * ZoneModel.SMOOTHING_CELLS + issuePeriod * ZoneModel.SMOOTHING_STATES;
            if (hasTrend) {
                smoothedAt(target, trendTarget);
            }
            int period = DayPeriod.of(clock.minuteOfDay(target)).ordinal() - 1;
            int bo = h * bandWidth;
            double qLo = band[bo + period];
            double qHi = band[bo + ZoneModel.PERIODS + period];
            double widen = band[bo + 2 * ZoneModel.PERIODS];
            double[] speed = out.speed[h];
            double[] lower = out.lower[h];
            double[] upper = out.upper[h];
            int phiBase = h * n * LocalCorrection.WIDTH;
            int hn = h * n;
            // mu(t+h) + U z_hat: per segment the same adds in the same order (k = 0, 1, ..) as a loop over k
            // inside the segment's, so the same bits
            double[] m = onManifold;
            grid.row(profile, n, target, m);
            for (int k = 0; k < r; k++) {
                double zk = zHat[k];
                int col = k * n;
                for (int i = 0; i < n; i++) {
                    m[i] += uT[col + i] * zk;
                }
            }
            for (int i = 0; i < n; i++) {
                double x = m[i];
                int o = phiBase + i * LocalCorrection.WIDTH;
                x += phi[o] * e0[i] + phi[o + 1] * e0[n + i] + phi[o + 2];
                if (hasJump) {
                    x += jump[hn + i] * jumpExcess[i];
                }
                double gap = now[i] - x;
                x += blend[ZoneModel.blendIndex(h, ZoneModel.regime(gap), i, n)] * gap;
                if (hasTrend) {
                    x += trend[hn + i] * (trendTarget[i] - trendNow[i]);
                }
                double b = smooth ? nowcastSmoothing[cells + ZoneModel.smoothingState(now[i], top[i])] : 0.0;
                if (b != 0.0) {
                    x += b * smoothingInput[i];
                }
                double y = Math.max(0.0, x);
                speed[i] = y;
                if (!withBand) {
                    continue;
                }
                double scale = imputed[i] ? sigma[hn + i] * widen : sigma[hn + i];
                lower[i] = lowerEdge(y, scale, qLo);
                upper[i] = Math.max(y, x + scale * qHi);
            }
        }
        System.arraycopy(imputed, 0, out.imputed, 0, n);
        System.arraycopy(now, 0, out.now, 0, n);
        out.issuedAtMillis = s.stepMillis;
    }
}
