package roadcast.fusion;

/**
 * Fitting settings of the learned fusion.
 *
 * @param minOverlaps        cells a source must share with the reference to be calibrated beyond the identity
 * @param segmentMinOverlaps a segment needs this many shared cells for an offset of its own
 * @param shrinkage          k of the segment offsets' shrinkage toward 0: offset = sum(residuals) / (n + k)
 * @param validationShare    the last share of the fitting rows that chooses the feature set (chronological)
 * @param trackRate          EWMA rate of the credibility tracks per overlapping reading (1/24: a drift shows
 *                           within about a day of peak-hour overlaps, a night's noise does not)
 */
public record FusionSettings(int minOverlaps, int segmentMinOverlaps, double shrinkage, double validationShare,
                             double trackRate) {

    public static FusionSettings defaults() {
        return new FusionSettings(100, 20, 30, 0.2, 1 / 24.0);
    }
}
