package roadcast.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import roadcast.clean.CredibilityRules;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.fixture.FeedFixture;
import roadcast.forecast.NetworkForecast;
import roadcast.forecast.NetworkForecaster;
import roadcast.fusion.Fuser;
import roadcast.fusion.FusionModel;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;
import roadcast.reading.Source;

/** {@code roadcast train} on a data set whose history is a multi-source feed, never its ground truth. */
class TrainFromFeedTest {

    @TempDir
    Path tmp;

    @Test
    void trainsFromTheFeedWithoutReadingTheTruthAndPutsTheFusionInTheCard() throws Exception {
        // speed.csv.gz here is not even a CSV file: loading or training from it would fail
        Path dir = new FeedFixture(9, 3, 3L).write(tmp.resolve("city"), false, 5L, false);
        Path registry = tmp.resolve("registry");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new TrainCommand());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute("--dataset", dir.toString(), "--registry", registry.toString(), "--quiet", "--rank",
                "3", "--order", "1", "--lambda", "1");
        assertEquals(0, exit, out + "\n" + err);
        assertTrue(out.toString().contains("fusion (rows [0, 864) of city), reference floating_car"), out.toString());
        ManifoldModel model = new ModelRegistry(registry).loadLatest().orElseThrow();
        FusionModel fusion = model.card().fusion();
        assertNotNull(fusion, "the card carries the fusion the stream must apply");
        assertEquals(Source.FLOATING_CAR, fusion.reference());
        assertEquals(9, model.network().size(), "every road with a reading is observed");
    }

    @Test
    void trainingFromTheFeedEqualsTrainingFromTheFusedWideTable() throws Exception {
        FeedFixture fixture = new FeedFixture(9, 3, 4L);
        Path feedDir = fixture.write(tmp.resolve("feed"), true, 6L, false);
        Dataset feed = DatasetLoader.load(feedDir);
        int rows = 2 * 288 + 144;
        TrainingConfig config = TrainingConfig.defaults("city", "test", CredibilityRules.defaults(
                feed.history().unit())).withFixed(3, 1, 1.0);
        ManifoldModel fromFeed = TrainingRun.train(feed, rows, config, ProgressListener.NONE).model();
        FusionModel fusion = fromFeed.card().fusion();
        assertEquals("rows [0, " + rows + ") of feed", fusion.fittedOn(), "fitted on the training rows only");

        // the same feed fused by that fusion, written as a plain wide table beside the same network files
        String[] ids = feed.feed().segmentIds();
        float[][] fused = Fuser.fuseAll(fusion, ids, feed.feed().sources());
        Path wideDir = Files.createDirectories(tmp.resolve("wide"));
        for (String f : new String[] {"sensors.csv", "edges.csv", "README.md"}) {
            Files.copy(feedDir.resolve(f), wideDir.resolve(f));
        }
        StringBuilder csv = new StringBuilder("timestamp,").append(String.join(",", ids)).append('\n');
        DateTimeFormatter iso = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
        for (int t = 0; t < fused.length; t++) {
            csv.append(iso.format(feed.history().time(t)));
            for (float v : fused[t]) {
                csv.append(',');
                if (!Float.isNaN(v)) {
                    csv.append(Float.toString(v));
                }
            }
            csv.append('\n');
        }
        Files.writeString(wideDir.resolve("speed.csv"), csv);
        Dataset wide = DatasetLoader.load(wideDir);
        assertNull(wide.feed());
        ManifoldModel fromWide = TrainingRun.train(wide, rows, config, ProgressListener.NONE).model();

        assertEquals(fromWide.network().segments(), fromFeed.network().segments());
        assertEquals(fromWide.zoneCount(), fromFeed.zoneCount());
        for (int z = 0; z < fromFeed.zoneCount(); z++) {
            assertEquals(fromWide.zone(z), fromFeed.zone(z), "zone " + z);
        }
        NetworkForecaster a = new NetworkForecaster(fromFeed);
        NetworkForecaster b = new NetworkForecaster(fromWide);
        NetworkForecast fa = a.newForecast();
        NetworkForecast fb = b.newForecast();
        long step = feed.history().step().toMillis();
        for (int t = rows; t < rows + 24; t++) {
            a.observe(feed.history().epochMillis(t), fused[t]);
            b.observe(feed.history().epochMillis(t), wide.history().speed()[t]);
            a.forecast(fa);
            b.forecast(fb);
            for (int h = 0; h < fromFeed.horizonsMin().length; h++) {
                for (int i = 0; i < ids.length; i++) {
                    assertEquals(fb.speed(h, i), fa.speed(h, i), 0.0, "forecast at row " + t + ", lead " + h);
                }
            }
        }
        assertTrue(step > 0);
    }
}
