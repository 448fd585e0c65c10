package roadcast.fusion;

import java.util.Map;
import roadcast.reading.Source;

/**
 * How one source's readings are turned into estimates of the segment's space-mean speed, and how far they are
 * trusted: c = beta . phi(speed, occupancy, flow) + offset(segment), error variance {@code variance}.
 *
 * @param source         the source
 * @param reference      true for the source the others are calibrated to (probe data: vehicles sampled at regular
 *                       times on the road measure its space-mean speed); its calibration is the identity
 * @param features       {@code none} (identity), {@code offset} (phi = 1 on top of the reading: c = speed + beta_0 + segment offset), {@code speed} (1, x), {@code
 *                       speed+occupancy} (1, x, o), {@code speed+occupancy+flow} (1, x, o, q / 1000): the candidate
 *                       that predicted the reference best on the validation part of the fitting rows
 * @param coefficients   beta, one per feature
 * @param means          occupancy and flow means over the fitting rows, put in where a reading lacks them (0 where
 *                       the source never gives them)
 * @param segmentOffsets per segment with enough overlaps: its mean residual, shrunk toward 0 by overlaps / (overlaps
 *                       + k)
 * @param variance       error variance of the calibrated value against the space-mean speed (three-cornered hat:
 *                       calibrated source, reference now, reference one step earlier)
 * @param overlaps       cells where this source and the reference both had a reading (fitting rows)
 * @param validationRmse per candidate feature set, RMSE against the reference on the validation cells (the last
 *                       fifth of the fitting rows); empty for the reference
 */
public record SourceCalibration(Source source, boolean reference, String features, double[] coefficients,
                                double[] means, Map<String, Double> segmentOffsets, double variance, long overlaps,
                                Map<String, Double> validationRmse) {

    public static final String NONE = "none";

    /**
     * The lowest share of a reading its calibration may leave: a correction fitted where traffic mostly flows (its
     * intercept and occupancy/flow terms) extrapolates below zero in a queue, e.g. sumo-grid's loop calibration maps
     * 4.4 km/h at 54% occupancy to -5 km/h, and a clamp at 0 then made a crawling road read 0 (issue 13: grid3 D3C3,
     * erased by the cleaner). A third: on sumo-grid's fitting rows, where loops read 10-35 km/h, the floating cars
     * read on average 0.35-0.9 of it (queues at the signals that a mid-block loop does not see), never less.
     */
    public static final double LOWEST_SHARE = 1.0 / 3;

    /**
     * The most a calibration may make of a reading, as a multiple of it: the same extrapolation upward. A fit that
     * never saw a loop read slow (grid3's training rows hold no loop reading under 15 km/h) chose a positive occupancy
     * term, which lifts a loop crawling at 4.4 km/h with 15% occupancy to 58.7 km/h (issue 13: grid3 D3C3, its
     * incident erased). Three, the reciprocal of {@link #LOWEST_SHARE}: on the fitting rows (the first 60%) of
     * sumo-grid and the five SUMO cities, where loops read under 15 km/h, the floating cars read at most 2.2 times the
     * loop (93 cells, median 0.85).
     */
    public static final double HIGHEST_RATIO = 3;

    @Override
    public boolean equals(Object o) {
        return o instanceof SourceCalibration c && source == c.source && reference == c.reference
                && features.equals(c.features) && java.util.Arrays.equals(coefficients, c.coefficients)
                && java.util.Arrays.equals(means, c.means) && segmentOffsets.equals(c.segmentOffsets)
                && Double.compare(variance, c.variance) == 0 && overlaps == c.overlaps
                && validationRmse.equals(c.validationRmse);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(source, features, java.util.Arrays.hashCode(coefficients), variance);
    }

    @Override
    public String toString() {
        return source + " " + features + " beta " + java.util.Arrays.toString(coefficients) + " sigma^2 " + variance
                + ", " + segmentOffsets.size() + " segment offsets";
    }

    /** phi for a feature set name; {@code out} has at least 4 entries; returns how many are used. */
    static int features(String features, double speed, double occupancy, double flow, double[] means,
                        double[] out) {
        double o = Double.isNaN(occupancy) ? means[0] : occupancy;
        double q = Double.isNaN(flow) ? means[1] : flow;
        out[0] = 1;
        switch (features) {
            case "offset":
                return 1;
            case "speed":
                out[1] = speed;
                return 2;
            case "speed+occupancy":
                out[1] = speed;
                out[2] = o;
                return 3;
            case "speed+occupancy+flow":
                out[1] = speed;
                out[2] = o;
                out[3] = q / 1000.0;
                return 4;
            default:
                throw new IllegalArgumentException("unknown feature set '" + features + "'");
        }
    }

    /**
     * The part of the calibrated value that is not fitted: the reading itself for {@code offset} (c = speed + beta_0 +
     * segment offset: a bias only), 0 for the feature sets that fit a slope on the speed.
     */
    static double base(String features, double speed) {
        return "offset".equals(features) ? speed : 0;
    }

    /**
     * The linear calibration c of a reading kept between {@link #LOWEST_SHARE} of the reading (and >= 0) and
     * {@link #HIGHEST_RATIO} times it: a slow reading stays slow rather than falling to zero or rising to free flow
     * where the fit extrapolates.
     */
    static double bounded(double c, double speed) {
        return Math.min(HIGHEST_RATIO * speed, Math.max(Math.max(0, LOWEST_SHARE * speed), c));
    }

    /** The calibrated estimate of the space-mean speed (see {@link #bounded}), NaN for a NaN speed. */
    public double calibrate(double speed, double occupancy, double flow, double segmentOffset, double[] scratch) {
        if (Double.isNaN(speed)) {
            return Double.NaN;
        }
        if (reference || NONE.equals(features)) {
            return speed;
        }
        int p = features(features, speed, occupancy, flow, means, scratch);
        double c = base(features, speed) + segmentOffset;
        for (int j = 0; j < p; j++) {
            c += coefficients[j] * scratch[j];
        }
        return bounded(c, speed);
    }
}
