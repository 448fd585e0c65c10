package roadcast.fusion;

import java.util.List;
import roadcast.reading.Source;

/**
 * Learned fusion of several sources into one speed per segment and step: each source calibrated to the reference
 * source (bias, and speed/occupancy/flow terms where they help) and weighted by the inverse of its error variance,
 * the variance of a point source raised by its credibility track (a source that drifts loses weight). Fitted on the
 * feed alone ({@link FusionFitter}); applied by {@link Fuser} in the trainer, the benchmark and the stream alike.
 * Stored in the model card.
 *
 * @param reference the source the others are calibrated to
 * @param sources   one calibration per source, in {@link Source} order
 * @param trackRate EWMA rate of the credibility tracks, per overlapping reading
 * @param fittedOn  "rows [0, N) of DATASET": what it was fitted on (the feed only)
 */
public record FusionModel(Source reference, List<SourceCalibration> sources, double trackRate, String fittedOn) {

    public FusionModel {
        sources = List.copyOf(sources);
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("a fusion model needs at least one source");
        }
        if (!(trackRate > 0 && trackRate <= 1)) {
            throw new IllegalArgumentException("track rate must be in (0, 1], got " + trackRate);
        }
    }

    /** The slot of {@code source} (index in {@link #sources}), -1 when the model does not know it. */
    public int slot(Source source) {
        for (int k = 0; k < sources.size(); k++) {
            if (sources.get(k).source() == source) {
                return k;
            }
        }
        return -1;
    }

    /** Lines for the train command's output and the README. */
    public List<String> summaryLines() {
        java.util.ArrayList<String> lines = new java.util.ArrayList<>();
        lines.add("fusion (" + fittedOn + "), reference " + reference.name().toLowerCase(java.util.Locale.ROOT) + ":");
        for (SourceCalibration c : sources) {
            lines.add(String.format(java.util.Locale.ROOT, "  %-12s %-22s beta %s, %d segment offsets, sigma %.2f, "
                            + "%d overlaps", c.source().name().toLowerCase(java.util.Locale.ROOT), c.features(),
                    java.util.Arrays.toString(round(c.coefficients())), c.segmentOffsets().size(),
                    Math.sqrt(c.variance()), c.overlaps()));
        }
        return lines;
    }

    private static double[] round(double[] x) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = Math.round(x[i] * 1000) / 1000.0;
        }
        return r;
    }
}
