package roadcast.benchmark;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import roadcast.clean.HistoryCleaner;
import roadcast.datasets.Dataset;
import roadcast.datasets.csv.CsvScanner;
import roadcast.evaluate.ErrorAccumulator;
import roadcast.evaluate.MaskPolicy;
import roadcast.evaluate.Scores;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.forecast.NetworkForecast;
import roadcast.forecast.NetworkForecaster;
import roadcast.history.SpeedHistory;
import roadcast.kriging.ExtendedForecast;
import roadcast.kriging.KrigingModel;
import roadcast.kriging.NetworkKriging;
import roadcast.kriging.RoadDistances;
import roadcast.model.HorizonLeads;
import roadcast.model.ManifoldModel;
import roadcast.network.CoverageNetwork;
import roadcast.train.TrainingRun;

/**
 * {@code roadcast benchmark --protocol kriging}: coverage extension measured on held-out sensors. The hidden
 * segments' columns are removed before training and from the live input entirely; the model is trained on the
 * first 80% of the steps (T-GCN split) and, at every later step, estimates every hidden segment now (horizon 0)
 * and forecasts it at every horizon. Scored per horizon (that step alone) against the data set's recorded values,
 * beside two baselines on the same points: kriged persistence (Gaussian-kernel kNN, K = 5, weights
 * exp(-d^2 / sigma^2) on road-network distance, sigma = std of the given distances, of the observed values at issue
 * time) and network-mean persistence (mean of the observed values at issue time).
 */
public final class KrigingBenchmark {

    public static final String HEADER = "issued_at,horizon_min,segment,predicted,lower,upper";
    static final int BASELINE_K = 5;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    /** Scores of one horizon row: the model, both baselines and the model's band coverage. */
    public record Row(int horizonMin, Scores model, Scores krigedPersistence, Scores networkMean, double bandCoverage) {
    }

    /**
     * @param hidden     hidden segments that were placed (have a kriged forecast)
     * @param notCovered hidden segments that could not be placed
     */
    public record Result(String dataset, List<String> hidden, List<String> notCovered, int trainRows, int steps,
                         int issues, double trainSeconds, KrigingModel kriging, List<Row> rows, long predictions) {
    }

    private KrigingBenchmark() {
    }

    /** The {@code segment} column of a CSV; an id that is not an observed segment of the data set is an error. */
    public static List<String> readHidden(Path file, Dataset data) {
        Set<String> ids = new LinkedHashSet<>();
        try (CsvScanner in = CsvScanner.open(file)) {
            List<String> header = new ArrayList<>();
            int term = in.next();
            if (term == CsvScanner.END_OF_FILE) {
                throw new IllegalArgumentException(file + ": empty, expected a header with a 'segment' column");
            }
            header.add(in.fieldString().trim().toLowerCase(Locale.ROOT));
            while (term == CsvScanner.MORE) {
                term = in.next();
                header.add(in.fieldString().trim().toLowerCase(Locale.ROOT));
            }
            int column = header.indexOf("segment");
            if (column < 0) {
                throw new IllegalArgumentException(file + ": no 'segment' column in header " + header);
            }
            while ((term = in.next()) != CsvScanner.END_OF_FILE) {
                int c = 0;
                String id = null;
                while (true) {
                    if (c == column) {
                        id = in.fieldString().trim();
                    }
                    if (term != CsvScanner.MORE) {
                        break;
                    }
                    term = in.next();
                    c++;
                }
                if (id == null || id.isEmpty()) {
                    throw new IllegalArgumentException(file + " line " + in.line() + ": no segment id");
                }
                if (data.network().indexOf(id).isEmpty()) {
                    throw new IllegalArgumentException(file + " line " + in.line() + ": segment '" + id
                            + "' is not an observed segment of " + data.name());
                }
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException(file + ": no segments to hide");
        }
        if (ids.size() >= data.network().size()) {
            throw new IllegalArgumentException(file + ": hides every segment; nothing left to learn from");
        }
        return new ArrayList<>(ids);
    }

    public static Result run(Dataset data, List<String> hiddenIds, TrainingConfig config, ProgressListener progress,
                             Path predictionsFile) throws IOException {
        CoverageNetwork coverage = data.coverage().hide(hiddenIds);
        SpeedHistory full = data.history();
        int n = coverage.observedCount();
        int[] observedColumns = new int[n];
        for (int i = 0; i < n; i++) {
            observedColumns[i] = data.network().indexOf(coverage.all().segment(i).id()).orElseThrow();
        }
        SpeedHistory observed = columns(full, observedColumns);
        Dataset reduced = new Dataset(data.name(), coverage.observed(), observed, data.provenance(), coverage);
        int steps = full.steps();
        int trainRows = (int) Math.floor(0.8 * steps);
        TrainingRun.Outcome trained = TrainingRun.train(reduced, trainRows, config, progress);
        ManifoldModel model = trained.model();
        KrigingModel kriging = model.kriging();

        List<String> placed = new ArrayList<>();
        List<String> notCovered = new ArrayList<>();
        List<Integer> krigingIndex = new ArrayList<>();
        List<Integer> truthColumn = new ArrayList<>();
        List<Integer> coverageIndex = new ArrayList<>();
        for (String id : hiddenIds) {
            int e = kriging.indexOf(id);
            if (e < 0) {
                notCovered.add(id);
            } else {
                placed.add(id);
                krigingIndex.add(e);
                truthColumn.add(data.network().indexOf(id).orElseThrow());
                coverageIndex.add(coverage.all().indexOf(id).orElseThrow());
            }
        }
        int m = placed.size();
        // kriged-persistence baseline: K = 5 nearest observed by road distance, Gaussian kernel with the given std
        RoadDistances roads = new RoadDistances(coverage);
        RoadDistances.Neighbours[] baseline = new RoadDistances.Neighbours[m];
        for (int e = 0; e < m; e++) {
            baseline[e] = roads.nearest(coverageIndex.get(e), BASELINE_K, j -> j < n);
        }
        double sigma = roads.givenDistanceStd();
        if (!(sigma > 0)) {
            sigma = stdOfDistances(baseline);
        }

        float[][] inputs = HistoryCleaner.clean(observed, model.credibility()).cleaned().speed();
        float[][] truth = full.speed();
        int rows = kriging.rows();
        // row 0 is now, row h >= 1 the model's horizon h - 1: each scored against the truth that many steps on
        HorizonLeads leads = model.leads();
        long stepMillis = full.step().toMillis();
        long stepMin = full.step().toMinutes();
        ErrorAccumulator[] accModel = accumulators(rows);
        ErrorAccumulator[] accKnn = accumulators(rows);
        ErrorAccumulator[] accMean = accumulators(rows);
        long[] inBand = new long[rows];
        long[] banded = new long[rows];
        NetworkForecaster forecaster = new NetworkForecaster(model);
        NetworkForecast forecast = forecaster.newForecast();
        NetworkKriging layer = new NetworkKriging(model);
        ExtendedForecast out = layer.newForecast();
        double[] knn = new double[m];
        long first = full.epochMillis(0);
        long written = 0;
        try (Writer w = predictionsFile == null ? Writer.nullWriter() : gzipWriter(predictionsFile)) {
            w.write(HEADER);
            w.write('\n');
            StringBuilder line = new StringBuilder(96);
            for (int t = 0; t < steps; t++) {
                forecaster.observe(first + t * stepMillis, inputs[t]);
                if (t < trainRows) {
                    continue;
                }
                forecaster.forecast(forecast);
                layer.estimate(forecaster, forecast, out);
                float[] now = inputs[t];
                double mean = networkMean(now);
                for (int e = 0; e < m; e++) {
                    knn[e] = kernelMean(baseline[e], now, sigma);
                }
                String issued = ISO.format(full.time(t));
                for (int h = 0; h < rows; h++) {
                    int ahead = leads.rowSteps(h);
                    boolean scored = t + ahead < steps;
                    for (int e = 0; e < m; e++) {
                        int col = krigingIndex.get(e);
                        double predicted = out.speed[h][col];
                        double lo = out.lower[h][col];
                        double hi = out.upper[h][col];
                        line.setLength(0);
                        line.append(issued).append(',').append(ahead * stepMin).append(',').append(placed.get(e))
                                .append(',');
                        PredictionsWriter.appendFixed4(line, predicted);
                        line.append(',');
                        PredictionsWriter.appendFixed4(line, lo);
                        line.append(',');
                        PredictionsWriter.appendFixed4(line, hi);
                        line.append('\n');
                        w.append(line);
                        written++;
                        if (scored) {
                            // scores use the values as written, so the predictions file re-scores to the same figures
                            float y = truth[t + ahead][truthColumn.get(e)];
                            accModel[h].add(y, round4(predicted));
                            accKnn[h].add(y, knn[e]);
                            accMean[h].add(y, mean);
                            if (!Float.isNaN(y) && y != 0f) {
                                banded[h]++;
                                if (y >= round4(lo) && y <= round4(hi)) {
                                    inBand[h]++;
                                }
                            }
                        }
                    }
                }
            }
        }
        List<Row> table = new ArrayList<>(rows);
        for (int h = 0; h < rows; h++) {
            table.add(new Row((int) (leads.rowSteps(h) * stepMin), accModel[h].scores(), accKnn[h].scores(),
                    accMean[h].scores(), banded[h] == 0 ? Double.NaN : (double) inBand[h] / banded[h]));
        }
        return new Result(data.name(), placed, notCovered, trainRows, steps, steps - trainRows, trained.seconds(),
                kriging, table, written);
    }

    static double round4(double x) {
        return Double.isNaN(x) ? x : Math.round(x * 10_000.0) / 10_000.0;
    }

    private static ErrorAccumulator[] accumulators(int rows) {
        ErrorAccumulator[] a = new ErrorAccumulator[rows];
        for (int h = 0; h < rows; h++) {
            a[h] = new ErrorAccumulator(MaskPolicy.ZERO_AND_NAN);
        }
        return a;
    }

    static double networkMean(float[] row) {
        double sum = 0;
        int c = 0;
        for (float v : row) {
            if (!Float.isNaN(v)) {
                sum += v;
                c++;
            }
        }
        return c == 0 ? Double.NaN : sum / c;
    }

    /** sum w_k x_k / sum w_k, w_k = exp(-d_k^2 / sigma^2), over the neighbours with a value now. */
    static double kernelMean(RoadDistances.Neighbours nb, float[] row, double sigma) {
        double sw = 0;
        double swx = 0;
        double plain = 0;
        int c = 0;
        for (int j = 0; j < nb.size(); j++) {
            float x = row[nb.index()[j]];
            if (Float.isNaN(x)) {
                continue;
            }
            double d = nb.distance()[j] / sigma;
            double w = Math.exp(-d * d);
            sw += w;
            swx += w * x;
            plain += x;
            c++;
        }
        if (c == 0) {
            return Double.NaN;
        }
        return sw > 1e-300 ? swx / sw : plain / c;
    }

    private static double stdOfDistances(RoadDistances.Neighbours[] lists) {
        double sum = 0;
        double sq = 0;
        long c = 0;
        for (RoadDistances.Neighbours nb : lists) {
            for (double d : nb.distance()) {
                sum += d;
                sq += d * d;
                c++;
            }
        }
        return c < 2 ? 1.0 : Math.sqrt(Math.max(1e-12, sq / c - (sum / c) * (sum / c)));
    }

    private static SpeedHistory columns(SpeedHistory h, int[] columns) {
        String[] ids = new String[columns.length];
        for (int i = 0; i < columns.length; i++) {
            ids[i] = h.segmentIds()[columns[i]];
        }
        return new SpeedHistory(ids, h.start(), h.step(), h.timeZone(), h.unit(), select(h.speed(), columns),
                h.flow() == null ? null : select(h.flow(), columns),
                h.occupancy() == null ? null : select(h.occupancy(), columns));
    }

    private static float[][] select(float[][] rows, int[] columns) {
        float[][] out = new float[rows.length][columns.length];
        for (int t = 0; t < rows.length; t++) {
            for (int i = 0; i < columns.length; i++) {
                out[t][i] = rows[t][columns[i]];
            }
        }
        return out;
    }

    private static Writer gzipWriter(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(file), 1 << 16),
                StandardCharsets.UTF_8), 1 << 16);
    }

    public static ObjectNode toJson(Result r, String hiddenFile) {
        ObjectNode root = JSON.createObjectNode();
        root.put("dataset", r.dataset());
        root.put("protocol", "kriging");
        root.put("hidden_file", hiddenFile);
        root.put("hidden_segments", r.hidden().size() + r.notCovered().size());
        root.put("covered_segments", r.hidden().size());
        ArrayNode nc = root.putArray("not_covered");
        r.notCovered().forEach(nc::add);
        root.put("steps", r.steps());
        root.put("train_rows", r.trainRows());
        root.put("test_issues", r.issues());
        root.put("predictions_rows", r.predictions());
        root.put("masking", "zero_and_nan targets skipped; horizon h scored at issue + h alone");
        number(root, "train_seconds", r.trainSeconds());
        ObjectNode hp = root.putObject("kriging");
        hp.put("k", r.kriging().k());
        number(hp, "kernel_width", r.kriging().width());
        number(hp, "lambda", r.kriging().lambda());
        hp.put("level_features", r.kriging().usesLevelFeatures());
        hp.put("level_features_used", r.kriging().levelFeaturesUsed());
        hp.put("lag_feature", r.kriging().usesLagFeature());
        ArrayNode masked = hp.putArray("masked_training_mae");
        for (double v : r.kriging().maskedMae()) {
            masked.add(Math.round(v * 1000) / 1000.0);
        }
        ArrayNode rows = root.putArray("results");
        for (Row row : r.rows()) {
            ObjectNode o = rows.addObject();
            o.put("horizon_min", row.horizonMin());
            scores(o.putObject("model"), row.model());
            scores(o.putObject("kriged_persistence"), row.krigedPersistence());
            scores(o.putObject("network_mean_persistence"), row.networkMean());
            double better = Math.min(row.krigedPersistence().mae(), row.networkMean().mae());
            number(o, "mae_ratio_to_better_baseline", row.model().mae() / better);
            number(o, "band_coverage", row.bandCoverage());
        }
        return root;
    }

    private static void scores(ObjectNode o, Scores s) {
        number(o, "mae", s.mae());
        number(o, "rmse", s.rmse());
        number(o, "mape", s.mape());
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
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(file.toFile(), json);
    }

    public static List<String> tableLines(Result r) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%s kriging: %d hidden segments covered of %d; K=%d, width %.1f, "
                        + "lambda %s, level features %s, lagged neighbours %s", r.dataset(), r.hidden().size(),
                r.hidden().size() + r.notCovered().size(), r.kriging().k(), r.kriging().width(),
                r.kriging().lambda(), r.kriging().usesLevelFeatures() ? "kept" : "left out",
                r.kriging().usesLagFeature() ? "kept" : "left out"));
        lines.add("horizon   model MAE / RMSE / MAPE     kriged persistence        network mean           ratio  band");
        for (Row row : r.rows()) {
            double better = Math.min(row.krigedPersistence().mae(), row.networkMean().mae());
            lines.add(String.format(Locale.ROOT, "%4d min  %6.3f / %6.3f / %5.1f%%  %6.3f / %6.3f / %5.1f%%  "
                            + "%6.3f / %6.3f / %5.1f%%  %5.3f  %4.2f", row.horizonMin(), row.model().mae(),
                    row.model().rmse(), 100 * row.model().mape(), row.krigedPersistence().mae(),
                    row.krigedPersistence().rmse(), 100 * row.krigedPersistence().mape(), row.networkMean().mae(),
                    row.networkMean().rmse(), 100 * row.networkMean().mape(), row.model().mae() / better,
                    row.bandCoverage()));
        }
        return lines;
    }
}
