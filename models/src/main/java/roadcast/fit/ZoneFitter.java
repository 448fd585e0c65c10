package roadcast.fit;

import java.time.ZoneId;
import java.util.Arrays;

import roadcast.manifold.LatentBasis;
import roadcast.manifold.LatentDynamics;
import roadcast.manifold.LatentSeries;
import roadcast.manifold.LocalCorrection;
import roadcast.manifold.PeriodicProfile;
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

    /** EXPERIMENT: 0 manifold forecast, 1 served, 2 served relative to persistence per horizon, 3 finalists. */
    static final int SEARCH_SCORE = Integer.getInteger("roadcast.fit.searchScore", 1);

    /** Serializable so that a zone fitted on one machine travels as a file part to the one that assembles. */
    public record Result(ZoneModel model, int rank, int order, double lambda, int smoothingMinutes, double validationRmse,
                  ZoneValidation.Sums validation, double[] freeFlow) implements java.io.Serializable {
    }

    private ZoneFitter() {
    }

    /**
     * @param rows        [T][N] network speeds, NaN = missing
     * @param segments    network indices of the zone, ascending
     * @param profileRow  [T] profile row of each step
     * @param firstMillis epoch ms of row 0
     */
    static Result fit(float[][] rows, int[] segments, int[] profileRow, long firstMillis, long stepMillis,
                      ZoneId timeZone, int horizons, TrainingConfig cfg) {
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
        return fitZone(x, segments, profileRow, firstMillis, stepMillis, timeZone, horizons, cfg);
    }

    /**
     * The same fit from the zone's own columns only.
     *
     * @param x          [T * n] row-major speeds of the zone's segments (NaN = missing), widened from the
     *                   history's floats
     * @param segments   network indices of the zone, ascending (n of them)
     * @param profileRow [T] profile row of each step ({@link ManifoldTrainer#profileRows})
     */
    public static Result fitZone(double[] x, int[] segments, int[] profileRow, long firstMillis, long stepMillis,
                                 ZoneId timeZone, int horizons, TrainingConfig cfg) {
        int n = segments.length;
        int steps = x.length / n;
        if (!anyObserved(x)) {
            // Nothing to fit: profile and basis would fall back to zeros and forecast 0 for every segment of the zone.
            throw new IllegalArgumentException("no credible reading of any of its " + n
                    + " segments in the training rows (sensors dead or cleaned away)");
        }
        double[] freeFlow = freeFlow(x, n, cfg.freeFlowPercentile());
        int slots = profileRow.length == 0 ? 1 : roadcast.manifold.LocalClock.slotsPerDay(stepMillis);
        int validationStart = steps - (int) Math.round(cfg.validationFraction() * steps);
        int pMax = cfg.maxOrder();
        int searchFrom = Math.max(pMax - 1, 1);
        int searchTo = validationStart - horizons;
        if (searchTo - searchFrom < 4 * horizons || steps - validationStart < horizons + 2) {
            throw new IllegalArgumentException("too little history: " + steps + " steps, need at least "
                    + (int) Math.ceil((searchFrom + 5 * horizons + horizons + 2) / (1 - cfg.validationFraction()))
                    + " for " + horizons + " horizons and lag order " + pMax);
        }

        // Search: profile and basis of the fit part, every candidate scored on the validation block by the kernel,
        // and, when that block is short, on earlier blocks too (rolling origins, {@link #earlierOrigins}).
        int[] ranks = Arrays.stream(cfg.ranks()).map(r -> Math.min(r, n)).distinct().sorted().toArray();
        int issues = steps - validationStart;
        int stride = (int) Math.max(1, Math.round((double) issues * n * horizons / SEARCH_BUDGET));
        boolean single = cfg.smoothingMinutes().length * ranks.length * cfg.orders().length
                * cfg.lambdas().length == 1;
        int[] earlier = single ? new int[0]
                : earlierOrigins(validationStart, issues, stepMillis, searchFrom, horizons);
        Choice choice = new Choice();
        java.util.List<Finalist> finalists = new java.util.ArrayList<>();
        java.util.Map<String, double[]> earlierScores = new java.util.HashMap<>();
        double[] e = new double[x.length];
        double[] dFill = new double[x.length];
        int[] smoothings = cfg.smoothingMinutes();
        int trendWindow = halfWindowSlots(TREND_SMOOTHING_MINUTES, stepMillis);
        for (int sc = 0; sc < smoothings.length; sc++) {
            int smoothing = smoothings[sc];
            // the first FULL_GRID_SMOOTHINGS candidates are searched over the whole (r, p, lambda) grid, the later
            // (wider) ones only at the best (r, p, lambda) so far: the search costs about what two candidates did
            boolean refine = sc >= FULL_GRID_SMOOTHINGS && choice.best != null;
            int[] sRanks = refine ? new int[] {choice.best.rank()} : ranks;
            int[] sOrders = refine ? new int[] {choice.best.order()} : cfg.orders();
            double[] sLambdas = refine ? new double[] {choice.best.lambda()} : cfg.lambdas();
            Grid grid = new Grid(segments, profileRow, slots, firstMillis, stepMillis, timeZone, horizons, cfg,
                    stride, single, trendWindow, smoothing, sRanks, sOrders, sLambdas, e, dFill);
            // earlier origins first: a candidate's score on them is added to its score on the last block below
            for (int origin : earlier) {
                grid.run(Arrays.copyOf(x, (origin + issues) * n), origin, (candidate, folds) -> {
                    double[] s = earlierScores.computeIfAbsent(key(smoothing, candidate), k -> new double[2]);
                    s[0] += folds[0] + folds[2];
                    s[1] += folds[1] + folds[3];
                });
            }
            grid.run(x, validationStart, (candidate, folds) -> {
                double[] before = earlierScores.getOrDefault(key(smoothing, candidate), new double[2]);
                double rmse = rms(folds[0] + folds[2] + before[0], folds[1] + folds[3] + before[1]);
                double rmseA = rms(folds[0], folds[1]);
                double rmseB = rms(folds[2], folds[3]);
                if (Boolean.getBoolean("roadcast.fit.debug")) { // EXPERIMENT
                    System.err.printf("search n=%d s=%d r=%d p=%d l=%.1f score=%.5f last=%.5f A=%.5f B=%.5f%n", n,
                            smoothing, candidate.rank(), candidate.order(), candidate.lambda(), rmse,
                            rms(folds[0] + folds[2], folds[1] + folds[3]), rmseA, rmseB);
                }
                choice.offer(candidate, smoothing, rmse, rmseA, rmseB);
                if (SEARCH_SCORE == 3) {
                    finalists.add(new Finalist(candidate, smoothing, rmse));
                    finalists.sort(java.util.Comparator.comparingDouble(Finalist::score));
                    if (finalists.size() > FINALISTS) {
                        finalists.remove(FINALISTS);
                    }
                }
            });
        }
        if (SEARCH_SCORE == 3 && finalists.size() > 1) {
            // the finalists of the manifold forecast's score, ranked by the served forecast's on the last block
            double bestServed = Double.POSITIVE_INFINITY;
            for (Finalist f : finalists) {
                double[] folds = ZoneValidation.scoreServedFolds(f.candidate(), x, firstMillis, validationStart,
                        stride, false);
                double served = rms(folds[0] + folds[2], folds[1] + folds[3]);
                if (Boolean.getBoolean("roadcast.fit.debug")) { // EXPERIMENT
                    System.err.printf("finalist n=%d s=%d r=%d p=%d l=%.1f score=%.5f served=%.5f%n", n,
                            f.smoothing(), f.candidate().rank(), f.candidate().order(), f.candidate().lambda(),
                            f.score(), served);
                }
                if (served < bestServed) {
                    bestServed = served;
                    choice.best = f.candidate();
                    choice.bestSmoothing = f.smoothing();
                }
            }
        }
        ZoneModel best = choice.best;
        ZoneModel bestA = choice.bestA;
        ZoneModel bestB = choice.bestB;
        int bestSmoothing = choice.bestSmoothing;
        if (Boolean.getBoolean("roadcast.fit.debug")) { // EXPERIMENT
            System.err.printf("chosen n=%d s=%d r=%d p=%d l=%.1f origins=%s%n", n, bestSmoothing, best.rank(),
                    best.order(), best.lambda(), Arrays.toString(earlier));
        }
        // Blend toward the nowcast (fitted on the whole block) and the band (cross-fitted): BandCalibration.
        BandCalibration.Result bands = BandCalibration.calibrate(best, bestA, bestB, x, firstMillis, validationStart,
                cfg.bandZ());
        double[] sigma = bands.sigma();
        ZoneValidation.Sums validation = ZoneValidation.run(
                best.withBands(sigma, bands.band(), bands.blend(), bands.trend()), x,
                firstMillis, validationStart, 1);
        double bestRmse = validation.rmse();

        // Refit on every training row with the chosen values; bands stay those measured on the validation block.
        int r = best.rank();
        int p = best.order();
        double lambda = best.lambda();
        int from = Math.max(p - 1, 1);
        int to = steps - horizons;
        int halfWindow = halfWindowSlots(bestSmoothing, stepMillis);
        double[] fullProfile = PeriodicProfile.smooth(
                PeriodicProfile.fit(x, n, profileRow, slots, 0, steps, cfg.profileShrinkage()), n, slots, halfWindow);
        double[] fullD = PeriodicProfile.crossFittedDeviations(x, n, profileRow, slots, 0, steps,
                cfg.profileShrinkage(), halfWindow, fullProfile);
        double[] u = LatentBasis.fit(fullD, n, 0, steps, r);
        double[] z = LatentSeries.latent(fullD, n, u, r, cfg.projectionEps());
        LatentSeries.residuals(fullD, n, u, r, z, e, dFill);
        LatentDynamics.Moments[] dyn = new LatentDynamics.Moments[p];
        for (int k = 1; k <= p; k++) {
            dyn[k - 1] = LatentDynamics.moments(z, r, k, horizons, from, to);
        }
        double[] a = LatentDynamics.solveAveraged(dyn, lambda);
        double[] phi = LocalCorrection.fit(e, dFill, n, z, u, r, p, a, horizons, from, to, lambda);
        ZoneModel model = new ZoneModel(segments, stepMillis, timeZone, horizons, r, p, lambda, cfg.projectionEps(),
                cfg.bandZ(), fullProfile, u, a, phi, sigma, bands.band(), bands.blend(), trendWindow, bands.trend());
        return new Result(model, r, p, lambda, bestSmoothing, bestRmse, validation, freeFlow);
    }

    /**
     * Rolling origins of the search: a validation block shorter than {@link #MIN_VALIDATION_DAYS} days scores the
     * candidates on one or two days whose traffic happens to decide (README, issue 14: on Los-loop's nested validation
     * the order one validation day chose was worse on the next day at every lead from 10 minutes). The search then
     * also fits every candidate on the rows before each of up to {@link #MAX_ORIGINS} - 1 earlier blocks of the same
     * length (each one block before the last) and scores it on that block; a candidate's score is its squared error
     * pooled over all blocks. An earlier origin needs {@link #MIN_FIT_DAYS} days of rows to fit on. A block of two
     * days or more (e.g. 14 days of history) gets no earlier origin, so the search costs what it did there.
     *
     * @param validationStart first row of the last block
     * @param block           rows of each block
     * @return first rows of the earlier blocks, latest first (none when the last block is long enough)
     */
    static int[] earlierOrigins(int validationStart, int block, long stepMillis, int searchFrom, int horizons) {
        double blockDays = (double) block * stepMillis / roadcast.manifold.LocalClock.DAY_MILLIS;
        int maxOrigins = Integer.getInteger("roadcast.fit.origins", MAX_ORIGINS); // EXPERIMENT
        int[] out = new int[0];
        int origin = validationStart;
        while (blockDays * (out.length + 1) < MIN_VALIDATION_DAYS && out.length + 1 < maxOrigins) {
            origin -= block;
            double fitDays = (double) origin * stepMillis / roadcast.manifold.LocalClock.DAY_MILLIS;
            if (fitDays < MIN_FIT_DAYS || origin - horizons - searchFrom < 4 * horizons) {
                break;
            }
            out = Arrays.copyOf(out, out.length + 1);
            out[out.length - 1] = origin;
        }
        return out;
    }

    /** Validation days below which the search adds earlier blocks ({@link #earlierOrigins}). */
    static final double MIN_VALIDATION_DAYS = 2.0;
    /** Most blocks the search scores on, the last included. */
    static final int MAX_ORIGINS = 3;
    /** Fewest days of rows an earlier block's candidates are fitted on. */
    static final double MIN_FIT_DAYS = 1.5;

    /** EXPERIMENT: candidates of the best manifold-forecast scores re-ranked by the served forecast's (mode 3). */
    static final int FINALISTS = Integer.getInteger("roadcast.fit.finalists", 3);

    private record Finalist(ZoneModel candidate, int smoothing, double score) {
    }

    private static String key(int smoothing, ZoneModel candidate) {
        return smoothing + "/" + candidate.rank() + "/" + candidate.order() + "/" + candidate.lambda();
    }

    /** A search candidate and its squared-error sums by fold ({@link ZoneValidation#scoreFolds} layout). */
    @FunctionalInterface
    private interface CandidateScores {
        void accept(ZoneModel candidate, double[] folds);
    }

    /** The search's choice so far: the candidate best over all blocks, and those best on each fold of the last. */
    private static final class Choice {
        ZoneModel best;
        int bestSmoothing;
        double bestRmse = Double.POSITIVE_INFINITY;
        // the candidates best on each fold of the validation block: the band is calibrated on one fold's residuals
        // of the candidate chosen on the other (BandCalibration)
        ZoneModel bestA;
        ZoneModel bestB;
        double bestRmseA = Double.POSITIVE_INFINITY;
        double bestRmseB = Double.POSITIVE_INFINITY;

        void offer(ZoneModel candidate, int smoothing, double rmse, double rmseA, double rmseB) {
            if (best == null || rmse < bestRmse) {
                best = candidate;
                bestSmoothing = smoothing;
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

    /**
     * The candidates of one profile smoothing over a (rank, order, lambda) grid: each fitted on the rows before a
     * validation origin and scored by the kernel on every row from it to the end of the rows given.
     */
    private record Grid(int[] segments, int[] profileRow, int slots, long firstMillis, long stepMillis,
                        ZoneId timeZone, int horizons, TrainingConfig cfg, int stride, boolean single,
                        int trendWindow, int smoothing, int[] ranks, int[] orders, double[] lambdas, double[] e,
                        double[] dFill) {

        /**
         * @param x               [T * n] speeds up to the end of the block scored
         * @param validationStart first row of the block: candidates are fitted on the rows before it
         */
        void run(double[] x, int validationStart, CandidateScores sink) {
            int n = segments.length;
            int pMax = cfg.maxOrder();
            int searchFrom = Math.max(pMax - 1, 1);
            int searchTo = validationStart - horizons;
            int maxRank = ranks[ranks.length - 1];
            int halfWindow = halfWindowSlots(smoothing, stepMillis);
            double[] profile = PeriodicProfile.smooth(
                    PeriodicProfile.fit(x, n, profileRow, slots, 0, validationStart, cfg.profileShrinkage()),
                    n, slots, halfWindow);
            double[] d = PeriodicProfile.crossFittedDeviations(x, n, profileRow, slots, 0, validationStart,
                    cfg.profileShrinkage(), halfWindow, profile);
            double[] wide = LatentBasis.fit(d, n, 0, validationStart, maxRank);
            for (int r : ranks) {
                double[] u = LatentBasis.leading(wide, n, maxRank, r);
                double[] z = LatentSeries.latent(d, n, u, r, cfg.projectionEps());
                LatentSeries.residuals(d, n, u, r, z, e, dFill);
                LocalCorrection.ResidualMoments res =
                        LocalCorrection.residualMoments(e, dFill, n, horizons, searchFrom, searchTo);
                LocalCorrection.FeatureMoments widest = LocalCorrection.featureMoments(e, z, r, pMax, res);
                // order p means the mean of the dynamics of orders 1..p: one validation day picks the order
                // noisily (README, issue 14), the average hedges it. Each order's moments, once for all p.
                LatentDynamics.Moments[] byOrder =
                        new LatentDynamics.Moments[Arrays.stream(orders).max().getAsInt()];
                for (int k = 1; k <= byOrder.length; k++) {
                    byOrder[k - 1] = LatentDynamics.moments(z, r, k, horizons, searchFrom, searchTo);
                }
                for (int p : orders) {
                    LocalCorrection.FeatureMoments feat = widest.forOrder(p);
                    LatentDynamics.Moments[] dyn = Arrays.copyOf(byOrder, p);
                    for (double lambda : lambdas) {
                        double[] a = LatentDynamics.solveAveraged(dyn, lambda);
                        double[] phi = LocalCorrection.solve(res, feat, u, a, lambda);
                        ZoneModel candidate = new ZoneModel(segments, stepMillis, timeZone, horizons, r, p, lambda,
                                cfg.projectionEps(), cfg.bandZ(), profile, u, a, phi, new double[horizons * n],
                                ZoneModel.symmetricBand(horizons, cfg.bandZ()),
                                new double[horizons * ZoneModel.REGIMES * n],
                                trendWindow, new double[horizons * n]);
                        double[] folds = single ? new double[4]
                                : SEARCH_SCORE == 0 || SEARCH_SCORE == 3
                                ? ZoneValidation.scoreFolds(candidate, x, firstMillis, validationStart, stride)
                                : ZoneValidation.scoreServedFolds(candidate, x, firstMillis, validationStart,
                                        stride, SEARCH_SCORE == 2);
                        sink.accept(candidate, folds);
                    }
                }
            }
        }
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
