package roadcast.replay;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.history.SpeedHistory;
import roadcast.ingest.ReadingParser;
import roadcast.reading.SpeedReading;

/** {@code roadcast replay}: a recorded data set sent to Kafka as if it were arriving live. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replays a data set to Kafka as a live feed of speed readings: one JSON record per segment and "
                + "time step (key = segment id), all segments of a step together, steps paced by --speedup.",
                "Cells without a speed (gaps) are not sent, as a real feed would not send them."})
public final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "DIR",
            description = "Data set to replay: a shared-layout folder (speed.csv.gz, sensors.csv, edges.csv, README.md),"
                    + " a pandas .h5, a PEMS .npz or a CSV file.")
    Path dataset;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--speedup", paramLabel = "X", defaultValue = "60",
            description = "Event-time seconds per wall-clock second: with X a 5-minute step is sent every 300/X s "
                    + "(default: ${DEFAULT-VALUE}, a step every 5 s); 0 sends as fast as possible.")
    double speedup;

    @Option(names = "--from", paramLabel = "TIME",
            description = "First time step to send, ISO-8601: local time of the data set (2012-03-01T08:00) or with "
                    + "offset (2012-03-01T16:00Z). Default: the data set's first step.")
    String from;

    @Option(names = "--topic", defaultValue = "roadcast.speed",
            description = "Input topic of the forecasting job (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Stop after N records (default: ${DEFAULT-VALUE} = the whole data set).")
    long limit;

    @Override
    public Integer call() throws Exception {
        var err = spec.commandLine().getErr();
        var out = spec.commandLine().getOut();
        if (!(speedup >= 0) || Double.isInfinite(speedup)) {
            err.println("--speedup must be 0 (as fast as possible) or a positive number, got " + speedup);
            return 2;
        }
        if (limit < 0) {
            err.println("--limit must be 0 (no limit) or positive, got " + limit);
            return 2;
        }
        Dataset data;
        try {
            data = DatasetLoader.load(dataset);
        } catch (RuntimeException e) {
            err.println("cannot read data set " + dataset + ": " + e.getMessage());
            return 2;
        }
        SpeedHistory history = data.history();
        if (history.steps() == 0) {
            err.println("data set " + dataset + " has no time steps");
            return 2;
        }
        FeedReplay feed;
        if (from == null) {
            feed = FeedReplay.of(data);
        } else {
            Long fromMillis = ReadingParser.parseIsoTime(from, history.timeZone());
            if (fromMillis == null) {
                err.println("--from '" + from + "' is not an ISO-8601 date-time such as 2012-03-01T08:00");
                return 2;
            }
            if (fromMillis > history.epochMillis(history.steps() - 1)) {
                err.println("--from " + from + " is after the last step of " + data.name() + " ("
                        + history.time(history.steps() - 1) + ")");
                return 2;
            }
            feed = FeedReplay.from(data, Instant.ofEpochMilli(fromMillis));
        }
        int firstRow = feed.row();
        int steps = history.steps() - firstRow;
        long barSteps = limit == 0 ? steps : Math.min(steps, (limit + history.segments() - 1) / history.segments());
        out.printf(Locale.ROOT, "replaying %s: %d steps x %d segments from %s, step %s, speedup %s, to %s at %s%n",
                data.name(), steps, history.segments(), history.time(firstRow), history.step(),
                speedup == 0 ? "max" : speedup, topic, bootstrapServers);
        out.printf(Locale.ROOT, "source: %s%n", feed.source());

        PublishSummary summary;
        try (FeedPublisher publisher = new FeedPublisher(bootstrapServers, topic, speedup);
             ProgressBar bar = new ProgressBarBuilder().setTaskName("replay").setInitialMax(barSteps)
                     .setStyle(ProgressBarStyle.ASCII).setUnit(" steps", 1).continuousUpdate().build()) {
            // Ctrl-C: stop sending, and hold the JVM until the records already handed over are flushed.
            CountDownLatch flushed = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                publisher.stop();
                try {
                    flushed.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "replay-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            publisher.onStep((time, n) -> {
                bar.step();
                bar.setExtraMessage(Instant.ofEpochMilli(time).toString());
            });
            try {
                summary = publisher.publish(feed, limit);
            } finally {
                flushed.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: nothing to remove
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            err.println("cannot publish to Kafka at " + bootstrapServers + ": " + e.getMessage());
            return 1;
        }
        out.printf(Locale.ROOT, "sent %d records in %d steps (%d acknowledged, %d failed, %d gaps skipped) in %.1f s,"
                        + " %.0f records/s%s%n", summary.sent(), summary.steps(), summary.acknowledged(), summary.failed(),
                summary.skipped(), summary.elapsedMillis() / 1000.0, summary.perSecond(),
                summary.stopped() ? " (stopped)" : "");
        if (summary.failed() > 0) {
            err.println("first send error: " + summary.firstError());
            return 1;
        }
        return 0;
    }
}
