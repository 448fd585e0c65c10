package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import roadcast.forecast.Forecast;
import roadcast.ingest.DeadLetter;
import roadcast.ingest.RejectReason;
import roadcast.model.ManifoldModel;
import roadcast.publish.IssuedForecast;
import roadcast.kafka.RawRecord;

/** The job on a mini-cluster with bounded list input and collecting sinks. */
class ForecastJobTest {

    static final int TRAIN_DAYS = 4;
    static final int TRAIN_ROWS = TRAIN_DAYS * 288;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .setConfiguration(clusterConfig())
                    .build());

    @TempDir
    static Path tmp;

    static SmallCity city;
    static Path registry;
    static String version;

    static Configuration clusterConfig() {
        Configuration c = new Configuration();
        c.setString("restart-strategy.type", "none");
        return c;
    }

    @BeforeAll
    static void trainModel() throws Exception {
        city = SmallCity.generate("s", TRAIN_DAYS + 1, 7);
        registry = tmp.resolve("registry");
        version = city.publish(registry, TRAIN_ROWS, 3);
    }

    static JobConfig config() {
        return JobConfig.defaults(registry).withModelPoll(null)
                .withCheckpoints(Duration.ofMillis(500), tmp.resolve("checkpoints"));
    }

    static ForecastJob job(List<RawRecord> input, CollectingSink<IssuedForecast> forecasts,
                           CollectingSink<DeadLetter> deadLetters, JobConfig cfg) throws Exception {
        return new ForecastJob(RecordListSource.of(input), forecasts, deadLetters, cfg)
                .withFlinkOption("restart-strategy.type", "none");
    }

    static String key(Forecast f) {
        return SmallCity.key(f);
    }

    @ParameterizedTest(name = "close when complete: {0}")
    @ValueSource(booleans = {false, true})
    void streamEqualsBacktest(boolean closeWhenComplete) throws Exception {
        int from = TRAIN_ROWS;
        int to = from + 36;
        CollectingSink<IssuedForecast> forecasts = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        List<RawRecord> input = new ArrayList<>(city.records(from, to));
        String lateAfterEarlyClose = "{\"segment\":\"" + city.history.segmentIds()[3] + "\",\"time\":\""
                + Instant.ofEpochMilli(city.history.epochMillis(to - 1)) + "\",\"speed\":40,\"source\":\"cellular\"}";
        if (closeWhenComplete) {
            // The last step was complete and is already forecast: a second source's reading for it is too late.
            input.add(SmallCity.record(null, lateAfterEarlyClose, 999_999));
        }
        job(input, forecasts, deadLetters, config().withCloseWhenComplete(closeWhenComplete)).execute();

        SmallCity.Backtest offline = city.backtest(registry, version, from, to);
        Map<String, Forecast> expected = offline.forecasts();
        int refusedOffline = offline.refused();
        int n = city.history.segments();

        Map<String, Forecast> actual = new HashMap<>();
        for (IssuedForecast issued : forecasts.values()) {
            assertNull(actual.put(key(issued.forecast()), issued.forecast()),
                    "forecast issued twice: " + key(issued.forecast()));
        }
        assertEquals(n * (to - from), expected.size());
        assertEquals(expected.keySet(), actual.keySet(), "one forecast per segment per step");
        for (Forecast e : expected.values()) {
            Forecast a = actual.get(key(e));
            assertEquals(version, a.modelVersion());
            assertEquals(e.observedSpeed(), a.observedSpeed(), 0.0, key(e));
            assertEquals(e.imputed(), a.imputed(), key(e));
            assertArrayEquals(e.horizonsMin(), a.horizonsMin());
            assertArrayEquals(e.speed(), a.speed(), 1e-9, key(e));
            assertArrayEquals(e.lower(), a.lower(), 1e-9, key(e));
            assertArrayEquals(e.upper(), a.upper(), 1e-9, key(e));
            assertArrayEquals(e.level(), a.level(), key(e));
        }
        List<DeadLetter> letters = new ArrayList<>(deadLetters.values());
        if (closeWhenComplete) {
            assertTrue(letters.removeIf(d -> d.reason() == RejectReason.TOO_LATE
                    && lateAfterEarlyClose.equals(d.payload())), "reading for a step closed early: " + letters);
        }
        assertEquals(refusedOffline, letters.size(), "stream refuses what the offline check refuses: " + letters);
    }

    /**
     * Issue 13, longer horizons: a model trained with {@code --max-horizon 120} forecasts every 5-min step up to two
     * hours, and the stream issues exactly what the backtest forecasts at every one of them, 120 min included.
     */
    /**
     * The zone work pool (--zone-workers) changes where the kernel and the JSON run, not what is published: a bounded
     * run with the pool gives every segment the same records (the sink's bytes) in the same order as one without.
     */
    @Test
    void zoneWorkersPublishTheSameRecordsInTheSameOrderPerSegment() throws Exception {
        List<RawRecord> input = city.records(TRAIN_ROWS, TRAIN_ROWS + 36);
        Map<String, List<byte[]>> without = null;
        for (int workers : new int[] {0, 2}) {
            CollectingSink<IssuedForecast> forecasts = new CollectingSink<>();
            job(input, forecasts, new CollectingSink<>(), config().withCloseWhenComplete(true)
                    .withCloseWhenExpected(true).withZoneWorkers(workers, true)).execute();
            Map<String, List<byte[]>> published = ZoneWorkersTest.published(forecasts.values());
            assertEquals(city.history.segments(), published.size());
            if (workers == 0) {
                without = published;
                continue;
            }
            assertTrue(forecasts.values().stream().allMatch(f -> f.values().json() != null),
                    "the workers wrote the records");
            for (Map.Entry<String, List<byte[]>> e : without.entrySet()) {
                List<byte[]> pooled = published.get(e.getKey());
                assertEquals(36, e.getValue().size());
                assertEquals(e.getValue().size(), pooled.size(), e.getKey());
                for (int k = 0; k < pooled.size(); k++) {
                    assertArrayEquals(e.getValue().get(k), pooled.get(k), e.getKey() + " forecast " + k);
                }
            }
        }
    }

    @Test
    void aModelOfTwoHoursForecastsHorizon120InStreamAsInBacktest() throws Exception {
        Path longRegistry = tmp.resolve("registry-120");
        String longVersion = new roadcast.model.ModelRegistry(longRegistry)
                .publish(city.train(TRAIN_ROWS, 3, SmallCity.CORRIDOR, 120));
        int from = TRAIN_ROWS;
        int to = from + 12;
        CollectingSink<IssuedForecast> forecasts = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        JobConfig cfg = JobConfig.defaults(longRegistry).withModelPoll(null)
                .withCheckpoints(Duration.ofMillis(500), tmp.resolve("checkpoints-120"));
        job(city.records(from, to), forecasts, deadLetters, cfg).execute();

        Map<String, Forecast> expected = city.backtest(longRegistry, longVersion, from, to).forecasts();
        assertEquals(city.history.segments() * (to - from), expected.size());
        int[] twoHours = java.util.stream.IntStream.rangeClosed(1, 24).map(h -> 5 * h).toArray();
        Map<String, Forecast> actual = new HashMap<>();
        for (IssuedForecast issued : forecasts.values()) {
            actual.put(key(issued.forecast()), issued.forecast());
        }
        assertEquals(expected.keySet(), actual.keySet(), "one forecast per segment per step");
        for (Forecast e : expected.values()) {
            Forecast a = actual.get(key(e));
            assertArrayEquals(twoHours, e.horizonsMin(), "the backtest forecasts 5..120 min");
            assertArrayEquals(twoHours, a.horizonsMin(), "the stream forecasts 5..120 min");
            assertArrayEquals(e.speed(), a.speed(), 1e-9, key(e));
            assertArrayEquals(e.lower(), a.lower(), 1e-9, key(e));
            assertArrayEquals(e.upper(), a.upper(), 1e-9, key(e));
            assertArrayEquals(e.level(), a.level(), key(e));
            assertTrue(a.speed()[23] > 0 && a.lower()[23] <= a.speed()[23] && a.speed()[23] <= a.upper()[23],
                "a real forecast at 120 min: " + key(e));
        }
    }

    @Test
    void everyRejectionReachesTheDeadLettersAndTheJobGoesOn() throws Exception {
        int from = TRAIN_ROWS;
        int to = from + 24;
        List<RawRecord> clean = city.records(from, to);
        int n = city.history.segments();
        String s0 = city.history.segmentIds()[0];
        String s1 = city.history.segmentIds()[1];
        String s2 = city.history.segmentIds()[2];
        Instant t5 = Instant.ofEpochMilli(city.history.epochMillis(from + 5));
        Instant t2 = Instant.ofEpochMilli(city.history.epochMillis(from + 2));
        Instant t10 = Instant.ofEpochMilli(city.history.epochMillis(from + 10));

        Map<RejectReason, String> bad = new java.util.LinkedHashMap<>();
        Map<RejectReason, String> badKey = new HashMap<>();
        bad.put(RejectReason.MALFORMED_JSON, "{\"segment\": \"" + s1 + "\", \"time\": ");
        bad.put(RejectReason.MISSING_FIELD, "{\"segment\":\"" + s1 + "\",\"time\":\"" + t5 + "\"}");
        bad.put(RejectReason.WRONG_TYPE, "{\"segment\":\"" + s1 + "\",\"time\":\"" + t5 + "\",\"speed\":\"fast\"}");
        bad.put(RejectReason.NOT_A_NUMBER, "{\"segment\":\"" + s1 + "\",\"time\":\"" + t5 + "\",\"speed\":NaN}");
        bad.put(RejectReason.NEGATIVE_SPEED, "{\"segment\":\"" + s1 + "\",\"time\":\"" + t5 + "\",\"speed\":-3}");
        bad.put(RejectReason.IMPOSSIBLE_SPEED, "{\"segment\":\"" + s1 + "\",\"time\":\"" + t5 + "\",\"speed\":500}");
        bad.put(RejectReason.OUT_OF_RANGE, "{\"segment\":\"" + s1 + "\",\"time\":\"" + t5
                + "\",\"speed\":50,\"occupancy\":1.5}");
        bad.put(RejectReason.UNKNOWN_SEGMENT, "{\"segment\":\"nowhere\",\"time\":\"" + t5 + "\",\"speed\":50}");
        bad.put(RejectReason.KEY_MISMATCH, "{\"segment\":\"" + s2 + "\",\"time\":\"" + t5 + "\",\"speed\":50}");
        badKey.put(RejectReason.KEY_MISMATCH, s1);
        bad.put(RejectReason.TOO_FAR_IN_FUTURE, "{\"segment\":\"" + s1 + "\",\"time\":\"2100-01-01T00:00:00Z\",\"speed\":50}");
        bad.put(RejectReason.TOO_LATE, "{\"segment\":\"" + s0 + "\",\"time\":\"" + t2
                + "\",\"speed\":50,\"source\":\"cellular\"}");
        // A floating car reading 55 mph below what the loop of the same segment says: a spike by the credibility rules.
        String spike = "{\"segment\":\"" + s0 + "\",\"time\":\"" + t10 + "\",\"speed\":"
                + Math.max(1.0, city.history.speed()[from + 10][0] - 55.0) + ",\"source\":\"floating_car\"}";

        List<RawRecord> input = new ArrayList<>();
        long offset = 100_000;
        for (int k = 0; k < clean.size(); k++) {
            input.add(clean.get(k));
            int row = k / n;
            if (k % n == n - 1 && row == 6) {
                for (var e : bad.entrySet()) {
                    if (e.getKey() == RejectReason.TOO_LATE) {
                        continue;
                    }
                    input.add(SmallCity.record(badKey.get(e.getKey()), e.getValue(), offset++));
                }
                input.add(clean.get(k)); // the same record again: DUPLICATE
            }
            if (k % n == 0 && row == 10) {
                input.add(SmallCity.record(s0, spike, offset++));
            }
            if (k % n == n - 1 && row == 20) {
                input.add(SmallCity.record(s0, bad.get(RejectReason.TOO_LATE), offset++));
            }
        }

        CollectingSink<IssuedForecast> forecasts = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        job(input, forecasts, deadLetters, config()).execute();

        Map<RejectReason, List<DeadLetter>> byReason = new HashMap<>();
        for (DeadLetter d : deadLetters.values()) {
            byReason.computeIfAbsent(d.reason(), r -> new ArrayList<>()).add(d);
            assertFalse(d.detail().isBlank(), "dead letter without detail: " + d);
            assertEquals(SmallCity.TOPIC, d.topic());
        }
        for (var e : bad.entrySet()) {
            List<DeadLetter> letters = byReason.getOrDefault(e.getKey(), List.of());
            assertTrue(letters.stream().anyMatch(d -> e.getValue().equals(d.payload())),
                    e.getKey() + " missing from the dead letters " + byReason.keySet());
        }
        assertTrue(byReason.getOrDefault(RejectReason.DUPLICATE, List.of()).stream()
                .anyMatch(d -> new String(clean.get(7 * n - 1).value, StandardCharsets.UTF_8).equals(d.payload())));
        RejectReason spikeReason = RejectReason.SPIKE;
        assertEquals(RejectReason.STUCK, ZoneIntake.reasonOf(roadcast.clean.Verdict.STUCK));
        assertTrue(byReason.getOrDefault(spikeReason, List.of()).stream().anyMatch(d -> spike.equals(d.payload())
                && d.detail().contains("spike")), "spike missing from " + byReason);
        Set<RejectReason> expectedReasons = EnumSet.copyOf(bad.keySet());
        expectedReasons.add(RejectReason.DUPLICATE);
        expectedReasons.add(spikeReason);
        assertEquals(expectedReasons, byReason.keySet());

        // The job went on: every segment has a forecast at every step, and the refused readings changed nothing.
        Map<Long, Integer> perStep = new TreeMap<>();
        for (IssuedForecast f : forecasts.values()) {
            perStep.merge(f.forecast().issuedAt(), 1, Integer::sum);
            assertFalse(Double.isNaN(f.forecast().observedSpeed()), "a good reading was lost: " + key(f.forecast()));
        }
        assertEquals(to - from, perStep.size());
        perStep.values().forEach(c -> assertEquals(n, c));
    }

    @Test
    void acceptedReadingsAreArchivedByDay() throws Exception {
        // 23:00 .. 01:00 of the live day: the archive must split at midnight (UTC, the city's zone).
        int from = TRAIN_ROWS - 12;
        int to = TRAIN_ROWS + 12;
        Path archive = tmp.resolve("archive");
        CollectingSink<IssuedForecast> forecasts = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        ForecastJob job = job(city.records(from, to), forecasts, deadLetters, config());
        job.withArchive(roadcast.publish.DayArchive.sink(archive, job.model().timeZone())).execute();

        Map<String, List<String>> linesByDay = new TreeMap<>();
        try (var days = java.nio.file.Files.list(archive)) {
            for (Path day : days.toList()) {
                try (var parts = java.nio.file.Files.list(day)) {
                    for (Path part : parts.filter(f -> f.getFileName().toString().startsWith("part")).toList()) {
                        List<String> lines = java.nio.file.Files.readAllLines(part);
                        assertEquals(roadcast.publish.DayArchive.HEADER.trim(), lines.get(0), part.toString());
                        linesByDay.computeIfAbsent(day.getFileName().toString(), d -> new ArrayList<>())
                                .addAll(lines.subList(1, lines.size()));
                    }
                }
            }
        }
        int n = city.history.segments();
        assertEquals(Set.of("day=2024-01-04", "day=2024-01-05"), linesByDay.keySet());
        assertEquals(12 * n, linesByDay.get("day=2024-01-04").size());
        assertEquals(12 * n, linesByDay.get("day=2024-01-05").size());
        String first = city.history.segmentIds()[0];
        String expected = Instant.ofEpochMilli(city.history.epochMillis(TRAIN_ROWS)) + "," + first + ","
                + Double.parseDouble(Float.toString(city.history.speed()[TRAIN_ROWS][0])) + ",,,loop";
        assertTrue(linesByDay.get("day=2024-01-05").contains(expected), "missing line " + expected);
    }

    @Test
    void archiveIsADataSetTheRetrainReads() throws Exception {
        // 18:00 .. 06:00 across midnight: two day folders, and enough steps for the trainer's horizons
        int from = TRAIN_ROWS - 72;
        int to = TRAIN_ROWS + 72;
        Path archive = tmp.resolve("retrain-archive");
        ForecastJob job = job(city.records(from, to), new CollectingSink<>(), new CollectingSink<>(), config());
        // as StreamCommand does where it creates the sink
        roadcast.publish.DayArchive.describe(archive, job.model());
        job.withArchive(roadcast.publish.DayArchive.sink(archive, job.model().timeZone())).execute();

        roadcast.datasets.Dataset data = roadcast.datasets.DatasetLoader.load(archive);
        roadcast.history.SpeedHistory loaded = data.history();
        ManifoldModel running = job.model();
        assertArrayEquals(running.network().segmentIds(), loaded.segmentIds());
        assertEquals(running.unit(), loaded.unit());
        assertEquals(running.timeZone(), loaded.timeZone());
        assertEquals(running.step(), loaded.step());
        assertEquals(city.history.time(from), loaded.start());
        assertEquals(to - from, loaded.steps());
        for (int t = 0; t < loaded.steps(); t++) {
            // every reading of this window is accepted, so the archive holds exactly the input
            assertArrayEquals(city.history.speed()[from + t], loaded.speed()[t], "row " + t);
        }
        assertEquals(running.network().links(), data.network().links());

        roadcast.model.ManifoldModel retrained = roadcast.train.TrainingRun.train(data, loaded.steps(),
                roadcast.fit.TrainingConfig.defaults(data.name(), data.provenance(), city.rules())
                        .withFixed(3, 2, 1.0).withMaxZoneSize(SmallCity.CORRIDOR).withThreads(1),
                roadcast.fit.ProgressListener.NONE).model();
        assertArrayEquals(running.network().segmentIds(), retrained.network().segmentIds());
        assertEquals(running.step(), retrained.step());
        assertEquals(running.timeZone(), retrained.timeZone());
    }
}
