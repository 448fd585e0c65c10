package roadcast.fit;

import java.util.Arrays;

import roadcast.forecast.ZoneForecast;
import roadcast.forecast.ZoneForecaster;
import roadcast.forecast.ZoneState;
import roadcast.manifold.LocalClock;
import roadcast.model.HorizonLeads;
import roadcast.model.ZoneModel;
import roadcast.skill.DayPeriod;

/**
 * The blend toward the nowcast and the calibrated band of a zone, both from the validation block, cross-fitted so
 * that no residual a band is calibrated on was used to choose what produced it.
 * <p>
 * The validation block's issue times are split into two folds of alternating clock hours (A: even hours since the
 * first training row, B: odd), so both folds cover every time of day. The hyperparameter search scores each candidate
 * on both folds ({@link roadcast.skill.ZoneValidation#scoreFolds}); {@code bestA} is the candidate best on fold A,
 * {@code bestB} on fold B, {@code best} on both (the model that is shipped).
 * <ul>
 * <li>Blend: with m the manifold forecast, n the nowcast and y the target, x = m + w (n - m), w on a grid 0, 0.05,
 * .. 1. Each horizon takes one of four rules: no blend; the least-squares weight sum (y - m)(n - m) / sum (n - m)^2 per
 * segment, shrunk toward the zone's with the strength of one average segment's data; the weight best for the whole
 * zone; the weight best per segment, "best" meaning the lowest SSE / SSE(w = 1) + SAE / SAE(w = 1), RMSE and MAE
 * each relative to leaning on the reading alone. The rule is the one whose weights fitted on fold A (of
 * {@code bestA}) and on fold B (of {@code bestB}) do best on the other fold (lowest sum of the two ratios) among those
 * whose SSE and SAE there are both at most the nowcast's; when no rule is, the horizon takes the nowcast alone (w = 1),
 * so on validation the forecast never loses to the last reading. The shipped weights are that rule fitted
 * on the whole block of {@code best}. A segment where the forecast that moves loses to the last reading leans on the
 * reading.</li>
 * <li>Trend: x = m + w (n - m) + c s, s = S(t+h) - S(t) the change of the profile smoothed over
 * {@link ZoneModel#trendHalfWindow()} slots from the issue to the target time ({@link ZoneForecaster#profileChange}).
 * Each horizon searches one c for the zone on the grid {@link #TRENDS} jointly with the rule for w: each (c, rule) is
 * fitted and scored cross-fold as above, the reference staying the nowcast alone without trend; c = 0 is the model
 * without trend.</li>
 * <li>Band: the residuals of fold B come from {@code bestA} with weights fitted on fold A alone, those of fold A from
 * {@code bestB} with weights from fold B. Their RMS per horizon and segment, shrunk toward the zone's, is the scale sigma (the shipped one
 * pools both folds; fold B's residuals are standardised by fold A's sigma and the other way round, so the quantiles
 * carry the error of a sigma fitted elsewhere); the empirical
 * lower and upper quantiles of the standardised residual r / sigma (levels (1 -+ c) / 2, c the band's coverage) per
 * horizon and period of the target time (pooled over the zone's segments; a period with fewer than
 * {@value #MIN_PERIOD_PAIRS} pairs takes the horizon's quantiles over all periods) make the band asymmetric where the
 * errors are. Segments whose last value was imputed get the band widened by the ratio of their residual RMS to the
 * others' (at least 1). The quantiles are then stretched by the factor a band fitted on the block's earlier half needs
 * to hold its coverage on the later half (and the other way round, averaged; 0.8 to 2): errors drift over the hours,
 * and the band meets that drift again in service. With fewer than {@value #MIN_IMPUTED_PAIRS} such pairs the ratio of the profile's error to the
 * model's is used instead, as a forecast without a reading leans on the profile.</li>
 * <li>Detector's band: the same residuals give the incident detector its own scale, each segment's RMS not shrunk
 * (k = 0), with the quantiles of the residuals standardised by it, computed exactly as above: the band the detector's
 * settings were chosen on. The shrinkage holds the forecast band's coverage, but it narrows the band of a noisy road
 * toward its zone's, so that road's ordinary dips fall under it and the detector raises false alerts (sumo-grid:
 * precision 0.818 -> 0.450, README "Incident alerts").</li>
 * </ul>
 */
public final class BandCalibration {

    /**
     * Shrinkage of each segment's sigma toward its zone's: sigma_i^2 = (SSE_i + k s^2) / (n_i + k), s^2 the zone's
     * mean squared residual at that horizon, k = SIGMA_SHRINK times the zone's pairs per segment. A segment's sigma
     * from one validation block is noisy (a calm day gives a narrow one, an incident a wide one) and the alternating
     * hours of the two folds share those days, so the cross-fold standardisation does not show that noise; unshrunk,
     * segments whose sigma came out small miss far more than 10% later (PEMSD8, nested validation: 84% at 60 min).
     * Chosen on the nested validation (README, issue 14) among 0 (the build before), 1 and 4: 4 brings PEMSD8's worst
     * lead from 83.9% to 87.2% and keeps Los-loop and SZ-taxi at 89.7-90.6%. The forecast band's only: the incident
     * detector's scale is not shrunk ({@link Result#alertSigma()}).
     */
    static final double SIGMA_SHRINK = 4.0;
    static final int MIN_PERIOD_PAIRS = 200;
    static final int MIN_IMPUTED_PAIRS = 50;
    static final double MIN_STRETCH = 0.8;
    static final double MAX_STRETCH = 2.0;
    private static final int MIN_HORIZON_PAIRS = 20;
    private static final double BIN = 0.02;
    private static final double RANGE = 15.0;
    private static final int BINS = (int) Math.round(2 * RANGE / BIN);
    private static final long HOUR_MILLIS = 3_600_000L;
    /** Issue times whose pairs are added to the calibration's sums together ({@code PendingPairs}). */
    private static final int BLOCK = 32;

    /**
     * What calibration gives the zone model: sigma [H * n], band ({@link ZoneModel#band()}), blend [H * n], trend
     * weights [H * n] ({@link ZoneModel#trend()}), and the incident detector's scale and quantiles
     * ({@link ZoneModel#alertSigma()}, {@link ZoneModel#alertBand()}: sigma unshrunk, the quantiles standardised by it).
     */
    public record Result(double[] sigma, double[] band, double[] blend, double[] trend, double coverage,
                         double[] alertSigma, double[] alertBand, double[] nowcastSmoothing) {
    }

    private BandCalibration() {
    }

    /** Fold of an issue time: 0 (A) for even clock hours since the first row, 1 (B) for odd. */
    public static int fold(long issueMillis, long firstMillis) {
        return (int) (Math.floorDiv(issueMillis - firstMillis, HOUR_MILLIS) & 1L);
    }

    /**
     * @param best  the chosen candidate (fit part only, no blend)
     * @param bestA the candidate best on fold A
     * @param bestB the candidate best on fold B
     * @param x     zone speeds [T * n], NaN = missing
     * @param from  first validation row
     */
    public static Result calibrate(ZoneModel best, ZoneModel bestA, ZoneModel bestB, double[] x, long firstMillis,
                                   int from, double bandZ) {
        return calibrate(best, bestA, bestB, x, firstMillis, from, from, bandZ);
    }

    /**
     * As {@link #calibrate(ZoneModel, ZoneModel, ZoneModel, double[], long, int, double)}, with the band's sigma and
     * quantiles (the forecast's and the detector's) from the validation rows from {@code bandFrom} on only (at or
     * after {@code from}; the blend, trend and nowcast smoothing still from {@code from} on).
     */
    public static Result calibrate(ZoneModel best, ZoneModel bestA, ZoneModel bestB, double[] x, long firstMillis,
                                   int from, int bandFrom, double bandZ) {
        if (bandFrom < from) {
            throw new IllegalArgumentException("band rows from " + bandFrom + " before the validation block's " + from);
        }
        int n = best.size();
        int horizons = best.horizons();
        // the choice of rule and trend weight needs every trend's sums of bestA and bestB; best's sums are needed only
        // at the trend chosen for each horizon, so they are accumulated after the choice (when best is neither)
        Sums sA = sums(bestA, x, firstMillis, from, null);
        Sums sB = bestB == bestA ? sA : sums(bestB, x, firstMillis, from, null);
        // the same sums with both regimes of each segment merged: rules whose weight is one for both regimes
        Sums tA = merged(sA, n);
        Sums tB = sB == sA ? tA : merged(sB, n);
        double[] blend = new double[horizons * ZoneModel.REGIMES * n];
        double[] blendForB = new double[blend.length];
        double[] blendForA = new double[blend.length];
        double[] tiedForB = new double[horizons * n];
        double[] tiedForA = new double[horizons * n];
        double[] tiedBest = new double[horizons * n];
        double[] trend = new double[horizons * n];
        int[] chosen = new int[horizons];
        int[] chosenTrend = new int[horizons];
        boolean[] chosenTied = new boolean[horizons];
        for (int h = 0; h < horizons; h++) {
            // the rule and trend weight of each horizon: those whose weights, fitted on one fold, do best on the
            // other, among those that lose to the nowcast alone (no trend) in neither SSE nor SAE there; if none, the
            // nowcast alone (w = 1, c = 0). The per-segment rules come in two variants: a weight per regime, or one
            // weight for both (tied)
            double bestScore = Double.POSITIVE_INFINITY;
            chosen[h] = NOWCAST;
            chosenTrend[h] = 0;
            for (int k = 0; k < TRENDS.length; k++) {
                for (int rule = 0; rule < RULES; rule++) {
                    for (int tied = 0; tied < 2; tied++) {
                        if (tied == 1 && (rule == 0 || rule == 2)) {
                            continue; // the same weights as the split variant
                        }
                        Sums a = tied == 1 ? tA : sA;
                        Sums b = tied == 1 ? tB : sB;
                        double[] wB = tied == 1 ? tiedForB : blendForB;
                        double[] wA = tied == 1 ? tiedForA : blendForA;
                        a.weights(k, rule, 0, h, wB);
                        b.weights(k, rule, 1, h, wA);
                        double[] ratios = crossRatios(a, b, k, h, wB, wA);
                        double score = ratios[0] + ratios[1];
                        if (ratios[0] <= 1 && ratios[1] <= 1 && score < bestScore - 1e-12) {
                            bestScore = score;
                            chosen[h] = rule;
                            chosenTrend[h] = k;
                            chosenTied[h] = tied == 1;
                        }
                    }
                }
            }
        }
        Sums sBest = best == bestA ? sA : best == bestB ? sB : sums(best, x, firstMillis, from, chosenTrend);
        Sums tBest = sBest == sA ? tA : sBest == sB ? tB : merged(sBest, n);
        for (int h = 0; h < horizons; h++) {
            int k = chosenTrend[h];
            if (chosenTied[h]) {
                tA.weights(k, chosen[h], 0, h, tiedForB);
                tB.weights(k, chosen[h], 1, h, tiedForA);
                tBest.weights(k, chosen[h], -1, h, tiedBest);
                for (int regime = 0; regime < ZoneModel.REGIMES; regime++) {
                    int to = ZoneModel.blendIndex(h, regime, 0, n);
                    System.arraycopy(tiedForB, h * n, blendForB, to, n);
                    System.arraycopy(tiedForA, h * n, blendForA, to, n);
                    System.arraycopy(tiedBest, h * n, blend, to, n);
                }
            } else {
                sA.weights(k, chosen[h], 0, h, blendForB);
                sB.weights(k, chosen[h], 1, h, blendForA);
                sBest.weights(k, chosen[h], -1, h, blend);
            }
            java.util.Arrays.fill(trend, h * n, (h + 1) * n, TRENDS[k]);
        }
        // the nowcast smoothing's weights, on the residuals of the blend and trend cross-fitted as the band's are
        SmoothingSums smoothSums = new SmoothingSums(horizons);
        walk(bestA, x, firstMillis, from, 1, blendForB, trend, null, null, null, null, null, null, null, smoothSums);
        walk(bestB, x, firstMillis, from, 0, blendForA, trend, null, null, null, null, null, null, null, smoothSums);
        double[] nowcastSmoothing = smoothSums.weights(-1);
        // the band's residuals of each fold take the weights fitted on the other, as they take its blend: weights
        // fitted on both folds made the residuals they were fitted on smaller than a new day's, and the band narrower
        double[] smoothingForB = smoothSums.weights(0);
        double[] smoothingForA = smoothSums.weights(1);
        // sigma of each fold's residuals: fold A's standardises fold B's residuals and the other way round, so the
        // quantiles include the error of a sigma not fitted on them; the model's sigma pools both
        Sums bA = bandFrom == from ? sA : sums(bestA, x, firstMillis, bandFrom, chosenTrend);
        Sums bB = bandFrom == from ? sB : bestB == bestA ? bA : sums(bestB, x, firstMillis, bandFrom, chosenTrend);
        double[] sigmaA = foldSigma(bB, chosenTrend, 0, blendForA, n, horizons, SIGMA_SHRINK);
        double[] sigmaB = foldSigma(bA, chosenTrend, 1, blendForB, n, horizons, SIGMA_SHRINK);
        double[] sigma = pooledSigma(bA, bB, sigmaA, sigmaB, n);
        // the detector's: the same folds' sigmas unshrunk (k = 0, the sigma of the build before SIGMA_SHRINK)
        double[] alertA = foldSigma(bB, chosenTrend, 0, blendForA, n, horizons, 0.0);
        double[] alertB = foldSigma(bA, chosenTrend, 1, blendForB, n, horizons, 0.0);
        double[] alertSigma = pooledSigma(bA, bB, alertA, alertB, n);
        double coverage = 2 * normalCdf(bandZ) - 1;
        Quantiles q = new Quantiles(horizons);
        Quantiles qAlert = new Quantiles(q);
        walk(bestA, x, firstMillis, bandFrom, 1, blendForB, trend, smoothingForB, sigmaA, q, null, null, alertA, qAlert,
                null);
        walk(bestB, x, firstMillis, bandFrom, 0, blendForA, trend, smoothingForA, sigmaB, q, null, null, alertB, qAlert,
                null);
        return new Result(sigma, q.band(coverage, bandZ), blend, trend, coverage, alertSigma,
                qAlert.band(coverage, bandZ), nowcastSmoothing);
    }

    /** The model's sigma per cell: both folds' sigmas pooled by their pairs (their mean where neither has any). */
    private static double[] pooledSigma(Sums sA, Sums sB, double[] sigmaA, double[] sigmaB, int n) {
        double[] sigma = new double[sigmaA.length];
        for (int c = 0; c < sigma.length; c++) {
            long nA = count(sB, 0, c, n);
            long nB = count(sA, 1, c, n);
            sigma[c] = nA + nB == 0 ? 0.5 * (sigmaA[c] + sigmaB[c])
                    : Math.sqrt((sigmaA[c] * sigmaA[c] * nA + sigmaB[c] * sigmaB[c] * nB) / (nA + nB));
        }
        return sigma;
    }

    /**
     * Cross-fitted errors of a horizon's weights: fold B's residuals at the weights fitted on fold A plus fold A's at
     * those fitted on B, as {SSE / SSE(w = 1), SAE / SAE(w = 1)}: RMSE and MAE relative to leaning on the reading
     * alone (w = 1 at trend weight 0 of the same sums: the nowcast without trend), at trend weight k. Their sum ranks
     * the rules, so neither metric is bought with the other.
     */
    private static double[] crossRatios(Sums sA, Sums sB, int k, int h, double[] wForB, double[] wForA) {
        double sse = 0;
        double sae = 0;
        double sse1 = 0;
        double sae1 = 0;
        for (int i = 0; i < sA.n; i++) {
            int c = h * sA.n + i;
            int gB = grid(wForB[c]);
            int gA = grid(wForA[c]);
            sse += sA.sse[1][sA.at(c, k, gB)] + sB.sse[0][sB.at(c, k, gA)];
            sae += sA.sae[1][sA.at(c, k, gB)] + sB.sae[0][sB.at(c, k, gA)];
            sse1 += sA.sse[1][sA.at(c, 0, GRID - 1)] + sB.sse[0][sB.at(c, 0, GRID - 1)];
            sae1 += sA.sae[1][sA.at(c, 0, GRID - 1)] + sB.sae[0][sB.at(c, 0, GRID - 1)];
        }
        return new double[] {sse1 > 0 ? sse / sse1 : 0, sae1 > 0 ? sae / sae1 : 0};
    }

    /** Sums over the blend's regimes: cell h * n + i holds both regimes' pairs of segment i, for every trend weight. */
    private static Sums merged(Sums s, int n) {
        Sums m = new Sums(n, s.horizons);
        int trends = TRENDS.length;
        int width = trends * GRID;
        for (int f = 0; f < 2; f++) {
            for (int h = 0; h < s.horizons; h++) {
                for (int i = 0; i < n; i++) {
                    int c = h * n + i;
                    for (int regime = 0; regime < ZoneModel.REGIMES; regime++) {
                        int from = ZoneModel.blendIndex(h, regime, i, n);
                        for (int k = 0; k < trends; k++) {
                            m.sab[f][c * trends + k] += s.sab[f][from * trends + k];
                        }
                        m.sbb[f][c] += s.sbb[f][from];
                        m.count[f][c] += s.count[f][from];
                        for (int j = 0; j < width; j++) {
                            m.sse[f][c * width + j] += s.sse[f][from * width + j];
                            m.sae[f][c * width + j] += s.sae[f][from * width + j];
                        }
                    }
                }
            }
        }
        return m;
    }

    /** Pairs of fold f in cell c = h * n + i, over both regimes of the blend. */
    private static long count(Sums s, int f, int c, int n) {
        int h = c / n;
        int i = c % n;
        long total = 0;
        for (int regime = 0; regime < ZoneModel.REGIMES; regime++) {
            total += s.count[f][ZoneModel.blendIndex(h, regime, i, n)];
        }
        return total;
    }

    /**
     * RMS of fold f's residuals at its weights, per cell h * n + i (both regimes of the blend pooled), shrunk toward
     * the horizon's RMS over the zone with strength {@code shrinkK} ({@link #SIGMA_SHRINK} for the forecast band, 0
     * for the detector's); a cell without pairs takes its horizon's RMS.
     */
    private static double[] foldSigma(Sums s, int[] trendOf, int f, double[] w, int n, int horizons, double shrinkK) {
        double[] sigma = new double[horizons * n];
        long[] counts = new long[n];
        for (int h = 0; h < horizons; h++) {
            int trend = trendOf[h];
            double pooledSq = 0;
            long pooledN = 0;
            for (int i = 0; i < n; i++) {
                double sq = 0;
                long count = 0;
                for (int regime = 0; regime < ZoneModel.REGIMES; regime++) {
                    int c = ZoneModel.blendIndex(h, regime, i, n);
                    sq += s.sse[f][s.at(c, trend, grid(w[c]))];
                    count += s.count[f][c];
                }
                pooledSq += sq;
                pooledN += count;
                sigma[h * n + i] = count == 0 ? Double.NaN : sq;
                counts[i] = count;
            }
            double fallback = pooledN == 0 ? 0.0 : Math.sqrt(pooledSq / pooledN);
            double meanSq = pooledN == 0 ? 0.0 : pooledSq / pooledN;
            double shrink = shrinkK * pooledN / n;
            for (int i = 0; i < n; i++) {
                if (!Double.isNaN(sigma[h * n + i])) {
                    sigma[h * n + i] = Math.sqrt((sigma[h * n + i] + shrink * meanSq) / (counts[i] + shrink));
                }
            }
            for (int i = 0; i < n; i++) {
                if (Double.isNaN(sigma[h * n + i])) {
                    sigma[h * n + i] = fallback;
                }
            }
        }
        return sigma;
    }

    /**
     * Trend weights c searched per horizon (one for the zone): 0 (no trend) to 1 times the smoothed profile's change,
     * so that a forecast that leans on the last reading can still follow the day's rise and fall. (1.25 and 1.5 were
     * searched too and never chosen on the nested validation of Los-loop, PEMSD8 and SZ-taxi: each weight costs a set
     * of sums, about 2 * 2n * H * 45 doubles per model whose sums are kept.)
     */
    static final double[] TRENDS = {0, 0.25, 0.5, 0.75, 1.0};

    /** Blend weights are on a grid of {@value #GRID} values 0, 0.05, .., 1 (so both error sums are known at each). */
    static final int GRID = 21;
    /** Rules for a horizon's weights: 0 none, 1 least squares per segment shrunk to the zone's, 2 criterion-best
     * for the whole zone, 3 criterion-best per segment. */
    static final int RULES = 4;
    /** The rule outside the search: w = 1, the nowcast alone (the last reading where there is one). */
    static final int NOWCAST = RULES;

    private static int grid(double w) {
        return (int) Math.round(w * (GRID - 1));
    }

    private static double gridWeight(int g) {
        return (double) g / (GRID - 1);
    }

    /** w_g of each grid point g, tabulated (the same values as g / (GRID - 1)) for the accumulation loop. */
    private static final double[] GRID_WEIGHTS = new double[GRID];
    /** Trend weight and blend weight of each of the TRENDS.length * GRID sums a cell holds, j = k * GRID + g. */
    private static final double[] TREND_OF = new double[TRENDS.length * GRID];
    private static final double[] WEIGHT_OF = new double[TRENDS.length * GRID];

    static {
        for (int g = 0; g < GRID; g++) {
            GRID_WEIGHTS[g] = gridWeight(g);
        }
        for (int k = 0; k < TRENDS.length; k++) {
            for (int g = 0; g < GRID; g++) {
                TREND_OF[k * GRID + g] = TRENDS[k];
                WEIGHT_OF[k * GRID + g] = GRID_WEIGHTS[g];
            }
        }
    }

    /**
     * Per fold [2] and cell c = h * n + i, for every trend weight c_k of {@link #TRENDS} at once: with a_k = y - m -
     * c_k s, b = n - m, the sums sab [c * K + k] = sum a_k b, sbb [c] = sum b^2, count [c], and at each grid weight
     * w_g the residual sums SSE [{@link #at}(c, k, g)] = sum (a_k - w_g b)^2 and SAE = sum |a_k - w_g b|.
     * <p>
     * All K * GRID residual sums of a cell lie next to each other and are updated by one flat loop per pair (the
     * hot loop of the calibration: about 6x faster than one loop of GRID per trend over separate arrays, which the
     * JIT neither vectorises nor keeps in cache). Each sum still adds the same terms, computed the same way, in the
     * same order (the pairs' time order), so the sums are bit for bit those of one set of sums per trend.
     */
    static final class Sums {
        final int n;
        final int horizons;
        final double[][] sab;
        final double[][] sbb;
        final double[][] sse;
        final double[][] sae;
        final long[][] count;

        Sums(int n, int horizons) {
            this.n = n;
            this.horizons = horizons;
            int cells = n * horizons;
            sab = new double[2][cells * TRENDS.length];
            sbb = new double[2][cells];
            sse = new double[2][cells * TRENDS.length * GRID];
            sae = new double[2][cells * TRENDS.length * GRID];
            count = new long[2][cells];
        }

        /** Index of the residual sums of cell c, trend weight k, grid weight g. */
        int at(int c, int k, int g) {
            return (c * TRENDS.length + k) * GRID + g;
        }

        /**
         * Adds one pair of fold f to cell c: a = y - m, s the profile's change, b = n - m, for the trend weights
         * kFrom .. kTo - 1 (the others' sab, SSE and SAE stay as they are).
         */
        void add(int f, int c, double a, double s, double b, int kFrom, int kTo) {
            sbb[f][c] += b * b;
            count[f][c]++;
            double[] ab = sab[f];
            for (int k = kFrom; k < kTo; k++) {
                ab[c * TRENDS.length + k] += (a - TRENDS[k] * s) * b;
            }
            double[] sq = sse[f];
            double[] abs = sae[f];
            int o = c * TRENDS.length * GRID;
            // r = a_k - w_g b = (a - c_k s) - w_g b, for j = k * GRID + g
            for (int j = kFrom * GRID; j < kTo * GRID; j++) {
                double r = a - TREND_OF[j] * s - WEIGHT_OF[j] * b;
                sq[o + j] += r * r;
                abs[o + j] += Math.abs(r);
            }
        }

        /**
         * Writes horizon h's weights at trend weight k by a rule, fitted on fold f (-1 = both), on the grid, into
         * w[h * n ..].
         */
        void weights(int k, int rule, int f, int h, double[] w) {
            int base = h * n;
            if (rule == 0 || rule == NOWCAST) {
                java.util.Arrays.fill(w, base, base + n, rule == 0 ? 0.0 : 1.0);
                return;
            }
            int trends = TRENDS.length;
            if (rule == 1) {
                double ab = 0;
                double bb = 0;
                for (int i = 0; i < n; i++) {
                    ab += get(sab, f, (base + i) * trends + k);
                    bb += get(sbb, f, base + i);
                }
                double pooled = bb > 0 ? clip(ab / bb) : 0.0;
                double strength = bb / n;
                for (int i = 0; i < n; i++) {
                    int c = base + i;
                    double wi = bb > 0 ? clip((get(sab, f, c * trends + k) + strength * pooled)
                            / (get(sbb, f, c) + strength)) : 0;
                    w[c] = gridWeight(grid(wi));
                }
                return;
            }
            double[] total = new double[GRID];
            for (int i = 0; i < n; i++) {
                int c = base + i;
                double sse1 = get(sse, f, at(c, k, GRID - 1));
                double sae1 = get(sae, f, at(c, k, GRID - 1));
                int bestG = 0;
                double bestJ = Double.POSITIVE_INFINITY;
                for (int g = 0; g < GRID; g++) {
                    double j = (sse1 > 0 ? get(sse, f, at(c, k, g)) / sse1 : 0)
                            + (sae1 > 0 ? get(sae, f, at(c, k, g)) / sae1 : 0);
                    if (rule == 2) {
                        total[g] += get(sse, f, at(c, k, g));
                    } else if (j < bestJ) {
                        bestJ = j;
                        bestG = g;
                    }
                }
                w[c] = gridWeight(bestG);
            }
            if (rule == 2) {
                // one weight for the zone: the zone's SSE and SAE, each relative to w = 1
                double[] abs = new double[GRID];
                for (int i = 0; i < n; i++) {
                    for (int g = 0; g < GRID; g++) {
                        abs[g] += get(sae, f, at(base + i, k, g));
                    }
                }
                int bestG = 0;
                double bestJ = Double.POSITIVE_INFINITY;
                for (int g = 0; g < GRID; g++) {
                    double j = (total[GRID - 1] > 0 ? total[g] / total[GRID - 1] : 0)
                            + (abs[GRID - 1] > 0 ? abs[g] / abs[GRID - 1] : 0);
                    if (j < bestJ) {
                        bestJ = j;
                        bestG = g;
                    }
                }
                java.util.Arrays.fill(w, base, base + n, gridWeight(bestG));
            }
        }

        private static double get(double[][] a, int f, int k) {
            return f < 0 ? a[0][k] + a[1][k] : a[f][k];
        }
    }

    private static double clip(double w) {
        return Double.isNaN(w) ? 0.0 : Math.max(0.0, Math.min(1.0, w));
    }

    /**
     * The sums of a model over the validation block: a = y - m - c s with s the profile's change, for every trend
     * weight of {@link #TRENDS} ({@code trendOf} null) or only for trend weight trendOf[h] at horizon h.
     */
    static Sums sums(ZoneModel model, double[] x, long firstMillis, int from, int[] trendOf) {
        // one pseudo-segment per segment and regime of the blend: the rules see 2n segments
        Sums s = new Sums(ZoneModel.REGIMES * model.size(), model.horizons());
        walk(model, x, firstMillis, from, -1, null, null, null, null, s, trendOf);
        return s;
    }

    /** Standardised residual histograms per horizon and period, and the imputed / observed residual sums. */
    private static final class Quantiles {
        final int horizons;
        final long[][] hist; // [h * (PERIODS + 1) + p], p = PERIODS: all periods
        final double[] sqImputed;
        final long[] nImputed;
        final double[] sqObserved;
        final long[] nObserved;
        final double[] sqProfile;
        final long[][] halves; // [h * 2 + half]: the earlier and the later half of the block, all periods

        Quantiles(int horizons) {
            this.horizons = horizons;
            hist = new long[horizons * (ZoneModel.PERIODS + 1)][BINS];
            halves = new long[horizons * 2][BINS];
            sqImputed = new double[horizons];
            nImputed = new long[horizons];
            sqObserved = new double[horizons];
            nObserved = new long[horizons];
            sqProfile = new double[horizons];
        }

        /**
         * Histograms of their own over the residual sums of {@code other} (the same residuals standardised by
         * another sigma: the widening for imputed values does not depend on sigma, so it is accumulated once).
         */
        Quantiles(Quantiles other) {
            this.horizons = other.horizons;
            hist = new long[horizons * (ZoneModel.PERIODS + 1)][BINS];
            halves = new long[horizons * 2][BINS];
            sqImputed = other.sqImputed;
            nImputed = other.nImputed;
            sqObserved = other.sqObserved;
            nObserved = other.nObserved;
            sqProfile = other.sqProfile;
        }

        void add(int h, int period, int half, double z) {
            int bin = (int) Math.floor((z + RANGE) / BIN);
            bin = Math.max(0, Math.min(BINS - 1, bin));
            hist[h * (ZoneModel.PERIODS + 1) + period][bin]++;
            hist[h * (ZoneModel.PERIODS + 1) + ZoneModel.PERIODS][bin]++;
            halves[h * 2 + half][bin]++;
        }

        /**
         * How much a band fitted on one half of the block must widen (or may narrow) to hold its coverage on the
         * other half, averaged over both directions: the drift of errors over hours, which a band fitted on the whole
         * block meets again in service. Within [MIN_STRETCH, MAX_STRETCH]; 1 when a half has too few pairs.
         */
        double stretch(int h, double lo, double hi, double coverage) {
            long[] first = halves[h * 2];
            long[] second = halves[h * 2 + 1];
            long n1 = Arrays.stream(first).sum();
            long n2 = Arrays.stream(second).sum();
            if (n1 < MIN_PERIOD_PAIRS || n2 < MIN_PERIOD_PAIRS) {
                return 1.0;
            }
            double k12 = stretchFor(quantile(first, n1, lo), quantile(first, n1, hi), second, n2, coverage);
            double k21 = stretchFor(quantile(second, n2, lo), quantile(second, n2, hi), first, n1, coverage);
            return 0.5 * (k12 + k21);
        }

        /** The smallest k on a 0.01 grid for which [k qLo, k qHi] holds the coverage of the histogram's values. */
        private static double stretchFor(double qLo, double qHi, long[] other, long total, double coverage) {
            for (double k = MIN_STRETCH; k < MAX_STRETCH; k += 0.01) {
                long inside = 0;
                int from = Math.max(0, (int) Math.floor((k * qLo + RANGE) / BIN));
                int to = Math.min(BINS - 1, (int) Math.floor((k * qHi + RANGE) / BIN));
                for (int b = from; b <= to; b++) {
                    inside += other[b];
                }
                if (inside >= coverage * total) {
                    return k;
                }
            }
            return MAX_STRETCH;
        }

        double[] band(double coverage, double bandZ) {
            double lo = (1 - coverage) / 2;
            double hi = 1 - lo;
            int width = 2 * ZoneModel.PERIODS + 1;
            double[] band = ZoneModel.symmetricBand(horizons, bandZ);
            for (int h = 0; h < horizons; h++) {
                long[] all = hist[h * (ZoneModel.PERIODS + 1) + ZoneModel.PERIODS];
                long total = Arrays.stream(all).sum();
                if (total < MIN_HORIZON_PAIRS) {
                    continue;
                }
                double allLo = quantile(all, total, lo);
                double allHi = quantile(all, total, hi);
                double k = stretch(h, lo, hi, coverage);
                for (int p = 0; p < ZoneModel.PERIODS; p++) {
                    long[] cell = hist[h * (ZoneModel.PERIODS + 1) + p];
                    long m = Arrays.stream(cell).sum();
                    boolean own = m >= MIN_PERIOD_PAIRS;
                    band[h * width + p] = k * (own ? quantile(cell, m, lo) : allLo);
                    band[h * width + ZoneModel.PERIODS + p] = k * (own ? quantile(cell, m, hi) : allHi);
                }
                double widen;
                if (nImputed[h] >= MIN_IMPUTED_PAIRS && nObserved[h] > 0 && sqObserved[h] > 0) {
                    widen = Math.sqrt((sqImputed[h] / nImputed[h]) / (sqObserved[h] / nObserved[h]));
                } else {
                    long all2 = nImputed[h] + nObserved[h];
                    double model = sqImputed[h] + sqObserved[h];
                    widen = model > 0 ? Math.sqrt(sqProfile[h] / model) : 1.0;
                    widen = all2 == 0 ? 1.0 : widen;
                }
                band[h * width + 2 * ZoneModel.PERIODS] = Math.max(1.0, widen);
            }
            return band;
        }

        /** The level-quantile of a histogram of {@code total} values, linear within its bin. */
        private static double quantile(long[] hist, long total, double level) {
            double target = level * total;
            long cumulative = 0;
            for (int b = 0; b < hist.length; b++) {
                if (cumulative + hist[b] >= target && hist[b] > 0) {
                    double within = (target - cumulative) / hist[b];
                    return -RANGE + (b + within) * BIN;
                }
                cumulative += hist[b];
            }
            return RANGE;
        }
    }

    /**
     * Replays the validation block through the kernel (the model's own blend, trend and nowcast smoothing are ignored:
     * it has none during calibration). With {@code sums}: accumulates both folds' a, b sums for the trend weights of
     * {@code trendOf} ({@link #sums}). With {@code smoothSums}: fold {@code onlyFold}'s residuals at the given blend
     * and trend, with the nowcast smoothing's input, into its sums. With {@code q}: residuals of fold
     * {@code onlyFold} at the given blend, trend and nowcast smoothing (null: none), standardised by sigma, into the
     * histograms; with {@code q2} also standardised by {@code sigma2} into its histograms (its residual sums are q's).
     */
    private static void walk(ZoneModel model, double[] x, long firstMillis, int from, int onlyFold, double[] blend,
                             double[] trend, double[] sigma, Quantiles q, Sums sums, int[] trendOf) {
        walk(model, x, firstMillis, from, onlyFold, blend, trend, null, sigma, q, sums, trendOf, null, null, null);
    }

    private static void walk(ZoneModel model, double[] x, long firstMillis, int from, int onlyFold, double[] blend,
                             double[] trend, double[] smoothing, double[] sigma, Quantiles q, Sums sums,
                             int[] trendOf, double[] sigma2, Quantiles q2, SmoothingSums smoothSums) {
        int n = model.size();
        int steps = x.length / n;
        int horizons = model.horizons();
        HorizonLeads leads = model.leads();
        long stepMillis = model.stepMillis();
        ZoneForecaster forecaster = new ZoneForecaster(model);
        ZoneState state = forecaster.newState();
        ZoneForecast out = new ZoneForecast(horizons, n);
        LocalClock clock = new LocalClock(model.timeZone(), stepMillis);
        double[] profile = model.profile();
        roadcast.manifold.ProfileGrid grid = model.profileGrid();
        double[] mu = new double[n];
        double[] now = new double[n];
        double[] change = new double[n];
        double[] smoothInput = new double[n];
        int firstIssue = Math.max(0, from - 1);
        int halfway = firstIssue + (steps - 1 - firstIssue) / 2;
        int warmStart = Math.max(0, firstIssue - model.order() - 2);
        float[] row = new float[n];
        PendingPairs pending = sums == null ? null : new PendingPairs(sums, trendOf, horizons, n);
        for (int t = warmStart; t < steps - 1; t++) {
            for (int i = 0; i < n; i++) {
                row[i] = (float) x[t * n + i];
            }
            long issued = firstMillis + t * stepMillis;
            forecaster.observe(state, issued, row);
            if (t < firstIssue) {
                continue;
            }
            int f = fold(issued, firstMillis);
            if (onlyFold >= 0 && f != onlyFold) {
                continue;
            }
            if (pending != null) {
                pending.startIssue(f);
            }
            forecaster.forecastSpeeds(state, out);
            forecaster.nowcast(state, now);
            int issuePeriod = DayPeriod.of(clock.minuteOfDay(issued)).ordinal() - 1;
            if (smoothing != null || smoothSums != null) {
                forecaster.smoothingInput(state, smoothInput);
            }
            for (int h = 0; h < horizons && t + leads.steps(h) < steps; h++) {
                int target = (t + leads.steps(h)) * n;
                long targetMillis = issued + leads.millis(h, stepMillis);
                if (q != null) {
                    grid.row(profile, n, targetMillis, mu);
                }
                int period = DayPeriod.of(clock.minuteOfDay(targetMillis)).ordinal() - 1;
                double[] speed = out.speed[h];
                forecaster.profileChange(state, h, change);
                for (int i = 0; i < n; i++) {
                    double y = x[target + i];
                    if (Double.isNaN(y)) {
                        continue;
                    }
                    int c = h * n + i;
                    double a = y - speed[i];
                    double b = now[i] - speed[i];
                    int cb = ZoneModel.blendIndex(h, ZoneModel.regime(b), i, n);
                    if (pending != null) {
                        pending.put(c, cb, a, change[i], b);
                        continue;
                    }
                    double r = a - blend[cb] * b - trend[c] * change[i];
                    if (smoothSums != null) {
                        smoothSums.add(f, h, forecaster.smoothingCell(issuePeriod, now[i], i), r, smoothInput[i]);
                        continue;
                    }
                    if (smoothing != null) {
                        r -= smoothing[h * ZoneModel.SMOOTHING_CELLS + forecaster.smoothingCell(issuePeriod, now[i], i)]
                                * smoothInput[i];
                    }
                    if (out.imputed[i]) {
                        q.sqImputed[h] += r * r;
                        q.nImputed[h]++;
                    } else {
                        q.sqObserved[h] += r * r;
                        q.nObserved[h]++;
                    }
                    double ep = mu[i] - y;
                    q.sqProfile[h] += ep * ep;
                    if (sigma[c] > 0) {
                        q.add(h, period, t < halfway ? 0 : 1, r / sigma[c]);
                    }
                    if (q2 != null && sigma2[c] > 0) {
                        q2.add(h, period, t < halfway ? 0 : 1, r / sigma2[c]);
                    }
                }
            }
        }
        if (pending != null) {
            pending.flush();
        }
    }

    /**
     * The nowcast smoothing's sums: per fold, horizon and cell (period of the issue time x state of the road,
     * {@link ZoneForecaster#smoothingCell}), SSE and SAE of r - b g over a grid
     * of weights b ({@link #WEIGHTS}), r the residual at the chosen blend and trend, g = s_t - n_t
     * ({@link ZoneForecaster#smoothingInput}).
     */
    static final class SmoothingSums {
        /**
         * Weights b tried: -0.3 to 1 by 0.1. On the nested validation of Los-loop (README, issue 14) least squares
         * gave 0.4-0.45 at night at short leads and -0.16 to 0.13 by day.
         */
        static final double[] WEIGHTS = new double[14];
        static final int ZERO = 3;

        static {
            for (int w = 0; w < WEIGHTS.length; w++) {
                WEIGHTS[w] = (w - ZERO) / 10.0;
            }
        }

        final int horizons;
        final double[][] sse;
        final double[][] sae;

        SmoothingSums(int horizons) {
            this.horizons = horizons;
            int cells = horizons * ZoneModel.SMOOTHING_CELLS * WEIGHTS.length;
            sse = new double[2][cells];
            sae = new double[2][cells];
        }

        void add(int f, int h, int period, double r, double g) {
            int o = (h * ZoneModel.SMOOTHING_CELLS + period) * WEIGHTS.length;
            double[] sq = sse[f];
            double[] abs = sae[f];
            for (int w = 0; w < WEIGHTS.length; w++) {
                double e = r - WEIGHTS[w] * g;
                sq[o + w] += e * e;
                abs[o + w] += Math.abs(e);
            }
        }

        /** The weight index best on fold f (-1: both) at horizon h and period p: lowest SSE and SAE relative to b = 0. */
        int best(int f, int h, int p) {
            int o = (h * ZoneModel.SMOOTHING_CELLS + p) * WEIGHTS.length;
            double sse0 = get(sse, f, o + ZERO);
            double sae0 = get(sae, f, o + ZERO);
            if (sse0 <= 0 || sae0 <= 0) {
                return ZERO;
            }
            int best = ZERO;
            double bestJ = 2.0;
            for (int w = 0; w < WEIGHTS.length; w++) {
                double j = get(sse, f, o + w) / sse0 + get(sae, f, o + w) / sae0;
                if (j < bestJ - 1e-12) {
                    bestJ = j;
                    best = w;
                }
            }
            return best;
        }

        /**
         * The weights [H * PERIODS] fitted on fold {@code f} (-1: both): per horizon, the weights fitted on each fold
         * are scored on the other; where they beat b = 0 there in SSE and do not lose in SAE, the horizon takes the
         * weights fitted on fold f, else 0.
         */
        double[] weights(int f) {
            double[] out = new double[horizons * ZoneModel.SMOOTHING_CELLS];
            for (int h = 0; h < horizons; h++) {
                double sq = 0;
                double abs = 0;
                double sq0 = 0;
                double abs0 = 0;
                for (int p = 0; p < ZoneModel.SMOOTHING_CELLS; p++) {
                    int o = (h * ZoneModel.SMOOTHING_CELLS + p) * WEIGHTS.length;
                    int wA = best(0, h, p);
                    int wB = best(1, h, p);
                    sq += sse[1][o + wA] + sse[0][o + wB];
                    abs += sae[1][o + wA] + sae[0][o + wB];
                    sq0 += sse[1][o + ZERO] + sse[0][o + ZERO];
                    abs0 += sae[1][o + ZERO] + sae[0][o + ZERO];
                }
                if (sq < sq0 && abs <= abs0) {
                    for (int p = 0; p < ZoneModel.SMOOTHING_CELLS; p++) {
                        out[h * ZoneModel.SMOOTHING_CELLS + p] = WEIGHTS[best(f, h, p)];
                    }
                }
            }
            return out;
        }

        private static double get(double[][] a, int f, int k) {
            return f < 0 ? a[0][k] + a[1][k] : a[f][k];
        }
    }

    /**
     * The pairs of up to {@value #BLOCK} issue times, held until they are added to the sums cell by cell: a cell's
     * K * GRID sums then stay in the core's cache while its pairs of the block are added, instead of every cell's
     * sums (megabytes for a zone of a few hundred segments) being swept once per issue time. A cell's pairs are
     * still added in time order, so the sums are the same to the last bit.
     */
    private static final class PendingPairs {
        private final Sums sums;
        private final int[] trendOf;
        private final int n;
        private final int cells;
        private final double[] a;
        private final double[] s;
        private final double[] b;
        private final int[] cell; // the sums' cell (horizon, regime, segment) of each pair, -1 = no pair
        private final int[] fold;
        private int used;

        PendingPairs(Sums sums, int[] trendOf, int horizons, int n) {
            this.sums = sums;
            this.trendOf = trendOf;
            this.n = n;
            this.cells = horizons * n;
            a = new double[BLOCK * cells];
            s = new double[BLOCK * cells];
            b = new double[BLOCK * cells];
            cell = new int[BLOCK * cells];
            fold = new int[BLOCK];
        }

        /** Opens the next issue time, of fold f: its pairs are put with {@link #put}. */
        void startIssue(int f) {
            if (used == BLOCK) {
                flush();
            }
            fold[used] = f;
            Arrays.fill(cell, used * cells, (used + 1) * cells, -1);
            used++;
        }

        /** The pair of segment cell c = h * n + i of the open issue time, for the sums' cell cb. */
        void put(int c, int cb, double pairA, double pairS, double pairB) {
            int o = (used - 1) * cells + c;
            a[o] = pairA;
            s[o] = pairS;
            b[o] = pairB;
            cell[o] = cb;
        }

        /** Adds the held pairs to the sums, cell by cell, each cell's in time order. */
        void flush() {
            for (int c = 0; c < cells; c++) {
                int kFrom = trendOf == null ? 0 : trendOf[c / n];
                int kTo = trendOf == null ? TRENDS.length : kFrom + 1;
                for (int u = 0; u < used; u++) {
                    int o = u * cells + c;
                    if (cell[o] >= 0) {
                        sums.add(fold[u], cell[o], a[o], s[o], b[o], kFrom, kTo);
                    }
                }
            }
            used = 0;
        }
    }

    /** Standard normal CDF (Abramowitz and Stegun 7.1.26, |error| < 7.5e-8), for the band's coverage from bandZ. */
    static double normalCdf(double z) {
        double t = 1 / (1 + 0.3275911 * Math.abs(z) / Math.sqrt(2));
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double erf = 1 - poly * Math.exp(-z * z / 2);
        return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
    }
}
