package roadcast.benchmark;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import roadcast.clean.HistoryCleaner;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.evaluate.Backtest;
import roadcast.evaluate.BacktestResult;
import roadcast.evaluate.EvaluationPlan;
import roadcast.evaluate.HistoricalAverage;
import roadcast.evaluate.ManifoldPredictor;
import roadcast.evaluate.NetworkPredictor;
import roadcast.evaluate.Persistence;
import roadcast.evaluate.LevelGrader;
import roadcast.evaluate.Protocol;
import roadcast.fit.TrainingConfig;
import roadcast.history.SpeedHistory;
import roadcast.report.BenchmarkCharts;
import roadcast.train.ProgressBars;
import roadcast.train.TrainingOptions;
import roadcast.train.TrainingRun;

/**
 * {@code roadcast benchmark}: trains on the protocol's training part only, then replays the whole data set through
 * persistence, the historical average and the model, and scores the test forecasts the way the papers do.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = {"Scores the model against persistence and the historical average under a published protocol.",
                "tgcn: T-GCN's 80/20 chronological split, 12 input steps, horizons 15/30/45/60 min each scored "
                        + "over every step of the forecast up to it, no masking (RMSE, MAE, Accuracy, R2, Var).",
                "standard: DCRNN / Graph WaveNet / BasicTS windows split 70/10/20, horizons 15/30/60 min scored at "
                        + "that step alone, zero targets masked (adds MAPE).",
                "kriging: coverage extension, needs --hidden FILE (CSV with a 'segment' column): those segments' "
                        + "columns are removed before training and from the live input; train on the first 80%% of "
                        + "the steps, then at every later step estimate each hidden segment now (horizon 0) and "
                        + "forecast it at every horizon; MAE/RMSE/MAPE per horizon beside kriged persistence (kNN, "
                        + "K=5, Gaussian kernel on road distance) and network-mean persistence; --predictions adds "
                        + "lower,upper.",
                "sources: the service modes of a live feed (a folder with sources.csv.gz, scored against its "
                        + "speed.csv.gz, the truth of every road): per source set, train on the first 80%% of the feed "
                        + "only (fusion included), replay the last 20%% as the stream would, and score horizon 0 "
                        + "(now) and 5..60 min of every road of sensors.csv (MAE, RMSE, Accuracy) overall and per "
                        + "class (roads with a loop, probes only, dark) beside feed persistence (loop now, else the "
                        + "newest probe of 30 min, else the network mean); one JSON block per source set.",
                "The model is trained on the training part only; its hyperparameters are chosen on a validation "
                        + "block carved from the end of that part.",
                "Every predictor is scored on the same pairs (a pair any of them cannot forecast is skipped for all); "
                        + "the JSON has each horizon's pairs, the model's 90%% band coverage, and 'by_lead': the same "
                        + "figures at each single lead step (5, 10, .. 60 min)."})
public final class BenchmarkCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(BenchmarkCommand.class);
    private static final int TRACED_SEGMENTS = 3;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "DIR",
            description = "Data set folder (shared layout) or file (.h5, .npz, long CSV).")
    Path dataset;

    @Option(names = "--sources", paramLabel = "SOURCE[,SOURCE...]", split = ";",
            description = "With --protocol sources: a service mode, the feed's sources to keep (loop, floating_car, "
                    + "cellular, other), comma-separated; repeat for several blocks (default: each probe source "
                    + "alone, then every source of the feed).")
    List<String> sources;

    @Option(names = "--dark", paramLabel = "FILE",
            description = "With --protocol sources: CSV with a 'segment' column; every feed row of those roads is "
                    + "dropped, so only the spatial model (kriging) covers them (default: none, every road keeps its "
                    + "readings).")
    Path dark;

    @Option(names = "--protocol", paramLabel = "tgcn|standard|kriging|alerts|sources", defaultValue = "tgcn",
            description = "Evaluation protocol (default: ${DEFAULT-VALUE}). alerts: incident alerts on the last 20%% "
                    + "of the steps scored against the data set's events.csv (precision, recall, detection delay).")
    String protocol;

    @Option(names = "--alerts-tune",
            description = "With --protocol alerts: first choose the detector's settings on validation carved from "
                    + "the training part (train on the first 60%% of the steps, replay 60-80%% with each setting of a "
                    + "small grid, keep the best F1 with a median delay <= --alerts-max-delay), then score the chosen "
                    + "settings on the test part. Without it the built-in defaults are scored (chosen the same way on "
                    + "a generated city, README).")
    boolean alertsTune;

    @Option(names = "--alerts-settings", paramLabel = "TEXT",
            description = "With --protocol alerts: score these detector settings instead of the ones validated "
                    + "for the data set's input (the fused-feed choice for a multi-source feed, sources.csv.gz; the "
                    + "generated-city defaults otherwise), in the "
                    + "form the benchmark prints, e.g. \"persist=3 drop=0.20 jump=0.30 up=0.25x0.00 on-track=1.00 "
                    + "area=0.50 deep=0.70+contrast\" (keys left out keep their defaults): a setting chosen on "
                    + "another city's validation, checked here. Not with --alerts-tune.")
    String alertsSettings;

    @Option(names = "--alerts-max-delay", paramLabel = "MIN", defaultValue = "10",
            description = "With --alerts-tune: the longest median detection delay a setting may have to be chosen "
                    + "(default: ${DEFAULT-VALUE} min, the issue's target on generated cities). A sparse feed (a probe "
                    + "on a road every 10-15 min) cannot confirm an incident from three readings that fast: sumo-grid "
                    + "is tuned with 15.")
    double alertsMaxDelay;

    @Option(names = "--alerts-explain", paramLabel = "FILE",
            description = "With --protocol alerts: write every step of each scored incident's road while it "
                    + "lasted, read or not (CSV: incident,start,time,observed,expected,lower,under,upstream,"
                    + "downstream,found; observed and under '-' = no reading; neighbours as id:read/expected, "
                    + "'-' = no reading; found = when the incident's first alert was raised, empty when missed): why "
                    + "each was found or missed (default: not written)")
    Path alertsExplain;

    @Option(names = "--alerts-validation-part",
            description = "With --protocol alerts: score the settings (the defaults or --alerts-settings) on the "
                    + "validation part instead of the test part (trained on the first 60%% of the steps, replayed "
                    + "60-80%%, what --alerts-tune chooses on); with --alerts-explain, the misses to study when "
                    + "designing a rule, without reading the test part. Not with --alerts-tune.")
    boolean alertsValidationPart;

    @Option(names = "--alerts-tune-with", paramLabel = "DIR", split = ",",
            description = "With --alerts-tune: also pool these data sets' validation parts (each trained on its own "
                    + "first 60%%, replayed 60-80%%; counts summed per setting) when choosing: a small city's "
                    + "validation part holds a handful of incidents, too few to choose on alone. Their test parts "
                    + "are not read (default: none, this data set's validation part alone). E.g. "
                    + "--alerts-tune-with ../shared/datasets/sumo-grid")
    List<Path> alertsTuneWith;

    @Option(names = "--hidden", paramLabel = "FILE",
            description = "With --protocol kriging (which needs it; default: none): CSV with a 'segment' column, the "
                    + "segments to hide.")
    Path hidden;

    @Option(names = "--json", paramLabel = "FILE", defaultValue = "benchmark.json",
            description = "Where to write the figures as JSON (default: ${DEFAULT-VALUE}).")
    Path json;

    @Option(names = "--predictions", paramLabel = "FILE.csv.gz",
            description = "Also write every test forecast of the model as gzip CSV issued_at,horizon_min,segment,"
                    + "predicted,lower,upper (lower/upper: the 90%% band), to re-score it independently (default: "
                    + "none).")
    Path predictions;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Also write PNG plots: RMSE and MAE by horizon, forecast vs actual for a few segments at "
                    + "15 and 60 min (default: none).")
    Path report;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Mixin
    TrainingOptions training = new TrainingOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (predictions != null && !predictions.getFileName().toString().endsWith(".gz")) {
            err.println("benchmark: --predictions " + predictions + " must end in .gz (it is written gzip-compressed)");
            return 2;
        }
        if (alertsTune && !"alerts".equalsIgnoreCase(protocol.trim())) {
            err.println("benchmark: --alerts-tune needs --protocol alerts");
            return 2;
        }
        if (alertsSettings != null && (alertsTune || !"alerts".equalsIgnoreCase(protocol.trim()))) {
            err.println("benchmark: --alerts-settings needs --protocol alerts and excludes --alerts-tune");
            return 2;
        }
        if (alertsValidationPart && (alertsTune || !"alerts".equalsIgnoreCase(protocol.trim()))) {
            err.println("benchmark: --alerts-validation-part needs --protocol alerts and excludes --alerts-tune");
            return 2;
        }
        if (alertsTuneWith != null && !alertsTuneWith.isEmpty() && !alertsTune) {
            err.println("benchmark: --alerts-tune-with needs --alerts-tune");
            return 2;
        }
        if (!(alertsMaxDelay > 0)) {
            err.println("benchmark: --alerts-max-delay must be a positive number of minutes, got " + alertsMaxDelay);
            return 2;
        }
        if ("kriging".equalsIgnoreCase(protocol.trim())) {
            return kriging(out, err);
        }
        if ("alerts".equalsIgnoreCase(protocol.trim())) {
            return alerts(out, err);
        }
        if ("sources".equalsIgnoreCase(protocol.trim())) {
            return sources(out, err);
        }
        if (sources != null || dark != null) {
            err.println("benchmark: --sources and --dark need --protocol sources");
            return 2;
        }
        if (hidden != null) {
            err.println("benchmark: --hidden needs --protocol kriging");
            return 2;
        }
        Protocol chosen;
        try {
            chosen = Protocol.parse(protocol);
        } catch (IllegalArgumentException e) {
            err.println("benchmark: " + e.getMessage());
            return 2;
        }
        Dataset data;
        try {
            data = DatasetLoader.load(dataset);
        } catch (Exception e) {
            err.println("benchmark: cannot load data set " + dataset + ": " + e.getMessage());
            return 2;
        }
        SpeedHistory history = data.history();
        EvaluationPlan plan;
        TrainingConfig config;
        try {
            plan = chosen.plan(history.steps(), history.step(), training.maxHorizon());
            config = training.toConfig(data);
        } catch (IllegalArgumentException e) {
            err.println("benchmark: " + data.name() + ": " + e.getMessage());
            return 2;
        }
        out.printf(Locale.ROOT, "%s: %d segments x %d steps of %d min; protocol %s: training on rows [0, %d), "
                        + "%d test issues from row %d%n", data.name(), history.segments(), history.steps(),
                history.step().toMinutes(), chosen.wireName(), plan.trainRows(), plan.issues(), plan.firstIssue());
        out.flush();
        TrainingRun.Outcome trained;
        try (ProgressBars bars = new ProgressBars(!quiet)) {
            trained = TrainingRun.train(data, plan.trainRows(), config, bars);
        }
        LOG.info("trained {} in {} s", trained.model(), trained.seconds());

        BacktestResult result = backtest(data, plan, trained, predictions);
        BenchmarkReport benchmark = new BenchmarkReport(data.name(), chosen, trained.seconds(),
                result.of("model").predictMsMedian(), result.of("model").predictMsP99(), trained.model().version(),
                history.segments(), history.steps(), plan.trainRows(), result);
        benchmark.writeJson(json);
        for (String line : benchmark.tableLines()) {
            out.println(line);
        }
        out.println("figures written to " + json);
        if (predictions != null) {
            out.println("test forecasts written to " + predictions);
        }
        if (report != null) {
            List<Path> files = BenchmarkCharts.write(result, data.name() + " (" + chosen.wireName() + ")",
                    history.segmentIds(), history.unit().name().toLowerCase(Locale.ROOT), history.timeZone(), report);
            out.println(files.size() + " plots written to " + report);
        }
        out.flush();
        return 0;
    }

    private int alerts(PrintWriter out, PrintWriter err) throws java.io.IOException {
        roadcast.alerts.IncidentDetector.Settings given;
        try { // before the data set loads: a typo is reported at once
            given = alertsSettings == null ? null : roadcast.alerts.IncidentDetector.Settings.parse(alertsSettings);
        } catch (IllegalArgumentException e) {
            err.println("benchmark: --alerts-settings: " + e.getMessage());
            return 2;
        }
        Dataset data;
        TrainingConfig config;
        try {
            data = DatasetLoader.load(dataset);
            config = training.toConfig(data);
        } catch (Exception e) {
            err.println("benchmark: cannot load data set " + dataset + ": " + e.getMessage());
            return 2;
        }
        List<AlertsBenchmark.Part> parts = new java.util.ArrayList<>();
        parts.add(new AlertsBenchmark.Part(data, dataset.resolve("events.csv"), config));
        for (Path other : alertsTuneWith == null ? List.<Path>of() : alertsTuneWith) {
            try {
                Dataset d = DatasetLoader.load(other);
                parts.add(new AlertsBenchmark.Part(d, other.resolve("events.csv"), training.toConfig(d)));
            } catch (Exception e) {
                err.println("benchmark: --alerts-tune-with: cannot load data set " + other + ": " + e.getMessage());
                return 2;
            }
        }
        AlertsBenchmark.Result r;
        AlertsBenchmark.Validation validation = null;
        try (ProgressBars bars = new ProgressBars(!quiet)) {
            // without a given setting, the one validated for the data set's kind of input, as serving chooses it
            // for the model it serves: the fused-feed choice for a multi-source feed, else the generated-city one
            roadcast.alerts.IncidentDetector.Settings settings = given != null ? given
                    : roadcast.alerts.IncidentDetector.Settings.forInput(data.fusion() != null);
            if (alertsTune) {
                validation = AlertsBenchmark.validate(parts, AlertsBenchmark.grid(), alertsMaxDelay, bars);
                settings = validation.chosen().settings();
            }
            r = alertsValidationPart
                    ? AlertsBenchmark.runValidation(data, dataset.resolve("events.csv"), config, settings,
                            alertsExplain, bars)
                    : AlertsBenchmark.run(data, dataset.resolve("events.csv"), config, settings, alertsExplain, bars);
        } catch (IllegalArgumentException e) {
            err.println("benchmark: " + e.getMessage());
            return 2;
        }
        if (validation != null) {
            List<AlertsBenchmark.Result> ranked = new java.util.ArrayList<>(validation.tried());
            ranked.sort(Comparator.comparingDouble(AlertsBenchmark.Result::f1).reversed());
            out.printf(Locale.ROOT, "validation (trained on the first 60%% of the steps, replayed 60-80%%%s): %d "
                    + "incidents, %d settings tried; best by F1:%n", validation.datasets().size() > 1
                    ? ", pooled over " + String.join(", ", validation.datasets()) : "",
                    validation.chosen().incidents(), ranked.size());
            for (AlertsBenchmark.Result v : ranked.subList(0, Math.min(8, ranked.size()))) {
                out.printf(Locale.ROOT, "  %s  precision %.3f recall %.3f delay %.1f min%s%n", v.settings(),
                        v.precision(), v.recall(), v.delayMinMedian(), v == validation.chosen() ? "  <- chosen" : "");
            }
            AlertsBenchmark.Result d = validation.tried().get(0);
            out.printf(Locale.ROOT, "  defaults (%s): precision %.3f recall %.3f delay %.1f min%n", d.settings(),
                    d.precision(), d.recall(), d.delayMinMedian());
        }
        AlertsBenchmark.writeJson(r, data.name(), validation, json);
        out.printf(Locale.ROOT, "%s, protocol alerts: %d incidents in %.1f %s days, %d alerts: precision %.3f, recall "
                        + "%.3f, median detection delay %.1f min, %.2f false alerts per day%n", data.name(), r.incidents(),
                r.testDays(), alertsValidationPart ? "validation" : "test", r.alerts(), r.precision(), r.recall(),
                r.delayMinMedian(), r.falseAlertsPerDay());
        out.printf(Locale.ROOT, "observable (read >= 2 times while they last): %d of %d incidents, recall %.3f%n",
                r.observableIncidents(), r.incidents(), r.observableRecall());
        out.println("detector settings: " + r.settings());
        out.println("figures written to " + json);
        out.flush();
        return 0;
    }

    private int sources(PrintWriter out, PrintWriter err) throws java.io.IOException {
        if (!java.nio.file.Files.isDirectory(dataset)) {
            err.println("benchmark: --protocol sources needs a data-set folder (sources.csv.gz, speed.csv.gz, "
                    + "sensors.csv), got " + dataset);
            return 2;
        }
        List<java.util.Set<roadcast.reading.Source>> modes = new java.util.ArrayList<>();
        java.util.Set<String> darkIds = java.util.Set.of();
        try {
            if (sources == null || sources.isEmpty()) {
                java.nio.file.Path feed = roadcast.datasets.feed.FeedDatasets.feedFile(dataset).orElseThrow(
                        () -> new IllegalArgumentException(dataset + ": no sources.csv.gz (the live feed) here"));
                modes.addAll(SourcesBenchmark.defaultModes(feed));
            } else {
                for (String mode : sources) {
                    java.util.Set<roadcast.reading.Source> set = java.util.EnumSet.noneOf(roadcast.reading.Source.class);
                    for (String name : mode.split(",")) {
                        if (!name.isBlank()) {
                            set.add(roadcast.datasets.feed.SourceFeed.source(name, "--sources", 0));
                        }
                    }
                    if (set.isEmpty()) {
                        throw new IllegalArgumentException("--sources '" + mode + "' names no source");
                    }
                    modes.add(set);
                }
            }
            if (dark != null) {
                darkIds = SourcesBenchmark.readDark(dark);
            }
        } catch (RuntimeException e) {
            err.println("benchmark: " + e.getMessage());
            return 2;
        }
        List<SourcesBenchmark.Block> blocks = new java.util.ArrayList<>();
        try (java.io.Writer w = predictions == null ? null : gzip(predictions);
             ProgressBars bars = new ProgressBars(!quiet)) {
            if (w != null) {
                w.write(SourcesBenchmark.HEADER);
                w.write('\n');
            }
            for (java.util.Set<roadcast.reading.Source> mode : modes) {
                out.printf(Locale.ROOT, "%s: protocol sources, source set %s, %d dark roads%n",
                        dataset.getFileName(), SourcesBenchmark.label(mode), darkIds.size());
                out.flush();
                SourcesBenchmark.Block block = SourcesBenchmark.run(dataset, mode, darkIds, training::toConfig, bars,
                        w);
                blocks.add(block);
                for (String line : SourcesBenchmark.tableLines(block)) {
                    out.println(line);
                }
                out.flush();
            }
        } catch (IllegalArgumentException | roadcast.datasets.DatasetFormatException e) {
            err.println("benchmark: " + e.getMessage());
            return 2;
        }
        SourcesBenchmark.writeJson(SourcesBenchmark.toJson(dataset.getFileName().toString(),
                dark == null ? null : dark.toString(), blocks), json);
        out.println("figures written to " + json);
        if (predictions != null) {
            out.println("estimates and forecasts of every road written to " + predictions);
        }
        out.flush();
        return 0;
    }

    private static java.io.Writer gzip(Path file) throws java.io.IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            java.nio.file.Files.createDirectories(parent);
        }
        return new java.io.BufferedWriter(new java.io.OutputStreamWriter(new java.util.zip.GZIPOutputStream(
                java.nio.file.Files.newOutputStream(file), 1 << 16), java.nio.charset.StandardCharsets.UTF_8), 1 << 16);
    }

    private int kriging(PrintWriter out, PrintWriter err) throws java.io.IOException {
        if (hidden == null) {
            err.println("benchmark: --protocol kriging needs --hidden FILE (CSV with a 'segment' column)");
            return 2;
        }
        Dataset data;
        List<String> hiddenIds;
        TrainingConfig config;
        try {
            data = DatasetLoader.load(dataset);
            hiddenIds = KrigingBenchmark.readHidden(hidden, data);
            config = training.toConfig(data);
        } catch (Exception e) {
            err.println("benchmark: " + e.getMessage());
            return 2;
        }
        out.printf(Locale.ROOT, "%s: %d segments x %d steps of %d min; protocol kriging: %d hidden, training on "
                        + "rows [0, %d)%n", data.name(), data.history().segments(), data.history().steps(),
                data.history().step().toMinutes(), hiddenIds.size(), (int) Math.floor(0.8 * data.history().steps()));
        out.flush();
        KrigingBenchmark.Result result;
        try (ProgressBars bars = new ProgressBars(!quiet)) {
            result = KrigingBenchmark.run(data, hiddenIds, config, bars, predictions);
        }
        KrigingBenchmark.writeJson(KrigingBenchmark.toJson(result, hidden.toString()), json);
        for (String line : KrigingBenchmark.tableLines(result)) {
            out.println(line);
        }
        if (!result.notCovered().isEmpty()) {
            out.println("not covered (no coordinates, no road path to an observed segment): " + result.notCovered());
        }
        out.println("figures written to " + json);
        if (predictions != null) {
            out.println("test estimates and forecasts written to " + predictions);
        }
        out.flush();
        return 0;
    }

    /**
     * Replays the whole history: predictors see the rows cleaned by the model's own credibility rules (as the stream
     * would), scores use the data set's recorded values.
     */
    static BacktestResult backtest(Dataset data, EvaluationPlan plan, TrainingRun.Outcome trained, Path predictionsFile)
            throws java.io.IOException {
        SpeedHistory history = data.history();
        float[][] inputs = HistoryCleaner.clean(history, trained.model().credibility()).cleaned().speed();
        float[][] targets = history.speed();
        long first = history.epochMillis(0);
        long step = history.step().toMillis();
        List<NetworkPredictor> predictors = List.of(
                new Persistence(history.segments()),
                HistoricalAverage.fit(inputs, 0, plan.trainRows(), first, step, history.timeZone()),
                new ManifoldPredictor(trained.model(), step, plan.maxSteps()));
        int[] traced = mostVariable(targets, plan, TRACED_SEGMENTS);
        int[] leads = {(int) (15 / history.step().toMinutes()), plan.maxSteps()};
        Backtest backtest = new Backtest(plan, inputs, targets, first, step);
        LevelGrader levels = levelGrader(trained.model());
        if (predictionsFile == null) {
            return backtest.run(predictors, 2, null, traced, leads, levels);
        }
        try (PredictionsWriter writer = new PredictionsWriter(predictionsFile, history.start(), history.step(),
                history.segmentIds())) {
            return backtest.run(predictors, 2, writer, traced, leads, levels);
        }
    }

    /** The model's own congestion grading (road class bands, else the ratio to its free-flow speed), by network index. */
    static LevelGrader levelGrader(roadcast.model.ManifoldModel model) {
        roadcast.congestion.CongestionGrader grader = roadcast.congestion.CongestionGrader.of(model.unit());
        return (segment, speed) -> {
            roadcast.congestion.CongestionLevel level = grader.level(model.network().segment(segment).roadClass(),
                    speed, model.freeFlowSpeed(segment));
            return level == null ? -1 : level.ordinal();
        };
    }

    /** The segments whose test targets vary most: the plots worth looking at. */
    static int[] mostVariable(float[][] targets, EvaluationPlan plan, int count) {
        int n = targets[0].length;
        double[] variance = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            double sq = 0;
            int c = 0;
            for (int t = plan.firstIssue(); t < plan.steps(); t++) {
                float v = targets[t][i];
                if (!Float.isNaN(v)) {
                    sum += v;
                    sq += (double) v * v;
                    c++;
                }
            }
            variance[i] = c < 2 ? -1 : sq / c - (sum / c) * (sum / c);
        }
        return IntStream.range(0, n).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -variance[i]).thenComparing(i -> i))
                .limit(Math.min(count, n)).mapToInt(Integer::intValue).toArray();
    }
}
