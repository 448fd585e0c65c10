package roadcast.fit;

import java.util.Arrays;

import roadcast.clean.CredibilityRules;

/**
 * How {@link ManifoldTrainer} fits a model.
 *
 * @param dataset            data set name, recorded in the model card
 * @param provenance         sources and licence of the data (from its README), recorded in the model card
 * @param credibility        rules the training history was cleaned with, stored in the model for the stream
 * @param maxZoneSize        most segments in one zone (default 256)
 * @param ranks              candidate latent ranks r (default 3, 5, 8, 12); one value = fixed
 * @param orders             candidate lag orders p (default 1, 2, 3); order p serves the mean of the dynamics of
 *                           orders 1..p ({@link roadcast.manifold.LatentDynamics#solveAveraged})
 * @param lambdas            candidate ridge penalties (default 0.1, 1, 10)
 * @param validationFraction last part of the training rows used to choose hyperparameters, bands and skill (0.2; the
 *                           choices other than the band's on at least a whole day: {@link #validationRows})
 * @param profileShrinkage   kappa of the profile's shrinkage toward the segment mean (2)
 * @param smoothingMinutes   candidate half-widths of the profile's time-of-day moving average, in minutes (0, 10, 30,
 *                           60: 30 and 60 for noisy probe data such as SZ-taxi, README issue 14); the first two
 *                           are searched over the whole grid, the others at the best rank, order and lambda of those
 * @param profileHalfLivesDays recency half-lives, in days, of the profile's weighting of its days
 *                           ({@code PeriodicProfile.recencyWeights}), each tried after every day weighted alike, at
 *                           the best rank, order, lambda and smoothing of those; the zone keeps the one best on its
 *                           validation block (default 14, 7, 3.5, 2; none = every day alike: README, issue 14,
 *                           SZ-taxi's level fell by 1-20 km/h on 38 of its 40 roads within its training weeks)
 * @param projectionEps      ridge of the missing-inputs projection (0.01)
 * @param freeFlowPercentile percentile of training speeds taken as free-flow speed (85)
 * @param bandZ              band half-width in residual sigmas (1.645: 90%)
 * @param maxHorizonMinutes  forecast up to this lead time (60): every step, or at 1-minute steps the first and every
 *                           5 minutes ({@link ManifoldTrainer#horizonsMin})
 * @param threads            zones fitted in parallel (default: min(2, cores))
 */
public record TrainingConfig(String dataset, String provenance, CredibilityRules credibility, int maxZoneSize,
                             int[] ranks, int[] orders, double[] lambdas, double validationFraction,
                             double profileShrinkage, int[] smoothingMinutes, double[] profileHalfLivesDays,
                             double projectionEps, double freeFlowPercentile, double bandZ,
                             int maxHorizonMinutes, int threads) implements java.io.Serializable {

    public TrainingConfig {
        if (maxZoneSize < 1) {
            throw new IllegalArgumentException("maxZoneSize must be at least 1, got " + maxZoneSize);
        }
        if (ranks.length == 0 || orders.length == 0 || lambdas.length == 0) {
            throw new IllegalArgumentException("every hyperparameter needs at least one candidate");
        }
        for (int r : ranks) {
            if (r < 1) {
                throw new IllegalArgumentException("rank must be at least 1, got " + r);
            }
        }
        for (int p : orders) {
            if (p < 1) {
                throw new IllegalArgumentException("lag order must be at least 1, got " + p);
            }
        }
        for (double l : lambdas) {
            if (!(l > 0)) {
                throw new IllegalArgumentException("lambda must be positive, got " + l);
            }
        }
        if (!(validationFraction > 0 && validationFraction < 0.9)) {
            throw new IllegalArgumentException("validationFraction must be in (0, 0.9), got " + validationFraction);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (maxHorizonMinutes < 1 || maxHorizonMinutes > MAX_HORIZON_MINUTES) {
            throw new IllegalArgumentException("the longest horizon must be 1.." + MAX_HORIZON_MINUTES
                    + " minutes, got " + maxHorizonMinutes);
        }
        if (smoothingMinutes.length == 0 || Arrays.stream(smoothingMinutes).anyMatch(m -> m < 0)) {
            throw new IllegalArgumentException("smoothing needs at least one candidate, none negative");
        }
        for (double h : profileHalfLivesDays) {
            if (!(h > 0 && h < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("profile half-life must be positive days, got " + h);
            }
        }
        smoothingMinutes = smoothingMinutes.clone();
        profileHalfLivesDays = profileHalfLivesDays.clone();
        ranks = ranks.clone();
        orders = orders.clone();
        lambdas = lambdas.clone();
    }

    /** Longest horizon a model may forecast: a day (the API's limit too). */
    public static final int MAX_HORIZON_MINUTES = 24 * 60;

    public static TrainingConfig defaults(String dataset, String provenance, CredibilityRules credibility) {
        return new TrainingConfig(dataset, provenance, credibility, 256, new int[] {3, 5, 8, 12}, new int[] {1, 2, 3},
                new double[] {0.1, 1, 10}, 0.2, 2.0, new int[] {0, 10, 30, 60}, new double[] {14, 7, 3.5, 2}, 0.01, 85, 1.645, 60,
                Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())));
    }

    /** No search: these values for every zone, the profile weighting every day alike (smoothing as set). */
    public TrainingConfig withFixed(int rank, int order, double lambda) {
        return new TrainingConfig(dataset, provenance, credibility, maxZoneSize, new int[] {rank}, new int[] {order},
                new double[] {lambda}, validationFraction, profileShrinkage, smoothingMinutes, new double[0], projectionEps, freeFlowPercentile, bandZ,
                maxHorizonMinutes, threads);
    }

    public TrainingConfig withMaxZoneSize(int size) {
        return new TrainingConfig(dataset, provenance, credibility, size, ranks, orders, lambdas, validationFraction,
                profileShrinkage, smoothingMinutes, profileHalfLivesDays, projectionEps, freeFlowPercentile, bandZ, maxHorizonMinutes, threads);
    }

    public TrainingConfig withThreads(int count) {
        return new TrainingConfig(dataset, provenance, credibility, maxZoneSize, ranks, orders, lambdas,
                validationFraction, profileShrinkage, smoothingMinutes, profileHalfLivesDays, projectionEps, freeFlowPercentile, bandZ, maxHorizonMinutes, count);
    }

    public TrainingConfig withValidationFraction(double fraction) {
        return new TrainingConfig(dataset, provenance, credibility, maxZoneSize, ranks, orders, lambdas, fraction,
                profileShrinkage, smoothingMinutes, profileHalfLivesDays, projectionEps, freeFlowPercentile, bandZ, maxHorizonMinutes, threads);
    }

    /** Forecast up to this lead time, in minutes (default 60; spacing: {@link ManifoldTrainer#horizonsMin}). */
    public TrainingConfig withMaxHorizon(int minutes) {
        return new TrainingConfig(dataset, provenance, credibility, maxZoneSize, ranks, orders, lambdas,
                validationFraction, profileShrinkage, smoothingMinutes, profileHalfLivesDays, projectionEps, freeFlowPercentile, bandZ,
                minutes, threads);
    }

    /** Profile smoothing candidates (half-widths in minutes); one value = fixed. */
    public TrainingConfig withSmoothing(int... minutes) {
        return new TrainingConfig(dataset, provenance, credibility, maxZoneSize, ranks, orders, lambdas,
                validationFraction, profileShrinkage, minutes, profileHalfLivesDays, projectionEps, freeFlowPercentile, bandZ,
                maxHorizonMinutes, threads);
    }

    /** Profile recency half-lives tried besides every day alike (days); none = every day alike only. */
    public TrainingConfig withProfileHalfLives(double... days) {
        return new TrainingConfig(dataset, provenance, credibility, maxZoneSize, ranks, orders, lambdas,
                validationFraction, profileShrinkage, smoothingMinutes, days, projectionEps, freeFlowPercentile, bandZ,
                maxHorizonMinutes, threads);
    }

    /** "r in [3, 5, 8, 12], p in [1, 2, 3], lambda in [0.1, 1.0, 10.0]" */
    public String searchGrid() {
        return "r in " + Arrays.toString(ranks) + ", p in " + Arrays.toString(orders) + ", lambda in "
                + Arrays.toString(lambdas) + ", profile smoothing +-minutes in " + Arrays.toString(smoothingMinutes)
                + (profileHalfLivesDays.length == 0 ? "" : ", profile recency half-life days in [all alike, "
                + Arrays.toString(profileHalfLivesDays).substring(1));
    }

    public int maxOrder() {
        return Arrays.stream(orders).max().orElse(1);
    }

    /**
     * Rows of the validation block at the end of {@code steps} training rows of {@code stepMillis} each, on which the
     * hyperparameters, the blend, the trend and the nowcast smoothing are chosen: the {@link #validationFraction} of
     * them, but at least one whole day where that leaves at least half the rows to fit on. Why: those choices are made
     * per period of the day and cross-fitted over alternating clock hours; a block shorter than a day misses part of
     * the day. PEMSD8's 20% (0.7 days, Sunday 20:20 to the 4 July holiday's 13:25) held no afternoon or PM peak; with a
     * day the nested validation's 60-min RMSE went 1.708 -> 1.694 (README, issue 14). Los-loop's and SZ-taxi's
     * 20% are a day or more already.
     */
    public int validationRows(int steps, long stepMillis) {
        int day = (int) Math.max(1, java.time.Duration.ofDays(1).toMillis() / stepMillis);
        return Math.max(bandRows(steps), Math.min(day, steps / 2));
    }

    /**
     * Rows at the end of the training rows whose residuals calibrate the band: the {@link #validationFraction} of
     * them, the end of the validation block ({@link #validationRows}). Not the whole of a longer block: on PEMSD8's
     * nested validation the band calibrated on a whole day (Sunday afternoon onward) held only 86.7% at its worst lead,
     * on the last 20% 87.1% (README, issue 14); the hours nearest the forecasts carry the drift the band must cover.
     */
    public int bandRows(int steps) {
        return (int) Math.round(validationFraction * steps);
    }
}
