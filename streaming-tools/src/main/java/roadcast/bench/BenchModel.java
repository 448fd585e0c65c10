package roadcast.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import roadcast.datasets.Dataset;
import roadcast.fit.ManifoldTrainer;
import roadcast.fit.TrainingConfig;
import roadcast.history.SpeedHistory;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;
import roadcast.train.ProgressBars;
import roadcast.train.TrainingRun;

/**
 * The model a streaming benchmark runs on, trained once per generated city: a registry that holds no model gets one
 * trained on the city's first training rows and published there; a registry that holds one is reused after checking
 * it is a model of that city with the configured longest horizon (same step, same segment ids in the same order, trained on the same rows), so that a
 * large city is fitted once and benchmarked many times, and never on a model of another city.
 */
public final class BenchModel {

    /** Beside a model this class trained: the generated city it was trained on ({@link #city}). */
    public static final String CITY_FILE = "bench-city.txt";

    private BenchModel() {
    }

    /**
     * Profile smoothing of every zone of a bench model, in minutes: the half-width most zones of a generated
     * 20,000-segment city of 1-minute steps chose in the search (39 of 81 zones; 0: 29, 30: 10, 10: 3).
     */
    static final int SMOOTHING_MINUTES = 60;

    /**
     * The training configuration of a bench model: {@code defaults} with one value of every hyperparameter (rank 5,
     * order 2, lambda 1, smoothing {@value #SMOOTHING_MINUTES} min, every day alike) and this longest horizon. A
     * benchmark of the stream measures what the job does per reading and zone, which the values of a zone's
     * hyperparameters do not change (rank, order and horizons fix the kernel's work), so the search is not run:
     * with one candidate a zone is fitted, calibrated and refitted once instead of scoring four profile smoothings
     * on its validation block, which was about 40 % of the training's CPU time at 20,000 segments.
     */
    public static TrainingConfig config(TrainingConfig defaults, int maxHorizon) {
        return defaults.withFixed(5, 2, 1.0).withSmoothing(SMOOTHING_MINUTES).withMaxHorizon(maxHorizon);
    }

    /** What identifies a generated city's training rows: its generation settings and the days trained on. */
    public static String city(int segments, int stepMinutes, long seed, int trainDays) {
        return "roadcast generate --segments " + segments + " --step " + stepMinutes + " --seed " + seed
                + ", trained on its first " + trainDays + " day(s)";
    }

    /**
     * Why a model forecasting at {@code has} (minutes) does not serve a run asking for {@code wanted}, or empty. The
     * whole set is compared, not the longest horizon alone: a model of 1-minute steps trained before horizons were
     * spaced (model format 8: every minute up to 15) and the spaced set of a run today (1, 5, 10, 15) end alike.
     */
    static Optional<String> horizonMismatch(int[] has, int[] wanted) {
        if (Arrays.equals(has, wanted)) {
            return Optional.empty();
        }
        if (has[has.length - 1] != wanted[wanted.length - 1]) {
            return Optional.of("it forecasts up to " + has[has.length - 1] + " min ahead, the run asks for "
                    + wanted[wanted.length - 1] + " (--max-horizon)");
        }
        return Optional.of("it forecasts at " + Arrays.toString(has) + " min ahead, the run at "
                + Arrays.toString(wanted) + " (horizons are spaced since model format 9)");
    }

    /**
     * The registry's latest model when it fits {@code data} (see {@link #mismatch}), else a model trained on rows
     * [0, trainRows) of {@code data} with {@code config} and published there.
     *
     * @param city the generation command of {@code data} ({@link #city}), recorded beside a model trained here and
     *             compared with the record of a model reused
     * @return the version in service
     * @throws IllegalArgumentException when the registry's model is not a model of this city, saying why and what to do
     */
    public static String acquire(Path registryDir, Dataset data, int trainRows, TrainingConfig config, String city,
                                 PrintWriter out) throws IOException {
        ModelRegistry registry = new ModelRegistry(registryDir);
        Optional<String> latest = registry.latest();
        if (latest.isPresent()) {
            ManifoldModel model = registry.load(latest.get());
            Optional<String> problem = mismatch(model, data, trainRows);
            if (problem.isEmpty()) {
                problem = horizonMismatch(model.horizonsMin(),
                        ManifoldTrainer.horizonsMin(data.history().step(), config));
            }
            if (problem.isEmpty()) {
                problem = cityMismatch(registryDir, city);
            }
            if (problem.isPresent()) {
                throw new IllegalArgumentException(refusal(registryDir, problem.get()));
            }
            out.printf("reusing model %s of %s (%d segments, %d zones, trained %s to %s)%n", latest.get(),
                    registryDir, model.network().size(), model.zoneCount(), model.card().trainedFrom(),
                    model.card().trainedTo());
            out.flush();
            return latest.get();
        }
        out.printf("training on %d rows, horizons %s min; the model goes to %s for later runs (--registry)%n",
                trainRows, Arrays.toString(ManifoldTrainer.horizonsMin(data.history().step(), config)),
                registryDir);
        out.flush();
        TrainingRun.Outcome training;
        // as the demo shows its training: at 200,000 segments of 1-minute steps it takes minutes to tens of minutes
        // (README, issue 12), silent before
        try (ProgressBars bars = new ProgressBars(true)) {
            training = TrainingRun.train(data, trainRows, config, bars);
        }
        String version = registry.publish(training.model());
        Files.writeString(registryDir.resolve(CITY_FILE), city + "\n", StandardCharsets.UTF_8);
        out.printf("trained %s in %.0f s%n", version, training.seconds());
        out.flush();
        return version;
    }

    /**
     * Why the registry's model, trained here on the city recorded beside it, is not a model of {@code city}; empty
     * when it is, when the registry has no model or no record (a model of roadcast train). Cheap: a caller checks it
     * before generating a city that would take minutes, and {@link #acquire} again after.
     */
    public static Optional<String> cityMismatch(Path registryDir, String city) throws IOException {
        Path marker = registryDir.resolve(CITY_FILE);
        if (new ModelRegistry(registryDir).latest().isEmpty() || !Files.isRegularFile(marker)) {
            return Optional.empty();
        }
        // Segment ids of generated cities do not depend on the seed: the city it was trained on is recorded.
        String trainedOn = Files.readString(marker, StandardCharsets.UTF_8).trim();
        return trainedOn.equals(city) ? Optional.empty()
                : Optional.of("it was trained on the city of `" + trainedOn + "`, this run generates `" + city + "`");
    }

    /** The message of a refused model: what is wrong and what to pass instead. */
    public static String refusal(Path registryDir, String problem) throws IOException {
        return "model " + new ModelRegistry(registryDir).latest().orElse("?") + " in " + registryDir + " is not a "
                + "model of the generated city: " + problem + ". Pass the --segments, --step, --seed, --train-days "
                + "and --max-horizon it was trained with, or a --registry without a model (one is then trained and "
                + "published there)";
    }

    /**
     * Why {@code model} is not a model of {@code data} trained on its rows [0, trainRows): a different step, different
     * segments (count, ids or order), or other training rows; empty when it is.
     */
    public static Optional<String> mismatch(ManifoldModel model, Dataset data, int trainRows) {
        SpeedHistory history = data.history();
        if (!model.step().equals(history.step())) {
            return Optional.of("its step is " + model.step().toMinutes() + " min, the city's "
                    + history.step().toMinutes() + " min");
        }
        String[] modelIds = model.network().segmentIds();
        String[] cityIds = data.network().segmentIds();
        if (modelIds.length != cityIds.length) {
            return Optional.of("it has " + modelIds.length + " segments, the city " + cityIds.length);
        }
        if (!Arrays.equals(modelIds, cityIds)) {
            int i = Arrays.mismatch(modelIds, cityIds);
            return Optional.of("its segment " + i + " is '" + modelIds[i] + "', the city's '" + cityIds[i]
                    + "' (another seed or layout)");
        }
        String from = history.time(0).toString();
        String to = history.time(trainRows - 1).toString();
        String trainedFrom = model.card().trainedFrom();
        String trainedTo = model.card().trainedTo();
        if (trainedFrom == null || trainedTo == null || !trainedFrom.startsWith(from) || !trainedTo.startsWith(to)) {
            return Optional.of("it was trained on " + trainedFrom + " to " + trainedTo + ", the run needs " + from
                    + " to " + to + " (the rows before the replayed feed)");
        }
        return Optional.empty();
    }
}
