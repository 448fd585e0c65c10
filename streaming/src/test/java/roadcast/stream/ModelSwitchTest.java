package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import roadcast.forecast.Forecast;
import roadcast.ingest.DeadLetter;
import roadcast.ingest.ReadingParser;
import roadcast.reading.SpeedReading;
import roadcast.ingest.RejectReason;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;
import roadcast.publish.IssuedForecast;
import roadcast.kafka.RawRecord;

/**
 * A running job takes model versions that change the zoning, add segments and remove segments, with no restart: a
 * forecast for every segment of the model in service at every step, every step from one version, and every forecast
 * equal to its version's backtest over the rows the stream accepted (so the latent state was carried over, not
 * restarted). A savepoint of one zoning restores into another, and a model deleted from the registry does not stop a
 * restore.
 */
class ModelSwitchTest {

    static final int TRAIN_ROWS = 4 * 288;
    static final int SMALL = 14;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestMiniCluster.withSlots(2);

    @TempDir
    static Path tmp;

    static SmallCity city;
    static Path registry;
    /** 14 segments, zones of at most 6. */
    static String small;
    /** 24 segments (10 added), zones of at most 6. */
    static String grown;
    /** 24 segments, zones of at most 4: another zoning. */
    static String rezoned;
    /** back to 14 segments (10 removed), zones of at most 5. */
    static String shrunk;

    @BeforeAll
    static void trainModels() throws Exception {
        city = SmallCity.generate("w", 5, 21, 4);
        SmallCity first = city.firstSegments(SMALL);
        registry = tmp.resolve("registry");
        ModelRegistry reg = new ModelRegistry(registry);
        small = reg.publish(first.train(TRAIN_ROWS, 3, 6));
        grown = reg.publish(city.train(TRAIN_ROWS, 3, 6));
        rezoned = reg.publish(city.train(TRAIN_ROWS, 3, 4));
        shrunk = reg.publish(first.train(TRAIN_ROWS, 3, 5));
    }

    static String zoning(String version) throws Exception {
        ManifoldModel m = new ModelRegistry(registry).load(version);
        return NetworkLayout.of(m, null, null).zoningFingerprint();
    }

    static JobConfig config(String version, Path checkpoints) {
        return JobConfig.defaults(registry).withModelVersion(version).withModelPoll(null).withRocksDb(true)
                .withCheckpoints(Duration.ofMillis(300), checkpoints);
    }

    @Test
    void zoningChangeAddedAndRemovedSegmentsWithoutRestart() throws Exception {
        assertNotEquals(zoning(grown), zoning(rezoned), "the test needs two zonings of the same segments");
        int from = TRAIN_ROWS;
        int steps = 48;
        CollectingSink<IssuedForecast> forecasts = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        // 24 x 48 readings at 120/s (about 10 s); each version is released once the forecasts of about 8 more steps
        // have arrived, so that every version serves a while whatever the machine's speed.
        int n = city.history.segments();
        List<String> list = List.of(grown, rezoned, shrunk);
        var versions = new DataGeneratorSource<>(i -> list.get(i.intValue()), list.size(),
                new Gate(forecasts, new int[] {8 * SMALL, 8 * SMALL + 8 * n, 8 * SMALL + 16 * n}), Types.STRING);
        new ForecastJob(RecordListSource.of(city.records(from, from + steps), 120), forecasts, deadLetters,
                config(small, tmp.resolve("cp-switch")))
                .withModelVersions(versions)
                .withFlinkOption("restart-strategy.type", "none")
                .execute();

        Set<String> withheld = withheld(deadLetters.values());
        var expected = backtests(registry, withheld, from, from + steps, small, grown, rezoned, shrunk);
        List<String> used = assertWholeNetworkPerStep(forecastsOf(forecasts.values()), from, from + steps, expected);
        assertEquals(List.of(small, grown, rezoned, shrunk), used, "each version in turn, none skipped");
        // A zone made only of added segments starts cold at the switch; every other zone equals the backtest over all
        // the rows since the job began.
        long firstOfGrown = forecasts.values().stream().filter(f -> grown.equals(f.forecast().modelVersion()))
                .mapToLong(f -> f.forecast().issuedAt()).min().orElseThrow();
        int switchRow = from + (int) ((firstOfGrown - city.history.epochMillis(from)) / 300_000L);
        int coldSegments = expectColdStartOfNewZones(city, registry, small, grown, switchRow, from + steps, withheld,
                expected.get(grown));
        assertTrue(coldSegments > 0, "the added segments form a zone of their own in this city");
        assertEqualsBacktests(forecasts.values(), expected);
        for (DeadLetter d : deadLetters.values()) {
            assertEquals(RejectReason.UNKNOWN_SEGMENT, d.reason(), d.toString());
            int index = Integer.parseInt(segmentOf(d).substring(1));
            assertTrue(index >= SMALL, "a segment of every version was refused: " + d);
        }
        assertTrue(deadLetters.values().size() >= 10, "the 10 extra segments are unknown before and after");
    }

    @Test
    void savepointOfOneZoningRestoresIntoAnother() throws Exception {
        restoresIntoAnotherZoning("sp", (job, sink, wanted, dir) -> runThenSavepoint(job, sink, wanted, dir));
    }

    /**
     * A retained checkpoint taken under one zoning (the job then cancelled, as a crash or {@code flink cancel}
     * leaves it) restores into a job of another zoning: the steps after the checkpoint are forecast again, by the
     * new version, equal to its backtest from the first of them.
     */
    @Test
    void checkpointTakenBeforeAZoningChangeRestoresIntoTheNewVersion() throws Exception {
        restoresIntoAnotherZoning("cp", ModelSwitchTest::runThenCancelKeepingACheckpoint);
    }

    /** How the first job is ended: returns the path a second job restores from. */
    interface Stop {
        String stop(ForecastJob job, CollectingSink<IssuedForecast> sink, int forecastsWanted, Path dir)
                throws Exception;
    }

    private void restoresIntoAnotherZoning(String name, Stop stop) throws Exception {
        int from = TRAIN_ROWS;
        int steps = 48;
        List<RawRecord> input = city.records(from, from + steps);
        CollectingSink<IssuedForecast> before = new CollectingSink<>();
        CollectingSink<DeadLetter> lettersBefore = new CollectingSink<>();
        Path checkpoints = tmp.resolve(name + "-a");
        ForecastJob first = new ForecastJob(RecordListSource.of(input, 150), before, lettersBefore,
                config(grown, checkpoints));
        String restoreFrom = stop.stop(first, before, 12 * city.history.segments(), checkpoints);

        // A new job, started with another zoning of the same segments, from the savepoint or checkpoint.
        CollectingSink<IssuedForecast> after = new CollectingSink<>();
        CollectingSink<DeadLetter> lettersAfter = new CollectingSink<>();
        new ForecastJob(RecordListSource.of(input, 2000), after, lettersAfter,
                config(rezoned, tmp.resolve(name + "-b")))
                .withFlinkOption("restart-strategy.type", "none")
                .withFlinkOption("execution.state-recovery.path", restoreFrom)
                .execute();

        // A step the second job issued replaces the first job's (after a checkpoint, the steps the cancelled job
        // forecast past it are forecast again; a savepoint leaves none).
        Set<Long> reissued = new HashSet<>();
        after.values().forEach(f -> reissued.add(f.forecast().issuedAt()));
        List<Forecast> all = new ArrayList<>();
        before.values().stream().map(IssuedForecast::forecast).filter(f -> !reissued.contains(f.issuedAt()))
                .forEach(all::add);
        all.addAll(forecastsOf(after.values()));
        assertTrue(all.size() > forecastsOf(after.values()).size(), "the first job served some steps");
        var expected = backtests(registry, Set.of(), from, from + steps, grown, rezoned);
        List<String> used = assertWholeNetworkPerStep(all, from, from + steps, expected);
        assertEquals(List.of(grown, rezoned), used);
        assertTrue(after.values().stream().allMatch(f -> rezoned.equals(f.forecast().modelVersion())));
        assertEqualsBacktests(all, expected, 1e-9);
        assertTrue(lettersBefore.values().isEmpty() && lettersAfter.values().isEmpty(),
                lettersBefore.values() + " " + lettersAfter.values());
    }

    @Test
    void restoreWhoseModelWasDeletedFallsBackToTheNewestLoadable() throws Exception {
        Path reg = tmp.resolve("registry-deleted");
        ModelRegistry registryOf = new ModelRegistry(reg);
        String older = registryOf.publish(city.train(TRAIN_ROWS, 3, 6));
        String doomed = registryOf.publish(city.train(TRAIN_ROWS, 2, 4));
        int from = TRAIN_ROWS;
        int steps = 36;
        List<RawRecord> input = city.records(from, from + steps);
        CollectingSink<IssuedForecast> before = new CollectingSink<>();
        JobConfig cfg = JobConfig.defaults(reg).withModelVersion(doomed).withModelPoll(null).withRocksDb(true)
                .withCheckpoints(Duration.ofMillis(300), tmp.resolve("cp-d"));
        String savepoint = runThenSavepoint(new ForecastJob(RecordListSource.of(input, 150), before,
                new CollectingSink<>(), cfg), before, 8 * city.history.segments(), tmp.resolve("sp-d"));

        var expected = backtests(reg, Set.of(), from, from + steps, older, doomed);
        // The job is rebuilt (as a failover would, with the model it was submitted with), then the model goes.
        CollectingSink<IssuedForecast> after = new CollectingSink<>();
        CollectingSink<DeadLetter> letters = new CollectingSink<>();
        ForecastJob again = new ForecastJob(RecordListSource.of(input, 2000), after, letters, cfg)
                .withFlinkOption("restart-strategy.type", "none")
                .withFlinkOption("execution.state-recovery.path", savepoint);
        deleteRecursively(reg.resolve(doomed));
        again.execute();

        assertTrue(before.values().stream().allMatch(f -> doomed.equals(f.forecast().modelVersion())));
        assertTrue(!after.values().isEmpty() && after.values().stream()
                .allMatch(f -> older.equals(f.forecast().modelVersion())), "forecasts from the fallback model");
        List<IssuedForecast> all = new ArrayList<>(before.values());
        all.addAll(after.values());
        assertEquals(List.of(doomed, older), assertWholeNetworkPerStep(forecastsOf(all), from, from + steps, expected));
        assertEqualsBacktests(all, expected);
        assertTrue(letters.values().isEmpty(), letters.values().toString());
    }

    /**
     * Lets element k of the version source go once the sink holds {@code after[k]} forecasts (the mini-cluster runs in
     * this JVM). A future, not a wait in the task thread: the source must go on passing checkpoint barriers, or the
     * aligned checkpoint would hold the readings back and no forecast would ever come.
     */
    private record Gate(CollectingSink<IssuedForecast> sink, int[] after)
            implements RateLimiterStrategy<NumberSequenceSource.NumberSequenceSplit> {
        @Override
        public RateLimiter<NumberSequenceSource.NumberSequenceSplit> createRateLimiter(int parallelism) {
            return new RateLimiter<>() {
                private int acquired;

                @Override
                public CompletionStage<Void> acquire(int requestSize) {
                    int k = acquired;
                    acquired += requestSize;
                    if (k >= after.length) {
                        return CompletableFuture.completedFuture(null);
                    }
                    int need = after[k];
                    return CompletableFuture.runAsync(() -> {
                        long deadline = System.currentTimeMillis() + 60_000;
                        while (sink.values().size() < need && System.currentTimeMillis() < deadline) {
                            try {
                                Thread.sleep(20);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                    });
                }
            };
        }
    }

    /**
     * Starts the job, waits until {@code forecastsWanted} forecasts arrived and a checkpoint completed after them,
     * cancels it and returns the checkpoint it kept (retained on cancellation, see {@link ForecastJob}).
     */
    private static String runThenCancelKeepingACheckpoint(ForecastJob job, CollectingSink<IssuedForecast> sink,
                                                          int forecastsWanted, Path checkpoints) throws Exception {
        JobClient client = job.withFlinkOption("restart-strategy.type", "none").executeAsync();
        long deadline = System.currentTimeMillis() + 60_000;
        while (sink.values().size() < forecastsWanted) {
            assertTrue(System.currentTimeMillis() < deadline, "no forecasts within a minute");
            Thread.sleep(50);
        }
        int seen = newestCheckpoint(checkpoints) == null ? 0 : checkpointNumber(newestCheckpoint(checkpoints));
        while (newestCheckpoint(checkpoints) == null || checkpointNumber(newestCheckpoint(checkpoints)) <= seen) {
            assertTrue(System.currentTimeMillis() < deadline, "no checkpoint within a minute");
            Thread.sleep(50);
        }
        client.cancel().get();
        Path kept = newestCheckpoint(checkpoints);
        assertNotNull(kept, "a checkpoint is retained on cancellation");
        return kept.toUri().toString();
    }

    /** The newest completed checkpoint ({@code chk-N} with its {@code _metadata}) under the directory, or null. */
    private static Path newestCheckpoint(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (var files = Files.walk(dir, 3)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .map(Path::getParent)
                    .filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .max(java.util.Comparator.comparingInt(ModelSwitchTest::checkpointNumber)).orElse(null);
        }
    }

    private static int checkpointNumber(Path chk) {
        return Integer.parseInt(chk.getFileName().toString().substring("chk-".length()));
    }

    /** Starts the job, waits until {@code forecastsWanted} forecasts arrived, stops it with a savepoint. */
    private static String runThenSavepoint(ForecastJob job, CollectingSink<IssuedForecast> sink, int forecastsWanted,
                                           Path dir) throws Exception {
        JobClient client = job.withFlinkOption("restart-strategy.type", "none").executeAsync();
        long deadline = System.currentTimeMillis() + 60_000;
        while (sink.values().size() < forecastsWanted) {
            assertTrue(System.currentTimeMillis() < deadline, "no forecasts within a minute");
            Thread.sleep(50);
        }
        String path = client.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL).get();
        assertNotNull(path);
        return path;
    }

    /**
     * Every step of [from, to) has forecasts from exactly one version, for exactly the segments of that version's
     * network, once each; returns the versions in the order they served.
     */
    static List<String> assertWholeNetworkPerStep(List<Forecast> issued, int from, int to,
                                                  Map<String, Map<String, Forecast>> expectedOf) {
        Map<Long, List<Forecast>> byStep = new TreeMap<>();
        for (Forecast f : issued) {
            byStep.computeIfAbsent(f.issuedAt(), s -> new ArrayList<>()).add(f);
        }
        assertEquals(to - from, byStep.size(), "a forecast at every step");
        LinkedHashSet<String> order = new LinkedHashSet<>();
        for (var step : byStep.entrySet()) {
            Set<String> versionsAtStep = new TreeSet<>();
            List<String> segments = new ArrayList<>();
            for (Forecast f : step.getValue()) {
                versionsAtStep.add(f.modelVersion());
                segments.add(f.segment());
            }
            assertEquals(1, versionsAtStep.size(), "one version per step at " + step.getKey() + ": " + versionsAtStep);
            String v = versionsAtStep.iterator().next();
            if (!order.isEmpty() && !v.equals(new ArrayList<>(order).get(order.size() - 1))) {
                assertTrue(order.add(v), "went back to " + v);
            }
            order.add(v);
            String[] expected = expectedOf.get(v).values().stream().map(Forecast::segment).distinct()
                    .toArray(String[]::new);
            String[] actual = segments.toArray(new String[0]);
            Arrays.sort(expected);
            Arrays.sort(actual);
            assertArrayEquals(expected, actual, "every segment of " + v + " once at step " + step.getKey());
        }
        return new ArrayList<>(order);
    }

    /** Each version's backtest over the rows of [from, to) less the withheld readings. */
    private static Map<String, Map<String, Forecast>> backtests(Path reg, Set<String> withheld, int from, int to,
                                                                String... versions) throws Exception {
        return backtests(city, reg, withheld, from, to, versions);
    }

    static Map<String, Map<String, Forecast>> backtests(SmallCity city, Path reg, Set<String> withheld, int from,
                                                        int to, String... versions) throws Exception {
        Map<String, Map<String, Forecast>> out = new HashMap<>();
        for (String v : versions) {
            out.put(v, city.backtest(reg, v, from, to, withheld).forecasts());
        }
        return out;
    }

    /**
     * A zone of {@code version} made only of segments {@code previous} did not have has no row to re-estimate from:
     * it starts cold at the switch (imputed from the model's profile and dynamics), i.e. as the new model's backtest
     * started at the switch row. Replaces the expected forecasts of such zones in {@code expected}; returns how many
     * segments start cold.
     */
    static int expectColdStartOfNewZones(SmallCity city, Path reg, String previous, String version, int switchRow,
                                         int to, Set<String> withheld, Map<String, Forecast> expected)
            throws Exception {
        ModelRegistry registryOf = new ModelRegistry(reg);
        Set<String> before = new HashSet<>(Arrays.asList(registryOf.load(previous).network().segmentIds()));
        ManifoldModel model = registryOf.load(version);
        Map<String, Forecast> coldStart = city.backtest(reg, version, switchRow, to, withheld).forecasts();
        int coldSegments = 0;
        for (int z = 0; z < model.zoneCount(); z++) {
            int[] members = model.segmentsOfZone(z);
            if (Arrays.stream(members).noneMatch(i -> before.contains(model.network().segmentIds()[i]))) {
                for (int i : members) {
                    String id = model.network().segmentIds()[i];
                    coldStart.forEach((key, f) -> {
                        if (f.segment().equals(id)) {
                            expected.put(key, f);
                        }
                    });
                    coldSegments++;
                }
            }
        }
        return coldSegments;
    }

    private static List<Forecast> forecastsOf(List<IssuedForecast> issued) {
        return issued.stream().map(IssuedForecast::forecast).toList();
    }

    private static void assertEqualsBacktests(List<IssuedForecast> issued, Map<String, Map<String, Forecast>> expectedOf) {
        assertEqualsBacktests(forecastsOf(issued), expectedOf, 1e-9);
    }

    /** Each forecast equals its own version's backtest over the rows the stream accepted, to {@code tolerance}. */
    static void assertEqualsBacktests(List<Forecast> issued, Map<String, Map<String, Forecast>> expectedOf,
                                      double tolerance) {
        Set<String> seen = new HashSet<>();
        for (Forecast a : issued) {
            Map<String, Forecast> expected = expectedOf.get(a.modelVersion());
            assertNotNull(expected, "forecast of unexpected version " + a.modelVersion());
            String key = SmallCity.key(a);
            assertTrue(seen.add(key), "forecast issued twice: " + key);
            Forecast e = expected.get(key);
            assertNotNull(e, key);
            assertEquals(e.observedSpeed(), a.observedSpeed(), tolerance, key);
            assertEquals(e.imputed(), a.imputed(), key);
            assertArrayEquals(e.speed(), a.speed(), tolerance, key + " of " + a.modelVersion());
            assertArrayEquals(e.lower(), a.lower(), tolerance, key);
            assertArrayEquals(e.upper(), a.upper(), tolerance, key);
        }
    }

    /** segment@epochMillis of every reading refused as of an unknown segment. */
    private static Set<String> withheld(List<DeadLetter> letters) {
        Set<String> out = new HashSet<>();
        for (DeadLetter d : letters) {
            SpeedReading r = readingOf(d);
            out.add(r.segment() + "@" + r.timeMillis());
        }
        return out;
    }

    private static String segmentOf(DeadLetter d) {
        return readingOf(d).segment();
    }

    private static SpeedReading readingOf(DeadLetter d) {
        return new ReadingParser(java.time.ZoneOffset.UTC, 1000, ReadingParser.NO_FUTURE_LIMIT, null)
                .parse(null, d.payload().getBytes(StandardCharsets.UTF_8), 0).reading();
    }

    private static void deleteRecursively(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
