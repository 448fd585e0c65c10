package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import roadcast.forecast.Forecast;
import roadcast.ingest.DeadLetter;
import roadcast.kafka.RawRecord;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;
import roadcast.publish.IssuedForecast;

/**
 * Coverage extension in the stream (issue 8): a model whose network has roads without history (extended segments,
 * kriged from their observed neighbours) forecasts them in the Flink job from the same zone state as the observed
 * ones, equal to the backtest ({@code NetworkKriging}); a live reading on one (a floating car on a road without a
 * loop) is accepted, not dead-lettered, and moves its forecast toward the reading.
 */
class ExtendedCoverageStreamTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestMiniCluster.withSlots(2);

    static final int TRAIN_ROWS = 4 * 288;
    /** One road per corridor without a loop. */
    static final List<String> HIDDEN = List.of("s2", "s9");

    @TempDir
    static Path tmp;

    static SmallCity city;
    static ManifoldModel model;
    static Path registry;
    static String version;
    static Set<String> observedIds;

    @BeforeAll
    static void trainModel() throws Exception {
        city = SmallCity.generate("s", 5, 7);
        model = city.trainWithCoverage(TRAIN_ROWS, 3, HIDDEN);
        assertEquals(HIDDEN.size(), model.kriging().size());
        registry = tmp.resolve("registry");
        version = new ModelRegistry(registry).publish(model);
        observedIds = new HashSet<>(List.of(model.network().segmentIds()));
    }

    private static Map<String, Forecast> run(List<RawRecord> input, List<DeadLetter> letters) throws Exception {
        return run(input, letters, false);
    }

    private static Map<String, Forecast> run(List<RawRecord> input, List<DeadLetter> letters,
                                             boolean closeWhenComplete) throws Exception {
        CollectingSink<IssuedForecast> forecasts = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        JobConfig cfg = JobConfig.defaults(registry).withModelPoll(null)
                .withCheckpoints(Duration.ofMillis(500), tmp.resolve("checkpoints"))
                .withCloseWhenComplete(closeWhenComplete);
        new ForecastJob(RecordListSource.of(input), forecasts, deadLetters, cfg)
                .withFlinkOption("restart-strategy.type", "none").execute();
        letters.addAll(deadLetters.values());
        Map<String, Forecast> actual = new HashMap<>();
        for (IssuedForecast issued : forecasts.values()) {
            assertNull(actual.put(SmallCity.key(issued.forecast()), issued.forecast()),
                    "forecast issued twice: " + SmallCity.key(issued.forecast()));
        }
        return actual;
    }

    private static void assertSame(Map<String, Forecast> expected, Map<String, Forecast> actual) {
        assertEquals(expected.keySet(), actual.keySet(), "one forecast per segment, observed or extended, per step");
        for (Forecast e : expected.values()) {
            String key = SmallCity.key(e);
            Forecast a = actual.get(key);
            assertEquals(version, a.modelVersion());
            assertEquals(e.coverage(), a.coverage(), key);
            assertEquals(e.observedSpeed(), a.observedSpeed(), 0.0, key);
            assertEquals(e.estimatedSpeed(), a.estimatedSpeed(), 1e-9, key);
            assertEquals(e.imputed(), a.imputed(), key);
            assertArrayEquals(e.horizonsMin(), a.horizonsMin());
            assertArrayEquals(e.speed(), a.speed(), 1e-9, key);
            assertArrayEquals(e.lower(), a.lower(), 1e-9, key);
            assertArrayEquals(e.upper(), a.upper(), 1e-9, key);
            assertArrayEquals(e.level(), a.level(), key);
        }
    }

    @ParameterizedTest(name = "close when complete: {0}")
    @ValueSource(booleans = {false, true})
    void streamForecastsExtendedSegmentsAsTheBacktestDoes(boolean closeWhenComplete) throws Exception {
        int from = TRAIN_ROWS;
        int to = from + 36;
        List<RawRecord> input = new ArrayList<>(city.records(from, to, observedIds));
        // Completeness waits for the observed segments only (roads without a sensor rarely report): with
        // closeWhenComplete the last step is forecast as soon as its loops are in, so a second source's reading for
        // it comes too late.
        String late = "{\"segment\":\"" + model.network().segmentIds()[0] + "\",\"time\":\""
                + Instant.ofEpochMilli(city.history.epochMillis(to - 1)) + "\",\"speed\":40,\"source\":\"cellular\"}";
        if (closeWhenComplete) {
            input.add(SmallCity.record(null, late, 999_999));
        }
        List<DeadLetter> letters = new ArrayList<>();
        Map<String, Forecast> actual = run(input, letters, closeWhenComplete);
        SmallCity.Backtest offline = city.backtest(registry, version, from, to, Set.of(), Map.of());

        int observed = model.network().size();
        assertEquals((observed + HIDDEN.size()) * (to - from), offline.forecasts().size());
        assertSame(offline.forecasts(), actual);
        if (closeWhenComplete) {
            assertTrue(letters.removeIf(d -> d.reason() == roadcast.ingest.RejectReason.TOO_LATE
                    && late.equals(d.payload())), "the step closed when its observed segments were in: " + letters);
        }
        assertEquals(offline.refused(), letters.size(), letters.toString());
        for (String id : HIDDEN) {
            for (int t = from; t < to; t++) {
                Forecast f = actual.get(id + "@" + city.history.epochMillis(t));
                assertNotNull(f, id + " at row " + t);
                assertTrue(f.extended(), f.toString());
                assertTrue(f.imputed() && Double.isNaN(f.observedSpeed()), "no reading: kriged " + f);
                assertTrue(f.estimatedSpeed() > 0 && f.speed().length == model.horizonsMin().length, f.toString());
                for (int h = 0; h < f.speed().length; h++) {
                    assertTrue(f.lower()[h] < f.speed()[h] && f.speed()[h] < f.upper()[h], "band of " + f);
                }
            }
        }
        Forecast anObserved = actual.get(model.network().segmentIds()[0] + "@" + city.history.epochMillis(from));
        assertEquals(Forecast.OBSERVED, anObserved.coverage());
    }

    @Test
    void liveReadingOnAnExtendedSegmentIsAcceptedAndMovesItsForecast() throws Exception {
        int from = TRAIN_ROWS;
        int to = from + 24;
        String road = HIDDEN.get(0);
        int column = List.of(city.history.segmentIds()).indexOf(road);
        // a floating car reports a queue the neighbours do not show: 12 mph below the road's true speed, two steps
        Map<Integer, Double> probe = Map.of(from + 10, 0.0, from + 11, 0.0);
        Map<String, Double> live = new HashMap<>();
        List<RawRecord> input = new ArrayList<>();
        List<RawRecord> loops = city.records(from, to, observedIds);
        int perRow = observedIds.size();
        long offset = 500_000;
        for (int t = from; t < to; t++) {
            input.addAll(loops.subList((t - from) * perRow, (t - from + 1) * perRow));
            if (probe.containsKey(t)) {
                double y = Math.round(2 * (city.history.speed()[t][column] - 12.0)) / 2.0;
                long time = city.history.epochMillis(t) + 90_000;
                live.put(road + "@" + city.history.epochMillis(t), y);
                input.add(SmallCity.record(road, "{\"segment\":\"" + road + "\",\"time\":\""
                        + Instant.ofEpochMilli(time) + "\",\"speed\":" + y + ",\"source\":\"floating_car\"}", offset++));
            }
        }
        List<DeadLetter> letters = new ArrayList<>();
        Map<String, Forecast> actual = run(input, letters);
        assertTrue(letters.isEmpty(), "the probe readings are accepted, not dead-lettered: " + letters);

        SmallCity.Backtest withProbe = city.backtest(registry, version, from, to, Set.of(), live);
        SmallCity.Backtest kriged = city.backtest(registry, version, from, to, Set.of(), Map.of());
        assertSame(withProbe.forecasts(), actual);
        for (var e : live.entrySet()) {
            double y = e.getValue();
            Forecast used = actual.get(e.getKey());
            Forecast without = kriged.forecasts().get(e.getKey());
            assertEquals(y, used.observedSpeed(), 1e-6, "the reading is the segment's observed speed");
            assertTrue(!used.imputed() && used.extended(), used.toString());
            assertEquals(y, used.estimatedSpeed(), 1e-4, "now = the live reading");
            double departure = y - without.estimatedSpeed();
            assertTrue(Math.abs(departure) > 3, "the probe departs from the kriged estimate: " + departure);
            // the next horizons move toward the reading, by less than the whole departure, and the move decays
            double first = used.speed()[0] - without.speed()[0];
            double last = used.speed()[used.speed().length - 1] - without.speed()[without.speed().length - 1];
            assertTrue(Math.signum(first) == Math.signum(departure) && Math.abs(first) > 0.1
                    && Math.abs(first) <= Math.abs(departure) + 1e-9, "5 min ahead moved " + first + " of "
                    + departure);
            assertTrue(Math.abs(last) <= Math.abs(first) + 1e-9, "60 min moved " + last + ", 5 min " + first);
            System.out.printf(java.util.Locale.ROOT, "probe %s: reading %.2f, kriged now %.2f; forecast moved %.2f at"
                    + " 5 min, %.2f at 60 min%n", e.getKey(), y, without.estimatedSpeed(), first, last);
        }
        // a step without a probe reading is kriged again
        String after = road + "@" + city.history.epochMillis(from + 12);
        assertArrayEquals(kriged.forecasts().get(after).speed(), actual.get(after).speed(), 1e-9);
        assertTrue(actual.get(after).imputed());
    }
}
