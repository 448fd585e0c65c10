package roadcast.fit;

import java.time.ZoneId;
import java.util.Arrays;

import roadcast.manifold.LatentBasis;
import roadcast.manifold.LatentDynamics;
import roadcast.manifold.LatentSeries;
import roadcast.manifold.LocalCorrection;
import roadcast.manifold.LocalClock;
import roadcast.manifold.PeriodicProfile;
import roadcast.manifold.ProfileGrid;
import roadcast.manifold.ProfileSteps;
import roadcast.model.HorizonLeads;
import roadcast.model.ZoneModel;
import roadcast.skill.ZoneValidation;

/**
 * Fits one zone: hyperparameter search on a validation block carved from the end of the training rows, the blend
 * toward the nowcast and the cross-fitted band ({@link BandCalibration}), validation of the chosen values (skill),
 * then a refit of profile, basis, dynamics and local correction on all rows.
 * A pure function of the zone's own columns: {@link ManifoldTrainer} calls it on a thread pool, the Flink batch
 * trainer (streaming, {@code roadcast.trainjob}) on a TaskManager that holds only that zone's history.
 */
public final class ZoneFitter {

    /** Issue-time x segment x horizon products per search evaluation above which issue times are subsampled. */
    private static final long SEARCH_BUDGET = 1_000_000L;

    /**
     * Profile smoothing candidates searched over the whole rank, order and lambda grid; later (wider) candidates are
     * tried at the best rank, order and lambda of those.
     */
    static final int FULL_GRID_SMOOTHINGS = 2;

    /**
     * Half-width, in minutes, of the moving average over the profile whose change from the issue to the target time
     * the trend term follows ({@link ZoneModel#trend()}); its weights are chosen per zone and horizon on validation
     * ({@link BandCalibration}). Chosen on the nested validation (README, issue 14): 30 and 60 minutes gave the same
     * Los-loop 60-min RMSE (5.765, 5.766), 60 was better on PEMSD8 (1.719 against 1.720), 120 worse on both (5.787,
     * 1.721); SZ-taxi was the same with all three.
     */
    static final int TREND_SMOOTHING_MINUTES = 60;

    /**
     * Serializable so that a zone fitted on one machine travels as a file part to the one that assembles.
     * {@code profileHalfLifeDays}: the recency half-life its profile was fitted with, 0 = every day alike.
     */
    public record Result(ZoneModel model, int rank, int order, double lambda, int smoothingMinutes, double validationRmse,
                  ZoneValidation.Sums validation, double[] freeFlow, double profileHalfLifeDays)
            implements java.io.Serializable {
    }

    private ZoneFitter() {
    }

    /**
     * @param rows        [T][N] network speeds, NaN = missing
     * @param segments    network indices of the zone, ascending
     * @param profileRow  [T] profile row of each step
     * @param firstMillis epoch ms of row 0
     * @param classes     road class of each of the zone's segments, in its order (null = no level counts)
     */
    static Result fit(float[][] rows, int[] segments, int[] profileRow, long firstMillis, long stepMillis,
                      ZoneId timeZone, HorizonLeads leads, TrainingConfig cfg, roadcast.history.SpeedUnit unit,
                      roadcast.network.RoadClass[] classes) {
        int n = segments.length;
        int steps = rows.length;
        double[] x = new double[steps * n];
        for (int t = 0; t < steps; t++) {
            float[] row = rows[t];
            int off = t * n;
            for (int i = 0; i < n; i++) {
                x[off + i] = row[segments[i]];
            }
        }
        return fitZone(x, segments, profileRow, firstMillis, stepMillis, timeZone, leads, cfg,
                ProfileGrid.defaultSlotMillis(stepMillis), unit, classes);
    }

    /**
     * The same fit from the zone's own columns only.
     *
     * @param x          [T * n] row-major speeds of the zone's segments (NaN = missing), widened from the
     *                   history's floats
     * @param segments   network indices of the zone, ascending (n of them)
     * @param profileRow [T] profile row of each step ({@link ManifoldTrainer#profileRows}); a step finer than the
     *                   profile's slot ({@link ProfileGrid#defaultSlotMillis}) places its rows on the grid from
     *                   {@code firstMillis} instead
     */
    public static Result fitZone(double[] x, int[] segments, int[] profileRow, long firstMillis, long stepMillis,
                                 ZoneId timeZone, HorizonLeads leads, TrainingConfig cfg) {
        // the profile on a grid of ProfileGrid.defaultSlotMillis: the step itself from 5-minute steps up (the fit it
        // always was), 5-minute slots interpolated to the step below
        return fitZone(x, segments, profileRow, firstMillis, stepMillis, timeZone, leads, cfg,
                ProfileGrid.defaultSlotMillis(stepMillis));
    }

    /**
     * The same fit with the profile on slots of {@code slotMillis} (the step, or a multiple of it that divides the
     * day: {@link ProfileGrid}); what the default is compared with.
     */
    public static Result fitZone(double[] x, int[] segments, int[] profileRow, long firstMillis, long stepMillis,
                                 ZoneId timeZone, HorizonLeads leads, TrainingConfig cfg, long slotMillis) {
        return fitZone(x, segments, profileRow, firstMillis, stepMillis, timeZone, leads, cfg, slotMillis, null, null);
    }

    /**
     * The same fit, whose validation also counts the levels each level hold announces right
     * ({@link ZoneValidation.Sums#levelCorrect}, from which {@link ManifoldTrainer#assemble} chooses the model's
     * holds) when the zone's road classes are given.
     *
     * @param unit    the speeds' unit (for the grader)
     * @param classes road class of each zone-local segment, or null for no level counts (holds 0)
     */
    public static Result fitZone(double[] x, int[] segments, int[] profileRow, long firstMillis, long stepMillis,
                                 ZoneId timeZone, HorizonLeads leads, TrainingConfig cfg, long slotMillis,
                                 roadcast.history.SpeedUnit unit, roadcast.network.RoadClass[] classes) {
        ProfileGrid.check(stepMillis, slotMillis);
        int n = segments.length;
        int horizons = leads.count();
        // the rows an issue time needs after it: the farthest lead, not the number of horizons (spaced horizons)
        int reach = leads.max();
        int steps = x.length / n;
        if (!anyObserved(x)) {
            // Nothing to fit: profile and basis would fall back to zeros and forecast 0 for every segment of the zone.
            throw new IllegalArgumentException("no credible reading of any of its " + n
                    + " segments in the training rows (sensors dead or cleaned away)");
        }
        double[] freeFlow = freeFlow(x, n, cfg.freeFlowPercentile());
        // the fit's rows on the profile's grid: bins for the means, centres and weights for the deviations
        int slots = profileRow.length == 0 ? 1 : LocalClock.slotsPerDay(slotMillis);
        ProfileSteps grid = slotMillis == stepMillis ? ProfileSteps.exact(profileRow, slots)
                : new ProfileGrid(timeZone, stepMillis, slotMillis).steps(firstMillis, steps);
        int pMax = cfg.maxOrder();
        int searchFrom = Math.max(pMax - 1, 1);
        int validationStart = steps - cfg.validationRows(steps, stepMillis);
        if (validationStart - reach - searchFrom < 4 * reach) {
            validationStart = steps - cfg.bandRows(steps); // too short a history to give the block a whole day
        }
        int searchTo = validationStart - reach;
        if (searchTo - searchFrom < 4 * reach || steps - validationStart < reach + 2) {
            throw new IllegalArgumentException("too little history: " + steps + " steps, need at least "
                    + (int) Math.ceil((searchFrom + 5 * reach + reach + 2) / (1 - cfg.validationFraction()))
                    + " for horizons up to " + reach + " steps and lag order " + pMax);
        }

        // Search: profile and basis of the fit part, every candidate scored on the validation block by the kernel.
        int[] ranks = Arrays.stream(cfg.ranks()).map(r -> Math.min(r, n)).distinct().sorted().toArray();
        int issues = steps - validationStart;
        int stride = (int) Math.max(1, Math.round((double) issues * n * horizons / SEARCH_BUDGET));
        boolean single = (cfg.smoothingMinutes().length + cfg.profileHalfLivesDays().length) * ranks.length
                * cfg.orders().length * cfg.lambdas().length == 1;
        ZoneModel best = null;
        int bestSmoothing = 0;
        double bestRmse = Double.POSITIVE_INFINITY;
        // the candidates best on each fold of the validation block: the band is calibrated on one fold's residuals
        // of the candidate chosen on the other (BandCalibration)
        ZoneModel bestA = null;
        ZoneModel bestB = null;
        double bestRmseA = Double.POSITIVE_INFINITY;
        double bestRmseB = Double.POSITIVE_INFINITY;
        double[] e = new double[x.length];
        double[] dFill = new double[x.length];
        int[] smoothings = cfg.smoothingMinutes();
        double[] halfLives = cfg.profileHalfLivesDays();
        double bestHalfLife = 0;
        int trendWindow = halfWindowSlots(TREND_SMOOTHING_MINUTES, slotMillis);
        for (int sc = 0; sc < smoothings.length + halfLives.length; sc++) {
            // the smoothing candidates with every day weighted alike, then each recency half-life at the best
            // smoothing so far
            boolean byHalfLife = sc >= smoothings.length;
            int smoothing = byHalfLife ? bestSmoothing : smoothings[sc];
            double halfLife = byHalfLife ? halfLives[sc - smoothings.length] : 0;
            // the first FULL_GRID_SMOOTHINGS candidates are searched over the whole (r, p, lambda) grid, the later
            // (wider smoothings, half-lives) only at the best (r, p, lambda) so far: the search costs about what two
            // candidates did
            boolean refine = sc >= FULL_GRID_SMOOTHINGS && best != null;
            int[] sRanks = refine ? new int[] {best.rank()} : ranks;
            int[] sOrders = refine ? new int[] {best.order()} : cfg.orders();
            double[] sLambdas = refine ? new double[] {best.lambda()} : cfg.lambdas();
            int sMaxRank = sRanks[sRanks.length - 1];
            int halfWindow = halfWindowSlots(smoothing, slotMillis);
            double[] weight = PeriodicProfile.recencyWeights(validationStart, stepMillis, halfLife);
            double[] profile = PeriodicProfile.smooth(
                    PeriodicProfile.fit(x, n, grid.bin(), slots, 0, validationStart, cfg.profileShrinkage(), weight),
                    n, slots, halfWindow);
            double[] d = PeriodicProfile.crossFittedDeviations(x, n, grid, slots, 0, validationStart,
                    cfg.profileShrinkage(), halfWindow, profile, weight);
            double[] wide = LatentBasis.fit(d, n, 0, validationStart, sMaxRank);
            for (int r : sRanks) {
                double[] u = LatentBasis.leading(wide, n, sMaxRank, r);
                double[] z = LatentSeries.latent(d, n, u, r, cfg.projectionEps());
                LatentSeries.residuals(d, n, u, r, z, e, dFill);
                double[] tau = LocalCorrection.jumpThresholds(e, n, searchFrom, searchTo);
                LocalCorrection.ResidualMoments res =
                        LocalCorrection.residualMoments(e, dFill, n, leads, searchFrom, searchTo, tau);
                LocalCorrection.FeatureMoments widest = LocalCorrection.featureMoments(e, z, r, pMax, res);
                // order p means the mean of the dynamics of orders 1..p: one validation day picks the order
                // noisily (README, issue 14), the average hedges it. Each order's moments, once for all p.
                LatentDynamics.Moments[] byOrder =
                        new LatentDynamics.Moments[java.util.Arrays.stream(sOrders).max().getAsInt()];
                for (int k = 1; k <= byOrder.length; k++) {
                    byOrder[k - 1] = LatentDynamics.moments(z, r, k, leads, searchFrom, searchTo);
                }
                for (int p : sOrders) {
                    LocalCorrection.FeatureMoments feat = widest.forOrder(p);
                    LatentDynamics.Moments[] dyn = java.util.Arrays.copyOf(byOrder, p);
                    for (double lambda : sLambdas) {
                        double[] a = LatentDynamics.solveAveraged(dyn, lambda);
                        LocalCorrection.Correction local = LocalCorrection.solve(res, feat, u, a, lambda);
                        ZoneModel candidate = new ZoneModel(segments, stepMillis, timeZone, leads, r, p, lambda,
                                cfg.projectionEps(), cfg.bandZ(), profile, u, a, local.phi(), new double[horizons * n],
                                ZoneModel.symmetricBand(horizons, cfg.bandZ()),
                                new double[horizons * ZoneModel.REGIMES * n],
                                trendWindow, new double[horizons * n], local.jump(), local.threshold(),
                                slotMillis);
                        double[] folds = single ? new double[4]
                                : ZoneValidation.scoreFolds(candidate, x, firstMillis, validationStart, stride);
                        double rmse = rms(folds[0] + folds[2], folds[1] + folds[3]);
                        double rmseA = rms(folds[0], folds[1]);
                        double rmseB = rms(folds[2], folds[3]);
                        if (best == null || rmse < bestRmse) {
                            best = candidate;
                            bestSmoothing = smoothing;
                            bestHalfLife = halfLife;
                            bestRmse = rmse;
                        }
                        if (bestA == null || rmseA < bestRmseA) {
                            bestA = candidate;
                            bestRmseA = rmseA;
                        }
                        if (bestB == null || rmseB < bestRmseB) {
                            bestB = candidate;
                            bestRmseB = rmseB;
                        }
                    }
                }
            }
        }
        // Blend toward the nowcast (fitted on the whole block) and the band (cross-fitted): BandCalibration.
        // the blend, trend and nowcast smoothing on the whole block; the band on its last validationFraction
        // (TrainingConfig.bandRows), at least as many rows as the block must hold
        int bandStart = Math.max(validationStart, Math.min(steps - cfg.bandRows(steps), steps - reach - 2));
        BandCalibration.Result bands = BandCalibration.calibrate(best, bestA, bestB, x, firstMillis, validationStart,
                bandStart, cfg.bandZ());
        double[] sigma = bands.sigma();
        ZoneValidation.Sums validation = ZoneValidation.run(
                best.withBands(sigma, bands.band(), bands.blend(), bands.trend())
                        .withNowcastSmoothing(bands.nowcastSmoothing()), x,
                firstMillis, validationStart, 1, classes == null ? null
                        : new ZoneValidation.Levels(roadcast.congestion.CongestionGrader.of(unit), classes, freeFlow));
        bestRmse = validation.rmse();

        // Refit on every training row with the chosen values; bands stay those measured on the validation block.
        int r = best.rank();
        int p = best.order();
        double lambda = best.lambda();
        int from = Math.max(p - 1, 1);
        int to = steps - reach;
        int halfWindow = halfWindowSlots(bestSmoothing, slotMillis);
        double[] fullWeight = PeriodicProfile.recencyWeights(steps, stepMillis, bestHalfLife);
        double[] fullProfile = PeriodicProfile.smooth(
                PeriodicProfile.fit(x, n, grid.bin(), slots, 0, steps, cfg.profileShrinkage(), fullWeight),
                n, slots, halfWindow);
        double[] fullD = PeriodicProfile.crossFittedDeviations(x, n, grid, slots, 0, steps,
                cfg.profileShrinkage(), halfWindow, fullProfile, fullWeight);
        double[] u = LatentBasis.fit(fullD, n, 0, steps, r);
        double[] z = LatentSeries.latent(fullD, n, u, r, cfg.projectionEps());
        LatentSeries.residuals(fullD, n, u, r, z, e, dFill);
        LatentDynamics.Moments[] dyn = new LatentDynamics.Moments[p];
        for (int k = 1; k <= p; k++) {
            dyn[k - 1] = LatentDynamics.moments(z, r, k, leads, from, to);
        }
        double[] a = LatentDynamics.solveAveraged(dyn, lambda);
        LocalCorrection.Correction local = LocalCorrection.fit(e, dFill, n, z, u, r, p, a, leads, from, to, lambda);
        ZoneModel model = new ZoneModel(segments, stepMillis, timeZone, leads, r, p, lambda, cfg.projectionEps(),
                cfg.bandZ(), fullProfile, u, a, local.phi(), sigma, bands.band(), bands.blend(), trendWindow,
                bands.trend(), local.jump(), local.threshold(), slotMillis, bands.alertSigma(), bands.alertBand(),
                bands.nowcastSmoothing());
        return new Result(model, r, p, lambda, bestSmoothing, bestRmse, validation, freeFlow, bestHalfLife);
    }

    private static double rms(double sq, double count) {
        return count == 0 ? Double.NaN : Math.sqrt(sq / count);
    }

    private static boolean anyObserved(double[] x) {
        for (double v : x) {
            if (!Double.isNaN(v)) {
                return true;
            }
        }
        return false;
    }

    /** Moving-average half-width in profile slots for a half-width in minutes (rounded to the nearest slot). */
    static int halfWindowSlots(int minutes, long stepMillis) {
        return (int) Math.round(minutes * 60_000.0 / stepMillis);
    }

    /** Nearest-rank percentile of each column's observed values; NaN for a column without data. */
    static double[] freeFlow(double[] x, int n, double percentile) {
        int steps = x.length / n;
        double[] out = new double[n];
        double[] column = new double[steps];
        for (int i = 0; i < n; i++) {
            int m = 0;
            for (int t = 0; t < steps; t++) {
                double v = x[t * n + i];
                if (!Double.isNaN(v)) {
                    column[m++] = v;
                }
            }
            if (m == 0) {
                out[i] = Double.NaN;
                continue;
            }
            Arrays.sort(column, 0, m);
            int rank = (int) Math.ceil(percentile / 100.0 * m);
            out[i] = column[Math.min(m - 1, Math.max(0, rank - 1))];
        }
        return out;
    }
}
