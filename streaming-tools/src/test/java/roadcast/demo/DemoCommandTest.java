package roadcast.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.fit.ProgressListener;
import roadcast.history.SpeedHistory;
import roadcast.model.ModelRegistry;
import roadcast.publish.DayArchive;
import roadcast.train.TrainingRun;
import roadcast.synthetic.CityConfig;
import roadcast.synthetic.CityGenerator;
import roadcast.synthetic.WeekProfiles;

/** The whole demo on a small generated city: broker, training, replay, job, summary JSON. */
class DemoCommandTest {

    @TempDir
    Path tmp;

    @Test
    void shortRunWritesASummaryWithForecastsForEverySegment() throws Exception {
        Path city = tmp.resolve("city");
        new CityGenerator(CityConfig.of(20, 2, 5, 3, WeekProfiles.builtIn(8, 3))).generate(city, i -> { });
        Path registry = tmp.resolve("registry");
        Path summary = tmp.resolve("summary.json");
        StringWriter out = new StringWriter();
        DemoCommand demo = new DemoCommand();
        // over as soon as every segment has forecasts of several steps (at most --for)
        demo.until = f -> f.segmentsWithForecasts() == 20 && f.forecasts() >= 20 * 5;
        CommandLine cmd = new CommandLine(demo);
        cmd.setOut(new PrintWriter(out));
        // --max-horizon in the same run (issue 13) rather than a second demo: the model trained into the empty
        // registry and the stream it serves forecast up to 90 min instead of the default 60
        int rc = cmd.execute("--dataset", city.toString(), "--registry", registry.toString(), "--speedup", "600",
                "--for", "16", "--warmup-steps", "1", "--every", "1", "--summary", summary.toString(), "--no-dashboard",
                "--max-horizon", "90");
        assertEquals(0, rc, out.toString());
        assertTrue(new ModelRegistry(registry).latest().isPresent(), "a model was trained into the empty registry");
        int[] horizons = new ModelRegistry(registry).loadLatest().orElseThrow().horizonsMin();
        assertEquals(90, horizons[horizons.length - 1], "the model forecasts up to --max-horizon");
        assertEquals(18, horizons.length, "every 5-min step up to 90 min: " + java.util.Arrays.toString(horizons));
        assertTrue(out.toString().contains("horizons up to 90 min"), out.toString());

        JsonNode s = new ObjectMapper().readTree(summary.toFile());
        assertEquals(20, s.get("segments").asInt());
        assertEquals(20, s.get("segments_with_forecasts").asInt(), out.toString());
        assertTrue(s.get("forecasts").asLong() >= 20 * 5, "several steps forecast: " + s);
        assertEquals(0, s.get("rejected").asLong());
        double p50 = s.get("lag_ms_p50").asDouble();
        double p99 = s.get("lag_ms_p99").asDouble();
        assertTrue(p50 > 0 && p50 <= p99, s.toString());
        assertTrue(out.toString().contains("records/s") && out.toString().contains("lag p50"), out.toString());
        // the feed started only after the warm-up and the job's first checkpoint (issue 12: first step not slowest)
        assertTrue(out.toString().contains("warm-up: first checkpoint, then 1 step(s)"), out.toString());
    }

    @Test
    void retrainLoopClosesOnTheStreamsArchiveWithoutRestart() throws Exception {
        Path city = tmp.resolve("city");
        new CityGenerator(CityConfig.of(20, 3, 5, 5, WeekProfiles.builtIn(8, 5))).generate(city, i -> { });
        Path registry = tmp.resolve("registry");
        Path archive = tmp.resolve("archive");
        Path summary = tmp.resolve("summary.json");
        StringWriter out = new StringWriter();
        DemoCommand demo = new DemoCommand();
        // over as soon as a retrained version serves every segment (at most --for)
        demo.until = f -> f.modelVersionsUsed().size() >= 2 && f.segmentsWithForecasts() == 20;
        CommandLine cmd = new CommandLine(demo);
        cmd.setOut(new PrintWriter(out));
        int rc = cmd.execute("--dataset", city.toString(), "--registry", registry.toString(), "--speedup", "600",
                "--for", "45", "--warmup-steps", "0", "--every", "1", "--retrain-every", "12", "--max-zone-size", "8",
                "--archive", archive.toString(), "--summary", summary.toString(), "--no-dashboard");
        assertEquals(0, rc, out.toString());

        JsonNode s = new ObjectMapper().readTree(summary.toFile());
        assertTrue(s.get("model_versions_used").size() >= 2, "a retrained version served: " + s + "\n" + out);
        assertEquals(0, s.get("steps_without_forecast").asLong(), s.toString());
        assertEquals(0, s.get("job_restarts").asLong(), s.toString());
        assertEquals(20, s.get("segments_with_forecasts").asInt(), s.toString());
        assertTrue(s.get("zonings_seen").asInt() >= 1, s.toString());
        assertTrue(new ModelRegistry(registry).versions().size() >= 2, "retrains were published");
        assertTrue(out.toString().contains("[retrain]"), out.toString());
        // The retrain read the archive: the training history the demo seeded plus days the job wrote.
        try (var days = java.nio.file.Files.list(archive)) {
            assertTrue(days.anyMatch(d -> {
                try (var parts = java.nio.file.Files.list(d)) {
                    return parts.anyMatch(f -> f.getFileName().toString().startsWith("part-")
                            && !f.getFileName().toString().equals("part-history.csv"));
                } catch (java.io.IOException e) {
                    return false;
                }
            }), "the job archived readings");
        }
    }

    /**
     * The demo's retrain goes through the promotion gate like {@code roadcast retrain}: with an archive whose history
     * was delivered in km/h under the model's mph (speeds x 1.609), every candidate is refused, logged and counted,
     * kept aside under refused/, and the job goes on with the model in service.
     */
    @Test
    void aRetrainTheGateRefusesIsCountedAndTheModelInServiceStays() throws Exception {
        Path city = tmp.resolve("city");
        new CityGenerator(CityConfig.of(20, 3, 5, 5, WeekProfiles.builtIn(8, 5))).generate(city, i -> { });
        Path registry = tmp.resolve("registry");
        Path archive = tmp.resolve("archive");
        Dataset data = DatasetLoader.load(city);
        int trainRows = Math.max(2, data.history().steps() * 5 / 7);
        ModelRegistry models = new ModelRegistry(registry);
        String service = models.publish(TrainingRun.train(data, trainRows,
                DemoCommand.trainingConfig(data).withMaxZoneSize(8), ProgressListener.NONE).model());
        SpeedHistory h = data.history();
        float[][] kmh = new float[h.steps()][];
        for (int t = 0; t < kmh.length; t++) {
            kmh[t] = h.speed()[t].clone();
            for (int i = 0; i < kmh[t].length; i++) {
                kmh[t][i] *= 1.609f;
            }
        }
        DayArchive.describe(archive, models.load(service));
        DayArchive.backfill(archive, new SpeedHistory(h.segmentIds(), h.start(), h.step(), h.timeZone(), h.unit(),
                kmh, null, null), trainRows);

        Path summary = tmp.resolve("summary.json");
        StringWriter out = new StringWriter();
        DemoCommand demo = new DemoCommand();
        // over once the job has forecast three more steps of every segment after the first refusal (at most --for)
        long[] atRefusal = {-1};
        demo.until = f -> {
            if (atRefusal[0] < 0 && f.modelsRefused() >= 1) {
                atRefusal[0] = f.forecasts();
            }
            return atRefusal[0] >= 0 && f.forecasts() >= atRefusal[0] + 3 * 20;
        };
        CommandLine cmd = new CommandLine(demo);
        cmd.setOut(new PrintWriter(out));
        int rc = cmd.execute("--dataset", city.toString(), "--registry", registry.toString(), "--speedup", "600",
                "--for", "40", "--warmup-steps", "0", "--every", "1", "--retrain-every", "8", "--max-zone-size", "8",
                "--archive", archive.toString(), "--summary", summary.toString(), "--no-dashboard");
        assertEquals(0, rc, out.toString());

        JsonNode s = new ObjectMapper().readTree(summary.toFile());
        assertTrue(s.get("models_refused").asInt() >= 1, "refused retrains counted: " + s + "\n" + out);
        assertEquals(1, s.get("model_versions_used").size(), s.toString());
        assertEquals(service, s.get("model_versions_used").get(0).asText());
        assertEquals(0, s.get("steps_without_forecast").asLong(), s.toString());
        assertEquals(0, s.get("job_restarts").asLong(), s.toString());
        assertEquals(20, s.get("segments_with_forecasts").asInt(), s.toString());
        assertEquals(service, models.latest().orElseThrow(), "latest did not move");
        assertEquals(List.of(service), models.versions(), "nothing published");
        assertEquals(s.get("models_refused").asInt(), models.refused().size(), "each refusal kept aside");
        assertTrue(out.toString().contains("REFUSED by the promotion gate"), out.toString());
    }

    @Test
    void rowsNewerThanAModelsTrainingDataAreCountedFromItsCard() throws Exception {
        Path city = tmp.resolve("city");
        new CityGenerator(CityConfig.of(4, 1, 5, 5, WeekProfiles.builtIn(8, 5))).generate(city, i -> { });
        SpeedHistory h = DatasetLoader.load(city).history();
        String zone = " " + h.timeZone().getId();
        assertEquals(10, DemoCommand.rowsAfter(h, h.time(h.steps() - 11) + zone), "the card's form: time and zone");
        assertEquals(0, DemoCommand.rowsAfter(h, h.time(h.steps() - 1) + zone));
        assertEquals(h.steps(), DemoCommand.rowsAfter(h, "not a time"), "unreadable: every row counts");
    }
}
