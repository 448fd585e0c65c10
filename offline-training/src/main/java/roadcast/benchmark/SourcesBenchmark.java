package roadcast.benchmark;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import roadcast.clean.HistoryCleaner;
import roadcast.datasets.Dataset;
import roadcast.datasets.csv.WideCsv;
import roadcast.datasets.csv.WideTable;
import roadcast.datasets.feed.FeedDatasets;
import roadcast.datasets.feed.FeedFilter;
import roadcast.datasets.feed.SourceFeed;
import roadcast.evaluate.ErrorAccumulator;
import roadcast.evaluate.MaskPolicy;
import roadcast.evaluate.Scores;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.forecast.NetworkForecast;
import roadcast.forecast.NetworkForecaster;
import roadcast.forecast.NowcastGain;
import roadcast.fusion.FusionModel;
import roadcast.fusion.SourceSeries;
import roadcast.history.SpeedHistory;
import roadcast.kriging.ExtendedForecast;
import roadcast.kriging.KrigingModel;
import roadcast.kriging.NetworkKriging;
import roadcast.model.HorizonLeads;
import roadcast.model.ManifoldModel;
import roadcast.network.CoverageNetwork;
import roadcast.reading.Source;
import roadcast.train.TrainingRun;

/**
 * {@code roadcast benchmark --protocol sources}: the service modes of a live feed scored against the truth of every
 * road. For one source set (a service mode): the feed keeps only those sources and drops every row of the dark
 * roads; the model (fusion included) is trained on the first 80% of the feed's steps only; the last 20% are replayed
 * as the stream would (fused, cleaned, one step at a time), and at every test step every road of sensors.csv gets
 * horizon 0 (its estimate now) and every horizon 5..60 min: observed roads from the manifold model (horizon 0 the
 * fused reading weighed against the 5-min forecast issued a step earlier, {@link NowcastGain}, gains learned on the
 * last fifth of the training rows; without a reading that prior or the model's nowcast, whichever did better there), roads without any reading from
 * the kriging layer. Each horizon h is scored at issue + h alone against the
 * data set's ground truth ({@code speed.csv.gz}; blank = no vehicle, skipped), overall and per class (roads with a
 * loop, with probes only, dark), beside feed persistence on the same points: the loop now, else the newest probe
 * reading of the last 30 min, else the network mean of those, for every horizon.
 */
public final class SourcesBenchmark {

    public static final String HEADER = "sources,issued_at,horizon_min,segment,predicted,lower,upper";
    public static final List<String> CLASSES = List.of("loop", "probes_only", "dark");
    static final Duration PERSISTENCE_WINDOW = Duration.ofMinutes(30);
    static final int NOWCAST_MIN_PAIRS = 50;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    /** Model and feed persistence on the same points of one class at one horizon. */
    public record Pair(Scores model, Scores persistence) {
    }

    /** One horizon: overall and per class (in {@link #CLASSES} order). */
    public record Row(int horizonMin, Pair overall, List<Pair> classes) {
    }

    /**
     * One source set's figures.
     *
     * @param classSizes roads per class (loop, probes only, dark)
     * @param notCovered roads of sensors.csv the model could not place (no reading, no coordinates, no road path)
     */
    public record Block(String label, List<Source> sources, int dark, int trainRows, int steps, double trainSeconds,
                        FusionModel fusion, int[] classSizes, List<String> notCovered, List<Row> rows,
                        long predictions) {
    }

    private SourcesBenchmark() {
    }

    /** The wire label of a source set, e.g. {@code loop+floating_car}. */
    public static String label(Set<Source> sources) {
        List<String> names = new ArrayList<>();
        for (Source s : EnumSet.copyOf(sources)) {
            names.add(s.name().toLowerCase(Locale.ROOT));
        }
        return String.join("+", names);
    }

    /**
     * The service modes a feed supports, when none is asked for: each probe source alone (the map provider's
     * product), then every source together.
     */
    public static List<Set<Source>> defaultModes(Path feedFile) {
        Set<Source> present = EnumSet.noneOf(Source.class);
        SourceFeed.forEach(feedFile, java.time.ZoneOffset.UTC, FeedFilter.ALL, r -> present.add(r.source()));
        List<Set<Source>> modes = new ArrayList<>();
        for (Source probe : new Source[] {Source.FLOATING_CAR, Source.CELLULAR}) {
            if (present.contains(probe) && present.size() > 1) {
                modes.add(EnumSet.of(probe));
            }
        }
        modes.add(present);
        return modes;
    }

    /**
     * Runs one source set.
     *
     * @param folder      the data set (sources.csv.gz, speed.csv.gz as truth, sensors.csv, edges.csv)
     * @param sources     the source set
     * @param dark        roads whose every feed row is dropped
     * @param configOf    the training configuration for the loaded data set
     * @param predictions where to append this block's rows (HEADER written by the caller), or null
     */
    public static Block run(Path folder, Set<Source> sources, Set<String> dark,
                            java.util.function.Function<Dataset, TrainingConfig> configOf, ProgressListener progress,
                            Writer predictions) throws IOException {
        Path feedFile = FeedDatasets.feedFile(folder).orElseThrow(() -> new IllegalArgumentException(folder
                + ": no sources.csv.gz (the live feed) here; --protocol sources needs one"));
        WideTable truth = WideCsv.read(truthFile(folder));
        Dataset loaded = FeedDatasets.load(feedFile, new FeedFilter(sources, dark));
        SpeedHistory h0 = loaded.history();
        if (!truth.step().equals(h0.step())) {
            throw new IllegalArgumentException("truth step " + truth.step() + " differs from the feed's " + h0.step());
        }
        int steps = h0.steps();
        int trainRows = (int) Math.floor(0.8 * steps);
        TrainingConfig config = configOf.apply(loaded);
        TrainingRun.Outcome trained = TrainingRun.train(loaded, trainRows, config, progress);
        ManifoldModel model = trained.model();
        // the history as the trainer fused it: fusion fitted on the training rows, tracks running through the test
        Dataset data = FeedDatasets.fittedOn(loaded, trainRows);
        SpeedHistory history = data.history();
        float[][] inputs = HistoryCleaner.clean(history, model.credibility()).cleaned().speed();
        CoverageNetwork coverage = data.coverage();
        int n = coverage.observedCount();
        KrigingModel kriging = model.kriging();

        // every road of sensors.csv: its class, its column in the truth, where its forecast comes from
        List<String> roads = new ArrayList<>();
        List<Integer> roadClass = new ArrayList<>();
        List<Integer> observedIndex = new ArrayList<>();
        List<Integer> krigingIndex = new ArrayList<>();
        List<Integer> truthColumn = new ArrayList<>();
        List<String> notCovered = new ArrayList<>();
        int[] classSizes = new int[CLASSES.size()];
        SourceSeries loops = data.feed().of(Source.LOOP);
        java.util.Map<String, Integer> truthIndex = new java.util.HashMap<>();
        for (int c = 0; c < truth.columnIds().length; c++) {
            truthIndex.put(truth.columnIds()[c], c);
        }
        for (int j = 0; j < coverage.all().size(); j++) {
            String id = coverage.all().segment(j).id();
            Integer tc = truthIndex.get(id);
            if (tc == null) {
                throw new IllegalArgumentException("road " + id + " of sensors.csv has no truth column in "
                        + truthFile(folder));
            }
            int cls;
            int e = -1;
            if (j < n) {
                cls = loops != null && hasAny(loops, j) ? 0 : 1;
            } else {
                cls = 2;
                e = kriging == null ? -1 : kriging.indexOf(id);
                if (e < 0) {
                    notCovered.add(id);
                    continue;
                }
            }
            roads.add(id);
            roadClass.add(cls);
            observedIndex.add(j < n ? j : -1);
            krigingIndex.add(e);
            truthColumn.add(tc);
            classSizes[cls]++;
        }
        int m = roads.size();
        int horizons = model.horizonsMin().length;
        // row 0 is now, row h >= 1 the model's horizon h - 1: each scored against the truth that many steps on
        HorizonLeads leads = model.leads();
        long stepMin = h0.step().toMinutes();
        long truthOffset = Duration.between(truth.start(), h0.start()).toMillis() / h0.step().toMillis();
        ErrorAccumulator[][] accModel = new ErrorAccumulator[horizons + 1][CLASSES.size() + 1];
        ErrorAccumulator[][] accPersist = new ErrorAccumulator[horizons + 1][CLASSES.size() + 1];
        for (int h = 0; h <= horizons; h++) {
            for (int c = 0; c <= CLASSES.size(); c++) {
                accModel[h][c] = new ErrorAccumulator(MaskPolicy.NONE);
                accPersist[h][c] = new ErrorAccumulator(MaskPolicy.NONE);
            }
        }
        NetworkForecaster forecaster = new NetworkForecaster(model);
        NetworkForecast forecast = forecaster.newForecast();
        NetworkKriging layer = kriging == null ? null : new NetworkKriging(model);
        ExtendedForecast extended = layer == null ? null : layer.newForecast();
        double[] now = new double[n];
        double[] persistence = new double[n];
        FeedPersistence baseline = new FeedPersistence(data.feed(), (int) (PERSISTENCE_WINDOW.toMinutes() / stepMin));
        String label = label(sources);
        long first = h0.epochMillis(0);
        long stepMillis = h0.step().toMillis();
        long written = 0;
        StringBuilder line = new StringBuilder(96);
        float[][] y = truth.values();
        // horizon 0 of an observed road: its reading weighed against the 5-min forecast of a step earlier, with a
        // gain per road learned on the last fifth of the training rows (NowcastGain)
        int validationStart = (int) Math.floor(0.8 * trainRows);
        NowcastGain gainFit = new NowcastGain(n);
        SourceSeries reference = data.feed().of(model.card().fusion().reference());
        double[] prior = new double[n];
        double[] nextPrior = new double[n];
        java.util.Arrays.fill(prior, Double.NaN);
        double[] gain = null;
        boolean priorWithoutReading = false;
        for (int t = 0; t < steps; t++) {
            forecaster.observe(first + t * stepMillis, inputs[t]);
            if (t >= validationStart && t < trainRows - 1) {
                // the target is the reference source's next reading: its noise is independent of the fused reading
                // now, which a loop's slowly changing error (a queue it misses) would not be
                forecaster.nowcast(now);
                for (int i = 0; i < n; i++) {
                    if (Float.isNaN(inputs[t][i])) {
                        gainFit.addWithoutReading(prior[i], now[i], reference.speed()[t + 1][i]);
                    } else {
                        gainFit.add(i, inputs[t][i], prior[i], reference.speed()[t + 1][i]);
                    }
                }
            }
            if (t < validationStart - 1) {
                continue;
            }
            forecaster.forecast(forecast);
            for (int i = 0; i < n; i++) {
                nextPrior[i] = forecast.speed(0, i);
            }
            if (t < trainRows) {
                System.arraycopy(nextPrior, 0, prior, 0, n);
                continue;
            }
            if (gain == null) {
                gain = gainFit.gains(NOWCAST_MIN_PAIRS);
                priorWithoutReading = gainFit.priorWithoutReading();
            }
            forecaster.nowcast(now);
            for (int i = 0; i < n; i++) {
                double fallback = priorWithoutReading && !Double.isNaN(prior[i]) ? prior[i] : now[i];
                now[i] = NowcastGain.estimate(inputs[t][i], prior[i], gain[i], fallback);
            }
            System.arraycopy(nextPrior, 0, prior, 0, n);
            if (layer != null) {
                layer.estimate(forecaster, forecast, extended);
            }
            double networkMean = baseline.at(t, persistence);
            String issued = ISO.format(h0.time(t));
            for (int h = 0; h <= horizons; h++) {
                int ahead = leads.rowSteps(h);
                long target = t + ahead + truthOffset;
                boolean scored = t + ahead < steps && target >= 0 && target < y.length;
                for (int r = 0; r < m; r++) {
                    int i = observedIndex.get(r);
                    double predicted;
                    double lo = Double.NaN;
                    double hi = Double.NaN;
                    if (i >= 0) {
                        if (h == 0) {
                            predicted = Math.max(0, now[i]);
                        } else {
                            predicted = forecast.speed(h - 1, i);
                            lo = forecast.lower(h - 1, i);
                            hi = forecast.upper(h - 1, i);
                        }
                    } else {
                        int e = krigingIndex.get(r);
                        predicted = extended.speed[h][e];
                        lo = extended.lower[h][e];
                        hi = extended.upper[h][e];
                    }
                    predicted = KrigingBenchmark.round4(predicted);
                    if (predictions != null) {
                        line.setLength(0);
                        line.append(label).append(',').append(issued).append(',').append(ahead * stepMin).append(',')
                                .append(roads.get(r)).append(',');
                        PredictionsWriter.appendFixed4(line, predicted);
                        line.append(',');
                        if (!Double.isNaN(lo)) {
                            PredictionsWriter.appendFixed4(line, lo);
                        }
                        line.append(',');
                        if (!Double.isNaN(hi)) {
                            PredictionsWriter.appendFixed4(line, hi);
                        }
                        line.append('\n');
                        predictions.append(line);
                        written++;
                    }
                    if (!scored) {
                        continue;
                    }
                    float actual = y[(int) target][truthColumn.get(r)];
                    if (Float.isNaN(actual)) {
                        continue;
                    }
                    double p = i >= 0 ? persistence[i] : networkMean;
                    if (Double.isNaN(p) || Double.isNaN(predicted)) {
                        continue;
                    }
                    int cls = roadClass.get(r);
                    accModel[h][cls].add(actual, predicted);
                    accPersist[h][cls].add(actual, p);
                    accModel[h][CLASSES.size()].add(actual, predicted);
                    accPersist[h][CLASSES.size()].add(actual, p);
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int h = 0; h <= horizons; h++) {
            List<Pair> classes = new ArrayList<>();
            for (int c = 0; c < CLASSES.size(); c++) {
                classes.add(new Pair(accModel[h][c].scores(), accPersist[h][c].scores()));
            }
            rows.add(new Row((int) (leads.rowSteps(h) * stepMin), new Pair(accModel[h][CLASSES.size()].scores(),
                    accPersist[h][CLASSES.size()].scores()), classes));
        }
        List<Source> kept = new ArrayList<>();
        data.feed().sources().forEach(s -> kept.add(s.source()));
        return new Block(label, kept, dark.size(), trainRows, steps, trained.seconds(), model.card().fusion(),
                classSizes, notCovered, rows, written);
    }

    private static boolean hasAny(SourceSeries s, int column) {
        for (int t = 0; t < s.steps(); t++) {
            if (!Float.isNaN(s.speed()[t][column]) || s.flow() != null && !Float.isNaN(s.flow()[t][column])) {
                return true;
            }
        }
        return false;
    }

    static Path truthFile(Path folder) {
        for (String name : new String[] {"speed.csv.gz", "speed.csv"}) {
            if (Files.isRegularFile(folder.resolve(name))) {
                return folder.resolve(name);
            }
        }
        throw new IllegalArgumentException(folder + ": no speed.csv.gz (the ground truth the feed is scored against)");
    }

    /**
     * Feed persistence: per observed road the loop reading now, else the newest probe reading of the window, else
     * NaN; the network mean of those for every other road.
     */
    static final class FeedPersistence {
        private final SourceSeries loop;
        private final List<SourceSeries> probes = new ArrayList<>();
        private final int window;

        FeedPersistence(SourceFeed.Grids feed, int windowSteps) {
            loop = feed.of(Source.LOOP);
            for (SourceSeries s : feed.sources()) {
                if (s.source() != Source.LOOP) {
                    probes.add(s);
                }
            }
            window = windowSteps;
        }

        /** Fills {@code out} (observed roads) at step t; returns the network mean. */
        double at(int t, double[] out) {
            double sum = 0;
            int count = 0;
            for (int i = 0; i < out.length; i++) {
                double x = loop == null ? Double.NaN : loop.speed()[t][i];
                for (int back = 0; Double.isNaN(x) && back <= window && t - back >= 0; back++) {
                    for (SourceSeries p : probes) {
                        float v = p.speed()[t - back][i];
                        if (!Float.isNaN(v)) {
                            x = v;
                            break;
                        }
                    }
                }
                out[i] = x;
                if (!Double.isNaN(x)) {
                    sum += x;
                    count++;
                }
            }
            double mean = count == 0 ? Double.NaN : sum / count;
            for (int i = 0; i < out.length; i++) {
                if (Double.isNaN(out[i])) {
                    out[i] = mean;
                }
            }
            return mean;
        }
    }

    public static ObjectNode toJson(String dataset, String darkFile, List<Block> blocks) {
        ObjectNode root = JSON.createObjectNode();
        root.put("dataset", dataset);
        root.put("protocol", "sources");
        if (darkFile == null) {
            root.putNull("dark_file");
        } else {
            root.put("dark_file", darkFile);
        }
        root.put("scoring", "against speed.csv.gz (ground truth), blank targets skipped; horizon h scored at issue + h"
                + " alone; feed persistence = loop now, else newest probe of 30 min, else network mean");
        ArrayNode list = root.putArray("blocks");
        for (Block b : blocks) {
            ObjectNode o = list.addObject();
            o.put("sources", b.label());
            o.put("dark_segments", b.dark());
            o.put("steps", b.steps());
            o.put("train_rows", b.trainRows());
            o.put("test_issues", b.steps() - b.trainRows());
            number(o, "train_seconds", b.trainSeconds());
            o.put("predictions_rows", b.predictions());
            ObjectNode sizes = o.putObject("segments");
            for (int c = 0; c < CLASSES.size(); c++) {
                sizes.put(CLASSES.get(c), b.classSizes()[c]);
            }
            ArrayNode nc = o.putArray("not_covered");
            b.notCovered().forEach(nc::add);
            o.set("fusion", JSON.valueToTree(b.fusion()));
            ArrayNode rows = o.putArray("results");
            for (Row r : b.rows()) {
                ObjectNode ro = rows.addObject();
                ro.put("horizon_min", r.horizonMin());
                pair(ro.putObject("overall"), r.overall());
                for (int c = 0; c < CLASSES.size(); c++) {
                    pair(ro.putObject(CLASSES.get(c)), r.classes().get(c));
                }
            }
        }
        return root;
    }

    private static void pair(ObjectNode o, Pair p) {
        scores(o.putObject("model"), p.model());
        scores(o.putObject("feed_persistence"), p.persistence());
        number(o, "mae_ratio", p.model().mae() / p.persistence().mae());
    }

    private static void scores(ObjectNode o, Scores s) {
        number(o, "mae", s.mae());
        number(o, "rmse", s.rmse());
        number(o, "accuracy", s.accuracy());
        o.put("pairs", s.pairs());
    }

    private static void number(ObjectNode o, String name, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            o.putNull(name);
        } else {
            o.put(name, Math.round(v * 10_000) / 10_000.0);
        }
    }

    public static void writeJson(ObjectNode json, Path file) throws IOException {
        KrigingBenchmark.writeJson(json, file);
    }

    public static List<String> tableLines(Block b) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%s: roads with a loop %d, probes only %d, dark %d%s; trained on %d of %d "
                        + "steps in %.1f s", b.label(), b.classSizes()[0], b.classSizes()[1], b.classSizes()[2],
                b.notCovered().isEmpty() ? "" : " (" + b.notCovered().size() + " not covered)", b.trainRows(),
                b.steps(), b.trainSeconds()));
        lines.add("horizon  model MAE / RMSE / Acc     feed persistence MAE / RMSE / Acc   ratio   MAE ratio loop / "
                + "probes / dark");
        for (Row r : b.rows()) {
            Pair o = r.overall();
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%4d min  %6.3f / %6.3f / %5.3f   "
                            + "%6.3f / %6.3f / %5.3f       %5.3f  ", r.horizonMin(), o.model().mae(), o.model().rmse(),
                    o.model().accuracy(), o.persistence().mae(), o.persistence().rmse(), o.persistence().accuracy(),
                    o.model().mae() / o.persistence().mae()));
            for (int c = 0; c < CLASSES.size(); c++) {
                Pair p = r.classes().get(c);
                s.append(String.format(Locale.ROOT, c == 0 ? "%5.3f" : " / %5.3f", p.model().mae()
                        / p.persistence().mae()));
            }
            lines.add(s.toString());
        }
        return lines;
    }

    /** The {@code segment} column of a CSV (the dark roads). */
    public static Set<String> readDark(Path file) {
        Set<String> ids = new TreeSet<>();
        try (roadcast.datasets.csv.CsvScanner in = roadcast.datasets.csv.CsvScanner.open(file)) {
            List<String> header = new ArrayList<>();
            int term = in.next();
            if (term == roadcast.datasets.csv.CsvScanner.END_OF_FILE) {
                throw new IllegalArgumentException(file + ": empty, expected a header with a 'segment' column");
            }
            header.add(in.fieldString().trim().toLowerCase(Locale.ROOT));
            while (term == roadcast.datasets.csv.CsvScanner.MORE) {
                term = in.next();
                header.add(in.fieldString().trim().toLowerCase(Locale.ROOT));
            }
            int column = header.indexOf("segment");
            if (column < 0) {
                throw new IllegalArgumentException(file + ": no 'segment' column in header " + header);
            }
            while ((term = in.next()) != roadcast.datasets.csv.CsvScanner.END_OF_FILE) {
                int c = 0;
                String id = null;
                while (true) {
                    if (c == column) {
                        id = in.fieldString().trim();
                    }
                    if (term != roadcast.datasets.csv.CsvScanner.MORE) {
                        break;
                    }
                    term = in.next();
                    c++;
                }
                if (id == null || id.isEmpty()) {
                    throw new IllegalArgumentException(file + " line " + in.line() + ": no segment id");
                }
                ids.add(id);
            }
        }
        return ids;
    }
}
