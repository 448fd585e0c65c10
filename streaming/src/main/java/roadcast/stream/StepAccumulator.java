package roadcast.stream;

import java.util.Arrays;

/**
 * The readings of one zone in one step, fused as they arrive: per segment the credibility-weighted sum of speeds
 * and of weights, so the fused speed is sum(w s) / sum(w) (the {@code ReadingFusion} weights). A Flink POJO kept in
 * map state until the step closes.
 *
 * <p>Kept whole on purpose: one map-state slot per (step, segment) plus a small per-step count was tried and measured
 * about half as fast in {@code bench-stream} at 2000 segments (four small RocksDB calls per reading and two per segment
 * at close cost more than one get and one put of this value, 16 bytes per segment of the zone).
 */
public class StepAccumulator {

    /** [n] sum of w * speed per zone-local segment. */
    public double[] weightedSpeed;
    /** [n] sum of w per zone-local segment; 0 = no reading. */
    public double[] weight;
    /** Largest append time of the input records fused here, epoch ms (the lag of the forecast is measured from it). */
    public long maxAppendMillis = Long.MIN_VALUE;
    /** Readings fused. */
    public int readings;
    /** Segments with at least one reading. */
    public int covered;

    public StepAccumulator() {
    }

    public StepAccumulator(int zoneSize) {
        weightedSpeed = new double[zoneSize];
        weight = new double[zoneSize];
    }

    public void add(int local, double speed, double w, long appendMillis) {
        if (weight[local] == 0 && w > 0) {
            covered++;
        }
        weightedSpeed[local] += w * speed;
        weight[local] += w;
        readings++;
        maxAppendMillis = Math.max(maxAppendMillis, appendMillis);
    }

    /** Whether every segment of the zone has a reading in this step. */
    public boolean complete() {
        return covered == weight.length;
    }

    /** The fused row into {@code row} (zone-local order, NaN where the segment had no reading). */
    public void fusedInto(float[] row) {
        if (row.length != weight.length) {
            throw new IllegalArgumentException("row of " + row.length + " for a zone of " + weight.length);
        }
        for (int i = 0; i < row.length; i++) {
            row[i] = weight[i] > 0 ? (float) (weightedSpeed[i] / weight[i]) : Float.NaN;
        }
    }

    @Override
    public String toString() {
        return "StepAccumulator[readings=" + readings + ", weight=" + Arrays.toString(weight) + "]";
    }
}
