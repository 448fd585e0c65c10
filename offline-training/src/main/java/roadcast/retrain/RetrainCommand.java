package roadcast.retrain;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import roadcast.datasets.DatasetFormatException;
import roadcast.fit.ProgressListener;
import roadcast.train.ClusterOptions;
import roadcast.train.GateOptions;
import roadcast.train.TrainCommand;
import roadcast.train.ZoneSizeOption;

/** {@code roadcast retrain}: the daily loop's offline half, once or on a schedule. */
@Command(name = "retrain", mixinStandardHelpOptions = true,
        description = {"Retrains on the newest days of the stream's history archive (roadcast stream --archive DIR: "
                + "day=YYYY-MM-DD/part-*.csv), checks the candidate with the promotion gate against the registry's "
                + "model in service, and publishes it (the running job picks it up) or keeps it aside under "
                + "REGISTRY/refused/VERSION with gate-report.json.",
                "The newest day is held out: the candidate is trained on the days before it, its zones anchored "
                        + "to the service's (zone ids kept where the data allow), and compared with the service "
                        + "on that day. The gate refuses low coverage, many rejected readings, profiles that "
                        + "drifted for many segments (a unit change, ids mapped to the wrong sensors, a clock "
                        + "shift) and a held-out MAE worse than the service's by more than the margin.",
                "Without --every/--at it runs once; with them it runs on schedule until interrupted (a refused "
                        + "run is reported and the loop goes on)."},
        exitCodeListHeading = "Exit codes (single run):%n",
        exitCodeList = {"0:published", "2:bad input (archive, options)", "3:refused by the promotion gate"})
public final class RetrainCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--archive", required = true, paramLabel = "DIR",
            description = "The stream's history archive (day=YYYY-MM-DD/part-*.csv with README.md, sensors.csv, "
                    + "edges.csv beside them), or any data set folder roadcast train reads.")
    Path archive;

    @Option(names = "--registry", required = true, paramLabel = "DIR", description = "Model registry.")
    Path registry;

    @Option(names = "--days", paramLabel = "N", defaultValue = "28",
            description = "Train on the newest N days of the archive (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--every", paramLabel = "DURATION",
            description = "Run again every DURATION (24h, 90m, 30s, 1d or PT24H) until interrupted (default: once).")
    String every;

    @Option(names = "--at", paramLabel = "HH:MM",
            description = "First run at this local time (--time-zone), then every --every (default 24h).")
    String at;

    @Option(names = "--time-zone", paramLabel = "ZONE",
            description = "Time zone of --at (default: the system's, ${DEFAULT-VALUE}).", defaultValue = "${sys:user.timezone}")
    String timeZone;

    @Option(names = "--runs", paramLabel = "N", hidden = true,
            description = "Stop the schedule after N runs (for tests).")
    Integer runs;

    @Mixin
    GateOptions gate = new GateOptions();

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    ZoneSizeOption zoneSize = new ZoneSizeOption();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Retrain.Options options;
        Schedule schedule = null;
        try {
            options = new Retrain.Options(days, zoneSize.maxZoneSize(), gate.force(), gate.thresholds(),
                    gate.holdout());
            if (every != null || at != null) {
                ZoneId zone = timeZone == null || timeZone.isBlank() ? ZoneId.systemDefault() : ZoneId.of(timeZone);
                schedule = new Schedule(every == null ? null : Schedule.parseDuration(every),
                        at == null ? null : parseAt(at), zone);
            }
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            err.println("retrain: " + e.getMessage());
            return 2;
        }
        if (schedule == null) {
            return runOnce(options, out, err);
        }
        ZonedDateTime planned = schedule.first(ZonedDateTime.now(schedule.zone()));
        for (int run = 1; runs == null || run <= runs; run++) {
            long waitMillis = Duration.between(ZonedDateTime.now(schedule.zone()), planned).toMillis();
            if (waitMillis > 0) {
                out.printf(Locale.ROOT, "retrain: next run at %s%n", planned);
                out.flush();
                try {
                    Thread.sleep(waitMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    out.println("retrain: interrupted, stopping");
                    return 0;
                }
            }
            out.printf(Locale.ROOT, "retrain: run %d at %s%n", run, ZonedDateTime.now(schedule.zone()));
            runOnce(options, out, err);
            planned = schedule.next(planned, ZonedDateTime.now(schedule.zone()));
        }
        return 0;
    }

    private int runOnce(Retrain.Options options, PrintWriter out, PrintWriter err) {
        Retrain.Result result;
        try {
            if (cluster.flink() != null && roadcast.datasets.StreamedDataset.supports(archive)) {
                // the archive is read row by row, never loaded here
                result = Retrain.runOnceStreamed(archive, registry, options, ProgressListener.NONE,
                        roadcast.train.ClusterTrainer.load(), cluster.flink(), cluster.workDir(registry),
                        cluster.parallelism());
            } else {
                result = Retrain.runOnce(archive, registry, options, ProgressListener.NONE,
                        cluster.trainer(registry));
            }
        } catch (roadcast.fit.ZoneFitException e) {
            err.println("retrain: model refused: " + e.getMessage());
            err.flush();
            return 1;
        } catch (DatasetFormatException | IllegalArgumentException | java.io.IOException e) {
            err.println("retrain: " + e.getMessage());
            err.flush();
            return 2;
        }
        out.printf(Locale.ROOT, "archive %s: %d segments, %d rows from %s to %s (the newest %d days or all there are)%n", archive,
                result.segments(), result.rows(), result.windowFrom(), result.windowTo(), options.days());
        return TrainCommand.report(result.promotion(), options.maxZoneSize(), out, err, "retrain");
    }

    private static LocalTime parseAt(String text) {
        try {
            return LocalTime.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--at '" + text + "' is not a time of day such as 03:00");
        }
    }
}
