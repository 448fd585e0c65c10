package roadcast.train;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.datasets.StreamedDataset;
import roadcast.fit.TrainingConfig;
import roadcast.fit.ZoneFitException;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelCard;
import roadcast.model.ModelRegistry;
import roadcast.promote.Promotion;
import roadcast.skill.DayPeriod;
import roadcast.skill.SkillTable;

/** {@code roadcast train}: load, clean, zone, fit, validate and publish a new model version. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Trains a manifold forecasting model on a data set and publishes it as a new version in a "
                + "model registry.",
                "Loads the data set, cleans it with the credibility rules the stream uses (counts are printed), "
                        + "splits the network into zones, chooses hyperparameters per zone on the last part of the "
                        + "training rows, refits, and prints validation RMSE per horizon and the skill against "
                        + "persistence and the historical average.",
                "When the registry already has a model in service, the newest day is held out, the zones are "
                        + "anchored to the service's, and the promotion gate (coverage, rejected share, profile "
                        + "drift, held-out MAE against the service) decides: a refused candidate is kept under "
                        + "DIR/refused/VERSION with gate-report.json, latest does not move and the exit code is 3 "
                        + "(--force publishes it anyway)."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:published", "2:bad input (data set, options)", "3:refused by the promotion gate"})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "DIR",
            description = "Data set to train on: a shared-layout folder (speed.csv.gz, sensors.csv, edges.csv), a "
                    + "folder with a live feed of several sources (sources.csv.gz: trained from the feed alone, "
                    + "its sources fused by a fusion learned from it and kept in the model card; a speed.csv.gz "
                    + "beside it is not read), a pandas .h5, a PEMS .npz, a long CSV, or the history archive of "
                    + "the stream job "
                    + "(roadcast stream --archive DIR: day=YYYY-MM-DD/part-*.csv) for the daily retrain.")
    Path dataset;

    @Option(names = "--until", paramLabel = "TIMESTAMP",
            description = "Train only on rows before this local time of the data set, e.g. 2012-03-06T00:00 "
                    + "(default: every row).")
    String until;

    @Option(names = "--registry", paramLabel = "DIR", defaultValue = "registry",
            description = "Model registry folder; the new version is written below it (default: ${DEFAULT-VALUE}).")
    Path registry;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Mixin
    GateOptions gate = new GateOptions();

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    TrainingOptions training = new TrainingOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LocalDateTime limit = null;
        if (until != null) {
            try {
                limit = LocalDateTime.parse(until);
            } catch (DateTimeParseException e) {
                err.println("train: --until '" + until + "' is not an ISO local time such as 2012-03-06T00:00");
                return 2;
            }
        }
        if (cluster.flink() != null && StreamedDataset.supports(dataset)) {
            return streamed(out, err, limit);
        }
        Dataset data;
        try {
            data = DatasetLoader.load(dataset);
        } catch (Exception e) {
            err.println("train: cannot load data set " + dataset + ": " + e.getMessage());
            return 2;
        }
        int rows = data.history().steps();
        if (limit != null) {
            rows = TrainingRun.rowsBefore(data.history(), limit);
        }
        int minRows = (int) (2 * 86_400_000L / data.history().step().toMillis());
        if (rows < minRows) {
            err.println("train: only " + rows + " rows of " + data.name() + " before " + (until == null ? "the end" : until)
                    + "; at least two days (" + minRows + " rows) are needed");
            return 2;
        }
        TrainingConfig config;
        try {
            config = training.toConfig(data);
        } catch (IllegalArgumentException e) {
            err.println("train: " + e.getMessage());
            return 2;
        }
        out.printf(Locale.ROOT, "data set %s: %d segments, %d steps of %d min from %s; training on %d rows%n",
                data.name(), data.history().segments(), data.history().steps(), data.history().step().toMinutes(),
                data.history().start(), rows);
        Promotion.Result result;
        try (ProgressBars bars = new ProgressBars(!quiet)) {
            Promotion.Request request = new Promotion.Request(data, rows, config, registry, gate.thresholds(),
                    gate.force(), gate.holdout()).fittedBy(cluster.trainer(registry));
            result = Promotion.run(request, bars);
        } catch (ZoneFitException e) {
            err.println("train: model refused: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("train: " + e.getMessage());
            return 2;
        }
        return report(result, config.maxZoneSize(), out, err, "train");
    }

    /**
     * {@code --flink} on a data set the driver can stream (a shared-layout folder or wide CSV): the history is never
     * loaded here; the driver reads it row by row (up to {@code --until}), keeps the rows on local disk, and the
     * cluster fits the zones. With a model in service the promotion gate's evidence (cleaning counts, the newest day
     * and the held-out block) is collected on the way and the candidate is judged as a loaded run judges it. The
     * same model and the same verdict as the loaded path.
     */
    private int streamed(PrintWriter out, PrintWriter err, LocalDateTime limit) throws Exception {
        StreamedDataset data;
        try {
            data = DatasetLoader.openStreamed(dataset);
        } catch (Exception e) {
            err.println("train: cannot load data set " + dataset + ": " + e.getMessage());
            return 2;
        }
        try (data) {
            return streamed(data, out, err, limit);
        }
    }

    private int streamed(StreamedDataset data, PrintWriter out, PrintWriter err, LocalDateTime limit)
            throws Exception {
        Dataset header = data.header();
        TrainingConfig config;
        int maxRows = Integer.MAX_VALUE;
        try {
            config = training.toConfig(header);
            if (limit != null) {
                maxRows = TrainingRun.rowsBefore(header.history().start(), header.history().step(), limit,
                        Integer.MAX_VALUE);
            }
        } catch (IllegalArgumentException e) {
            err.println("train: " + e.getMessage());
            return 2;
        }
        boolean inService = new ModelRegistry(registry).latest().isPresent();
        out.printf(Locale.ROOT, "data set %s: %d segments, steps of %d min from %s, read row by row (the driver "
                        + "does not load it); training on %s%s%n", header.name(), header.history().segments(),
                header.history().step().toMinutes(), header.history().start(),
                until == null ? "every row" : "the rows before " + until,
                inService ? ", less the held-out " + gate.holdout() + " the promotion gate judges on" : "");
        int minRows = (int) (2 * 86_400_000L / header.history().step().toMillis());
        Promotion.Result result;
        try (ProgressBars bars = new ProgressBars(!quiet)) {
            ClusterTrainer trainer = ClusterTrainer.load();
            String workDir = cluster.workDir(registry);
            if (inService) {
                final int window = maxRows;
                final TrainingConfig fitConfig = config;
                result = Promotion.runStreamed(registry, gate.thresholds(), gate.force(), header.name(),
                        anchor -> trainer.trainStreamedGated(data, 0, window, gate.holdout(), fitConfig,
                                cluster.flink(), workDir, cluster.parallelism(), bars, anchor));
            } else {
                TrainingRun.Outcome outcome = trainer.trainStreamed(data, 0, maxRows, config, cluster.flink(),
                        workDir, cluster.parallelism(), bars);
                if (outcome.trainRows() < minRows) {
                    err.println("train: only " + outcome.trainRows() + " rows of " + header.name() + " before "
                            + (until == null ? "the end" : until) + "; at least two days (" + minRows
                            + " rows) are needed");
                    return 2;
                }
                result = Promotion.publishFirst(new ModelRegistry(registry), outcome);
            }
        } catch (ZoneFitException e) {
            err.println("train: model refused: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("train: " + e.getMessage());
            return 2;
        }
        return report(result, config.maxZoneSize(), out, err, "train");
    }

    /** Prints the training summary and the gate's verdict; the exit code (0 published, 3 refused). */
    public static int report(Promotion.Result result, int maxZoneSize, PrintWriter out, PrintWriter err,
                             String command) {
        for (String line : summary(result.model(), result.training(), maxZoneSize)) {
            out.println(line);
        }
        for (String line : gateLines(result)) {
            out.println(line);
        }
        Path file = result.directory().resolve(ModelRegistry.MODEL_FILE).toAbsolutePath().normalize();
        if (result.status() == Promotion.Status.REFUSED) {
            out.flush();
            err.printf(Locale.ROOT, "%s: candidate %s REFUSED by the promotion gate; %s stays latest. Kept aside in "
                    + "%s (gate-report.json says why); --force publishes it anyway.%n", command, result.version(),
                    result.inService(), result.directory().toAbsolutePath().normalize());
            for (String reason : result.reasons()) {
                err.println("  - " + reason);
            }
            err.flush();
            return 3;
        }
        out.printf(Locale.ROOT, "published model %s to %s%s%n", result.version(), file,
                result.status() == Promotion.Status.FORCED ? " (refused by the gate, published with --force)" : "");
        out.flush();
        return 0;
    }

    /** Zoning and gate lines: zones kept/new against the service, each check with its figure. */
    static List<String> gateLines(Promotion.Result result) {
        List<String> lines = new ArrayList<>();
        ModelCard card = result.model().card();
        ModelCard.ZoningCard zoning = card.zoning();
        if (zoning != null && zoning.changes() != null) {
            ModelCard.ZoningChanges c = zoning.changes();
            lines.add(String.format(Locale.ROOT, "zoning anchored to %s: %d zones kept, %d new %s, %d removed %s "
                            + "(split %s, merged %s), %d segments moved, %d added, %d removed; fingerprint %s",
                    zoning.anchoredTo(), c.kept().size(), c.created().size(), c.created(), c.removed().size(),
                    c.removed(), c.split(), c.merged(), c.segmentsMoved(), c.segmentsAdded().size(),
                    c.segmentsRemoved().size(), zoning.fingerprint().substring(0, 12)));
        } else if (zoning != null) {
            lines.add("zoning: fresh, fingerprint " + zoning.fingerprint().substring(0, 12));
        }
        if (result.decision() != null) {
            lines.add("promotion gate against " + result.inService() + ", held out " + card.gate().heldOut() + ":");
            for (ModelCard.GateCheck check : result.decision().checks()) {
                lines.add(String.format(Locale.ROOT, "  %-23s %8.4f  limit %8.4f  %s  %s", check.name(), check.value(),
                        check.limit(), check.passed() ? "pass" : "FAIL", check.detail()));
            }
        }
        return lines;
    }

    /** The lines printed after training: cleaning, zones, hyperparameters, validation, skill, time. */
    static List<String> summary(ManifoldModel model, TrainingRun.Outcome outcome, int maxZoneSize) {
        List<String> lines = new ArrayList<>(outcome.cleaning().summaryLines());
        int zones = model.zoneCount();
        int smallest = Integer.MAX_VALUE;
        int largest = 0;
        for (int z = 0; z < zones; z++) {
            smallest = Math.min(smallest, model.zone(z).size());
            largest = Math.max(largest, model.zone(z).size());
        }
        lines.add(String.format(Locale.ROOT, "zones: %d (%d..%d segments, at most %d)", zones, smallest, largest,
                maxZoneSize));
        ModelCard card = model.card();
        ModelCard.CoverageCard coverage = card.coverage();
        if (coverage != null) {
            lines.add(String.format(Locale.ROOT, "coverage: %d roads without history forecast by kriging; %d excluded"
                    + " (no coordinates and no road path to an observed segment)%s", coverage.extended(),
                    coverage.excluded(), coverage.excluded() == 0 ? "" : ": " + String.join(", ",
                    coverage.excludedIds().subList(0, Math.min(20, coverage.excludedIds().size())))
                    + (coverage.excluded() > 20 ? " ..." : "")));
        }
        if (card.fusion() != null) {
            lines.addAll(card.fusion().summaryLines());
        }
        Map<String, Integer> choices = new TreeMap<>();
        for (ModelCard.ZoneChoice c : card.hyperparameters()) {
            choices.merge(String.format(Locale.ROOT, "r=%d p=%d lambda=%s", c.rank(), c.order(), c.lambda()), 1,
                    Integer::sum);
        }
        lines.add("hyperparameters (searched " + card.searchGrid() + "):");
        choices.forEach((k, v) -> lines.add("  " + k + " in " + v + " zone" + (v == 1 ? "" : "s")));
        ModelCard.ValidationMetrics v = card.validation();
        if (v != null && v.horizonsMin() != null) {
            lines.add("validation RMSE per horizon (model / persistence / historical average):");
            for (int h = 0; h < v.horizonsMin().size(); h++) {
                lines.add(String.format(Locale.ROOT, "  %3d min  %8.3f  %8.3f  %8.3f", v.horizonsMin().get(h),
                        v.rmse().get(h), v.rmsePersistence().get(h), v.rmseHistoricalAverage().get(h)));
            }
        }
        SkillTable skill = model.skill();
        int[] horizons = model.horizonsMin();
        StringBuilder s = new StringBuilder("skill (mean over segments, 1 - RMSE / best baseline):");
        for (int h = 0; h < horizons.length; h++) {
            if (horizons[h] % 15 == 0) {
                s.append(String.format(Locale.ROOT, " %d min %.3f", horizons[h], skill.meanSkill(h, DayPeriod.ALL_DAY)));
            }
        }
        lines.add(s.toString());
        lines.add(String.format(Locale.ROOT, "trained on %d rows in %.1f s", outcome.trainRows(), outcome.seconds()));
        return lines;
    }
}
