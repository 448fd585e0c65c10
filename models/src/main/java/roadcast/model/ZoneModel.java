package roadcast.model;

import java.time.ZoneId;
import java.util.Arrays;
import java.util.Objects;

import roadcast.manifold.LatentDynamics;
import roadcast.manifold.LocalClock;
import roadcast.manifold.LocalCorrection;
import roadcast.manifold.ProfileGrid;
import roadcast.skill.DayPeriod;

/**
 * The fitted manifold model of one zone of n segments (immutable). Arrays are flat row-major; the accessors return
 * the internal arrays for the forecasting kernel's speed, which must not modify them.
 * <ul>
 * <li>profile [2 * slots * n]: mu[dayType][slot][i], slots of {@link #profileSlotMillis()} (the step, or a multiple of
 * it interpolated between slot centres: {@link ProfileGrid})</li>
 * <li>basis [n * r]: U</li>
 * <li>dynamics [H * r * q], q = r p + 1: A_h, see {@link LatentDynamics}</li>
 * <li>local [H * n * 3]: phi_{h,i}, see {@link LocalCorrection}</li>
 * <li>jump [H * n] and jumpThreshold [n]: kappa_{h,i}, the weight of the excess of the residual's last jump beyond
 * +-tau_i, see {@link LocalCorrection}</li>
 * <li>sigma [H * n]: residual scale (RMS) of each horizon and segment on the validation block</li>
 * <li>band [H * (2 P + 1)], P = {@link #PERIODS} time-of-day periods of the target time ({@link DayPeriod} without
 * ALL_DAY): per horizon the lower quantiles q_lo[p] of the standardised residual (y - x_hat) / sigma, then the upper
 * quantiles q_hi[p], then the factor by which the band widens for a segment whose last value was imputed</li>
 * <li>blend [H * {@link #REGIMES} * n]: w_{h,r,i} in [0, 1], the weight of the zone's nowcast (the last reading where
 * there is one) against the manifold forecast, r the regime: whether the nowcast is below the manifold forecast
 * ({@link #blendIndex})</li>
 * <li>trend [H * n]: c_{h,i}, the weight of the profile's expected change S(t+h) - S(t) added to the blended forecast,
 * S the profile smoothed over +-{@link #trendHalfWindow()} slots (see {@link roadcast.forecast.ZoneForecaster}): with
 * blend 1 the forecast is the last reading plus c times that change</li>
 * <li>alertSigma [H * n], alertBand (laid out as band): the scale and standardised quantiles of the lower band the
 * incident detector reads ({@link roadcast.alerts.AlertBand}): each segment's own residual RMS, not shrunk toward the
 * zone's (the forecast band's sigma is, {@code BandCalibration.SIGMA_SHRINK}), and the quantiles of the residuals
 * standardised by it: the band the detector's settings were chosen on. A model fitted before they existed (or
 * built without them) has the forecast band's sigma and band here: the band its detector always read</li>
 * <li>nowcastSmoothing [H * {@link #SMOOTHING_CELLS}]: b_{h,p,c}, the weight of the smoothed nowcast's difference
 * from the nowcast, s_t - n_t (s the mean of the nowcasts of the last
 * {@link roadcast.forecast.ZoneForecaster#SMOOTHING_STEPS} steps), added to the forecast, per horizon, time-of-day period p
 * of the issue time and state c of the road then ({@link #smoothingState}), at [(h * PERIODS + p) * STATES + c]: at
 * night a loop's last reading is noisy and the recent mean a better start, by day the last reading is</li>
 * </ul>
 * Models of file format 2 and older have no band and blend: their band is the symmetric +-bandZ sigma of every period,
 * not widened, and their blend 0, which is exactly the forecast and band those models gave. Models of file format 4
 * and older have no trend: weights 0, the forecast they gave. Models of file format 5 and older have their profile at
 * the step, and no jump term: weights 0, thresholds +infinity. Models of file format 6 and older have no nowcast
 * smoothing: weights 0.
 */
public final class ZoneModel implements java.io.Serializable {

    /**
     * 2: band and blend added; 3: profile trend added; 4: profile slot width, the local correction's jump term and
     * the detector's scale (alertSigma, alertBand) added; 5: nowcast smoothing added; 6: the horizons' leads in steps
     * added (spaced horizons). A zone part written by an older build is refused rather than read without them.
     */
    private static final long serialVersionUID = 6L;

    private final int[] segments;
    private final long stepMillis;
    private final ZoneId timeZone;
    /** Steps ahead of each horizon index: the model's horizons in minutes divided by the step. */
    private final HorizonLeads leads;
    private final int horizons;
    private final int rank;
    private final int order;
    private final double lambda;
    private final double eps;
    private final double bandZ;
    private final double[] profile;
    private final double[] basis;
    private final double[] dynamics;
    private final double[] local;
    private final double[] sigma;
    private final double[] band;
    private final double[] blend;
    private final int trendHalfWindow;
    private final double[] trend;
    private final long profileSlotMillis;
    private final double[] jump;
    private final double[] jumpThreshold;
    private final double[] alertSigma;
    private final double[] alertBand;
    private final double[] nowcastSmoothing;

    /**
     * Regimes of the blend: 0 when the nowcast is at or above the manifold forecast (n - m >= 0), 1 when below it (the
     * reading says slower than the model expects: congestion setting in or lasting). Each has its own weight.
     */
    public static final int REGIMES = 2;

    /** The regime of a nowcast-minus-forecast difference n - m. */
    public static int regime(double nowMinusForecast) {
        return nowMinusForecast < 0 ? 1 : 0;
    }

    /** Index of a blend weight: [(h * REGIMES + regime) * n + i]. */
    public static int blendIndex(int h, int regime, int i, int n) {
        return (h * REGIMES + regime) * n + i;
    }

    /** A blend of one weight per horizon and segment [H * n] (file format 4 and older) as the same weight in each regime. */
    public static double[] regimeBlend(double[] perCell, int horizons, int n) {
        double[] out = new double[horizons * REGIMES * n];
        for (int h = 0; h < horizons; h++) {
            for (int r = 0; r < REGIMES; r++) {
                System.arraycopy(perCell, h * n, out, blendIndex(h, r, 0, n), n);
            }
        }
        return out;
    }

    /** Time-of-day periods of the band: {@link DayPeriod} without ALL_DAY. */
    public static final int PERIODS = DayPeriod.values().length - 1;

    /**
     * States of the road at the issue time for the nowcast smoothing: the nowcast at least 0.8 of the segment's
     * highest profile value, 0.5 to 0.8, under 0.5 ({@link #smoothingState}).
     */
    public static final int SMOOTHING_STATES = 3;

    /** Cells of the nowcast smoothing's weights per horizon: period of the issue time x state of the road. */
    public static final int SMOOTHING_CELLS = PERIODS * SMOOTHING_STATES;

    /** The state of a segment whose nowcast is {@code now} against its highest profile value {@code top}. */
    public static int smoothingState(double now, double top) {
        return now >= 0.8 * top ? 0 : now >= 0.5 * top ? 1 : 2;
    }

    /** A model with the symmetric, unwidened band of +-bandZ sigma and no blend (file format 2 and older). */
    public ZoneModel(int[] segments, long stepMillis, ZoneId timeZone, HorizonLeads leads, int rank, int order,
                     double lambda, double eps, double bandZ, double[] profile, double[] basis, double[] dynamics,
                     double[] local, double[] sigma) {
        this(segments, stepMillis, timeZone, leads, rank, order, lambda, eps, bandZ, profile, basis, dynamics, local,
                sigma, symmetricBand(leads.count(), bandZ), new double[leads.count() * REGIMES * segments.length]);
    }

    /** A model without profile trend (file format 4 and older). */
    public ZoneModel(int[] segments, long stepMillis, ZoneId timeZone, HorizonLeads leads, int rank, int order,
                     double lambda, double eps, double bandZ, double[] profile, double[] basis, double[] dynamics,
                     double[] local, double[] sigma, double[] band, double[] blend) {
        this(segments, stepMillis, timeZone, leads, rank, order, lambda, eps, bandZ, profile, basis, dynamics, local,
                sigma, band, blend, 0, new double[leads.count() * segments.length]);
    }

    /**
     * A model whose profile is at the step, without the local correction's jump term (file format 5 and older) and
     * without a scale of its own for the incident detector: the detector reads the forecast band.
     */
    public ZoneModel(int[] segments, long stepMillis, ZoneId timeZone, HorizonLeads leads, int rank, int order,
                     double lambda, double eps, double bandZ, double[] profile, double[] basis, double[] dynamics,
                     double[] local, double[] sigma, double[] band, double[] blend, int trendHalfWindow,
                     double[] trend) {
        this(segments, stepMillis, timeZone, leads, rank, order, lambda, eps, bandZ, profile, basis, dynamics, local,
                sigma, band, blend, trendHalfWindow, trend, new double[leads.count() * segments.length],
                noJumpThresholds(segments.length), stepMillis);
    }

    /**
     * A model without a scale of its own for the incident detector: the detector reads the forecast band (sigma and
     * band), as it did before the model kept one (a file without {@code zoneZ.alertSigma}).
     */
    public ZoneModel(int[] segments, long stepMillis, ZoneId timeZone, HorizonLeads leads, int rank, int order,
                     double lambda, double eps, double bandZ, double[] profile, double[] basis, double[] dynamics,
                     double[] local, double[] sigma, double[] band, double[] blend, int trendHalfWindow, double[] trend,
                     double[] jump, double[] jumpThreshold, long profileSlotMillis) {
        this(segments, stepMillis, timeZone, leads, rank, order, lambda, eps, bandZ, profile, basis, dynamics, local,
                sigma, band, blend, trendHalfWindow, trend, jump, jumpThreshold, profileSlotMillis, sigma, band);
    }

    /**
     * @param jump              the local correction's jump-term weights [H * n] ({@link LocalCorrection})
     * @param jumpThreshold     each segment's jump threshold [n] (+infinity: no jump term)
     * @param profileSlotMillis width of the profile's time-of-day slots: the step, or a multiple of it that divides
     *                          the day, interpolated between slot centres ({@link ProfileGrid})
     * @param alertSigma        the incident detector's residual scale [H * n] ({@link #alertSigma()})
     * @param alertBand         the incident detector's quantiles, laid out as the band ({@link #alertBand()})
     */
    public ZoneModel(int[] segments, long stepMillis, ZoneId timeZone, HorizonLeads leads, int rank, int order,
                     double lambda, double eps, double bandZ, double[] profile, double[] basis, double[] dynamics,
                     double[] local, double[] sigma, double[] band, double[] blend, int trendHalfWindow, double[] trend,
                     double[] jump, double[] jumpThreshold, long profileSlotMillis, double[] alertSigma,
                     double[] alertBand) {
        this(segments, stepMillis, timeZone, leads, rank, order, lambda, eps, bandZ, profile, basis, dynamics, local,
                sigma, band, blend, trendHalfWindow, trend, jump, jumpThreshold, profileSlotMillis, alertSigma,
                alertBand, new double[leads.count() * SMOOTHING_CELLS]);
    }

    /**
     * The full model.
     *
     * @param nowcastSmoothing the nowcast smoothing's weights [H * PERIODS] ({@link #nowcastSmoothing()}; zeros:
     *                         none, file format 6 and older)
     */
    public ZoneModel(int[] segments, long stepMillis, ZoneId timeZone, HorizonLeads leads, int rank, int order,
                     double lambda, double eps, double bandZ, double[] profile, double[] basis, double[] dynamics,
                     double[] local, double[] sigma, double[] band, double[] blend, int trendHalfWindow, double[] trend,
                     double[] jump, double[] jumpThreshold, long profileSlotMillis, double[] alertSigma,
                     double[] alertBand, double[] nowcastSmoothing) {
        this.profileSlotMillis = profileSlotMillis;
        this.segments = segments.clone();
        this.stepMillis = stepMillis;
        this.timeZone = Objects.requireNonNull(timeZone, "timeZone");
        this.leads = Objects.requireNonNull(leads, "leads");
        this.horizons = leads.count();
        this.rank = rank;
        this.order = order;
        this.lambda = lambda;
        this.eps = eps;
        this.bandZ = bandZ;
        this.profile = profile;
        this.basis = basis;
        this.dynamics = dynamics;
        this.local = local;
        this.sigma = sigma;
        this.band = band;
        this.blend = blend;
        this.trendHalfWindow = trendHalfWindow;
        this.trend = trend;
        this.jump = jump;
        this.jumpThreshold = jumpThreshold;
        this.alertSigma = alertSigma;
        this.alertBand = alertBand;
        this.nowcastSmoothing = nowcastSmoothing;
        int n = segments.length;
        if (n == 0) {
            throw new IllegalArgumentException("a zone needs at least one segment");
        }
        if (leads.steps(0) != 1) {
            // ZoneForecaster carries a step without readings with horizon 0's dynamics: it must be one step ahead
            throw new IllegalArgumentException("a zone's first horizon must be one step ahead, got " + leads);
        }
        if (stepMillis <= 0 || horizons <= 0 || rank <= 0 || rank > n || order <= 0) {
            throw new IllegalArgumentException("bad zone shape: n=" + n + " step=" + stepMillis + "ms H=" + horizons
                    + " r=" + rank + " p=" + order);
        }
        for (int k = 1; k < n; k++) {
            if (segments[k] <= segments[k - 1]) {
                throw new IllegalArgumentException("zone segments must be ascending, got " + segments[k - 1] + " then "
                        + segments[k]);
            }
        }
        ProfileGrid.check(stepMillis, profileSlotMillis);
        check("profile", profile, expectedProfileLength(n, profileSlotMillis));
        check("basis", basis, n * rank);
        check("dynamics", dynamics, horizons * rank * LatentDynamics.featureCount(rank, order));
        check("local", local, horizons * n * LocalCorrection.WIDTH);
        check("sigma", sigma, horizons * n);
        check("band", band, bandLength(horizons));
        check("blend", blend, horizons * REGIMES * n);
        check("trend", trend, horizons * n);
        check("jump", jump, horizons * n);
        check("jumpThreshold", jumpThreshold, n);
        for (double c : jump) {
            if (!Double.isFinite(c)) {
                throw new IllegalArgumentException("jump weight " + c + " is not finite");
            }
        }
        for (double tau : jumpThreshold) {
            if (!(tau >= 0)) {
                throw new IllegalArgumentException("jump threshold " + tau + " is not >= 0");
            }
        }
        check("alertSigma", alertSigma, horizons * n);
        check("alertBand", alertBand, bandLength(horizons));
        check("nowcastSmoothing", nowcastSmoothing, horizons * SMOOTHING_CELLS);
        for (double b : nowcastSmoothing) {
            if (!Double.isFinite(b)) {
                throw new IllegalArgumentException("nowcast smoothing weight " + b + " is not finite");
            }
        }
        if (trendHalfWindow < 0) {
            throw new IllegalArgumentException("trend smoothing half-window must be >= 0 slots, got " + trendHalfWindow);
        }
        for (double c : trend) {
            if (!Double.isFinite(c)) {
                throw new IllegalArgumentException("trend weight " + c + " is not finite");
            }
        }
        for (int h = 0; h < horizons; h++) {
            if (!(band[h * (2 * PERIODS + 1) + 2 * PERIODS] >= 1.0)) {
                throw new IllegalArgumentException("band widening for imputed values at horizon " + h
                        + " must be at least 1, got " + band[h * (2 * PERIODS + 1) + 2 * PERIODS]);
            }
            if (!(alertBand[h * (2 * PERIODS + 1) + 2 * PERIODS] >= 1.0)) {
                throw new IllegalArgumentException("alert band widening for imputed values at horizon " + h
                        + " must be at least 1, got " + alertBand[h * (2 * PERIODS + 1) + 2 * PERIODS]);
            }
        }
        for (double w : blend) {
            if (!(w >= 0 && w <= 1)) {
                throw new IllegalArgumentException("blend weight " + w + " is not within [0, 1]");
            }
        }
    }

    public static int bandLength(int horizons) {
        return horizons * (2 * PERIODS + 1);
    }

    /** The band of the models before calibration by period: -bandZ, +bandZ in every period, no widening. */
    public static double[] symmetricBand(int horizons, double bandZ) {
        double[] band = new double[bandLength(horizons)];
        for (int h = 0; h < horizons; h++) {
            int o = h * (2 * PERIODS + 1);
            for (int p = 0; p < PERIODS; p++) {
                band[o + p] = -bandZ;
                band[o + PERIODS + p] = bandZ;
            }
            band[o + 2 * PERIODS] = 1.0;
        }
        return band;
    }

    /** Values of the profile of n segments at slots of {@code slotMillis}: 2 day types x slots per day x n. */
    public static int expectedProfileLength(int n, long slotMillis) {
        return 2 * LocalClock.slotsPerDay(slotMillis) * n;
    }

    private static void check(String name, double[] array, int expected) {
        if (array == null || array.length != expected) {
            throw new IllegalArgumentException(name + " has " + (array == null ? "no" : array.length)
                    + " values, expected " + expected);
        }
    }

    /** Network indices of the zone's segments, ascending; zone-local index k is segments()[k]. */
    public int[] segments() {
        return segments.clone();
    }

    public int segment(int local) {
        return segments[local];
    }

    public int size() {
        return segments.length;
    }

    public long stepMillis() {
        return stepMillis;
    }

    public ZoneId timeZone() {
        return timeZone;
    }

    public int horizons() {
        return horizons;
    }

    /** Steps ahead of each horizon index (h + 1 for every model whose horizons are consecutive steps). */
    public HorizonLeads leads() {
        return leads;
    }

    public int rank() {
        return rank;
    }

    public int order() {
        return order;
    }

    public double lambda() {
        return lambda;
    }

    public double eps() {
        return eps;
    }

    /** Band half-width in sigmas (1.645 for a 90% band). */
    public double bandZ() {
        return bandZ;
    }

    public int slotsPerDay() {
        return LocalClock.slotsPerDay(profileSlotMillis);
    }

    /** Width of the profile's time-of-day slots: the step, or a multiple of it (see {@link ProfileGrid}). */
    public long profileSlotMillis() {
        return profileSlotMillis;
    }

    /** A new grid that evaluates this zone's profile at any time (not thread-safe: one per user). */
    public ProfileGrid profileGrid() {
        return new ProfileGrid(timeZone, stepMillis, profileSlotMillis);
    }

    public double[] profile() {
        return profile;
    }

    public double[] basis() {
        return basis;
    }

    public double[] dynamics() {
        return dynamics;
    }

    public double[] local() {
        return local;
    }

    public double[] sigma() {
        return sigma;
    }

    public double[] band() {
        return band;
    }

    public double[] blend() {
        return blend;
    }

    /** Half-width, in profile slots, of the moving average that smooths the profile for the trend term. */
    public int trendHalfWindow() {
        return trendHalfWindow;
    }

    public double[] trend() {
        return trend;
    }

    /** kappa [H * n]: the weight of the residual jump's excess beyond its threshold ({@link LocalCorrection}). */
    public double[] jump() {
        return jump;
    }

    /** tau [n]: each segment's jump threshold; +infinity where the model has no jump term. */
    public double[] jumpThreshold() {
        return jumpThreshold;
    }

    /** Thresholds of a model without the jump term: +infinity, so the excess is always 0. */
    public static double[] noJumpThresholds(int n) {
        double[] tau = new double[n];
        Arrays.fill(tau, Double.POSITIVE_INFINITY);
        return tau;
    }

    /** [H * n] the incident detector's residual scale: each segment's own, not shrunk (see the class comment). */
    public double[] alertSigma() {
        return alertSigma;
    }

    /** The incident detector's standardised quantiles and imputed widening, laid out as {@link #band()}. */
    public double[] alertBand() {
        return alertBand;
    }

    /**
     * b [H * PERIODS]: the weight of the smoothed nowcast's difference from the nowcast, per horizon and period of the
     * issue time ({@link roadcast.forecast.ZoneForecaster}).
     */
    public double[] nowcastSmoothing() {
        return nowcastSmoothing;
    }

    /** True when the detector has a scale of its own, false when it reads the forecast band (an older model). */
    public boolean hasAlertScale() {
        return alertSigma != sigma || alertBand != band;
    }

    /** The same model with the incident detector's own scale and quantiles. */
    public ZoneModel withAlertScale(double[] newAlertSigma, double[] newAlertBand) {
        return new ZoneModel(segments, stepMillis, timeZone, leads, rank, order, lambda, eps, bandZ, profile, basis,
                dynamics, local, sigma, band, blend, trendHalfWindow, trend, jump, jumpThreshold,
                profileSlotMillis, newAlertSigma, newAlertBand, nowcastSmoothing);
    }

    /**
     * The same model with other band scales (used when the validation residuals arrive after the fit); the detector
     * reads the new band (its own scale, fitted with the old one, would no longer belong to this model).
     */
    public ZoneModel withSigma(double[] newSigma) {
        return new ZoneModel(segments, stepMillis, timeZone, leads, rank, order, lambda, eps, bandZ, profile, basis,
                dynamics, local, newSigma, band, blend, trendHalfWindow, trend, jump, jumpThreshold,
                profileSlotMillis, newSigma, band, nowcastSmoothing);
    }

    /**
     * The same model with a calibrated band and a blend toward the nowcast (the trend kept); the detector reads the
     * new band, as in a model without a scale of its own.
     */
    public ZoneModel withBands(double[] newSigma, double[] newBand, double[] newBlend) {
        return new ZoneModel(segments, stepMillis, timeZone, leads, rank, order, lambda, eps, bandZ, profile, basis,
                dynamics, local, newSigma, newBand, newBlend, trendHalfWindow, trend, jump, jumpThreshold,
                profileSlotMillis, newSigma, newBand, nowcastSmoothing);
    }

    /** The same model with a calibrated band, blend and profile trend weights; the detector reads the new band. */
    public ZoneModel withBands(double[] newSigma, double[] newBand, double[] newBlend, double[] newTrend) {
        return new ZoneModel(segments, stepMillis, timeZone, leads, rank, order, lambda, eps, bandZ, profile, basis,
                dynamics, local, newSigma, newBand, newBlend, trendHalfWindow, newTrend, jump, jumpThreshold,
                profileSlotMillis, newSigma, newBand, nowcastSmoothing);
    }

    /** The same model without the jump term: what a reader of file format 5 and older makes of it. */
    public ZoneModel withoutJump() {
        return new ZoneModel(segments, stepMillis, timeZone, leads, rank, order, lambda, eps, bandZ, profile, basis,
                dynamics, local, sigma, band, blend, trendHalfWindow, trend, new double[jump.length],
                noJumpThresholds(segments.length), profileSlotMillis, alertSigma, alertBand, nowcastSmoothing);
    }

    /**
     * The same model without profile trend (the detector's scale kept): with {@link #withBands} what a reader of file
     * format 4 and older makes of it.
     */
    public ZoneModel withoutTrend() {
        return new ZoneModel(segments, stepMillis, timeZone, leads, rank, order, lambda, eps, bandZ, profile, basis,
                dynamics, local, sigma, band, blend, 0, new double[trend.length], jump, jumpThreshold,
                profileSlotMillis, alertSigma, alertBand, nowcastSmoothing);
    }

    /** The same model without nowcast smoothing: what a reader of file format 6 and older makes of it. */
    public ZoneModel withoutNowcastSmoothing() {
        return withNowcastSmoothing(new double[nowcastSmoothing.length]);
    }

    /** The same model with other nowcast smoothing weights [H * SMOOTHING_CELLS]. */
    public ZoneModel withNowcastSmoothing(double[] newNowcastSmoothing) {
        return new ZoneModel(segments, stepMillis, timeZone, leads, rank, order, lambda, eps, bandZ, profile, basis,
                dynamics, local, sigma, band, blend, trendHalfWindow, trend, jump, jumpThreshold,
                profileSlotMillis, alertSigma, alertBand, newNowcastSmoothing);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ZoneModel m)) {
            return false;
        }
        return stepMillis == m.stepMillis && leads.equals(m.leads) && rank == m.rank && order == m.order
                && Double.compare(lambda, m.lambda) == 0 && Double.compare(eps, m.eps) == 0
                && Double.compare(bandZ, m.bandZ) == 0 && timeZone.equals(m.timeZone)
                && Arrays.equals(segments, m.segments) && Arrays.equals(profile, m.profile)
                && Arrays.equals(basis, m.basis) && Arrays.equals(dynamics, m.dynamics)
                && Arrays.equals(local, m.local) && Arrays.equals(sigma, m.sigma) && Arrays.equals(band, m.band)
                && Arrays.equals(blend, m.blend) && trendHalfWindow == m.trendHalfWindow
                && Arrays.equals(trend, m.trend) && Arrays.equals(jump, m.jump)
                && Arrays.equals(jumpThreshold, m.jumpThreshold) && profileSlotMillis == m.profileSlotMillis
                && Arrays.equals(alertSigma, m.alertSigma) && Arrays.equals(alertBand, m.alertBand)
                && Arrays.equals(nowcastSmoothing, m.nowcastSmoothing);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(segments), rank, order, lambda, Arrays.hashCode(basis));
    }

    @Override
    public String toString() {
        return "ZoneModel[n=" + segments.length + ", r=" + rank + ", p=" + order + ", lambda=" + lambda + ", leads="
                + java.util.Arrays.toString(leads.steps()) + "]";
    }
}
