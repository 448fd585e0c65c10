package roadcast.forecast;

/**
 * The estimate of a segment's speed now when its reading is noisy (a few floating cars): the reading weighed against
 * the model's 5-minute forecast issued a step earlier (the prior p), est = p + k (x - p), the Kalman form. The gain k
 * per segment is learned from the feed on validation rows: with x_t = v_t + noise, minimising the squared distance
 * of est_t to a next reading y_{t+1} whose noise is independent of est_t (the caller gives one: e.g. the reference
 * source's, not a loop's whose error persists from step to step) minimises the distance to the unknown v_t up to
 * terms that do not depend on k, so k = sum (y_{t+1} - p_t)(x_t - p_t) / sum (x_t - p_t)^2, clipped to [0, 1]; a
 * segment with fewer than {@code minPairs} pairs takes the pooled gain. A clean reading gets k near 1, a sparse
 * probe much less. Without a reading, the prior or the model's nowcast, whichever came closer to the next readings
 * on the same validation rows ({@link #priorWithoutReading()}).
 */
public final class NowcastGain {

    private final double[] cross;
    private final double[] square;
    private final int[] pairs;
    private double priorMissSquares;
    private double nowcastMissSquares;

    public NowcastGain(int segments) {
        cross = new double[segments];
        square = new double[segments];
        pairs = new int[segments];
    }

    /** One validation pair of segment i: reading now, prior for now, the next reading. NaNs are ignored. */
    public void add(int i, double reading, double prior, double next) {
        if (Double.isNaN(reading) || Double.isNaN(prior) || Double.isNaN(next)) {
            return;
        }
        double b = reading - prior;
        cross[i] += (next - prior) * b;
        square[i] += b * b;
        pairs[i]++;
    }

    /**
     * One validation step of segment i without a reading: the prior and the model's own nowcast (its imputation),
     * each against the next reading, to choose {@link #priorWithoutReading()}.
     */
    public void addWithoutReading(double prior, double nowcast, double next) {
        if (Double.isNaN(prior) || Double.isNaN(nowcast) || Double.isNaN(next)) {
            return;
        }
        priorMissSquares += (next - prior) * (next - prior);
        nowcastMissSquares += (next - nowcast) * (next - nowcast);
    }

    /** Whether, without a reading, the prior came closer to the next readings than the nowcast on validation. */
    public boolean priorWithoutReading() {
        return priorMissSquares < nowcastMissSquares;
    }

    /** The gains, per segment with at least {@code minPairs} pairs, else pooled (1 when nothing was seen). */
    public double[] gains(int minPairs) {
        double c = 0;
        double s = 0;
        for (int i = 0; i < cross.length; i++) {
            c += cross[i];
            s += square[i];
        }
        double pooled = s > 0 ? clip(c / s) : 1;
        double[] k = new double[cross.length];
        for (int i = 0; i < k.length; i++) {
            k[i] = pairs[i] >= minPairs && square[i] > 0 ? clip(cross[i] / square[i]) : pooled;
        }
        return k;
    }

    /** p + k (x - p); the reading alone without a prior, {@code fallback} without a reading. */
    public static double estimate(double reading, double prior, double gain, double fallback) {
        if (Double.isNaN(reading)) {
            return fallback;
        }
        if (Double.isNaN(prior)) {
            return reading;
        }
        return prior + gain * (reading - prior);
    }

    private static double clip(double k) {
        return Math.max(0, Math.min(1, k));
    }
}
