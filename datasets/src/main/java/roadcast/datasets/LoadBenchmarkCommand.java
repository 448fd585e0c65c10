package roadcast.datasets;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import roadcast.synthetic.CityConfig;
import roadcast.synthetic.CityGenerator;
import roadcast.synthetic.GenerationSummary;
import roadcast.synthetic.WeekProfiles;

/** {@code roadcast bench-load}: how fast a large city is written and read back. */
@Command(name = "bench-load", mixinStandardHelpOptions = true,
        description = {"Measures data loading: generates a synthetic city (unless --data points at an existing "
                + "folder or file), loads it with DatasetLoader, prints the figures and writes them as JSON.",
                "Run with enough heap for the matrix: 20,000 segments x 30 days x 5 min = 690 MB of floats."})
public final class LoadBenchmarkCommand implements Callable<Integer> {

    @Option(names = "--segments", defaultValue = "20000", description = "segments to generate (default: ${DEFAULT-VALUE})")
    int segments;

    @Option(names = "--days", defaultValue = "30", description = "days to generate (default: ${DEFAULT-VALUE})")
    int days;

    @Option(names = "--step", defaultValue = "5", description = "minutes per row (default: ${DEFAULT-VALUE})")
    int step;

    @Option(names = "--seed", defaultValue = "1", description = "generator seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--work", defaultValue = "bench-city",
            description = "folder to generate into (default: ${DEFAULT-VALUE}); reused if it already holds speed.csv.gz "
                    + "and --regenerate is not given")
    Path work;

    @Option(names = "--regenerate", description = "generate even when --work already holds a city")
    boolean regenerate;

    @Option(names = "--data", description = "load this data set (default: a generated city, see --work)")
    Path data;

    @Option(names = "--json", defaultValue = "bench-load.json", description = "where to write the figures (default: ${DEFAULT-VALUE})")
    Path json;

    @Override
    public Integer call() throws IOException {
        Path target = data;
        long generateMillis = -1;
        if (target == null) {
            target = work;
            if (regenerate || !Files.isRegularFile(work.resolve("speed.csv.gz"))) {
                CityConfig config = CityConfig.of(segments, days, step, seed, WeekProfiles.sharedOrBuiltIn(seed));
                GenerationSummary summary;
                try (ProgressBar bar = new ProgressBarBuilder().setTaskName("generate").setInitialMax(config.steps())
                        .setStyle(ProgressBarStyle.ASCII).build()) {
                    summary = new CityGenerator(config).generate(work, bar::stepTo);
                }
                generateMillis = summary.millis();
            }
        }
        System.gc();
        long before = usedHeap();
        long t0 = System.nanoTime();
        Dataset dataset = DatasetLoader.load(target);
        long loadMillis = (System.nanoTime() - t0) / 1_000_000;
        long after = usedHeap();
        int steps = dataset.history().steps();
        int n = dataset.history().segments();
        double cells = (double) steps * n;
        long bytes = Files.isDirectory(target) && Files.isRegularFile(target.resolve("speed.csv.gz"))
                ? Files.size(target.resolve("speed.csv.gz")) : Files.isRegularFile(target) ? Files.size(target) : -1;
        String text = String.format(Locale.ROOT, "{\"benchmark\":\"load\",\"data\":\"%s\",\"steps\":%d,"
                        + "\"segments\":%d,\"cells\":%.0f,\"fileBytes\":%d,\"generateMillis\":%d,\"loadMillis\":%d,"
                        + "\"cellsPerSecond\":%.0f,\"heapGrowthBytes\":%d,\"maxHeapBytes\":%d,\"cores\":%d}%n",
                target.toString().replace("\\", "/").replace("\"", "'"), steps, n, cells, bytes, generateMillis,
                loadMillis, cells / Math.max(1, loadMillis) * 1000, after - before, Runtime.getRuntime().maxMemory(),
                Runtime.getRuntime().availableProcessors());
        Files.writeString(json, text);
        System.out.printf(Locale.ROOT, "generate: %s%nload: %d steps x %d segments (%.1f M cells, %.1f MB gz) in %.2f s"
                        + " = %.1f M cells/s, heap +%.0f MB%nwrote %s%n",
                generateMillis < 0 ? "skipped (existing data)" : String.format(Locale.ROOT, "%.1f s", generateMillis / 1000.0),
                steps, n, cells / 1e6, bytes / 1e6, loadMillis / 1000.0, cells / Math.max(1, loadMillis) / 1000,
                (after - before) / 1e6, json);
        return 0;
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
