package roadcast.benchmark;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.evaluate.Backtest;
import roadcast.evaluate.BacktestResult;
import roadcast.evaluate.EvaluationPlan;
import roadcast.evaluate.HorizonSpec;
import roadcast.evaluate.ManifoldPredictor;
import roadcast.evaluate.MaskPolicy;
import roadcast.evaluate.NetworkPredictor;
import roadcast.evaluate.Protocol;
import roadcast.evaluate.Scores;
import roadcast.fit.ManifoldTrainer;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.history.SpeedHistory;
import roadcast.manifold.LocalClock;
import roadcast.model.ManifoldModel;
import roadcast.skill.DayPeriod;
import roadcast.train.TrainingOptions;
import roadcast.train.TrainingRun;
import roadcast.zone.AnchoredZoning;
import roadcast.zone.Zoning;

/**
 * {@code roadcast bench-zoning}: does zone membership by period (peak vs off-peak) forecast better than one all-day
 * zoning? Measured on validation carved from the training part only (the test part is never read):
 * <ol>
 * <li>the data set's training part is its first {@code --train-share} (0.8, the T-GCN split); models are fitted on its
 * first 80% and scored on its last 20% (the validation rows), after a day of warm-up;</li>
 * <li>three zonings of the fit rows, each by the trainer's own {@link Zoning#partition} with zones of at most
 * {@code --max-zone-size}: on every row (what the trainer does), on the peak rows only (06-10 and 16-20 local) and on
 * the off-peak rows only;</li>
 * <li>a model is fitted on every fit row for each zoning (the trainer's fit, hyperparameters chosen inside it);</li>
 * <li>scored by the backtest's code at 15/30/45/60 min: the all-day model, each period's model all day, and the
 * <em>period-dependent</em> one: the peak-zoned model issues the forecasts at peak steps, the off-peak-zoned model at
 * the others (both observe every row, so each one's state is current when its period begins).</li>
 * </ol>
 */
@Command(name = "bench-zoning", mixinStandardHelpOptions = true,
        description = {"Measures zone membership by period (peak vs off-peak zonings switched by the time of day) "
                + "against one all-day zoning, on validation carved from the training part of a data set: MAE and "
                + "RMSE at 15/30/45/60 min, printed and written as JSON."})
public final class ZoningByPeriodCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int[] MINUTES = {15, 30, 45, 60};

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dataset", paramLabel = "DIR", required = true,
            description = "Data set (any layout roadcast train reads).")
    Path dataset;

    @Option(names = "--max-zone-size", paramLabel = "N", defaultValue = "64",
            description = "Most segments in one zone, small enough for several zones (default: ${DEFAULT-VALUE}).")
    int maxZoneSize;

    @Option(names = "--train-share", paramLabel = "X", defaultValue = "0.8",
            description = "Share of the rows that is the training part (default: ${DEFAULT-VALUE}, the T-GCN split); "
                    + "its last 20%% are the validation rows.")
    double trainShare;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON (default: none).")
    Path json;

    /** A zoning and the model fitted on it. */
    record Variant(String name, int[][] zones, ManifoldModel model) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!(trainShare > 0 && trainShare <= 1) || maxZoneSize < 1) {
            spec.commandLine().getErr().println("--train-share must be in (0, 1] and --max-zone-size >= 1");
            return 2;
        }
        Dataset data = DatasetLoader.load(dataset);
        SpeedHistory recorded = data.history();
        int trainRows = (int) (recorded.steps() * trainShare);
        int fitRows = trainRows - trainRows / 5;
        TrainingConfig cfg = new TrainingOptions().toConfig(data).withMaxZoneSize(maxZoneSize);
        SpeedHistory cleaned = TrainingRun.cleanedTraining(data, trainRows, cfg).cleaned();
        SpeedHistory fit = cleaned.rows(0, fitRows);
        long stepMillis = recorded.step().toMillis();
        ZoneId zone = recorded.timeZone();
        int[] profile = ManifoldTrainer.profileRows(fit.epochMillis(0), fitRows, stepMillis, zone);
        int slots = LocalClock.slotsPerDay(stepMillis);
        boolean[] peak = new boolean[fitRows];
        int peakRows = 0;
        for (int t = 0; t < fitRows; t++) {
            peak[t] = isPeak(fit.epochMillis(t), zone);
            peakRows += peak[t] ? 1 : 0;
        }
        out.printf(Locale.ROOT, "%s: %d segments; fit on rows [0, %d) (%d peak rows), validation rows [%d, %d), "
                        + "test part [%d, %d) not read; zones of at most %d%n", data.name(), recorded.segments(),
                fitRows, peakRows, fitRows, trainRows, trainRows, recorded.steps(), maxZoneSize);
        out.flush();

        List<Variant> variants = new ArrayList<>();
        variants.add(variant("all_day", Zoning.partition(data.network(), fit.speed(), profile, slots, maxZoneSize),
                fit, data, cfg));
        variants.add(variant("peak", partitionOf(data, fit, profile, peak, true, slots), fit, data, cfg));
        variants.add(variant("off_peak", partitionOf(data, fit, profile, peak, false, slots), fit, data, cfg));
        // Controls: zonings on period-independent halves of the rows (even and odd days), to show how much the score
        // moves when the zoning sees other rows at all, whatever their period.
        boolean[] evenDay = new boolean[fitRows];
        for (int t = 0; t < fitRows; t++) {
            evenDay[t] = fit.time(t).toLocalDate().toEpochDay() % 2 == 0;
        }
        variants.add(variant("even_days", partitionOf(data, fit, profile, evenDay, true, slots), fit, data, cfg));
        variants.add(variant("odd_days", partitionOf(data, fit, profile, evenDay, false, slots), fit, data, cfg));

        // The backtest over the validation rows, a day of warm-up before them.
        int maxSteps = (int) (60 * 60_000L / stepMillis);
        int from = (int) Math.max(0, fitRows - 86_400_000L / stepMillis);
        int steps = trainRows - from;
        int firstIssue = fitRows - from;
        int lastIssue = steps - 1 - maxSteps;
        List<HorizonSpec> horizons = new ArrayList<>();
        for (int m : MINUTES) {
            if (m * 60_000L % stepMillis == 0) {
                horizons.add(new HorizonSpec(m, (int) (m * 60_000L / stepMillis), false, firstIssue, lastIssue));
            }
        }
        EvaluationPlan plan = new EvaluationPlan(Protocol.TGCN, steps, firstIssue, firstIssue, lastIssue, maxSteps,
                horizons, MaskPolicy.NONE);
        Backtest backtest = new Backtest(plan, Arrays.copyOfRange(cleaned.speed(), from, trainRows),
                Arrays.copyOfRange(recorded.speed(), from, trainRows), cleaned.epochMillis(from), stepMillis);
        List<NetworkPredictor> predictors = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Variant v : variants) {
            predictors.add(new ManifoldPredictor(v.model(), stepMillis, maxSteps));
            names.add(v.name() + " zoning");
        }
        predictors.add(new ByPeriod(new ManifoldPredictor(variants.get(1).model(), stepMillis, maxSteps),
                new ManifoldPredictor(variants.get(2).model(), stepMillis, maxSteps), zone));
        names.add("by period (peak zoning at peak steps)");
        BacktestResult result = backtest.run(predictors, 0, null, new int[0], new int[0]);
        int byPeriod = predictors.size() - 1;

        ObjectNode report = JSON.createObjectNode();
        report.put("dataset", data.name());
        report.put("segments", recorded.segments());
        report.put("max_zone_size", maxZoneSize);
        report.put("fit_rows", fitRows);
        report.put("validation_rows", trainRows - fitRows);
        report.put("peak_hours", "06-10, 16-20 local");
        ObjectNode zonings = report.putObject("zonings");
        for (Variant v : variants) {
            ObjectNode z = zonings.putObject(v.name());
            z.put("zones", v.zones().length);
            z.put("rand_index_vs_all_day", randIndex(variants.get(0).zones(), v.zones(), recorded.segments()));
        }
        StringBuilder zoneLine = new StringBuilder("zones (Rand index vs all-day):");
        for (Variant v : variants) {
            zoneLine.append(String.format(Locale.ROOT, " %s %d (%.3f)", v.name(), v.zones().length,
                    zonings.get(v.name()).get("rand_index_vs_all_day").asDouble()));
        }
        out.println(zoneLine);
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-40s", "validation MAE / RMSE"));
        for (HorizonSpec h : horizons) {
            header.append(String.format(Locale.ROOT, " %17s", h.minutes() + " min"));
        }
        out.println(header);
        ArrayNode rows = report.putArray("scores");
        for (int p = 0; p < predictors.size(); p++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-40s", names.get(p)));
            ObjectNode row = rows.addObject();
            row.put("predictor", names.get(p));
            for (int k = 0; k < horizons.size(); k++) {
                Scores s = result.predictors().get(p).horizons().get(k).scores();
                ObjectNode at = row.putObject(Integer.toString(horizons.get(k).minutes()));
                at.put("mae", s.mae());
                at.put("rmse", s.rmse());
                at.put("pairs", s.pairs());
                line.append(String.format(Locale.ROOT, " %8.4f / %6.4f", s.mae(), s.rmse()));
            }
            out.println(line);
        }
        ObjectNode change = report.putObject("by_period_vs_all_day_mae_change_percent");
        boolean better = true;
        for (int k = 0; k < horizons.size(); k++) {
            double all = result.predictors().get(0).horizons().get(k).scores().mae();
            double by = result.predictors().get(byPeriod).horizons().get(k).scores().mae();
            double pct = 100.0 * (by - all) / all;
            change.put(Integer.toString(horizons.get(k).minutes()), pct);
            better &= pct < 0;
        }
        report.put("by_period_better_at_every_horizon", better);
        // Against the best zoning of one period used all day: does switching by period add anything to it?
        ObjectNode vsBest = report.putObject("by_period_vs_best_single_zoning_mae_change_percent");
        for (int k = 0; k < horizons.size(); k++) {
            double best = Double.POSITIVE_INFINITY;
            for (int p = 0; p < 3; p++) { // all-day, peak, off-peak zonings (the controls are reported apart)
                best = Math.min(best, result.predictors().get(p).horizons().get(k).scores().mae());
            }
            double by = result.predictors().get(byPeriod).horizons().get(k).scores().mae();
            vsBest.put(Integer.toString(horizons.get(k).minutes()), 100.0 * (by - best) / best);
        }
        out.printf(Locale.ROOT, "by period vs all-day, MAE change %%: %s%n", change);
        out.printf(Locale.ROOT, "by period vs the best single zoning, MAE change %%: %s%n", vsBest);
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            JSON.writeValue(json.toFile(), report);
            out.println("written to " + json);
        }
        out.flush();
        return 0;
    }

    private static Variant variant(String name, int[][] zones, SpeedHistory fit, Dataset data, TrainingConfig cfg) {
        ManifoldModel model = ManifoldTrainer.fit(fit, data.network(), cfg, ProgressListener.NONE,
                AnchoredZoning.fresh(zones), null);
        return new Variant(name, zones, model);
    }

    /** The trainer's partition on the rows of one period only ({@code peak} rows or the others). */
    private int[][] partitionOf(Dataset data, SpeedHistory fit, int[] profile, boolean[] peak, boolean want,
                                int slots) {
        List<float[]> rows = new ArrayList<>();
        List<Integer> profileRows = new ArrayList<>();
        for (int t = 0; t < peak.length; t++) {
            if (peak[t] == want) {
                rows.add(fit.speed()[t]);
                profileRows.add(profile[t]);
            }
        }
        return Zoning.partition(data.network(), rows.toArray(new float[0][]),
                profileRows.stream().mapToInt(Integer::intValue).toArray(), slots, maxZoneSize);
    }

    static boolean isPeak(long epochMillis, ZoneId zone) {
        LocalTime local = Instant.ofEpochMilli(epochMillis).atZone(zone).toLocalTime();
        DayPeriod p = DayPeriod.of(local.getHour() * 60 + local.getMinute());
        return p == DayPeriod.AM_PEAK || p == DayPeriod.PM_PEAK;
    }

    /** Share of segment pairs on which two zonings agree (both together or both apart). */
    static double randIndex(int[][] a, int[][] b, int n) {
        int[] za = zoneOf(a, n);
        int[] zb = zoneOf(b, n);
        long agree = 0;
        long pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                agree += (za[i] == za[j]) == (zb[i] == zb[j]) ? 1 : 0;
                pairs++;
            }
        }
        return pairs == 0 ? 1.0 : (double) agree / pairs;
    }

    private static int[] zoneOf(int[][] zones, int n) {
        int[] out = new int[n];
        for (int z = 0; z < zones.length; z++) {
            for (int i : zones[z]) {
                out[i] = z;
            }
        }
        return out;
    }

    /**
     * The period-dependent model: two models observe every row; the one of the issue step's period forecasts (the
     * peak-zoned one at peak steps).
     */
    static final class ByPeriod implements NetworkPredictor {
        private final NetworkPredictor peak;
        private final NetworkPredictor offPeak;
        private final ZoneId zone;
        private boolean peakNow;

        ByPeriod(NetworkPredictor peak, NetworkPredictor offPeak, ZoneId zone) {
            this.peak = peak;
            this.offPeak = offPeak;
            this.zone = zone;
        }

        @Override
        public String name() {
            return "by-period";
        }

        @Override
        public void observe(long stepMillis, float[] row) {
            peak.observe(stepMillis, row);
            offPeak.observe(stepMillis, row);
            peakNow = isPeak(stepMillis, zone);
        }

        @Override
        public void predict(double[][] out) {
            (peakNow ? peak : offPeak).predict(out);
        }
    }
}
