package roadcast.promote;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import roadcast.datasets.Dataset;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.history.SpeedHistory;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelCard;
import roadcast.model.ModelRegistry;
import roadcast.model.ZoningRecord;
import roadcast.train.Trainer;
import roadcast.train.TrainingRun;

/**
 * Train, gate, publish: the one way a new model reaches a registry ({@code roadcast train} and
 * {@code roadcast retrain} both come here).
 * <ul>
 * <li>An empty registry: the model is trained on every row and published (nothing to compare with).</li>
 * <li>A registry with a model in service: the newest {@code holdout} of the window is held out; the candidate is
 * trained on the rows before it, its zones anchored to the service's, and {@link PromotionGate} compares it with
 * the service. Passed: published, {@code latest} moves. Refused: kept aside under {@code refused/<version>/} with
 * {@code gate-report.json}, {@code latest} stays, unless {@code force}.</li>
 * </ul>
 * The published model is the gated one (trained without the held-out rows), so what was checked is what serves.
 */
public final class Promotion {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What became of a candidate. */
    public enum Status {
        /** Published, the registry had no model to compare with. */
        FIRST,
        /** Passed the gate and published. */
        PUBLISHED,
        /** Refused by the gate and published anyway (force). */
        FORCED,
        /** Refused and kept aside; latest did not move. */
        REFUSED
    }

    /**
     * @param data     the data set (its rows [0, rows) are the window)
     * @param rows     rows of the window
     * @param config   the trainer's configuration
     * @param registry the model registry
     * @param limits   the gate's limits
     * @param force    publish even when the gate refuses
     * @param holdout  the newest part of the window held out for the skill check (one day by default); the rows
     *                 before it must be at least as many, and two hours
     * @param trainer  what fits the candidate: {@link Trainer#LOCAL} or a Flink cluster
     */
    public record Request(Dataset data, int rows, TrainingConfig config, Path registry, GateThresholds limits,
                          boolean force, Duration holdout, Trainer trainer) {

        /** A request fitted by the local trainer. */
        public Request(Dataset data, int rows, TrainingConfig config, Path registry, GateThresholds limits,
                       boolean force, Duration holdout) {
            this(data, rows, config, registry, limits, force, holdout, Trainer.LOCAL);
        }

        /** The same request fitted by {@code other}. */
        public Request fittedBy(Trainer other) {
            return new Request(data, rows, config, registry, limits, force, holdout, other);
        }

        public Request {
            if (rows < 2 || rows > data.history().steps()) {
                throw new IllegalArgumentException("window of " + rows + " rows outside the data set's "
                        + data.history().steps());
            }
            if (holdout.isNegative() || holdout.isZero()) {
                throw new IllegalArgumentException("holdout must be positive, got " + holdout);
            }
        }

        /** Every row, default gate, one day held out. */
        public static Request of(Dataset data, TrainingConfig config, Path registry, boolean force) {
            return new Request(data, data.history().steps(), config, registry, GateThresholds.defaults(), force,
                    Duration.ofDays(1));
        }
    }

    /**
     * @param status      published, forced, refused, or first
     * @param version     the version the candidate got (published or kept aside)
     * @param directory   its folder: {@code <registry>/<version>} or {@code <registry>/refused/<version>}
     * @param model       the candidate with its version and card (gate verdict, zoning)
     * @param training    cleaning and timing of its training rows
     * @param decision    the gate's decision (null for the first model)
     * @param inService   the version that was in service when the candidate was judged (null: none)
     */
    public record Result(Status status, String version, Path directory, ManifoldModel model,
                         TrainingRun.Outcome training, PromotionGate.Decision decision, String inService) {

        public boolean published() {
            return status != Status.REFUSED;
        }

        public List<String> reasons() {
            return decision == null ? List.of() : decision.reasons();
        }
    }

    private Promotion() {
    }

    public static Result run(Request request, ProgressListener progress) throws IOException {
        ModelRegistry registry = new ModelRegistry(request.registry());
        Optional<ManifoldModel> inService = registry.loadLatest();
        Dataset data = request.data();
        if (inService.isEmpty()) {
            return publishFirst(registry, fit(request, request.rows(), progress, null));
        }
        ManifoldModel service = inService.get();
        SpeedHistory window = data.history().rows(0, request.rows());
        int trainRows = trainRows(request.rows(), window.step(), request.holdout());
        TrainingRun.Outcome outcome = fit(request, trainRows, progress, anchor(service, registry));
        return judge(registry, service, outcome, HeldOutWindow.of(window, trainRows, request.config().credibility()),
                request.limits(), request.force(), data.name());
    }

    /** A candidate fitted on the window less its held-out block, with the gate's evidence of the window. */
    public record Candidate(TrainingRun.Outcome outcome, HeldOutWindow window) {
    }

    /** What fits a candidate on a streamed window and collects the gate's evidence on the way. */
    @FunctionalInterface
    public interface StreamedTrainer {
        /**
         * @param anchor the model in service (zone-id high-water mark raised to the registry's)
         */
        Candidate train(ManifoldModel anchor) throws Exception;
    }

    /**
     * {@link #run} for a trainer that streams its window instead of loading it ({@code roadcast train --flink} on a
     * shared-layout folder or wide CSV): the same gate on the same figures, from a {@link HeldOutWindow} collected
     * while the rows went by; an empty registry is an error here (the caller publishes a first model with
     * {@link #publishFirst}).
     *
     * @param datasetName for gate-report.json
     */
    public static Result runStreamed(Path registryDir, GateThresholds limits, boolean force, String datasetName,
                                     StreamedTrainer trainer) throws IOException {
        ModelRegistry registry = new ModelRegistry(registryDir);
        ManifoldModel service = registry.loadLatest().orElseThrow(() -> new IllegalStateException(
                "no model in service in " + registryDir + ": nothing to gate against"));
        Candidate candidate = training(() -> trainer.train(anchor(service, registry)));
        return judge(registry, service, candidate.outcome(), candidate.window(), limits, force, datasetName);
    }

    /**
     * Rows of a window of {@code rows} rows that the candidate is trained on: all but the held-out newest
     * {@code holdout}.
     *
     * @throws IllegalArgumentException when fewer than the held-out rows or two hours would be left
     */
    public static int trainRows(int rows, Duration step, Duration holdout) {
        long stepMillis = step.toMillis();
        int heldOutRows = HeldOutWindow.heldOutRows(step, holdout);
        int trainRows = rows - heldOutRows;
        // the candidate needs at least as many rows as it is judged on, and two hours for its lags and validation
        int minTrainRows = (int) Math.max(heldOutRows, 7_200_000L / stepMillis);
        if (trainRows < minTrainRows) {
            throw new IllegalArgumentException("the window has " + rows + " rows; after holding out "
                    + holdout + " (" + heldOutRows + " rows) for the gate, " + trainRows
                    + " are left for training, fewer than the " + minTrainRows + " needed (at least the held-out "
                    + "rows and two hours): give more days or a shorter --holdout");
        }
        return trainRows;
    }

    private static ManifoldModel anchor(ManifoldModel service, ModelRegistry registry) throws IOException {
        return withRegistryHighWater(service, registry.zoneIdHighWater());
    }

    /** The gate on a fitted candidate; published, forced or set aside. */
    private static Result judge(ModelRegistry registry, ManifoldModel service, TrainingRun.Outcome outcome,
                                HeldOutWindow window, GateThresholds limits, boolean force, String datasetName)
            throws IOException {
        PromotionGate.Decision decision = PromotionGate.check(outcome.model(), service, window.window(),
                window.heldOut(), window.cleaned(), window.recorded(), window.heldOutRow(), limits);
        Status status = decision.passed() ? Status.PUBLISHED : force ? Status.FORCED : Status.REFUSED;
        String verdict = switch (status) {
            case PUBLISHED, FIRST -> "published";
            case FORCED -> "forced";
            case REFUSED -> "refused";
        };
        ManifoldModel model = outcome.model().withCard(outcome.model().card().withGate(new ModelCard.GateVerdict(
                verdict, service.version(), decision.reasons(), decision.checks(), window.label())));
        String version;
        Path directory;
        if (status == Status.REFUSED) {
            version = registry.setAside(model, report(model, decision, service, datasetName, limits));
            directory = registry.dir().resolve(ModelRegistry.REFUSED).resolve(version);
        } else {
            version = registry.publish(model);
            directory = registry.dir().resolve(version);
        }
        return new Result(status, version, directory, model.withVersion(version), outcome, decision,
                service.version());
    }

    /**
     * Publishes the first model of a registry that has none in service (nothing to gate it against): what
     * {@link #run} does for an empty registry, for a trainer that streamed its data set instead of loading it.
     */
    public static Result publishFirst(ModelRegistry registry, TrainingRun.Outcome outcome) throws IOException {
        ManifoldModel model = outcome.model().withCard(outcome.model().card().withGate(
                new ModelCard.GateVerdict("published", null, List.of(), List.of(),
                        "none: the registry had no model in service")));
        String version = registry.publish(model);
        return new Result(Status.FIRST, version, registry.dir().resolve(version), model.withVersion(version),
                outcome, null, null);
    }

    /** The request's trainer on rows [0, trainRows); a failure other than I/O or a bad argument is an I/O error. */
    private static TrainingRun.Outcome fit(Request request, int trainRows, ProgressListener progress,
                                           ManifoldModel anchor) throws IOException {
        return training(() -> request.trainer().train(request.data(), trainRows, request.config(), progress, anchor));
    }

    /** Runs a training step; a failure other than I/O or a bad argument is an I/O error. */
    private static <T> T training(java.util.concurrent.Callable<T> step) throws IOException {
        try {
            return step.call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("training interrupted", e);
        } catch (Exception e) {
            throw new IOException("training failed: " + e.getMessage(), e);
        }
    }

    /**
     * The anchor with its zone-id high-water mark raised to the registry's, so new zones never take an id that a
     * refused candidate used for another set either.
     */
    private static ManifoldModel withRegistryHighWater(ManifoldModel anchor, int registryHighWater) {
        ModelCard.ZoningCard zoning = anchor.card().zoning();
        int own = ZoningRecord.idHighWater(anchor);
        if (registryHighWater <= own) {
            return anchor;
        }
        ModelCard.ZoningCard raised = zoning == null ? ZoningRecord.card(anchor, registryHighWater, null)
                : new ModelCard.ZoningCard(zoning.fingerprint(), zoning.anchoredTo(), registryHighWater,
                        zoning.zones(), zoning.changes());
        return anchor.withCard(anchor.card().withZoning(raised));
    }

    /** gate-report.json: why a candidate was refused, with every figure. */
    private static byte[] report(ManifoldModel candidate, PromotionGate.Decision decision, ManifoldModel service,
                                 String datasetName, GateThresholds limits) throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("verdict", "refused");
        r.put("reasons", decision.reasons());
        r.put("inService", service.version());
        r.put("dataset", datasetName);
        r.put("trainedFrom", candidate.card().trainedFrom());
        r.put("trainedTo", candidate.card().trainedTo());
        r.put("heldOut", candidate.card().gate().heldOut());
        r.put("checks", decision.checks());
        r.put("limits", limits);
        r.put("override", "roadcast retrain/train ... --force publishes it anyway");
        return JSON.writeValueAsBytes(r);
    }
}
