package roadcast.fusion;

import java.util.Arrays;
import java.util.List;
import roadcast.reading.Source;

/**
 * Applies a {@link FusionModel}: one fused speed per segment and step from whatever sources read it, keeping one
 * credibility track per point source and segment. Not thread-safe; one per trainer run or stream operator. No
 * allocation per call.
 *
 * <p>Per cell: each source's calibrated value c_k (its {@link SourceCalibration}); its effective variance v_k =
 * sigma_k^2 + b_k^2 with b_k^2 the debiased square of its track (below; 0 for the reference, which defines the scale);
 * the fused value sum(c_k / v_k) / sum(1 / v_k), the inverse-variance weighted mean. A cell read by one source is
 * that source's calibrated value.
 *
 * <p>Credibility track of a point source on a segment: m, the exponentially weighted mean (rate a = trackRate) of its
 * disagreement c_k - (inverse-variance mean of the other sources) at every cell where others read too. Noise alone
 * leaves E[m^2] = (v_k + v_others) a / (2 - a); what m^2 has above that is a drift of the source, b_k^2 = max(0,
 * m^2 - (v_k + v_others) a / (2 - a)), added to its variance: a loop that starts reading 20% high loses weight
 * within a few dozen overlaps and regains it when it reads true again.
 */
public final class Fuser {

    private final FusionModel model;
    private final SourceCalibration[] calibrations;
    private final double[][] offsets;
    /** The tracks when the caller keeps none ({@link #fuse(int, double[], double[], double[])}): {@link #tracks}. */
    private final double[] drift;
    /** [slot] where the slot's tracks start in a track array: its source's ordinal times the segment count. */
    private final int[] trackBase;
    private final int segments;
    private final double[] variance;
    private final boolean[] tracked;
    private final double rate;
    private final double noiseShare;
    private final double[] calibrated;
    private final double[] effective;
    private final double[] lastWeight;
    private final double[] scratch = new double[4];
    /** The lowest calibrated reading of the last {@link #fuse} call (NaN when no source read the cell). */
    private double lowest = Double.NaN;

    /** @param segmentIds the column order of the rows this fuser will see */
    public Fuser(FusionModel model, String[] segmentIds) {
        this.model = model;
        int slots = model.sources().size();
        calibrations = model.sources().toArray(new SourceCalibration[0]);
        segments = segmentIds.length;
        offsets = new double[slots][segmentIds.length];
        drift = tracks(segmentIds.length);
        trackBase = new int[slots];
        variance = new double[slots];
        tracked = new boolean[slots];
        for (int k = 0; k < slots; k++) {
            SourceCalibration c = calibrations[k];
            variance[k] = c.variance();
            tracked[k] = !c.reference();
            trackBase[k] = c.source().ordinal() * segmentIds.length;
            for (int i = 0; i < segmentIds.length; i++) {
                Double o = c.segmentOffsets().get(segmentIds[i]);
                offsets[k][i] = o == null ? 0 : o;
            }
        }
        rate = model.trackRate();
        noiseShare = rate / (2 - rate);
        calibrated = new double[slots];
        effective = new double[slots];
        lastWeight = new double[slots];
    }

    public FusionModel model() {
        return model;
    }

    public int slots() {
        return calibrations.length;
    }

    /**
     * A zeroed array of credibility tracks for {@code segments} columns, one per {@link Source} and column, indexed by
     * source ordinal times {@code segments} plus column: by source, not by slot, so tracks kept by a caller (the
     * stream's zone state) stay meaningful under a model whose fusion knows other sources.
     */
    public static double[] tracks(int segments) {
        return new double[Source.values().length * segments];
    }

    /** Fuses one cell with this fuser's own tracks (the batch path); see {@link #fuse(int, double[], double[], double[], double[])}. */
    public double fuse(int segment, double[] speed, double[] occupancy, double[] flow) {
        return fuse(segment, speed, occupancy, flow, drift);
    }

    /**
     * Fuses one cell and updates the tracks of its sources.
     *
     * @param segment   column of the segment
     * @param speed     per slot, NaN where that source has no reading
     * @param occupancy per slot, NaN where absent
     * @param flow      per slot, NaN where absent
     * @param tracks    the credibility tracks ({@link #tracks(int)} of this fuser's segment count), updated: the
     *                  stream keeps them in its checkpointed zone state, the batch path in the fuser
     * @return the fused speed, NaN when no source read the cell
     */
    public double fuse(int segment, double[] speed, double[] occupancy, double[] flow, double[] tracks) {
        int slots = calibrations.length;
        double sumW = 0;
        double sumWc = 0;
        int present = 0;
        lowest = Double.NaN;
        for (int k = 0; k < slots; k++) {
            lastWeight[k] = 0;
            double c = calibrations[k].calibrate(speed[k], occupancy[k], flow[k], offsets[k][segment], scratch);
            calibrated[k] = c;
            if (Double.isNaN(c)) {
                continue;
            }
            lowest = Double.isNaN(lowest) ? c : Math.min(lowest, c);
            double v = variance[k];
            if (tracked[k]) {
                double m = tracks[trackBase[k] + segment];
                // the drift's square above what noise alone leaves in the track (the others' variance is not known
                // before this cell's weights; the source's own stands in for both, a slight over-correction)
                v += Math.max(0, m * m - 2 * v * noiseShare);
            }
            effective[k] = v;
            sumW += 1 / v;
            sumWc += c / v;
            present++;
        }
        if (present == 0) {
            return Double.NaN;
        }
        double fused = sumWc / sumW;
        for (int k = 0; k < slots; k++) {
            if (!Double.isNaN(calibrated[k])) {
                lastWeight[k] = (1 / effective[k]) / sumW;
            }
        }
        if (present > 1) {
            for (int k = 0; k < slots; k++) {
                if (!tracked[k] || Double.isNaN(calibrated[k])) {
                    continue;
                }
                double w = 1 / effective[k];
                double others = (sumWc - calibrated[k] * w) / (sumW - w);
                int at = trackBase[k] + segment;
                tracks[at] += rate * ((calibrated[k] - others) - tracks[at]);
            }
        }
        return fused;
    }

    /**
     * The slowest of the calibrated readings of the last {@link #fuse} call (NaN when no source read the cell): what
     * the inverse-variance mean hides when the sources disagree, e.g. a mid-road loop still reading the free-flow
     * speed of the few vehicles passing it while the floating cars read the queue at the road's end.
     */
    public double lowest() {
        return lowest;
    }

    /** The normalised weight slot {@code k} had in the last {@link #fuse} call (0 when it had no reading). */
    public double lastWeight(int k) {
        return lastWeight[k];
    }

    /** The credibility track (drift estimate, in speed units) of slot {@code k} on {@code segment}. */
    public double drift(int k, int segment) {
        return drift[trackBase[k] + segment];
    }

    /** The slot whose readings come from {@code source}, -1 when the fusion does not know it. */
    public int slotOf(Source source) {
        return model.slot(source);
    }

    /** Columns this fuser was made for. */
    public int segments() {
        return segments;
    }

    /**
     * A whole history fused in time order (tracks running through it as in the stream).
     *
     * @param series the sources on one grid (same steps and columns); sources the model does not know are ignored
     * @return [steps][segments], NaN where no source read
     */
    public static float[][] fuseAll(FusionModel model, String[] segmentIds, List<SourceSeries> series) {
        return fuseAll(model, segmentIds, series, null);
    }

    /**
     * The slowest calibrated reading of each cell of a history ({@link #lowest()}), the same pass as
     * {@link #fuseAll(FusionModel, String[], List)}: [steps][segments], NaN where no source read.
     */
    public static float[][] slowestAll(FusionModel model, String[] segmentIds, List<SourceSeries> series) {
        float[][] slowest = new float[series.get(0).steps()][segmentIds.length];
        fuseAll(model, segmentIds, series, slowest);
        return slowest;
    }

    /** Fuses the history and, when {@code slowest} is not null, writes each cell's {@link #lowest()} into it. */
    private static float[][] fuseAll(FusionModel model, String[] segmentIds, List<SourceSeries> series,
                                     float[][] slowest) {
        Fuser fuser = new Fuser(model, segmentIds);
        int slots = fuser.slots();
        SourceSeries[] bySlot = new SourceSeries[slots];
        int steps = -1;
        for (SourceSeries s : series) {
            int k = model.slot(s.source());
            if (k >= 0) {
                bySlot[k] = s;
                steps = s.steps();
            }
        }
        int n = segmentIds.length;
        if (steps < 0) {
            throw new IllegalArgumentException("none of the series' sources is in the fusion model");
        }
        float[][] out = new float[steps][n];
        double[] speed = new double[slots];
        double[] occ = new double[slots];
        double[] flow = new double[slots];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) {
                Arrays.fill(speed, Double.NaN);
                Arrays.fill(occ, Double.NaN);
                Arrays.fill(flow, Double.NaN);
                for (int k = 0; k < slots; k++) {
                    SourceSeries s = bySlot[k];
                    if (s == null) {
                        continue;
                    }
                    speed[k] = s.speed()[t][i];
                    occ[k] = s.occupancy() == null ? Double.NaN : s.occupancy()[t][i];
                    flow[k] = s.flow() == null ? Double.NaN : s.flow()[t][i];
                }
                out[t][i] = (float) fuser.fuse(i, speed, occ, flow);
                if (slowest != null) {
                    slowest[t][i] = (float) fuser.lowest();
                }
            }
        }
        return out;
    }
}
