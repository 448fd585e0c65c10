package roadcast.train;

import java.time.Duration;

import picocli.CommandLine.Option;

import roadcast.promote.GateThresholds;

/** The promotion gate's limits as options, shared by {@code train} and {@code retrain}. */
public final class GateOptions {

    private static final GateThresholds D = GateThresholds.defaults();

    @Option(names = "--min-coverage", paramLabel = "F", defaultValue = "0.5",
            description = "Least share of cells with a credible reading in the window (default: ${DEFAULT-VALUE}).")
    double minCoverage = D.minCoverage();

    @Option(names = "--max-rejected", paramLabel = "F", defaultValue = "0.10",
            description = "Most share of readings the credibility rules may reject (default: ${DEFAULT-VALUE}).")
    double maxRejected = D.maxRejectedShare();

    @Option(names = "--segment-drift", paramLabel = "F", defaultValue = "0.15",
            description = "A segment has drifted when its daily profile moved by more than this share of its mean "
                    + "speed against the model in service (default: ${DEFAULT-VALUE}).")
    double segmentDrift = D.segmentDrift();

    @Option(names = "--max-drifted", paramLabel = "F", defaultValue = "0.25",
            description = "Most share of segments that may have drifted (default: ${DEFAULT-VALUE}).")
    double maxDrifted = D.maxDriftedShare();

    @Option(names = "--mae-margin", paramLabel = "F", defaultValue = "0.05",
            description = "Refuse when the held-out MAE is worse than the service's by more than this share "
                    + "(default: ${DEFAULT-VALUE}).")
    double maeMargin = D.maxMaeWorsening();

    @Option(names = "--holdout", paramLabel = "DURATION", defaultValue = "PT24H",
            description = "Newest part of the window held out to compare candidate and service, ISO-8601 "
                    + "(default: ${DEFAULT-VALUE}). Only when the registry has a model in service.")
    Duration holdout = Duration.ofDays(1);

    @Option(names = "--force", description = "Publish even when the promotion gate refuses the candidate.")
    boolean force;

    public GateThresholds thresholds() {
        return new GateThresholds(minCoverage, maxRejected, segmentDrift, maxDrifted, maeMargin);
    }

    public Duration holdout() {
        return holdout;
    }

    /** Publish a candidate the gate refuses. */
    public boolean force() {
        return force;
    }
}
