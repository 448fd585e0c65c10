package roadcast.retrain;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.datasets.StreamedDataset;
import roadcast.model.ModelRegistry;
import roadcast.train.ClusterTrainer;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.history.SpeedHistory;
import roadcast.promote.GateThresholds;
import roadcast.promote.Promotion;
import roadcast.train.TrainingOptions;

/**
 * One daily retrain: the newest days of the stream's day-partitioned archive ({@code roadcast stream --archive}),
 * trained and gated by {@link Promotion} against the registry's model in service, published or kept aside.
 * {@link #runOnce} is what {@code roadcast retrain} runs each time, and what the demo calls in-process.
 */
public final class Retrain {

    /**
     * @param days        newest days of the archive to train on (28)
     * @param maxZoneSize most segments in one zone (256)
     * @param force       publish even when the gate refuses
     * @param limits      the gate's limits
     * @param holdout     newest part of the window held out for the gate's skill check (one day); the rows before
     *                    it must be at least as many, and two hours
     */
    public record Options(int days, int maxZoneSize, boolean force, GateThresholds limits, Duration holdout) {

        public Options {
            if (days < 1) {
                throw new IllegalArgumentException("--days must be at least 1, got " + days);
            }
            if (maxZoneSize < 1) {
                throw new IllegalArgumentException("--max-zone-size must be at least 1, got " + maxZoneSize);
            }
            Objects.requireNonNull(limits, "limits");
            Objects.requireNonNull(holdout, "holdout");
        }

        public static Options defaults() {
            return new Options(28, 256, false, GateThresholds.defaults(), Duration.ofDays(1));
        }

        public Options withMaxZoneSize(int size) {
            return new Options(days, size, force, limits, holdout);
        }

        public Options withDays(int count) {
            return new Options(count, maxZoneSize, force, limits, holdout);
        }

        public Options withForce(boolean value) {
            return new Options(days, maxZoneSize, value, limits, holdout);
        }

        public Options withHoldout(Duration value) {
            return new Options(days, maxZoneSize, force, limits, value);
        }
    }

    /**
     * @param promotion  what became of the candidate (status, version, gate decision, model)
     * @param windowFrom first row of the window read from the archive (local time)
     * @param windowTo   last row of the window
     * @param rows       rows of the window
     * @param segments   segments in the archive's window
     */
    public record Result(Promotion.Result promotion, String windowFrom, String windowTo, int rows, int segments) {

        /** Published (or force-published, or the registry's first model): latest now names {@link #version}. */
        public boolean published() {
            return promotion.published();
        }

        /** The version the candidate got: published, or kept aside under refused/. */
        public String version() {
            return promotion.version();
        }

        /** Why the gate refused it (empty when it passed). */
        public List<String> reasons() {
            return promotion.reasons();
        }
    }

    private Retrain() {
    }

    /**
     * Trains on the newest {@code options.days()} days of {@code archive}, gates and publishes to {@code registry}.
     *
     * @throws IllegalArgumentException when the archive holds too little data besides the held-out part
     * @throws roadcast.datasets.DatasetFormatException when the archive cannot be read (e.g. no finished part file)
     */
    public static Result runOnce(Path archive, Path registry, Options options, ProgressListener progress)
            throws IOException {
        return runOnce(archive, registry, options, progress, roadcast.train.Trainer.LOCAL);
    }

    /**
     * {@link #runOnce} with the candidate fitted on a Flink cluster ({@code roadcast retrain --flink}) from an archive
     * the driver reads row by row ({@link StreamedDataset}: the stream's archive, a long or wide CSV, a shared-layout
     * folder) and never loads: the window's rows are read once, the promotion gate's evidence collected on the way
     * ({@link roadcast.promote.HeldOutWindow.Collector}), the rows kept on local disk. The same candidate and the same
     * verdict as the loaded retrain.
     */
    public static Result runOnceStreamed(Path archive, Path registry, Options options, ProgressListener progress,
                                         ClusterTrainer cluster, String flinkAddress, String workDir,
                                         int parallelism) throws IOException {
        try (StreamedDataset data = DatasetLoader.openStreamed(archive)) {
            SpeedHistory grid = data.header().history();
            int steps = data.steps();
            long windowRows = options.days() * 86_400_000L / grid.step().toMillis();
            int from = (int) Math.max(0, steps - windowRows);
            int rows = steps - from;
            TrainingConfig config = new TrainingOptions().toConfig(data.header())
                    .withMaxZoneSize(options.maxZoneSize());
            ModelRegistry models = new ModelRegistry(registry);
            var service = models.loadLatest();
            if (service.isPresent() && service.get().horizonsMin().length > 0) {
                int[] h = service.get().horizonsMin();
                config = config.withMaxHorizon(h[h.length - 1]);
            }
            final TrainingConfig fitConfig = config;
            Promotion.Result promotion;
            if (service.isEmpty()) {
                promotion = Promotion.publishFirst(models, training(() -> cluster.trainStreamed(data, from, steps,
                        fitConfig, flinkAddress, workDir, parallelism, progress)));
            } else {
                promotion = Promotion.runStreamed(registry, options.limits(), options.force(),
                        data.header().name(), anchor -> cluster.trainStreamedGated(data, from, steps,
                                options.holdout(), fitConfig, flinkAddress, workDir, parallelism, progress, anchor));
            }
            return new Result(promotion, grid.time(from).toString(), grid.time(steps - 1).toString(), rows,
                    grid.segments());
        }
    }

    private static <T> T training(java.util.concurrent.Callable<T> step) throws IOException {
        try {
            return step.call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("training failed: " + e.getMessage(), e);
        }
    }

    /**
     * The same with the candidate fitted by {@code trainer} ({@code roadcast retrain --flink}: a Flink cluster); the
     * window is loaded here either way, for the promotion gate.
     */
    public static Result runOnce(Path archive, Path registry, Options options, ProgressListener progress,
                                 roadcast.train.Trainer trainer) throws IOException {
        Dataset all = DatasetLoader.load(archive);
        SpeedHistory history = all.history();
        long stepMillis = history.step().toMillis();
        long windowRows = options.days() * 86_400_000L / stepMillis;
        int from = (int) Math.max(0, history.steps() - windowRows);
        Dataset window = from == 0 ? all
                : new Dataset(all.name(), all.network(), history.rows(from, history.steps()), all.provenance());
        TrainingConfig config = new TrainingOptions().toConfig(window).withMaxZoneSize(options.maxZoneSize());
        // The candidate forecasts as far ahead as the model in service (roadcast train --max-horizon): a retrain
        // must not shorten what the stream, the API and the dashboard offer.
        var service = new roadcast.model.ModelRegistry(registry).loadLatest();
        if (service.isPresent() && service.get().horizonsMin().length > 0) {
            int[] h = service.get().horizonsMin();
            config = config.withMaxHorizon(h[h.length - 1]);
        }
        int rows = window.history().steps();
        Promotion.Result promotion = Promotion.run(new Promotion.Request(window, rows, config, registry,
                options.limits(), options.force(), options.holdout()).fittedBy(trainer), progress);
        return new Result(promotion, window.history().time(0).toString(), window.history().time(rows - 1).toString(),
                rows, window.history().segments());
    }
}
