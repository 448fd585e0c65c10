package roadcast.kriging;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import roadcast.forecast.ZoneForecast;
import roadcast.forecast.ZoneForecaster;
import roadcast.forecast.ZoneState;
import roadcast.history.SpeedHistory;
import roadcast.manifold.LocalClock;
import roadcast.manifold.ProfileGrid;
import roadcast.model.HorizonLeads;
import roadcast.model.ManifoldModel;
import roadcast.model.ZoneModel;
import roadcast.network.CoverageNetwork;
import roadcast.network.Segment;

/**
 * Coverage extension: the entry point that learns the kriging layer of a {@link ManifoldModel} (inductive, in the
 * manner of IGNNK and INCREASE: observed segments are masked fold by fold and predicted from the observed segments
 * around them) and that applies it ({@link ExtendedForecaster}) to the roads without data.
 * <ol>
 * <li>Neighbours: for every observed segment its nearest observed segments of its zone outside its fold, by road
 * distance ({@link RoadDistances}); for every extended segment the nearest observed ones of the zone of the
 * nearest.</li>
 * <li>Hyperparameters (K, kernel width, ridge) by fold cross-validation on the training rows: the regression of
 * {@link KrigingKernel} is fitted on the other folds' masked targets and scored (MAE) on the held-out fold's.</li>
 * <li>Level features ({@link SegmentLevel}) forward in time: the chosen candidate fitted with all of them, all but
 * the free-flow departure, and none, on the rows before the calibration replay (below), and scored on the replay's
 * masked segments; the best variant is kept, the others' features left out (their coefficients 0).</li>
 * <li>Toward the zone mean: the fitted regression's estimate moved a share (0, 1/4 .. 1) of the way to the mean of
 * its zone's observed values, the share chosen on the same replay ({@link KrigingKernel#towardZoneMean}).</li>
 * <li>Bands: the zone forecasters replay the last part of the training rows with each fold's segments removed from
 * their input; the kriged estimates of the removed segments at every horizon give the masked errors, whose
 * quantiles are the band offsets.</li>
 * </ol>
 */
public final class Kriging {

    private static final Logger LOG = LoggerFactory.getLogger(Kriging.class);

    private Kriging() {
    }

    /**
     * What every candidate shares: the network's distance scale, the observed levels and the fold draws. The first draw
     * (draws[0]) is the one the cross-validation folds, the calibration replay and the hyperparameters use; its
     * folds and neighbour lists are read from it, not kept a second time.
     */
    private record Masking(double scale, double[] level, double[] freeFlow, Draw[] draws) {

        /** The first draw: the cross-validation's folds and the replay's masked neighbourhoods. */
        Draw first() {
            return draws[0];
        }

        /** Level features of observed segment i masked with its first-draw fold, for the kernel of (k, width). */
        void levelFeatures(int i, int k, double width, double[] out, int off) {
            first().levelFeatures(i, k, width, level, freeFlow, out, off);
        }
    }

    /**
     * One random draw of the masking folds: each observed segment's fold, its nearest observed neighbours of its zone
     * outside that fold, its wider neighbourhood for the level features and the median level seen from each fold.
     * The final regression is fitted on each of several draws ({@link KrigingConfig#maskDraws}) and the fits averaged
     * ({@code bagged}) where the calibration replay prefers that to the first draw alone (cycling draws per training
     * step was tried and not kept: README, issue 8).
     */
    private record Draw(int[] fold, RoadDistances.Neighbours[] neighbours, RoadDistances.Neighbours[] wide,
                        double[] foldMedian) {

        void levelFeatures(int i, int k, double width, double[] level, double[] freeFlow, double[] out, int off) {
            SegmentLevel.features(wide[i], level, freeFlow, k, width, foldMedian[fold[i]], out, off);
        }
    }

    /**
     * @param model    the fitted manifold model of the observed segments
     * @param cleaned  the cleaned training history it was fitted on (observed segments, network order)
     * @param coverage the roads: the model's observed segments first, then the extended ones
     */
    public static KrigingModel fit(ManifoldModel model, SpeedHistory cleaned, CoverageNetwork coverage,
                                   KrigingConfig cfg) {
        int n = model.network().size();
        if (coverage.observedCount() != n || !Arrays.equals(cleaned.segmentIds(), model.network().segmentIds())) {
            throw new IllegalArgumentException("kriging needs the model's observed segments first in the coverage "
                    + "network and as the history's columns");
        }
        for (int i = 0; i < n; i++) {
            if (!coverage.all().segment(i).id().equals(model.network().segment(i).id())) {
                throw new IllegalArgumentException("coverage segment " + i + " is " + coverage.all().segment(i).id()
                        + ", the model's " + model.network().segment(i).id());
            }
        }
        long start = System.nanoTime();
        // Mask as many observed segments as the network lacks: with a quarter of the roads extended, each fold
        // hides a quarter of the observed ones, so the neighbourhoods seen in training are as sparse as those of
        // the extended segments (IGNNK samples its masks the same way).
        int extended = Math.max(1, coverage.extendedCount());
        int folds = (int) Math.max(2, Math.min(cfg.folds(), Math.round((double) coverage.all().size() / extended)));
        cfg = new KrigingConfig(folds, cfg.ks(), cfg.widthFactors(), cfg.lambdas(), cfg.calibrationFraction(),
                cfg.bandLevel(), cfg.seed(), cfg.maxSamples(), cfg.maskDraws());
        RoadDistances roads = new RoadDistances(coverage);
        Masking masking = masking(model, roads, cfg);
        // the (K, width) candidates are independent: a small pool, results collected in grid order (deterministic)
        List<java.util.concurrent.Callable<Choice>> jobs = new ArrayList<>();
        KrigingConfig folded = cfg;
        for (int k : cfg.ks()) {
            for (double wf : cfg.widthFactors()) {
                jobs.add(() -> crossValidate(model, cleaned, masking, k, wf * masking.scale, folded, folded.lambdas(),
                        cleaned.steps(), SegmentLevel.COUNT, true));
            }
        }
        Choice best = null;
        for (Choice c : runAll(jobs)) {
            LOG.debug("kriging K={} width={} lambda={}: masked MAE {}", c.k, c.width, c.lambda, c.mae);
            if (c.mae >= 0 && (best == null || c.mae < best.mae)) {
                best = c;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("kriging: no observed segment has an observed neighbour to learn from");
        }
        int rows = model.horizonsMin().length + 1;
        int f = KrigingKernel.featureCount(best.k, SegmentLevel.COUNT);
        RowSamples[] replay = replay(model, cleaned, masking, best, cfg, rows);
        // Forward in time: do the level features still help on the latest training days when the regression has
        // not seen them? Every variant (all of them, all but the free-flow departure, none) fitted fold by fold on
        // the rows before the calibration replay, scored on the replay's masked samples at every horizon (the masked
        // CV above fits and scores on the same days, and on PEMSD8 it kept them while the later test did not follow;
        // the free-flow departure helped Los-loop's masked CV and did not help PEMSD8's replay). A variant's left-out
        // features are 0 in its samples, so its coefficients for them are 0 and the replay scores it as it is.
        int calStart = calibrationStart(cleaned.steps(), cfg);
        double[] one = {best.lambda};
        int[] variants = {SegmentLevel.COUNT, SegmentLevel.COUNT - 1, 0};
        double[] forward = new double[variants.length];
        int levels = variants[0];
        double levelsMae = Double.POSITIVE_INFINITY;
        for (int v = 0; v < variants.length; v++) {
            Choice c = crossValidate(model, cleaned, masking, best.k, best.width, cfg, one, calStart, variants[v],
                    true);
            forward[v] = replayMae(replay, c.foldBeta);
            if (forward[v] < levelsMae) { // a tie keeps the richer variant, as before
                levelsMae = forward[v];
                levels = variants[v];
            }
        }
        LOG.info("kriging: level features fitted before the calibration replay, masked MAE on it {} with all, {} "
                + "without the free-flow departure, {} without any: {} kept", forward[0], forward[1], forward[2],
                levels);
        // The neighbours' kernel mean a step earlier, by the same forward check beside the kept level features: the
        // masked CV gains from it on every Los-loop check and nothing on PEMSD8, so the replay decides where a city
        // does not follow; a tie leaves it out (the kernel as it was before it).
        double withoutLag = replayMae(replay, crossValidate(model, cleaned, masking, best.k, best.width, cfg, one,
                calStart, levels, false).foldBeta);
        boolean lag = levelsMae < withoutLag;
        LOG.info("kriging: the neighbours' lagged kernel mean, masked MAE on the calibration replay {} with it, {} "
                + "without: {}", levelsMae, withoutLag, lag ? "kept" : "left out");
        int lagAt = KrigingKernel.lagFeature(best.k, SegmentLevel.COUNT);
        if (levels < SegmentLevel.COUNT || !lag) {
            for (RowSamples s : replay) {
                s.dropColumns(lagAt - (SegmentLevel.COUNT - levels), lagAt);
                if (!lag) {
                    s.dropColumns(lagAt, lagAt + KrigingKernel.LAG);
                }
            }
            best = crossValidate(model, cleaned, masking, best.k, best.width, cfg, cfg.lambdas(), cleaned.steps(),
                    levels, lag);
        }
        best = bagged(model, cleaned, masking, best, cfg, levels, lag, replay);
        best = towardZoneMean(best, replay);
        double[] beta = new double[rows * f];
        for (int h = 0; h < rows; h++) {
            System.arraycopy(best.beta, 0, beta, h * f, f);
        }
        double[] lower = new double[rows];
        double[] upper = new double[rows];
        double[] mae = new double[rows];
        calibrate(replay, best, beta, cfg, lower, upper, mae);
        LOG.info("kriging: {} folds (masking 1/{} of the observed segments at a time)", folds, folds);
        KrigingModel placed = place(model, coverage, roads, best.k, best.width, best.lambda, rows, beta, lower, upper,
                mae);
        LOG.info("kriging: K={}, width={}, lambda={}, masked CV MAE now {}, by horizon {}; {} extended segments, "
                        + "{} excluded ({} ms)", best.k, best.width, best.lambda, best.mae, Arrays.toString(mae),
                placed.size(), placed.excluded().size(), (System.nanoTime() - start) / 1_000_000);
        return placed;
    }

    private static Masking masking(ManifoldModel model, RoadDistances roads, KrigingConfig cfg) {
        int n = model.network().size();
        double[] level = SegmentLevel.levels(model);
        // one generator for every draw: the first draw is the one a single-draw fit made (same shuffle)
        Random random = new Random(cfg.seed());
        Draw[] draws = new Draw[cfg.maskDraws()];
        for (int d = 0; d < draws.length; d++) {
            draws[d] = draw(model, roads, cfg, level, random);
        }
        Draw first = draws[0];
        double sum = 0;
        double sq = 0;
        long count = 0;
        for (int i = 0; i < n; i++) {
            for (double d : first.neighbours[i].distance()) {
                sum += d;
                sq += d * d;
                count++;
            }
        }
        double scale = roads.givenDistanceStd();
        if (!(scale > 0)) {
            scale = count < 2 ? 1.0 : Math.sqrt(Math.max(1e-12, sq / count - (sum / count) * (sum / count)));
        }
        return new Masking(scale, level, SegmentLevel.freeFlows(model), draws);
    }

    private static Draw draw(ManifoldModel model, RoadDistances roads, KrigingConfig cfg, double[] level,
                             Random random) {
        int n = model.network().size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Collections.shuffle(Arrays.asList(order), random);
        int[] fold = new int[n];
        for (int k = 0; k < n; k++) {
            fold[order[k]] = k % cfg.folds();
        }
        RoadDistances.Neighbours[] neighbours = new RoadDistances.Neighbours[n];
        RoadDistances.Neighbours[] wide = new RoadDistances.Neighbours[n];
        for (int i = 0; i < n; i++) {
            int zi = model.zoneOf(i);
            int fi = fold[i];
            neighbours[i] = roads.nearest(i, cfg.maxK(), j -> j < n && model.zoneOf(j) == zi && fold[j] != fi);
            wide[i] = roads.nearest(i, SegmentLevel.NEIGHBOURS, j -> j < n && fold[j] != fi);
        }
        double[] foldMedian = new double[cfg.folds()];
        for (int f = 0; f < foldMedian.length; f++) {
            int fo = f;
            foldMedian[f] = SegmentLevel.median(level, j -> fold[j] != fo);
        }
        return new Draw(fold, neighbours, wide, foldMedian);
    }

    /**
     * One candidate's choice: its best ridge, masked CV MAE, the regression fitted on every fold and, per fold, the
     * one fitted without that fold (its held-out predictions).
     */
    private record Choice(int k, double width, double lambda, double mae, double[] beta, double[][] foldBeta) {
    }

    /** Iterates the masked training samples of one (K, width): features and label y - B. */
    private static final class Samples {
        final ManifoldModel model;
        final SpeedHistory history;
        final Masking masking;
        final Draw draw;
        final int k;
        final int f;
        final double[] g;
        final double[] up;
        final double[] level;
        final int n;
        final int folds;
        final int stride;
        final LocalClock clock;
        /** Each zone's profile grid, located at the sample's time (one per zone: not shared between threads). */
        final ProfileGrid[] grids;
        final double[] v;
        final double[] vLag;
        final double[] p;
        final double[] x;
        final double[] scratch;

        final int rowEnd;
        final boolean lag;

        /**
         * @param rowEnd training rows [0, rowEnd) give samples
         * @param levels how many of the level features the samples carry, first first; the others are 0 (their
         *               coefficients then stay 0 under the ridge); 0 is the kernel as it was before them
         * @param lag    whether the samples carry the neighbours' kernel mean a step earlier (the history's previous
         *               row, the current value where it has none); without it the feature is 0
         * @param draw   the fold draw whose masked neighbourhoods the samples see; a sample's cross-validation fold
         *               is always the first draw's (the fits that score it never saw that road as a target)
         */
        Samples(ManifoldModel model, SpeedHistory history, Masking masking, int k, double width, KrigingConfig cfg,
                int rowEnd, int levels, boolean lag, int draw) {
            this.rowEnd = rowEnd;
            this.lag = lag;
            this.model = model;
            this.history = history;
            this.masking = masking;
            this.k = k;
            this.f = KrigingKernel.featureCount(k, SegmentLevel.COUNT);
            this.n = model.network().size();
            this.folds = cfg.folds();
            this.draw = masking.draws[draw];
            this.g = new double[n * k];
            this.up = new double[n * k];
            this.level = new double[n * SegmentLevel.COUNT];
            for (int i = 0; i < n && levels > 0; i++) {
                this.draw.levelFeatures(i, k, width, masking.level, masking.freeFlow, level, i * SegmentLevel.COUNT);
                Arrays.fill(level, i * SegmentLevel.COUNT + levels, (i + 1) * SegmentLevel.COUNT, 0.0);
            }
            for (int i = 0; i < n; i++) {
                RoadDistances.Neighbours nb = this.draw.neighbours[i];
                for (int j = 0; j < k && nb.size() > 0; j++) {
                    int c = Math.min(j, nb.size() - 1);
                    double dist = nb.distance()[c] / width;
                    g[i * k + j] = Math.exp(-dist * dist);
                    up[i * k + j] = nb.upstream()[c] ? 1 : 0;
                }
            }
            long total = (long) rowEnd * n;
            this.stride = (int) Math.max(1, (total + cfg.maxSamples() - 1) / cfg.maxSamples());
            this.clock = new LocalClock(history.timeZone(), history.step().toMillis());
            this.grids = new ProfileGrid[model.zoneCount()];
            for (int z = 0; z < grids.length; z++) {
                grids[z] = model.zone(z).profileGrid();
            }
            this.v = new double[k];
            this.vLag = new double[k];
            this.p = new double[k];
            this.x = new double[f];
            this.scratch = new double[2 * k];
        }

        interface Sink {
            void accept(int fold, double[] x, double label, double base, double y);
        }

        /**
         * The masked samples, computed on the first pass and replayed from memory after it: the cross-validation,
         * its scoring and the final IRLS pass over the same samples about 17 times (double precision, so the
         * replay is exactly what the features gave).
         */
        private double[] cachedX;
        private double[] cachedRest;
        private int[] cachedFold;
        private int cached = -1;

        void forEach(Sink sink) {
            if (cached >= 0) {
                for (int s = 0; s < cached; s++) {
                    System.arraycopy(cachedX, s * f, x, 0, f);
                    sink.accept(cachedFold[s], x, cachedRest[3 * s], cachedRest[3 * s + 1], cachedRest[3 * s + 2]);
                }
                return;
            }
            cachedX = new double[1024 * f];
            cachedRest = new double[3 * 1024];
            cachedFold = new int[1024];
            int[] count = new int[1];
            compute((fold, features, label, base, y) -> {
                int s = count[0]++;
                if (s == cachedFold.length) {
                    cachedX = Arrays.copyOf(cachedX, 2 * cachedX.length);
                    cachedRest = Arrays.copyOf(cachedRest, 2 * cachedRest.length);
                    cachedFold = Arrays.copyOf(cachedFold, 2 * cachedFold.length);
                }
                System.arraycopy(features, 0, cachedX, s * f, f);
                cachedRest[3 * s] = label;
                cachedRest[3 * s + 1] = base;
                cachedRest[3 * s + 2] = y;
                cachedFold[s] = fold;
                sink.accept(fold, features, label, base, y);
            });
            cached = count[0];
        }

        private void compute(Sink sink) {
            int zones = model.zoneCount();
            double[] sumV = new double[zones * (folds + 1)];
            double[] cntV = new double[zones * (folds + 1)];
            double[] sumP = new double[zones * (folds + 1)];
            double[] cntP = new double[zones * (folds + 1)];
            double[] prof = new double[n];
            float[][] rows = history.speed();
            long first = history.epochMillis(0);
            long step = history.step().toMillis();
            for (int t = 0; t < rowEnd; t += stride) {
                long millis = first + t * step;
                for (ProfileGrid grid : grids) {
                    grid.locate(millis);
                }
                int minute = clock.minuteOfDay(millis);
                Arrays.fill(sumV, 0);
                Arrays.fill(cntV, 0);
                Arrays.fill(sumP, 0);
                Arrays.fill(cntP, 0);
                float[] row = rows[t];
                float[] before = lag && t > 0 ? rows[t - 1] : null;
                for (int i = 0; i < n; i++) {
                    ZoneModel zm = model.zone(model.zoneOf(i));
                    prof[i] = grids[model.zoneOf(i)].value(zm.profile(), zm.size(), model.localIndexOf(i));
                    int z = model.zoneOf(i) * (folds + 1);
                    int fi = draw.fold[i] + 1;
                    double value = Float.isNaN(row[i]) ? prof[i] : row[i];
                    sumV[z] += value;
                    cntV[z]++;
                    sumV[z + fi] += value;
                    cntV[z + fi]++;
                    sumP[z] += prof[i];
                    cntP[z]++;
                    sumP[z + fi] += prof[i];
                    cntP[z + fi]++;
                }
                for (int i = 0; i < n; i++) {
                    float y = row[i];
                    RoadDistances.Neighbours nb = draw.neighbours[i];
                    if (Float.isNaN(y) || nb.size() == 0) {
                        continue;
                    }
                    for (int j = 0; j < k; j++) {
                        int c = nb.index()[Math.min(j, nb.size() - 1)];
                        v[j] = Float.isNaN(row[c]) ? prof[c] : row[c];
                        p[j] = prof[c];
                        // as the stream's nowcast a step back: the reading then, the current value where none
                        vLag[j] = before == null || Float.isNaN(before[c]) ? v[j] : before[c];
                    }
                    int z = model.zoneOf(i) * (folds + 1);
                    int fi = draw.fold[i] + 1;
                    double visible = cntV[z] - cntV[z + fi];
                    double meanV = (sumV[z] - sumV[z + fi]) / visible;
                    double b = KrigingKernel.features(k, g, up, i * k, v, vLag, p, meanV, minute, level,
                            i * SegmentLevel.COUNT, SegmentLevel.COUNT, x, scratch);
                    sink.accept(masking.first().fold()[i], x, y - b, b, y);
                }
            }
        }
    }

    /**
     * Leave-one-fold-out least absolute deviations (IRLS from the least-squares start) for every ridge candidate;
     * the candidate with the lowest held-out MAE wins and is refitted on every fold.
     */
    private static Choice crossValidate(ManifoldModel model, SpeedHistory history, Masking masking, int k,
                                        double width, KrigingConfig cfg, double[] lambdas, int rowEnd,
                                        int levels, boolean lag) {
        return crossValidate(model, history, masking, k, width, cfg, lambdas, rowEnd, levels, lag, 0);
    }

    private static Choice crossValidate(ManifoldModel model, SpeedHistory history, Masking masking, int k,
                                        double width, KrigingConfig cfg, double[] lambdas, int rowEnd,
                                        int levels, boolean lag, int draw) {
        Samples samples = new Samples(model, history, masking, k, width, cfg, rowEnd, levels, lag, draw);
        int f = samples.f;
        int folds = cfg.folds();
        int candidates = lambdas.length;
        double[][][] betas = new double[candidates][folds][];
        for (int it = 0; it <= IRLS_ITERATIONS; it++) {
            boolean weighted = it > 0;
            // per candidate and fold: weighted X'X (upper triangle), X'y, weight sum
            double[][][] xtx = new double[weighted ? candidates : 1][folds][f * f];
            double[][][] xty = new double[weighted ? candidates : 1][folds][f];
            double[][] wsum = new double[weighted ? candidates : 1][folds];
            samples.forEach((fold, x, label, base, y) -> {
                for (int l = 0; l < xtx.length; l++) {
                    if (weighted && Double.isInfinite(lambdas[l])) {
                        continue; // beta = 0 whatever the weights
                    }
                    double w = 1.0;
                    if (weighted) {
                        // the weight comes from the model that will score this sample: fitted without its fold
                        double[] beta = betas[l][fold];
                        if (beta == null) {
                            continue;
                        }
                        double r = label;
                        for (int j = 0; j < f; j++) {
                            r -= beta[j] * x[j];
                        }
                        w = 1.0 / Math.max(Math.abs(r), IRLS_FLOOR);
                    }
                    double[] a = xtx[l][fold];
                    double[] b = xty[l][fold];
                    for (int row = 0; row < f; row++) {
                        double xr = w * x[row];
                        if (xr == 0) {
                            continue;
                        }
                        int o = row * f;
                        for (int c = row; c < f; c++) {
                            a[o + c] += xr * x[c];
                        }
                        b[row] += xr * label;
                    }
                    wsum[l][fold] += w;
                }
            });
            for (int l = 0; l < candidates; l++) {
                int src = weighted ? l : 0;
                double[] totalA = new double[f * f];
                double[] totalB = new double[f];
                double totalW = 0;
                for (int fo = 0; fo < folds; fo++) {
                    for (int j = 0; j < f * f; j++) {
                        totalA[j] += xtx[src][fo][j];
                    }
                    for (int j = 0; j < f; j++) {
                        totalB[j] += xty[src][fo][j];
                    }
                    totalW += wsum[src][fo];
                }
                for (int fo = 0; fo < folds; fo++) {
                    if (Double.isInfinite(lambdas[l])) {
                        betas[l][fo] = new double[f];
                        continue;
                    }
                    double w = totalW - wsum[src][fo];
                    if (w <= 0 || wsum[src][fo] == 0 && !weighted) {
                        betas[l][fo] = null;
                        continue;
                    }
                    double[] a = totalA.clone();
                    double[] b = totalB.clone();
                    for (int j = 0; j < f * f; j++) {
                        a[j] -= xtx[src][fo][j];
                    }
                    for (int j = 0; j < f; j++) {
                        b[j] -= xty[src][fo][j];
                    }
                    betas[l][fo] = LeastAbsolute.ridgeScaled(a, b, f, w, lambdas[l]);
                }
            }
        }
        double[] absErr = new double[candidates];
        long[] scored = new long[1];
        samples.forEach((fold, x, label, base, y) -> {
            if (betas[0][fold] == null) {
                return;
            }
            for (int l = 0; l < candidates; l++) {
                absErr[l] += Math.abs(y - KrigingKernel.predict(base, betas[l][fold], 0, x, f));
            }
            scored[0]++;
        });
        if (scored[0] == 0) {
            return new Choice(k, width, Double.NaN, -1, null, null);
        }
        int bestL = 0;
        for (int l = 1; l < candidates; l++) {
            if (absErr[l] < absErr[bestL]) {
                bestL = l;
            }
        }
        LOG.debug("kriging K={} width={}: held-out MAE by lambda {} {}", k, width, java.util.Arrays.toString(lambdas),
                java.util.Arrays.toString(java.util.Arrays.stream(absErr).map(e -> e / scored[0]).toArray()));
        // the final fit on every fold is made for the winning candidate only (finalFit)
        return new Choice(k, width, lambdas[bestL], absErr[bestL] / scored[0], null, betas[bestL]);
    }

    /**
     * The chosen candidate refitted on every fold with the full {@link LeastAbsolute#ITERATIONS} from the
     * least-squares start.
     */
    private static Choice finalFit(ManifoldModel model, SpeedHistory history, Masking masking, Choice c,
                                   KrigingConfig cfg, int levels, boolean lag, int draw) {
        Samples samples = new Samples(model, history, masking, c.k, c.width, cfg, history.steps(), levels, lag,
                draw);
        int f = samples.f;
        double[] start = LeastAbsolute.ridgeScaled(sum(samples, f), sumB(samples, f), f, 1, c.lambda);
        double[] beta = leastAbsolute(samples, start, c.lambda);
        return new Choice(c.k, c.width, c.lambda, c.mae, beta, c.foldBeta);
    }

    /**
     * The chosen candidate fitted once per fold draw and the fits averaged (bagging over draws: the estimate is
     * linear in the coefficients, so the mean of the fits' estimates is the estimate of the mean coefficients), kept
     * only where the fold-by-fold fits, averaged the same way, beat the first draw's alone on the calibration
     * replay's masked samples (forward in time, every horizon). Which observed roads are masked together decides
     * which neighbourhoods the regression learns from; on Los-loop the draw alone moves the test MAE by 0.3 mph.
     */
    private static Choice bagged(ManifoldModel model, SpeedHistory history, Masking masking, Choice best,
                                 KrigingConfig cfg, int levels, boolean lag, RowSamples[] replay) {
        int draws = masking.draws.length;
        if (draws == 1 || Double.isInfinite(best.lambda)) {
            return finalFit(model, history, masking, best, cfg, levels, lag, 0);
        }
        double[] one = {best.lambda};
        double[][][] foldBetas = new double[draws][][];
        foldBetas[0] = best.foldBeta;
        List<java.util.concurrent.Callable<Choice>> cvs = new ArrayList<>();
        for (int d = 1; d < draws; d++) {
            int draw = d;
            cvs.add(() -> crossValidate(model, history, masking, best.k, best.width, cfg, one, history.steps(),
                    levels, lag, draw));
        }
        List<Choice> perDraw = runAll(cvs);
        for (int d = 1; d < draws; d++) {
            foldBetas[d] = perDraw.get(d - 1).foldBeta;
        }
        double[][] meanFold = mean(foldBetas);
        double single = replayMae(replay, best.foldBeta);
        double bag = replayMae(replay, meanFold);
        boolean keep = bag < single;
        LOG.info("kriging: mean of {} fold draws' fits, masked MAE on the calibration replay {} against {} for the "
                + "first draw alone: {}", draws, bag, single, keep ? "kept" : "first draw");
        if (!keep) {
            return finalFit(model, history, masking, best, cfg, levels, lag, 0);
        }
        List<java.util.concurrent.Callable<Choice>> fits = new ArrayList<>();
        for (int d = 0; d < draws; d++) {
            int draw = d;
            fits.add(() -> finalFit(model, history, masking, best, cfg, levels, lag, draw));
        }
        double[] beta = meanOf(runAll(fits).stream().map(Choice::beta).toArray(double[][]::new));
        return new Choice(best.k, best.width, best.lambda, best.mae, beta, meanFold);
    }

    /** Shares of the way to the zone's mean the fit may move its estimate ({@link #towardZoneMean}). */
    static final double[] ZONE_MEAN_SHARES = {0, 0.25, 0.5, 0.75, 1};

    /**
     * The fitted regression moved a share of the way to the zone's mean ({@link KrigingKernel#towardZoneMean}), the
     * share chosen on the calibration replay's masked samples (forward in time, every horizon) with the fold-by-fold
     * fits moved the same way; a tie keeps the smaller share. On PEMSD8 (free-flowing freeway detectors, one zone)
     * the network mean beat the regression on the test part, and on the replay too the network mean of the observed
     * roads (2.432 mph now) was no worse than the regression's masked MAE (2.433): the LAD fit on all the training
     * days, whose network mean was worse, does not move toward it by itself.
     */
    private static Choice towardZoneMean(Choice best, RowSamples[] replay) {
        double share = zoneMeanShare(best.foldBeta, best.k, foldBeta -> replayMae(replay, foldBeta));
        if (share == 0) {
            return best;
        }
        return new Choice(best.k, best.width, best.lambda, best.mae,
                KrigingKernel.towardZoneMean(best.beta, best.k, share), towardZoneMean(best.foldBeta, best.k, share));
    }

    /**
     * The share of {@link #ZONE_MEAN_SHARES} whose fold-by-fold fits, moved that share toward the zone mean, score
     * lowest (a tie keeps the smaller share, so 0 where moving does not help).
     *
     * @param score held-out MAE of fold-by-fold coefficients (the calibration replay's)
     */
    static double zoneMeanShare(double[][] foldBeta, int k, java.util.function.ToDoubleFunction<double[][]> score) {
        int chosen = 0;
        double[] scores = new double[ZONE_MEAN_SHARES.length];
        for (int s = 0; s < ZONE_MEAN_SHARES.length; s++) {
            scores[s] = score.applyAsDouble(towardZoneMean(foldBeta, k, ZONE_MEAN_SHARES[s]));
            if (scores[s] < scores[chosen]) {
                chosen = s;
            }
        }
        LOG.info("kriging: toward the zone mean by {}, masked MAE on the calibration replay {}: {} kept",
                Arrays.toString(ZONE_MEAN_SHARES), Arrays.toString(scores), ZONE_MEAN_SHARES[chosen]);
        return ZONE_MEAN_SHARES[chosen];
    }

    /** Each fold's fit moved the same share toward the zone mean (null stays null: that fold had no fit). */
    private static double[][] towardZoneMean(double[][] foldBeta, int k, double share) {
        double[][] out = new double[foldBeta.length][];
        for (int fo = 0; fo < foldBeta.length; fo++) {
            out[fo] = foldBeta[fo] == null ? null : KrigingKernel.towardZoneMean(foldBeta[fo], k, share);
        }
        return out;
    }

    /** Element-wise mean of coefficient vectors of one length: out[j] = mean_d fits[d][j]. */
    static double[] meanOf(double[][] fits) {
        double[][][] asFolds = new double[fits.length][][];
        for (int d = 0; d < fits.length; d++) {
            asFolds[d] = new double[][] {fits[d]};
        }
        return mean(asFolds)[0];
    }

    /**
     * Element-wise mean over the first index: out[j] = mean_d in[d][j] (null where a draw's fit is null: that
     * fold had no sample in it).
     */
    static double[][] mean(double[][][] in) {
        int rows = in[0].length;
        double[][] out = new double[rows][];
        for (int j = 0; j < rows; j++) {
            int count = 0;
            for (double[][] d : in) {
                if (d[j] != null) {
                    count++;
                }
            }
            if (count == 0) {
                continue;
            }
            for (double[][] d : in) {
                if (d[j] == null) {
                    continue;
                }
                if (out[j] == null) {
                    out[j] = new double[d[j].length];
                }
                for (int c = 0; c < d[j].length; c++) {
                    out[j][c] += d[j][c] / count;
                }
            }
        }
        return out;
    }

    private static double[] sum(Samples samples, int f) {
        double[] a = new double[f * f];
        long[] c = new long[1];
        samples.forEach((fold, x, label, base, y) -> {
            for (int row = 0; row < f; row++) {
                int o = row * f;
                for (int col = row; col < f; col++) {
                    a[o + col] += x[row] * x[col];
                }
            }
            c[0]++;
        });
        for (int j = 0; j < a.length; j++) {
            a[j] /= Math.max(1, c[0]);
        }
        return a;
    }

    private static double[] sumB(Samples samples, int f) {
        double[] b = new double[f];
        long[] c = new long[1];
        samples.forEach((fold, x, label, base, y) -> {
            for (int row = 0; row < f; row++) {
                b[row] += x[row] * label;
            }
            c[0]++;
        });
        for (int j = 0; j < f; j++) {
            b[j] /= Math.max(1, c[0]);
        }
        return b;
    }

    /**
     * IRLS iterations inside the cross-validation (every candidate, every fold: kept short for time); the chosen
     * candidate's final fit runs {@link LeastAbsolute#ITERATIONS}, closer to the least-absolute-deviations optimum.
     */
    static final int IRLS_ITERATIONS = 3;
    static final double IRLS_FLOOR = LeastAbsolute.FLOOR;

    private static double[] leastAbsolute(Samples samples, double[] start, double lambda) {
        int f = samples.f;
        double[] beta = start;
        for (int it = 0; it < LeastAbsolute.ITERATIONS; it++) {
            double[] a = new double[f * f];
            double[] b = new double[f];
            double[] weightSum = new double[1];
            double[] current = beta;
            samples.forEach((fold, x, label, base, y) -> {
                double r = label;
                for (int j = 0; j < f; j++) {
                    r -= current[j] * x[j];
                }
                double w = 1.0 / Math.max(Math.abs(r), IRLS_FLOOR);
                for (int row = 0; row < f; row++) {
                    double xr = w * x[row];
                    if (xr == 0) {
                        continue;
                    }
                    int o = row * f;
                    for (int c = row; c < f; c++) {
                        a[o + c] += xr * x[c];
                    }
                    b[row] += xr * label;
                }
                weightSum[0] += w;
            });
            beta = LeastAbsolute.ridgeScaled(a, b, f, weightSum[0], lambda);
        }
        return beta;
    }

    /** Masked samples of one horizon row from the calibration replay: features, label y - B, fold. */
    private static final class RowSamples {
        final int f;
        float[] x;
        float[] label;
        int[] fold;
        int n;

        RowSamples(int f) {
            this.f = f;
            x = new float[1024 * f];
            label = new float[1024];
            fold = new int[1024];
        }

        void add(double[] features, double lab, int fo) {
            if (n == label.length) {
                x = Arrays.copyOf(x, 2 * x.length);
                label = Arrays.copyOf(label, 2 * label.length);
                fold = Arrays.copyOf(fold, 2 * fold.length);
            }
            for (int j = 0; j < f; j++) {
                x[n * f + j] = (float) features[j];
            }
            label[n] = (float) lab;
            fold[n++] = fo;
        }

        /** Zeroes features [from, to) of every sample: the ones the regression leaves out. */
        void dropColumns(int from, int to) {
            for (int i = 0; i < n; i++) {
                Arrays.fill(x, i * f + from, i * f + to, 0f);
            }
        }

        /** Held-out error label - beta_fold . x of every sample, NaN where its fold has no fit. */
        float[] heldOutErrors(double[][] byFold) {
            float[] e = new float[n];
            for (int i = 0; i < n; i++) {
                double[] b = byFold[fold[i]];
                if (b == null) {
                    e[i] = Float.NaN;
                    continue;
                }
                double r = label[i];
                for (int j = 0; j < f; j++) {
                    r -= b[j] * x[i * f + j];
                }
                e[i] = (float) r;
            }
            return e;
        }
    }

    /**
     * Replays the calibration rows through the zone forecasters once per fold with that fold's segments removed from
     * the input and records what {@link ExtendedForecaster} (the kernel the stream runs) sees at every horizon row
     * for the removed segments: per horizon row, the features and labels of every masked sample, with its fold.
     * Used to decide on the level features and, per row, on a refit ({@link #calibrate}), and for the bands.
     */
    private static RowSamples[] replay(ManifoldModel model, SpeedHistory history, Masking masking, Choice best,
                                       KrigingConfig cfg, int rows) {
        int n = model.network().size();
        int f = KrigingKernel.featureCount(best.k, SegmentLevel.COUNT);
        // the replay records features and labels only: the regression's coefficients play no part in them
        double[] beta = new double[rows * f];
        int steps = history.steps();
        int calStart = calibrationStart(steps, cfg);
        int warm = Math.max(0, calStart - 2 * ZoneForecaster.MAX_CARRIED_STEPS);
        float[][] speed = history.speed();
        long first = history.epochMillis(0);
        long step = history.step().toMillis();
        int folds = cfg.folds();
        // at most maxSamples / rows samples per horizon row: calibration steps strided beyond it
        long perRow = (long) (steps - calStart) * n;
        int stride = (int) Math.max(1, (perRow * rows + cfg.maxSamples() - 1) / cfg.maxSamples());
        RowSamples[] samples = new RowSamples[rows];
        for (int h = 0; h < rows; h++) {
            samples[h] = new RowSamples(f);
        }
        int zones = model.zoneCount();
        for (int fold = 0; fold < folds; fold++) {
            List<Integer> targets = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (masking.first().fold()[i] == fold && masking.first().neighbours()[i].size() > 0) {
                    targets.add(i);
                }
            }
            if (targets.isEmpty()) {
                continue;
            }
            KrigingModel folded = asExtended(model, masking, targets, best, rows, beta);
            ZoneForecaster[] forecasters = new ZoneForecaster[zones];
            ZoneState[] states = new ZoneState[zones];
            ZoneForecast[] outs = new ZoneForecast[zones];
            ExtendedForecaster[] kriged = new ExtendedForecaster[zones];
            float[][] zoneRows = new float[zones][];
            for (int z = 0; z < zones; z++) {
                forecasters[z] = new ZoneForecaster(model.zone(z));
                states[z] = forecasters[z].newState();
                outs[z] = new ZoneForecast(rows - 1, model.zone(z).size());
                kriged[z] = new ExtendedForecaster(model.zone(z), folded, z);
                zoneRows[z] = new float[model.zone(z).size()];
            }
            boolean[] masked = new boolean[n];
            for (int i : targets) {
                masked[i] = true;
            }
            ExtendedForecast out = new ExtendedForecast(rows, targets.size());
            int[] now = new int[1];
            int fo = fold;
            HorizonLeads leads = model.leads();
            ExtendedForecaster.FeatureSink sink = (h, e, x, base) -> {
                int t = now[0] + leads.rowSteps(h);
                if (t >= steps) {
                    return;
                }
                float y = speed[t][targets.get(e)];
                if (!Float.isNaN(y)) {
                    samples[h].add(x, y - base, fo);
                }
            };
            for (int t = warm; t < steps; t++) {
                float[] row = speed[t];
                for (int z = 0; z < zones; z++) {
                    int[] seg = model.zone(z).segments();
                    for (int c = 0; c < seg.length; c++) {
                        zoneRows[z][c] = masked[seg[c]] ? Float.NaN : row[seg[c]];
                    }
                    forecasters[z].observe(states[z], first + t * step, zoneRows[z]);
                }
                if (t < calStart || (t - calStart) % stride != 0) {
                    continue;
                }
                now[0] = t;
                for (int z = 0; z < zones; z++) {
                    forecasters[z].forecast(states[z], outs[z]);
                    kriged[z].estimate(states[z], outs[z], out, sink);
                }
            }
        }
        return samples;
    }

    /** First row of the calibration replay: the last calibrationFraction of the training rows. */
    private static int calibrationStart(int steps, KrigingConfig cfg) {
        return Math.max(1, steps - (int) Math.round(cfg.calibrationFraction() * steps));
    }

    /** Held-out MAE of the fold-by-fold fits over every horizon row of the replay (NaN where no fold fit). */
    private static double replayMae(RowSamples[] replay, double[][] foldBeta) {
        double abs = 0;
        long count = 0;
        for (RowSamples s : replay) {
            for (float e : s.heldOutErrors(foldBeta)) {
                if (!Float.isNaN(e)) {
                    abs += Math.abs(e);
                    count++;
                }
            }
        }
        return count == 0 ? Double.NaN : abs / count;
    }

    /**
     * Per horizon row of the replay, fold cross-validation chooses between the regression shared with row 0 and
     * one refitted on that row's masked samples (the neighbours' forecasts at h relate to the speed at t + h
     * differently from their readings to the speed now); the chosen one's held-out errors give the band offsets
     * and the masked MAE.
     */
    private static void calibrate(RowSamples[] samples, Choice best, double[] beta, KrigingConfig cfg,
                                  double[] lower, double[] upper, double[] mae) {
        int rows = lower.length;
        int f = KrigingKernel.featureCount(best.k, SegmentLevel.COUNT);
        int folds = cfg.folds();
        double lo = (1 - cfg.bandLevel()) / 2;
        double[] shared = Arrays.copyOf(beta, f);
        // the horizon rows are independent (each writes its own slice of beta, lower, upper, mae): the same pool of
        // two as the candidates of the cross-validation, results identical to one thread
        List<java.util.concurrent.Callable<Void>> jobs = new ArrayList<>();
        for (int h = 0; h < rows; h++) {
            int row = h;
            jobs.add(() -> {
                calibrateRow(row, samples[row], best, shared, beta, f, folds, lo, lower, upper, mae);
                return null;
            });
        }
        runAll(jobs);
    }

    /**
     * One horizon row of {@link #calibrate}: fold cross-validation of the shared regression against one refitted on
     * the row's masked samples (both compared at the cross-validation's {@link #IRLS_ITERATIONS}, as the
     * candidates of {@link #crossValidate} are; a refit that wins is then fitted with the full
     * {@link LeastAbsolute#ITERATIONS}), and the band offsets from the chosen one's held-out errors.
     */
    private static void calibrateRow(int h, RowSamples s, Choice best, double[] shared, double[] beta, int f,
                                     int folds, double lo, double[] lower, double[] upper, double[] mae) {
        if (s.n == 0) {
            lower[h] = Double.NaN;
            upper[h] = Double.NaN;
            mae[h] = Double.NaN;
            return;
        }
        double[][] own = new double[folds][];
        for (int fo = 0; fo < folds; fo++) {
            int held = fo;
            own[fo] = LeastAbsolute.fit(s.x, s.label, s.n, f, best.lambda, i -> s.fold[i] != held, IRLS_ITERATIONS);
        }
        float[] eShared = s.heldOutErrors(best.foldBeta);
        float[] eOwn = s.heldOutErrors(own);
        double aShared = 0;
        double aOwn = 0;
        int both = 0;
        for (int i = 0; i < s.n; i++) {
            if (!Float.isNaN(eShared[i]) && !Float.isNaN(eOwn[i])) {
                aShared += Math.abs(eShared[i]);
                aOwn += Math.abs(eOwn[i]);
                both++;
            }
        }
        boolean refit = both > 0 && aOwn < aShared;
        float[] chosen = refit ? eOwn : eShared;
        if (refit) {
            System.arraycopy(LeastAbsolute.fit(s.x, s.label, s.n, f, best.lambda, null), 0, beta, h * f, f);
        } else {
            System.arraycopy(shared, 0, beta, h * f, f);
        }
        LOG.info("kriging row {}: masked held-out MAE shared {} / refitted {} on {} samples: {}", h,
                both == 0 ? Double.NaN : aShared / both, both == 0 ? Double.NaN : aOwn / both, both,
                refit ? "refitted" : "shared");
        float[] e = new float[s.n];
        int m = 0;
        double abs = 0;
        for (float v : chosen) {
            if (!Float.isNaN(v)) {
                e[m++] = v;
                abs += Math.abs(v);
            }
        }
        if (m == 0) {
            lower[h] = Double.NaN;
            upper[h] = Double.NaN;
            mae[h] = Double.NaN;
            return;
        }
        e = Arrays.copyOf(e, m);
        mae[h] = abs / m;
        Arrays.sort(e);
        lower[h] = e[(int) Math.floor(lo * (m - 1))];
        upper[h] = e[(int) Math.ceil((1 - lo) * (m - 1))];
    }

    /** Runs independent jobs on a pool of at most two threads (the machine's share), in order; rethrows failures. */
    private static <T> List<T> runAll(List<java.util.concurrent.Callable<T>> jobs) {
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<T> results = new ArrayList<>(jobs.size());
            for (java.util.concurrent.Future<T> future : pool.invokeAll(jobs)) {
                results.add(future.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("kriging fit interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("kriging fit failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Observed segments of one fold dressed as extended segments with their fold-masked neighbours. */
    private static KrigingModel asExtended(ManifoldModel model, Masking masking, List<Integer> targets, Choice c,
                                           int rows, double[] beta) {
        int m = targets.size();
        int k = c.k;
        List<Segment> segments = new ArrayList<>(m);
        int[] zone = new int[m];
        int[] nb = new int[m * k];
        double[] g = new double[m * k];
        double[] up = new double[m * k];
        double[] dist = new double[m * k];
        double[] level = new double[m * SegmentLevel.COUNT];
        for (int e = 0; e < m; e++) {
            int i = targets.get(e);
            segments.add(model.network().segment(i));
            zone[e] = model.zoneOf(i);
            fill(model, masking.first().neighbours()[i], k, c.width, e, nb, g, up, dist);
            masking.levelFeatures(i, k, c.width, level, e * SegmentLevel.COUNT);
        }
        return new KrigingModel(k, c.width, c.lambda, rows, beta, new double[rows], new double[rows], new double[rows],
                segments, zone, nb, g, up, dist, SegmentLevel.COUNT, level, List.of());
    }

    /** Neighbour slots of extended segment e: zone-local indices, padded with the farthest where fewer than k. */
    private static void fill(ManifoldModel model, RoadDistances.Neighbours neighbours, int k, double width, int e,
                             int[] nb, double[] g, double[] up, double[] dist) {
        for (int j = 0; j < k; j++) {
            int c = Math.min(j, neighbours.size() - 1);
            int s = neighbours.index()[c];
            double d = neighbours.distance()[c];
            nb[e * k + j] = model.localIndexOf(s);
            dist[e * k + j] = d;
            g[e * k + j] = Math.exp(-(d / width) * (d / width));
            up[e * k + j] = neighbours.upstream()[c] ? 1 : 0;
        }
    }

    /** The model's extended segments, each in the zone of its nearest observed segment. */
    private static KrigingModel place(ManifoldModel model, CoverageNetwork coverage, RoadDistances roads, int k,
                                      double width, double lambda, int rows, double[] beta, double[] lower,
                                      double[] upper, double[] mae) {
        int n = coverage.observedCount();
        List<Segment> segments = new ArrayList<>();
        List<String> excluded = new ArrayList<>(coverage.excluded());
        List<int[]> slots = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        List<Integer> zones = new ArrayList<>();
        List<double[]> levels = new ArrayList<>();
        double[] observedLevel = SegmentLevel.levels(model);
        double networkMedian = SegmentLevel.median(observedLevel, j -> true);
        double[] observedFreeFlow = SegmentLevel.freeFlows(model);
        for (int e = n; e < coverage.all().size(); e++) {
            RoadDistances.Neighbours nearest = roads.nearest(e, 1, j -> j < n);
            if (nearest.size() == 0) {
                LOG.warn("extended segment {} has no observed segment within reach: excluded",
                        coverage.all().segment(e).id());
                excluded.add(coverage.all().segment(e).id());
                continue;
            }
            int zone = model.zoneOf(nearest.index()[0]);
            RoadDistances.Neighbours nb = roads.nearest(e, k, j -> j < n && model.zoneOf(j) == zone);
            int[] idx = new int[k];
            double[] g = new double[k];
            double[] up = new double[k];
            double[] dist = new double[k];
            fill(model, nb, k, width, 0, idx, g, up, dist);
            double[] lf = new double[SegmentLevel.COUNT];
            SegmentLevel.features(roads.nearest(e, SegmentLevel.NEIGHBOURS, j -> j < n), observedLevel,
                    observedFreeFlow, k, width, networkMedian, lf, 0);
            levels.add(lf);
            segments.add(coverage.all().segment(e));
            zones.add(zone);
            slots.add(idx);
            values.add(g);
            values.add(up);
            values.add(dist);
        }
        int m = segments.size();
        int[] zone = new int[m];
        int[] nbAll = new int[m * k];
        double[] gAll = new double[m * k];
        double[] upAll = new double[m * k];
        double[] distAll = new double[m * k];
        double[] levelAll = new double[m * SegmentLevel.COUNT];
        for (int e = 0; e < m; e++) {
            System.arraycopy(levels.get(e), 0, levelAll, e * SegmentLevel.COUNT, SegmentLevel.COUNT);
            zone[e] = zones.get(e);
            System.arraycopy(slots.get(e), 0, nbAll, e * k, k);
            System.arraycopy(values.get(3 * e), 0, gAll, e * k, k);
            System.arraycopy(values.get(3 * e + 1), 0, upAll, e * k, k);
            System.arraycopy(values.get(3 * e + 2), 0, distAll, e * k, k);
        }
        return new KrigingModel(k, width, lambda, rows, beta, lower, upper, mae, segments, zone, nbAll, gAll, upAll,
                distAll, SegmentLevel.COUNT, levelAll, excluded);
    }
}
