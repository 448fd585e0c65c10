package roadcast.synthetic;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code roadcast generate}: writes a synthetic city in the shared data layout. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Writes a synthetic city in the shared data layout (speed.csv.gz, sensors.csv, edges.csv, "
                + "events.csv, README.md): a grid road network with road classes, weekly patterns from the real "
                + "METR-LA mean week (built-in double-peak profiles when ../shared is absent), incidents whose "
                + "queues spread upstream, sensor dropouts and a few stuck sensors.",
                "The same options and seed always give byte-identical files."})
public final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--segments", defaultValue = "500", description = "number of road segments (default: ${DEFAULT-VALUE})")
    int segments;

    @Option(names = "--days", defaultValue = "14", description = "days of data (default: ${DEFAULT-VALUE})")
    int days;

    @Option(names = "--step", defaultValue = "5",
            description = "minutes between rows; must divide a week, e.g. 1, 5, 15, 60 (default: ${DEFAULT-VALUE})")
    int step;

    @Option(names = "--seed", defaultValue = "1", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", defaultValue = "synthetic-city",
            description = "output folder, created if absent; existing files are overwritten (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--start", defaultValue = "2024-01-04T00:00",
            description = "local time (UTC) of the first row, ISO-8601 (default: ${DEFAULT-VALUE}, a Thursday)")
    LocalDateTime start;

    @Option(names = "--incidents-per-segment-day", defaultValue = "0.02",
            description = "expected incidents per segment per day (default: ${DEFAULT-VALUE})")
    double incidentRate;

    @Option(names = "--built-in-profiles",
            description = "use the built-in parametric weekly profiles even when the METR-LA profile is available")
    boolean builtInProfiles;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        WeekProfiles profiles = builtInProfiles ? WeekProfiles.builtIn(64, seed) : WeekProfiles.sharedOrBuiltIn(seed);
        CityConfig config;
        try {
            config = new CityConfig(segments, days, step, seed, start, profiles, incidentRate);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        GenerationSummary summary;
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("generate").setInitialMax(config.steps())
                .setStyle(ProgressBarStyle.ASCII).setUnit(" rows", 1).build()) {
            summary = new CityGenerator(config).generate(out, bar::stepTo);
        }
        System.out.printf(Locale.ROOT, "wrote %s: %d steps x %d segments (%s), %d incidents, %d stuck sensors, "
                        + "%.3f%% missing, speed.csv.gz %.1f MB in %.1f s%n", summary.folder(), summary.steps(),
                summary.segments(), profiles.source(), summary.incidents(), summary.stuckSensors(),
                100.0 * summary.missingCells() / ((double) summary.steps() * summary.segments()),
                summary.speedBytes() / 1e6, summary.millis() / 1000.0);
        return 0;
    }
}
