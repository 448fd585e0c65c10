package roadcast.fusion;

/**
 * Several readings of one source for one segment and step -> their mean, as a running float mean: the one rule the
 * feed reader ({@code SourceFeed}, the trainer's and backtest's grids) and the stream's step accumulator both apply,
 * so that the values they fuse are the same floats.
 */
public final class CellMean {

    /** Readings counted per cell; later ones still move the mean (by 1 / MAX_COUNT). */
    public static final int MAX_COUNT = Byte.MAX_VALUE;

    private CellMean() {
    }

    /**
     * The running mean after one more value: m_k = m_{k-1} + (x - m_{k-1}) / k.
     *
     * @param mean        the mean of the values so far (anything when {@code countBefore} is 0)
     * @param countBefore values so far, at most {@link #MAX_COUNT}
     * @param x           the new value, not NaN
     */
    public static float add(float mean, int countBefore, double x) {
        float m = countBefore == 0 ? 0f : mean;
        int k = countBefore + 1;
        return m + (float) ((x - m) / k);
    }

    /** The count after one more value (saturating at {@link #MAX_COUNT}). */
    public static byte count(int countBefore) {
        return (byte) Math.min(countBefore + 1, MAX_COUNT);
    }
}
