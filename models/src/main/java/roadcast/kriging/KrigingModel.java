package roadcast.kriging;

import java.util.List;

import roadcast.network.Segment;

/**
 * The fitted kriging layer of a manifold model (immutable): the extended segments, each placed in the zone of its
 * nearest observed neighbour with its K nearest observed neighbours of that zone (zone-local indices, so a zone's
 * forecaster serves its extended segments alone), the shared regression of {@link KrigingKernel} per horizon row
 * (row 0 = now, row h = the model's horizon h), and the bands calibrated on masked observed segments.
 * Arrays are flat row-major; accessors return the internal arrays, which must not be modified.
 *
 * @param k          neighbours per segment
 * @param width      kernel width w of g = exp(-(d / w)^2), in the network's distance unit
 * @param lambda     ridge penalty chosen by masking observed segments
 * @param rows       horizon rows: 1 + the model's horizons
 * @param beta       [rows * featureCount(k, levels)]
 * @param lower      [rows] additive lower band offset (a low quantile of the masked errors, negative)
 * @param upper      [rows] additive upper band offset
 * @param maskedMae  [rows] MAE on masked observed segments in the calibration part of the training data
 * @param segments   the extended segments, in the coverage network's order
 * @param zone       [m] zone of each extended segment
 * @param neighbours [m * k] zone-local indices of the neighbours, nearest first
 * @param weight     [m * k] kernel weights g
 * @param upstream   [m * k] 1 = upstream neighbour, 0 = downstream
 * @param distance   [m * k] road-network distances
 * @param levels     level features per segment ({@link SegmentLevel#COUNT}; 0 in models written before them)
 * @param level      [m * levels] each extended segment's level features
 * @param excluded   ids of extended segments that could not be placed (no coordinates, no road path)
 */
public record KrigingModel(int k, double width, double lambda, int rows, double[] beta, double[] lower,
                           double[] upper, double[] maskedMae, List<Segment> segments, int[] zone, int[] neighbours,
                           double[] weight, double[] upstream, double[] distance, int levels, double[] level,
                           List<String> excluded) {

    public KrigingModel {
        int m = segments.size();
        int f = KrigingKernel.featureCount(k, levels);
        if (k < 1 || rows < 1 || levels < 0) {
            throw new IllegalArgumentException("kriging needs k >= 1 and at least one horizon row, got k=" + k
                    + " rows=" + rows + " levels=" + levels);
        }
        check("beta", beta.length, rows * f);
        check("lower", lower.length, rows);
        check("upper", upper.length, rows);
        check("maskedMae", maskedMae.length, rows);
        check("zone", zone.length, m);
        check("neighbours", neighbours.length, m * k);
        check("weight", weight.length, m * k);
        check("upstream", upstream.length, m * k);
        check("distance", distance.length, m * k);
        check("level", level.length, m * levels);
        segments = List.copyOf(segments);
        excluded = List.copyOf(excluded);
    }

    private static void check(String name, int actual, int expected) {
        if (actual != expected) {
            throw new IllegalArgumentException("kriging " + name + " has " + actual + " values, expected " + expected);
        }
    }

    /** The extended segments placed in zone {@code zoneIndex}, in kriging order (the zone's extended rows). */
    public int[] membersOf(int zoneIndex) {
        int count = 0;
        for (int e = 0; e < zone.length; e++) {
            if (zone[e] == zoneIndex) {
                count++;
            }
        }
        int[] members = new int[count];
        count = 0;
        for (int e = 0; e < zone.length; e++) {
            if (zone[e] == zoneIndex) {
                members[count++] = e;
            }
        }
        return members;
    }

    public int size() {
        return segments.size();
    }

    public int featureCount() {
        return KrigingKernel.featureCount(k, levels);
    }

    /**
     * Whether the level features take part in the estimate: the fit leaves them out (coefficients 0 in every row)
     * where, fitted before the calibration replay, they did not help on it.
     */
    public boolean usesLevelFeatures() {
        return levelFeaturesUsed() > 0;
    }

    /**
     * How many of the level features take part, first first: the fit keeps all, all but the last (the free-flow
     * departure) or none, whichever did best on the calibration replay; the ones after are 0 in every row.
     */
    public int levelFeaturesUsed() {
        int f = featureCount();
        int firstLevel = KrigingKernel.lagFeature(k, levels) - levels;
        int used = 0;
        for (int h = 0; h < rows; h++) {
            for (int j = 0; j < levels; j++) {
                if (beta[h * f + firstLevel + j] != 0) {
                    used = Math.max(used, j + 1);
                }
            }
        }
        return used;
    }

    /**
     * Whether the neighbours' kernel mean one step earlier takes part: the fit leaves it out (coefficient 0 in every
     * row) where it did not help on the calibration replay, and a model written before it reads with 0.
     */
    public boolean usesLagFeature() {
        int f = featureCount();
        int lag = KrigingKernel.lagFeature(k, levels);
        for (int h = 0; h < rows; h++) {
            if (beta[h * f + lag] != 0) {
                return true;
            }
        }
        return false;
    }

    /** Index of an extended segment by id, -1 if it is not one. */
    public int indexOf(String id) {
        for (int e = 0; e < segments.size(); e++) {
            if (segments.get(e).id().equals(id)) {
                return e;
            }
        }
        return -1;
    }
}
