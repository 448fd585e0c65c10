package roadcast.train;

import roadcast.clean.CleaningReport;
import roadcast.clean.CleaningResult;
import roadcast.clean.HistoryCleaner;
import roadcast.datasets.Dataset;
import roadcast.datasets.feed.FeedDatasets;
import roadcast.fit.ManifoldTrainer;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.history.SpeedHistory;
import roadcast.kriging.Kriging;
import roadcast.kriging.KrigingConfig;
import roadcast.model.ManifoldModel;

/**
 * The offline training path shared by {@code roadcast train} and {@code roadcast benchmark}: the first rows of a data
 * set, cleaned with the configuration's credibility rules (the same rules the stream applies), fitted by
 * {@link ManifoldTrainer}. Hyperparameters are chosen by the trainer on a validation block carved from the end of
 * these rows, never from later data.
 */
public final class TrainingRun {

    /**
     * @param model     the fitted model (unpublished)
     * @param cleaning  what the cleaner removed from the training rows
     * @param trainRows rows used, [0, trainRows)
     * @param seconds   wall time of cleaning and fitting
     */
    public record Outcome(ManifoldModel model, CleaningReport cleaning, int trainRows, double seconds) {
    }

    private TrainingRun() {
    }

    /**
     * @param trainRows rows [0, trainRows) of the data set are the training data
     * @throws IllegalArgumentException if trainRows is outside the history
     */
    public static Outcome train(Dataset dataset, int trainRows, TrainingConfig config, ProgressListener progress) {
        return train(dataset, trainRows, config, progress, null);
    }

    /**
     * @param anchor the model in service (its zones are kept where the data allow, see ManifoldTrainer), or null
     */
    public static Outcome train(Dataset dataset, int trainRows, TrainingConfig config, ProgressListener progress,
                                ManifoldModel anchor) {
        SpeedHistory history = dataset.history();
        if (trainRows < 2 || trainRows > history.steps()) {
            throw new IllegalArgumentException("cannot train " + dataset.name() + " on " + trainRows + " rows: it has "
                    + history.steps());
        }
        long start = System.nanoTime();
        // a feed's fusion is learned from the training rows only, and goes into the card for the stream
        dataset = FeedDatasets.fittedOn(dataset, trainRows);
        CleaningResult cleaned = cleanedTraining(dataset, trainRows, config);
        ManifoldModel model = extendCoverage(ManifoldTrainer.fit(cleaned.cleaned(), dataset.network(), config,
                progress, anchor), cleaned, dataset, progress);
        if (dataset.fusion() != null) {
            model = model.withCard(model.card().withFusion(dataset.fusion()));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Outcome(model, cleaned.report(), trainRows, seconds);
    }

    /**
     * The model with its kriging layer when the data set has roads without data (extended segments), learned by
     * masking observed segments of the same cleaned rows; the model as it is otherwise. Every trainer (this one and
     * the Flink batch trainer) ends with it.
     */
    public static ManifoldModel extendCoverage(ManifoldModel model, CleaningResult cleaned, Dataset dataset,
                                               ProgressListener progress) {
        if (dataset.coverage().extendedCount() == 0) {
            return model;
        }
        progress.progress("kriging", 0, 1);
        ManifoldModel extended = model.withKriging(Kriging.fit(model, cleaned.cleaned(), dataset.coverage(),
                KrigingConfig.defaults()));
        progress.progress("kriging", 1, 1);
        return extended;
    }

    /**
     * Rows [0, trainRows) cleaned with the configuration's credibility rules: the input of every trainer (this one
     * and the Flink batch trainer of the streaming module).
     */
    public static CleaningResult cleanedTraining(Dataset dataset, int trainRows, TrainingConfig config) {
        SpeedHistory history = dataset.history();
        if (trainRows < 2 || trainRows > history.steps()) {
            throw new IllegalArgumentException("cannot train " + dataset.name() + " on " + trainRows + " rows: it has "
                    + history.steps());
        }
        dataset = FeedDatasets.fittedOn(dataset, trainRows);
        history = dataset.history();
        SpeedHistory training = trainRows == history.steps() ? history : history.rows(0, trainRows);
        return HistoryCleaner.clean(training, config.credibility());
    }

    /** Rows of the history strictly before {@code until} (local time of the data set). */
    public static int rowsBefore(SpeedHistory history, java.time.LocalDateTime until) {
        return rowsBefore(history.start(), history.step(), until, history.steps());
    }

    /**
     * Rows of a grid from {@code start} every {@code step} strictly before {@code until}, at most {@code steps}: for a
     * history that is streamed, whose length is not known before it is read.
     */
    public static int rowsBefore(java.time.LocalDateTime start, java.time.Duration step,
                                 java.time.LocalDateTime until, int steps) {
        long stepMs = step.toMillis();
        long sinceStart = java.time.Duration.between(start, until).toMillis();
        if (sinceStart <= 0) {
            return 0;
        }
        long rows = (sinceStart + stepMs - 1) / stepMs;
        return (int) Math.min(rows, steps);
    }
}
