package roadcast.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import roadcast.evaluate.BacktestResult;
import roadcast.evaluate.HorizonScores;
import roadcast.evaluate.PredictorResult;
import roadcast.evaluate.Protocol;
import roadcast.evaluate.Scores;

/**
 * The outcome of one {@code roadcast benchmark} run: the JSON file and the printed table.
 *
 * @param dataset          data set name
 * @param protocol         the protocol
 * @param trainSeconds     wall time of the model's training on the training part
 * @param forecastMsMedian median wall time of one whole-network forecast of every horizon, ms
 * @param forecastMsP99    99th percentile of the same
 * @param modelVersion     version of the trained model
 * @param segments         network size
 * @param steps            rows of the data set
 * @param trainRows        rows the model was trained on
 * @param result           the backtest's scores
 */
public record BenchmarkReport(String dataset, Protocol protocol, double trainSeconds, double forecastMsMedian,
                              double forecastMsP99, String modelVersion, int segments, int steps, int trainRows,
                              BacktestResult result) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("dataset", dataset);
        root.put("protocol", protocol.wireName());
        number(root, "train_seconds", trainSeconds);
        number(root, "forecast_ms_median", forecastMsMedian);
        number(root, "forecast_ms_p99", forecastMsP99);
        root.put("model_version", modelVersion);
        root.put("segments", segments);
        root.put("steps", steps);
        root.put("train_rows", trainRows);
        root.put("first_issue_row", result.plan().firstIssue());
        root.put("test_issues", result.plan().issues());
        root.put("masking", result.plan().mask().name().toLowerCase(Locale.ROOT));
        // every predictor is scored on the same pairs (Backtest): said here so a reader need not compare the counts
        root.put("pairs_identical_for_all_predictors", true);
        root.put("band", "90%: band_coverage = share of the scored pairs inside [lower, upper]");
        ArrayNode rows = root.putArray("results");
        for (PredictorResult p : result.predictors()) {
            for (HorizonScores hs : p.horizons()) {
                Scores s = hs.scores();
                ObjectNode row = rows.addObject();
                row.put("model", p.name());
                row.put("horizon_min", hs.horizon().minutes());
                number(row, "rmse", s.rmse());
                number(row, "mae", s.mae());
                number(row, "accuracy", s.accuracy());
                number(row, "r2", s.r2());
                number(row, "var", s.var());
                if (protocol == Protocol.STANDARD) {
                    number(row, "mape", s.mape());
                }
                if (!Double.isNaN(hs.coverage())) {
                    number(row, "band_coverage", hs.coverage());
                }
                if (!p.levels().isEmpty()) {
                    // share of correctly forecast congestion levels at this lead step (persistence: the level now)
                    number(row, "level_accuracy", p.levelAccuracy(hs.horizon().minutes()));
                    // its pairs: one target per segment and issue time at the horizon's own lead step, fewer than the
                    // speed scores' pooled "pairs" (a difference of accuracy is read against these)
                    p.levels().stream().filter(l -> l.minutes() == hs.horizon().minutes()).findFirst()
                            .ifPresent(l -> row.put("level_pairs", l.pairs()));
                }
                row.put("pairs", s.pairs());
                row.put("skipped", s.skipped());
            }
        }
        ArrayNode byLead = root.putArray("by_lead");
        for (PredictorResult p : result.predictors()) {
            for (HorizonScores hs : p.leads()) {
                Scores s = hs.scores();
                ObjectNode row = byLead.addObject();
                row.put("model", p.name());
                row.put("lead_min", hs.horizon().minutes());
                number(row, "rmse", s.rmse());
                number(row, "mae", s.mae());
                number(row, "accuracy", s.accuracy());
                if (!Double.isNaN(hs.coverage())) {
                    number(row, "band_coverage", hs.coverage());
                }
                row.put("pairs", s.pairs());
                row.put("skipped", s.skipped());
            }
        }
        return root;
    }

    /** NaN and infinities have no JSON form: written as null. */
    private static void number(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }

    public void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(file.toFile(), toJson());
    }

    /** The table printed at the end of the command. */
    public List<String> tableLines() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%s, protocol %s: %d segments, %d steps, trained on %d rows in %.1f s, "
                        + "%d test issues, whole-network forecast %.3f ms median (p99 %.3f ms)", dataset,
                protocol.wireName(), segments, steps, trainRows, trainSeconds, result.plan().issues(), forecastMsMedian,
                forecastMsP99));
        boolean mape = protocol == Protocol.STANDARD;
        lines.add(String.format(Locale.ROOT, "%-20s %7s %8s %8s %8s %8s %8s%s %9s %6s %8s", "model", "horizon", "RMSE",
                "MAE", "Acc", "R2", "Var", mape ? "     MAPE" : "", "pairs", "band", "Level"));
        for (PredictorResult p : result.predictors()) {
            for (HorizonScores hs : p.horizons()) {
                Scores s = hs.scores();
                lines.add(String.format(Locale.ROOT, "%-20s %4d min %8.3f %8.3f %8.4f %8.4f %8.4f%s %9d %6s", p.name(),
                        hs.horizon().minutes(), s.rmse(), s.mae(), s.accuracy(), s.r2(), s.var(),
                        mape ? String.format(Locale.ROOT, " %7.2f%%", 100 * s.mape()) : "", s.pairs(),
                        Double.isNaN(hs.coverage()) ? "" : String.format(Locale.ROOT, "%.3f", hs.coverage()))
                        + String.format(Locale.ROOT, " %8.4f", p.levelAccuracy(hs.horizon().minutes())));
            }
        }
        lines.add("single lead steps, RMSE / MAE (" + String.join(", ", result.predictors().stream()
                .map(PredictorResult::name).toList()) + "), model band coverage:");
        int leads = result.predictors().isEmpty() ? 0 : result.predictors().get(0).leads().size();
        for (int k = 0; k < leads; k++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %3d min",
                    result.predictors().get(0).leads().get(k).horizon().minutes()));
            String band = "";
            for (PredictorResult p : result.predictors()) {
                HorizonScores hs = p.leads().get(k);
                line.append(String.format(Locale.ROOT, "  %7.3f / %7.3f", hs.scores().rmse(), hs.scores().mae()));
                if (!Double.isNaN(hs.coverage())) {
                    band = String.format(Locale.ROOT, "  band %.3f", hs.coverage());
                }
            }
            lines.add(line + band);
        }
        return lines;
    }
}
