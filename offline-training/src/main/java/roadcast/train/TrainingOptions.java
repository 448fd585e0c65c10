package roadcast.train;

import picocli.CommandLine.Option;

import roadcast.clean.CredibilityRules;
import roadcast.datasets.Dataset;
import roadcast.fit.TrainingConfig;

/** The trainer's options, shared by {@code train}, {@code benchmark} and {@code bench-forecast}. */
public final class TrainingOptions {

    @Option(names = "--max-zone-size", paramLabel = "N",
            description = "Most segments in one zone (default: ${DEFAULT-VALUE}).", defaultValue = "256")
    int maxZoneSize = 256;

    @Option(names = "--rank", paramLabel = "R",
            description = "Fix the latent rank r instead of searching 3, 5, 8, 12 on the validation block.")
    Integer rank;

    @Option(names = "--order", paramLabel = "P",
            description = "Fix the lag order p instead of searching 1, 2, 3.")
    Integer order;

    @Option(names = "--lambda", paramLabel = "L",
            description = "Fix the ridge penalty instead of searching 0.1, 1, 10.")
    Double lambda;

    @Option(names = "--smoothing", paramLabel = "MIN",
            description = "Fix the half-width in minutes of the profile's time-of-day moving average instead of "
                    + "searching 0 and 10.")
    Integer smoothing;

    @Option(names = "--validation-fraction", paramLabel = "F", defaultValue = "0.2",
            description = "Last part of the training rows used to choose hyperparameters, bands and skill "
                    + "(default: ${DEFAULT-VALUE}).")
    double validationFraction = 0.2;

    @Option(names = "--threads", paramLabel = "N",
            description = "Zones fitted in parallel (default: min(2, cores)).")
    Integer threads;

    /** The trainer's defaults for this data set (credibility rules for its unit and step), with these options. */
    public TrainingConfig toConfig(Dataset dataset) {
        CredibilityRules rules = CredibilityRules.defaults(dataset.history().unit(), dataset.history().step());
        TrainingConfig d = TrainingConfig.defaults(dataset.name(), dataset.provenance(), rules);
        int[] ranks = rank == null ? d.ranks() : new int[] {rank};
        int[] orders = order == null ? d.orders() : new int[] {order};
        double[] lambdas = lambda == null ? d.lambdas() : new double[] {lambda};
        return new TrainingConfig(d.dataset(), d.provenance(), d.credibility(), maxZoneSize, ranks, orders, lambdas,
                validationFraction, d.profileShrinkage(),
                smoothing == null ? d.smoothingMinutes() : new int[] {smoothing}, d.projectionEps(), d.freeFlowPercentile(), d.bandZ(),
                d.maxHorizonMinutes(), threads == null ? d.threads() : threads);
    }
}
