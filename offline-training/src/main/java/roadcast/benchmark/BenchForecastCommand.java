package roadcast.benchmark;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.forecast.NetworkForecast;
import roadcast.forecast.NetworkForecaster;
import roadcast.history.SpeedHistory;
import roadcast.model.ManifoldModel;
import roadcast.scratch.ScratchDirectory;
import roadcast.synthetic.CityConfig;
import roadcast.synthetic.CityGenerator;
import roadcast.synthetic.WeekProfiles;
import roadcast.train.ProgressBars;
import roadcast.train.TrainingOptions;
import roadcast.train.TrainingRun;

/**
 * {@code roadcast bench-forecast}: how long one whole-network forecast of every horizon takes on one core, on a
 * generated city of a chosen size, and what training it cost.
 */
@Command(name = "bench-forecast", mixinStandardHelpOptions = true,
        description = {"Generates a synthetic city, trains a model on it and times the full-network forecast of "
                + "every horizon on one core: warm-up, then median and p99 over many issues.",
                "Also reports training time and peak heap / resident memory of this process."})
public final class BenchForecastCommand implements Callable<Integer> {

    /** The generated city's step: 5 minutes, the step of the loop-detector data sets. */
    private static final long STEP_MILLIS = 300_000L;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--segments", paramLabel = "N", defaultValue = "2000",
            description = "Segments of the generated city (default: ${DEFAULT-VALUE}).")
    int segments;

    @Option(names = "--days", paramLabel = "D", defaultValue = "7",
            description = "Days of 5-minute history to generate and train on (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the generator (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "200",
            description = "Untimed issues before timing, so the JIT has compiled the kernel (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--issues", paramLabel = "N", defaultValue = "1000",
            description = "Timed issues (observe one row, forecast the network) (default: ${DEFAULT-VALUE}).")
    int issues;

    @Option(names = "--json", paramLabel = "FILE", defaultValue = "bench-forecast.json",
            description = "Where to write the figures (default: ${DEFAULT-VALUE}).")
    Path json;

    @Option(names = "--keep", paramLabel = "DIR",
            description = "Generate the city into DIR and keep it (default: a temporary folder, deleted).")
    Path keep;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    @Mixin
    TrainingOptions training = new TrainingOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (segments < 2 || days < 3 || warmup < 0 || issues < 1) {
            err.println("bench-forecast: need --segments >= 2, --days >= 3, --warmup >= 0 and --issues >= 1 (got "
                    + segments + ", " + days + ", " + warmup + ", " + issues + ")");
            return 2;
        }
        int timed = warmup + issues;
        int trainRows = days * (int) (86_400_000L / STEP_MILLIS) - timed;
        if (trainRows < 2 * 288) {
            err.println("bench-forecast: " + days + " days leave " + trainRows + " training rows after " + timed
                    + " warm-up and timed issues; use more --days or fewer --issues");
            return 2;
        }
        Path dir = keep != null ? keep : Files.createTempDirectory("roadcast-bench-city");
        try {
            long t0 = System.nanoTime();
            new CityGenerator(CityConfig.of(segments, days, 5, seed, WeekProfiles.sharedOrBuiltIn(seed)))
                    .generate(dir, row -> { });
            double generateSeconds = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            Dataset data = DatasetLoader.load(dir);
            double loadSeconds = (System.nanoTime() - t1) / 1e9;
            SpeedHistory history = data.history();
            if (history.steps() != trainRows + timed) {
                err.println("bench-forecast: the generated city has " + history.steps() + " steps, expected "
                        + (trainRows + timed));
                return 1;
            }
            TrainingRun.Outcome trained;
            try (ProgressBars bars = new ProgressBars(!quiet)) {
                trained = TrainingRun.train(data, trainRows, training.toConfig(data), bars);
            }
            ManifoldModel model = trained.model();
            long[] forecastNanos = new long[issues];
            long[] observeNanos = new long[issues];
            NetworkForecaster forecaster = new NetworkForecaster(model);
            NetworkForecast forecast = forecaster.newForecast();
            float[][] rows = history.speed();
            long first = history.epochMillis(0);
            long step = history.step().toMillis();
            // state warm-up on the training rows (untimed), then JIT warm-up issues, then timed issues
            for (int t = 0; t < trainRows; t++) {
                forecaster.observe(first + t * step, rows[t]);
            }
            double checksum = 0;
            try (ProgressBar bar = quiet ? null : new ProgressBarBuilder().setTaskName("timing").setInitialMax(timed)
                    .setStyle(ProgressBarStyle.ASCII).hideEta().build()) {
                for (int k = 0; k < timed; k++) {
                    int t = trainRows + k;
                    long a = System.nanoTime();
                    forecaster.observe(first + t * step, rows[t]);
                    long b = System.nanoTime();
                    forecaster.forecast(forecast);
                    long c = System.nanoTime();
                    checksum += forecast.speed(0, k % segments);
                    if (k >= warmup) {
                        observeNanos[k - warmup] = b - a;
                        forecastNanos[k - warmup] = c - b;
                    }
                    if (bar != null) {
                        bar.step();
                    }
                }
            }
            ObjectNode root = JSON.createObjectNode();
            root.put("segments", history.segments());
            root.put("zones", model.zoneCount());
            root.put("horizons", model.horizonsMin().length);
            root.put("days", days);
            root.put("train_rows", trainRows);
            root.put("train_seconds", trained.seconds());
            root.put("generate_seconds", generateSeconds);
            root.put("load_seconds", loadSeconds);
            root.put("warmup_issues", warmup);
            root.put("timed_issues", issues);
            root.put("forecast_ms_median", percentileMs(forecastNanos, 50));
            root.put("forecast_ms_p99", percentileMs(forecastNanos, 99));
            root.put("observe_ms_median", percentileMs(observeNanos, 50));
            root.put("observe_ms_p99", percentileMs(observeNanos, 99));
            root.put("peak_heap_mb", MemoryFigures.peakHeapMb());
            double rss = MemoryFigures.peakRssMb();
            if (Double.isFinite(rss)) {
                root.put("peak_rss_mb", rss);
            } else {
                root.putNull("peak_rss_mb");
            }
            root.put("checksum", checksum);
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            JSON.writeValue(json.toFile(), root);
            out.printf(Locale.ROOT, "%d segments in %d zones, %d horizons: trained on %d rows in %.1f s%n",
                    history.segments(), model.zoneCount(), model.horizonsMin().length, trainRows, trained.seconds());
            out.printf(Locale.ROOT, "whole-network forecast: median %.3f ms, p99 %.3f ms over %d issues (observe: "
                            + "median %.3f ms); peak heap %.0f MB, peak RSS %.0f MB%n", root.get("forecast_ms_median")
                            .asDouble(), root.get("forecast_ms_p99").asDouble(), issues,
                    root.get("observe_ms_median").asDouble(), root.get("peak_heap_mb").asDouble(), rss);
            out.println("figures written to " + json);
            out.flush();
            return 0;
        } finally {
            if (keep == null) {
                ScratchDirectory.deleteRecursively(dir);
            }
        }
    }

    static double percentileMs(long[] nanos, double percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }
}
