package roadcast.train;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import roadcast.clean.CredibilityRules;
import roadcast.datasets.Dataset;
import roadcast.fit.TrainingConfig;

/** The trainer's options, shared by {@code train}, {@code benchmark} and {@code bench-forecast}. */
public final class TrainingOptions {

    @Mixin
    ZoneSizeOption zoneSize = new ZoneSizeOption();

    @Option(names = "--rank", paramLabel = "R",
            description = "Fix the latent rank r (default: searched among 3, 5, 8, 12 on the validation block).")
    Integer rank;

    @Option(names = "--order", paramLabel = "P",
            description = "Fix the lag order p (default: searched among 1, 2, 3).")
    Integer order;

    @Option(names = "--lambda", paramLabel = "L",
            description = "Fix the ridge penalty (default: searched among 0.1, 1, 10).")
    Double lambda;

    @Option(names = "--smoothing", paramLabel = "MIN",
            description = "Fix the half-width in minutes of the profile's time-of-day moving average (default: "
                    + "searched among 0, 10, 30 and 60).")
    Integer smoothing;

    @Option(names = "--profile-half-life", paramLabel = "DAYS",
            description = "Fix the recency half-life of the profile's weighting of its days, 0 = every day alike "
                    + "(default: searched among every day alike, 14, 7, 3.5 and 2 days).")
    Double profileHalfLife;

    @Option(names = "--validation-fraction", paramLabel = "F", defaultValue = "0.2",
            description = "Last part of the training rows used to choose hyperparameters, bands and skill "
                    + "(default: ${DEFAULT-VALUE}; all but the band on at least the last whole day).")
    double validationFraction = 0.2;

    @Option(names = "--max-horizon", paramLabel = "MIN", defaultValue = "60",
            description = "Longest forecast lead time in minutes: the model forecasts every step of the data up to it, "
                    + "or, for data finer than 5 minutes, one step ahead and then every 5 minutes (1-minute data: "
                    + "1, 5, 10, ..., 60) (from one step of the data to 1440; default: ${DEFAULT-VALUE}).")
    int maxHorizon = 60;

    @Option(names = "--threads", paramLabel = "N",
            description = "Zones fitted in parallel (default: min(2, cores)).")
    Integer threads;

    /**
     * The trainer's defaults for this data set (credibility rules for its unit and step), with these options.
     *
     * @throws IllegalArgumentException when --max-horizon is shorter than the data's step or longer than a day
     */
    public TrainingConfig toConfig(Dataset dataset) {
        checkHorizon(maxHorizon, dataset.history().step());
        CredibilityRules rules = CredibilityRules.defaults(dataset.history().unit(), dataset.history().step());
        TrainingConfig d = TrainingConfig.defaults(dataset.name(), dataset.provenance(), rules);
        int[] ranks = rank == null ? d.ranks() : new int[] {rank};
        int[] orders = order == null ? d.orders() : new int[] {order};
        double[] lambdas = lambda == null ? d.lambdas() : new double[] {lambda};
        int maxZoneSize = zoneSize.maxZoneSize();
        return new TrainingConfig(d.dataset(), d.provenance(), d.credibility(), maxZoneSize, ranks, orders, lambdas,
                validationFraction, d.profileShrinkage(),
                smoothing == null ? d.smoothingMinutes() : new int[] {smoothing},
                profileHalfLife == null ? d.profileHalfLivesDays()
                        : profileHalfLife == 0 ? new double[0] : new double[] {profileHalfLife},
                d.projectionEps(), d.freeFlowPercentile(), d.bandZ(),
                maxHorizon, threads == null ? d.threads() : threads);
    }

    /** The longest horizon the model forecasts, in minutes. */
    public int maxHorizon() {
        return maxHorizon;
    }

    /** Sets the longest horizon (callers that build options without the command line, e.g. the demo). */
    public TrainingOptions withMaxHorizon(int minutes) {
        maxHorizon = minutes;
        return this;
    }

    /** A longest horizon the kernel can fit: at least one step of the data, at most a day. */
    public static void checkHorizon(int minutes, java.time.Duration step) {
        if (minutes < 1 || minutes > TrainingConfig.MAX_HORIZON_MINUTES || minutes * 60_000L < step.toMillis()) {
            throw new IllegalArgumentException("--max-horizon " + minutes + ": must be between the data's step ("
                    + step.toMinutes() + " min) and " + TrainingConfig.MAX_HORIZON_MINUTES + " minutes");
        }
    }
}
