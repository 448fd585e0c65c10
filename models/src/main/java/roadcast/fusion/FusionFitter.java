package roadcast.fusion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import roadcast.reading.Source;

/**
 * Fits a {@link FusionModel} on a feed, never on ground truth: where a source and the reference read the same
 * segment in the same step, the reference's reading is an unbiased if noisy measurement of the space-mean speed, so
 * least squares of the reference on the source's features estimates the source's calibration, and the feature set
 * that predicts the reference best on the last fifth of the fitting rows is also the one closest to the truth (the
 * reference's own noise adds the same constant to every candidate's squared error).
 *
 * <p>The reference is the floating car (probe vehicles sampled at regular times on a road measure its space-mean
 * speed, queued vehicles included), else cellular, else the source with most readings.
 *
 * <p>Error variances by the three-cornered hat over three estimates of the same speed with independent errors: the
 * calibrated source A, the reference B now, the reference C one step earlier (its error includes the step's change
 * of speed, independent of the others): sigma_A^2 = (D_AB + D_AC - D_BC) / 2, sigma_B^2 = D_AB - sigma_A^2, with
 * D_XY the mean squared difference; each kept within [5%, 95%] of D_AB. With one source only its variance is half
 * the mean squared step-to-step change (an upper bound; it does not matter for weights then).
 */
public final class FusionFitter {

    private static final String[] CANDIDATES = {"offset", "speed", "speed+occupancy", "speed+occupancy+flow"};

    private FusionFitter() {
    }

    /**
     * @param segmentIds columns of the series
     * @param series     the sources on one grid
     * @param rows       fit on rows [0, rows)
     * @param label      what the rows are, for the model card (e.g. the data set's name)
     */
    public static FusionModel fit(String[] segmentIds, List<SourceSeries> series, int rows, String label,
                                  FusionSettings settings) {
        if (series.isEmpty()) {
            throw new IllegalArgumentException("no sources to fuse");
        }
        SourceSeries ref = reference(series);
        List<SourceCalibration> calibrations = new ArrayList<>();
        double refVarianceSum = 0;
        long refVarianceWeight = 0;
        List<SourceSeries> ordered = new ArrayList<>(series);
        ordered.sort((a, b) -> a.source().compareTo(b.source()));
        int refIndex = -1;
        for (SourceSeries s : ordered) {
            if (s == ref) {
                refIndex = calibrations.size();
                calibrations.add(null);
                continue;
            }
            Fit fit = calibrate(segmentIds, s, ref, rows, settings);
            calibrations.add(fit.calibration);
            if (fit.triples > 0) {
                refVarianceSum += fit.referenceVariance * fit.triples;
                refVarianceWeight += fit.triples;
            }
        }
        double refVariance = refVarianceWeight > 0 ? refVarianceSum / refVarianceWeight : lagVariance(ref, rows);
        calibrations.set(refIndex, new SourceCalibration(ref.source(), true, SourceCalibration.NONE, new double[0],
                new double[] {0, 0}, Map.of(), refVariance, 0, Map.of()));
        return new FusionModel(ref.source(), calibrations, settings.trackRate(), "rows [0, " + rows + ") of " + label);
    }

    static SourceSeries reference(List<SourceSeries> series) {
        for (Source preferred : new Source[] {Source.FLOATING_CAR, Source.CELLULAR}) {
            for (SourceSeries s : series) {
                if (s.source() == preferred) {
                    return s;
                }
            }
        }
        SourceSeries most = series.get(0);
        for (SourceSeries s : series) {
            if (s.rows() > most.rows()) {
                most = s;
            }
        }
        return most;
    }

    private record Fit(SourceCalibration calibration, double referenceVariance, long triples) {
    }

    /** The cells a source shares with the reference in rows [0, rows), as parallel arrays. */
    private static final class Overlaps {
        int size;
        int[] t = new int[1024];
        int[] seg = new int[1024];
        double[] x = new double[1024];
        double[] o = new double[1024];
        double[] q = new double[1024];
        double[] y = new double[1024];

        void add(int ti, int i, double xi, double oi, double qi, double yi) {
            if (size == t.length) {
                int cap = size * 2;
                t = Arrays.copyOf(t, cap);
                seg = Arrays.copyOf(seg, cap);
                x = Arrays.copyOf(x, cap);
                o = Arrays.copyOf(o, cap);
                q = Arrays.copyOf(q, cap);
                y = Arrays.copyOf(y, cap);
            }
            t[size] = ti;
            seg[size] = i;
            x[size] = xi;
            o[size] = oi;
            q[size] = qi;
            y[size] = yi;
            size++;
        }
    }

    private static Fit calibrate(String[] ids, SourceSeries s, SourceSeries ref, int rows, FusionSettings settings) {
        int n = ids.length;
        double[] means = {mean(s.occupancy(), rows), mean(s.flow(), rows)};
        Overlaps cells = new Overlaps();
        for (int t = 0; t < rows; t++) {
            for (int i = 0; i < n; i++) {
                double x = s.speed()[t][i];
                double y = ref.speed()[t][i];
                if (!Double.isNaN(x) && !Double.isNaN(y)) {
                    cells.add(t, i, x, s.occupancy() == null ? Double.NaN : s.occupancy()[t][i],
                            s.flow() == null ? Double.NaN : s.flow()[t][i], y);
                }
            }
        }
        if (cells.size < settings.minOverlaps()) {
            // too few shared readings to calibrate: the identity, and a variance from the source's own changes
            return new Fit(new SourceCalibration(s.source(), false, SourceCalibration.NONE, new double[0], means,
                    Map.of(), lagVariance(s, rows), cells.size, Map.of()), 0, 0);
        }
        int split = (int) Math.floor(rows * (1 - settings.validationShare()));
        Map<String, Double> validation = new LinkedHashMap<>();
        String best = null;
        double bestRmse = Double.POSITIVE_INFINITY;
        for (String candidate : CANDIDATES) {
            if (candidate.contains("occupancy") && s.occupancy() == null
                    || candidate.contains("flow") && s.flow() == null) {
                continue;
            }
            Linear fit = linear(candidate, cells, means, n, settings, 0, split);
            double sse = 0;
            long count = 0;
            double[] phi = new double[4];
            for (int r = 0; r < cells.size; r++) {
                if (cells.t[r] < split) {
                    continue;
                }
                double e = cells.y[r] - fit.predict(candidate, cells, r, means, phi);
                sse += e * e;
                count++;
            }
            if (count < 30) {
                continue;
            }
            double rmse = Math.sqrt(sse / count);
            validation.put(candidate, Math.round(rmse * 10_000) / 10_000.0);
            if (rmse < bestRmse) {
                bestRmse = rmse;
                best = candidate;
            }
        }
        if (best == null) {
            best = "offset";
        }
        Linear fit = linear(best, cells, means, n, settings, 0, rows);
        Map<String, Double> offsets = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            if (fit.segmentCount[i] >= settings.segmentMinOverlaps()) {
                offsets.put(ids[i], Math.round(fit.offset[i] * 10_000) / 10_000.0);
            }
        }
        SourceCalibration calibration = new SourceCalibration(s.source(), false, best, fit.beta, means, offsets,
                Double.NaN, cells.size, validation);
        // three-cornered hat: A calibrated source, B reference now, C reference one step earlier
        double[] scratch = new double[4];
        double dab = 0;
        double dac = 0;
        double dbc = 0;
        long triples = 0;
        for (int r = 0; r < cells.size; r++) {
            int t = cells.t[r];
            if (t == 0) {
                continue;
            }
            double c = ref.speed()[t - 1][cells.seg[r]];
            if (Double.isNaN(c)) {
                continue;
            }
            double off = offsets.getOrDefault(ids[cells.seg[r]], 0.0);
            double a = calibration.calibrate(cells.x[r], cells.o[r], cells.q[r], off, scratch);
            double b = cells.y[r];
            dab += (a - b) * (a - b);
            dac += (a - c) * (a - c);
            dbc += (b - c) * (b - c);
            triples++;
        }
        double varA;
        double varB;
        if (triples < 30) {
            double d = fit.residualMeanSquare;
            varA = d / 2;
            varB = d / 2;
            triples = 0;
        } else {
            dab /= triples;
            dac /= triples;
            dbc /= triples;
            varA = Math.min(0.95 * dab, Math.max(0.05 * dab, (dab + dac - dbc) / 2));
            varB = dab - varA;
        }
        return new Fit(new SourceCalibration(s.source(), false, best, fit.beta, means, offsets, varA, cells.size,
                validation), varB, triples);
    }

    /** Pooled least squares of the reference on phi, then shrunk per-segment offsets of the residuals. */
    private static final class Linear {
        double[] beta;
        double[] offset;
        int[] segmentCount;
        double residualMeanSquare;

        double predict(String features, Overlaps cells, int r, double[] means, double[] phi) {
            int p = SourceCalibration.features(features, cells.x[r], cells.o[r], cells.q[r], means, phi);
            double c = SourceCalibration.base(features, cells.x[r]) + offset[cells.seg[r]];
            for (int j = 0; j < p; j++) {
                c += beta[j] * phi[j];
            }
            return SourceCalibration.bounded(c, cells.x[r]);
        }
    }

    private static Linear linear(String features, Overlaps cells, double[] means, int n, FusionSettings settings,
                                 int fromRow, int toRow) {
        double[] phi = new double[4];
        int p = SourceCalibration.features(features, 0, 0, 0, means, phi);
        DMatrixRMaj xtx = new DMatrixRMaj(p, p);
        DMatrixRMaj xty = new DMatrixRMaj(p, 1);
        for (int r = 0; r < cells.size; r++) {
            if (cells.t[r] < fromRow || cells.t[r] >= toRow) {
                continue;
            }
            SourceCalibration.features(features, cells.x[r], cells.o[r], cells.q[r], means, phi);
            // least squares of what the features must explain: the reference, less the reading for a bias-only fit
            double target = cells.y[r] - SourceCalibration.base(features, cells.x[r]);
            for (int a = 0; a < p; a++) {
                xty.add(a, 0, phi[a] * target);
                for (int b = 0; b < p; b++) {
                    xtx.add(a, b, phi[a] * phi[b]);
                }
            }
        }
        // a whisper of ridge keeps a constant feature (e.g. occupancy always 0) solvable
        for (int a = 0; a < p; a++) {
            xtx.add(a, a, 1e-6 * (1 + xtx.get(a, a)));
        }
        DMatrixRMaj beta = new DMatrixRMaj(p, 1);
        if (!CommonOps_DDRM.solve(xtx, xty, beta)) {
            throw new IllegalStateException("singular normal equations for fusion features " + features);
        }
        Linear fit = new Linear();
        fit.beta = beta.getData().clone();
        fit.offset = new double[n];
        fit.segmentCount = new int[n];
        double[] sum = new double[n];
        for (int r = 0; r < cells.size; r++) {
            if (cells.t[r] < fromRow || cells.t[r] >= toRow) {
                continue;
            }
            int q = SourceCalibration.features(features, cells.x[r], cells.o[r], cells.q[r], means, phi);
            double c = 0;
            for (int j = 0; j < q; j++) {
                c += fit.beta[j] * phi[j];
            }
            sum[cells.seg[r]] += cells.y[r] - SourceCalibration.base(features, cells.x[r]) - c;
            fit.segmentCount[cells.seg[r]]++;
        }
        for (int i = 0; i < n; i++) {
            fit.offset[i] = fit.segmentCount[i] >= settings.segmentMinOverlaps()
                    ? sum[i] / (fit.segmentCount[i] + settings.shrinkage()) : 0;
        }
        double sse = 0;
        long count = 0;
        for (int r = 0; r < cells.size; r++) {
            if (cells.t[r] < fromRow || cells.t[r] >= toRow) {
                continue;
            }
            double e = cells.y[r] - fit.predict(features, cells, r, means, phi);
            sse += e * e;
            count++;
        }
        fit.residualMeanSquare = count == 0 ? 1 : sse / count;
        return fit;
    }

    private static double mean(float[][] grid, int rows) {
        if (grid == null) {
            return 0;
        }
        double sum = 0;
        long count = 0;
        for (int t = 0; t < rows; t++) {
            for (float v : grid[t]) {
                if (!Float.isNaN(v)) {
                    sum += v;
                    count++;
                }
            }
        }
        return count == 0 ? 0 : sum / count;
    }

    /** Half the mean squared step-to-step change of a source's readings (1 when it never reads twice running). */
    static double lagVariance(SourceSeries s, int rows) {
        double sum = 0;
        long count = 0;
        for (int t = 1; t < rows; t++) {
            for (int i = 0; i < s.speed()[t].length; i++) {
                double a = s.speed()[t][i];
                double b = s.speed()[t - 1][i];
                if (!Double.isNaN(a) && !Double.isNaN(b)) {
                    sum += (a - b) * (a - b);
                    count++;
                }
            }
        }
        return count == 0 ? 1.0 : Math.max(1e-6, sum / count / 2);
    }
}
