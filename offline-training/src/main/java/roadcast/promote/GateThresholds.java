package roadcast.promote;

/**
 * The promotion gate's limits.
 *
 * @param minCoverage      least share of non-missing cells (after cleaning) in the training window
 * @param maxRejectedShare most share of present cells the credibility rules rejected
 * @param segmentDrift     a segment has drifted when its periodic profile differs from the one in service by more
 *                         than this share of its mean speed (relative RMS difference)
 * @param maxDriftedShare  most share of the segments in both models that may have drifted
 * @param maxMaeWorsening  most relative worsening of the held-out MAE against the model in service (0.05 = 5%)
 */
public record GateThresholds(double minCoverage, double maxRejectedShare, double segmentDrift,
                             double maxDriftedShare, double maxMaeWorsening) {

    public GateThresholds {
        if (!(minCoverage >= 0 && minCoverage <= 1) || !(maxRejectedShare >= 0 && maxRejectedShare <= 1)
                || !(segmentDrift > 0) || !(maxDriftedShare >= 0 && maxDriftedShare <= 1) || !(maxMaeWorsening >= 0)) {
            throw new IllegalArgumentException("gate thresholds out of range: " + this);
        }
    }

    /**
     * Coverage 50%, rejected 10%, a segment drifts beyond 15% of its mean speed, at most 25% of segments drifted,
     * held-out MAE at most 5% worse. The drift limit sits well above what a real week moves (see README, "Daily
     * retrain": the 99th percentile of Los-loop's segments between two windows two days apart is below it).
     */
    public static GateThresholds defaults() {
        return new GateThresholds(0.5, 0.10, 0.15, 0.25, 0.05);
    }
}
