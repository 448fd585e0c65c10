package roadcast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.demo.BenchStreamCommand;
import roadcast.demo.DemoCommand;
import roadcast.fit.TrainingConfig;
import roadcast.model.ModelRegistry;
import roadcast.synthetic.CityConfig;
import roadcast.synthetic.CityGenerator;
import roadcast.synthetic.WeekProfiles;

/**
 * bench-stream's model is trained once per generated city and reused (--registry): a second run takes the published
 * model instead of training, and a model of another city (other segments, step, seed or training days) is refused
 * with a message that says why, before any job starts.
 */
class BenchModelTest {

    private static final int SEGMENTS = 24;
    private static final int ROWS_PER_DAY = 288;

    @TempDir
    Path dir;

    private Dataset city(String name, int segments, int stepMinutes, long seed) throws Exception {
        Path out = dir.resolve(name);
        new CityGenerator(CityConfig.of(segments, 2, stepMinutes, seed, WeekProfiles.builtIn(8, seed)))
                .generate(out, i -> { });
        return DatasetLoader.load(out);
    }

    private static TrainingConfig config(Dataset data) {
        return DemoCommand.trainingConfig(data).withFixed(3, 1, 1.0);
    }

    @Test
    void aBenchModelIsFittedWithOneCandidateSoNoZoneRunsTheSearch() throws Exception {
        Dataset data = city("grid", SEGMENTS, 1, 7);
        TrainingConfig c = BenchModel.config(DemoCommand.trainingConfig(data), 15);
        // the trainer's candidates: ranks x orders x lambdas x (smoothings + half-lives); one = no search
        assertEquals(1, c.ranks().length * c.orders().length * c.lambdas().length
                * (c.smoothingMinutes().length + c.profileHalfLivesDays().length), c.searchGrid());
        assertEquals(15, c.maxHorizonMinutes());
    }

    @Test
    void trainsIntoAnEmptyRegistryThenReusesWhatItPublished() throws Exception {
        Dataset data = city("a", SEGMENTS, 5, 7);
        Path registry = dir.resolve("registry");
        StringWriter log = new StringWriter();
        String trained = BenchModel.acquire(registry, data, ROWS_PER_DAY, config(data),
                BenchModel.city(SEGMENTS, 5, 7, 1), new PrintWriter(log, true));
        assertEquals(List.of(trained), new ModelRegistry(registry).versions());
        assertEquals(BenchModel.city(SEGMENTS, 5, 7, 1),
                Files.readString(registry.resolve(BenchModel.CITY_FILE)).trim());

        String reused = BenchModel.acquire(registry, data, ROWS_PER_DAY, config(data),
                BenchModel.city(SEGMENTS, 5, 7, 1), new PrintWriter(log, true));
        assertEquals(trained, reused);
        assertEquals(List.of(trained), new ModelRegistry(registry).versions(), "no second model trained");
        assertTrue(log.toString().contains("reusing model " + trained), log.toString());
    }

    @Test
    void refusesAModelOfAnotherCityAndSaysWhy() throws Exception {
        Dataset data = city("a", SEGMENTS, 5, 7);
        Path registry = dir.resolve("registry");
        BenchModel.acquire(registry, data, ROWS_PER_DAY, config(data), BenchModel.city(SEGMENTS, 5, 7, 1),
                new PrintWriter(new StringWriter()));

        Dataset larger = city("b", SEGMENTS + 6, 5, 7);
        String segments = assertThrows(IllegalArgumentException.class, () -> BenchModel.acquire(registry, larger,
                ROWS_PER_DAY, config(larger), BenchModel.city(SEGMENTS + 6, 5, 7, 1),
                new PrintWriter(new StringWriter()))).getMessage();
        assertTrue(segments.contains("it has " + SEGMENTS + " segments, the city " + (SEGMENTS + 6)), segments);
        assertTrue(segments.contains("--registry"), segments);

        Dataset minutes = city("c", SEGMENTS, 15, 7);
        String step = assertThrows(IllegalArgumentException.class, () -> BenchModel.acquire(registry, minutes,
                96, config(minutes), BenchModel.city(SEGMENTS, 15, 7, 1),
                new PrintWriter(new StringWriter()))).getMessage();
        assertTrue(step.contains("its step is 5 min, the city's 15 min"), step);

        // same ids and step (ids do not depend on the seed): the recorded city tells them apart
        Dataset otherSeed = city("d", SEGMENTS, 5, 8);
        String seed = assertThrows(IllegalArgumentException.class, () -> BenchModel.acquire(registry, otherSeed,
                ROWS_PER_DAY, config(otherSeed), BenchModel.city(SEGMENTS, 5, 8, 1),
                new PrintWriter(new StringWriter()))).getMessage();
        assertTrue(seed.contains("--seed 7") && seed.contains("--seed 8"), seed);

        String horizon = assertThrows(IllegalArgumentException.class, () -> BenchModel.acquire(registry, data,
                ROWS_PER_DAY, config(data).withMaxHorizon(30), BenchModel.city(SEGMENTS, 5, 7, 1),
                new PrintWriter(new StringWriter()))).getMessage();
        assertTrue(horizon.contains("it forecasts up to 60 min ahead, the run asks for 30"), horizon);

        // trained on one day, asked for a run after two: the replay would not follow the training rows
        String window = BenchModel.mismatch(new ModelRegistry(registry).loadLatest().orElseThrow(), data,
                2 * ROWS_PER_DAY - 1).orElseThrow();
        assertTrue(window.contains("trained on"), window);
        assertEquals(List.of(1), List.of(new ModelRegistry(registry).versions().size()), "nothing published on refusal");
    }

    /** The 200,000-segment registry of earlier stops holds such a model: every minute up to 15. */
    @Test
    void aModelOfEveryMinuteIsRefusedForARunOfSpacedHorizonsEndingAlike() {
        int[] everyMinute = java.util.stream.IntStream.rangeClosed(1, 15).toArray();
        String why = BenchModel.horizonMismatch(everyMinute, new int[] {1, 5, 10, 15}).orElseThrow();
        assertTrue(why.contains("[1, 5, 10, 15]") && why.contains("spaced"), why);
        assertTrue(BenchModel.horizonMismatch(new int[] {1, 5, 10, 15}, new int[] {1, 5, 10, 15}).isEmpty());
        assertTrue(BenchModel.horizonMismatch(new int[] {5, 10}, new int[] {5, 10, 15}).orElseThrow()
                .contains("up to 10 min ahead, the run asks for 15"));
    }

    @Test
    void benchStreamStopsOnAForeignModelBeforeGeneratingItsCity() throws Exception {
        Dataset data = city("a", SEGMENTS, 5, 7);
        Path registry = dir.resolve("registry");
        BenchModel.acquire(registry, data, ROWS_PER_DAY, config(data), BenchModel.city(SEGMENTS, 5, 7, 1),
                new PrintWriter(new StringWriter()));
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new BenchStreamCommand());
        cmd.setOut(new PrintWriter(new StringWriter()));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute("--segments", Integer.toString(SEGMENTS), "--seed", "9", "--train-days", "1",
                "--minutes", "1", "--registry", registry.toString(), "--json", dir.resolve("b.json").toString());
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("is not a model of the generated city") && err.toString().contains("--seed 7")
                && err.toString().contains("--seed 9"), err.toString());
        assertTrue(!Files.exists(dir.resolve("b.json")), "no figures written");
    }
}
