package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import roadcast.forecast.Forecast;
import roadcast.ingest.DeadLetter;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;
import roadcast.model.ZoningRecord;
import roadcast.publish.IssuedForecast;
import roadcast.ingest.RejectReason;
import roadcast.reading.Source;

/**
 * The zone operator under Flink's keyed operator harness (its real state backend, timers and snapshots): state stays
 * bounded under floods of distinct timestamps and a stalled watermark, and processing-time timers restored from a
 * checkpoint do not close steps before the replay.
 */
class ZoneOperatorStateTest {

    static final int TRAIN_ROWS = 2 * 288;

    @TempDir
    static Path tmp;

    static SmallCity city;
    static Path registry;
    static ModelRef ref;
    static ManifoldModel model;
    static NetworkLayout layout;

    @BeforeAll
    static void trainModel() throws Exception {
        city = SmallCity.generate("h", 3, 9);
        registry = tmp.resolve("registry");
        String version = city.publish(registry, TRAIN_ROWS, 3);
        ref = new ModelRef(registry.toAbsolutePath().toString(), version);
        model = new ModelRegistry(registry).load(version);
        layout = NetworkLayout.of(model, null, null);
    }

    static KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> harness(
            long closeAfterQuietMillis) throws Exception {
        ZoneOperator op = new ZoneOperator(ref, layout, false, false, closeAfterQuietMillis, false);
        return new KeyedTwoInputStreamOperatorTestHarness<>(op, (ReadingEvent e) -> ZoneOperator.NETWORK_KEY,
                (String v) -> ZoneOperator.NETWORK_KEY,
                org.apache.flink.api.common.typeinfo.Types.INT);
    }

    /** Network indices of zone 0's segments. */
    static List<Integer> zone0() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < layout.size(); i++) {
            if (layout.zoneOfSegment()[i] == 0) {
                out.add(i);
            }
        }
        return out;
    }

    static ReadingEvent reading(int segment, long time, double speed) {
        return reading(layout, segment, time, speed);
    }

    /** A loop reading of a segment of {@code layout} (network index). */
    static ReadingEvent reading(NetworkLayout layout, int segment, long time, double speed) {
        ReadingEvent e = new ReadingEvent();
        e.segment = layout.segmentIds()[segment];
        e.segmentIndex = segment;
        e.zone = layout.zoneOfSegment()[segment];
        e.timeMillis = time;
        e.speed = speed;
        e.flow = Double.NaN;
        e.occupancy = Double.NaN;
        e.source = Source.LOOP;
        e.payload = new byte[0];
        e.topic = "t";
        e.appendMillis = time;
        return e;
    }

    static List<IssuedForecast> forecasts(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String,
            IssuedForecast> h) {
        List<IssuedForecast> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof IssuedForecast f) {
                out.add(f);
            }
        }
        return out;
    }

    static List<DeadLetter> deadLetters(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String,
            IssuedForecast> h) {
        List<DeadLetter> out = new ArrayList<>();
        var side = h.getSideOutput(ForecastJob.DEAD_LETTERS);
        if (side != null) {
            side.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    @Test
    void floodOfDistinctTimestampsKeepsTheCheckpointSmallAndForecastsGoOn() throws Exception {
        List<Integer> zone = zone0();
        int flooded = zone.get(0);
        long t0 = city.history.epochMillis(TRAIN_ROWS);
        int floodSize = 100_000;
        try (var h = harness(0)) {
            h.open();
            feedFirstRow(h, zone);
            // 100,000 readings of one segment, each a millisecond apart, all inside the first step.
            float v = city.history.speed()[TRAIN_ROWS][flooded];
            for (int k = 1; k <= floodSize; k++) {
                h.processElement1(new StreamRecord<>(reading(flooded, t0 + k, v)));
            }
            OperatorSubtaskState snapshot = h.snapshot(1, 1);
            long bytes = snapshot.getStateSize();
            assertTrue(bytes < 64 * 1024, "checkpoint of one zone after the flood: " + bytes + " bytes");
            List<DeadLetter> refused = deadLetters(h);
            assertTrue(refused.size() >= floodSize - StepAccumulator.MAX_READINGS_PER_SEGMENT,
                    "the flood beyond the per-step limit is refused: " + refused.size());
            assertTrue(refused.stream().allMatch(d -> !d.detail().isBlank()));
            assertTrue(refused.stream().anyMatch(d -> d.reason().name().equals("TOO_MANY_READINGS")),
                    "reason of the refused flood");
            // The next steps still get forecast.
            for (int t = 1; t <= 4; t++) {
                for (int i : zone) {
                    h.processElement1(new StreamRecord<>(reading(i, city.history.epochMillis(TRAIN_ROWS + t),
                            city.history.speed()[TRAIN_ROWS + t][i])));
                }
                h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(
                        city.history.epochMillis(TRAIN_ROWS + t) - 1));
            }
            // Watermark at the start of step 4: steps 0..1 are past their close time (end + 10 min lateness). A step
            // closes for the whole network, so every segment gets a forecast, the other zones' from carried state.
            assertEquals(2 * layout.size(), forecasts(h).size(), "forecasts of steps 0 and 1");
        }
    }

    /**
     * An input holds event time back (a stalled partition after a first watermark: the normal cap, 48 steps; or one
     * whose records are all refused, so no watermark ever comes: the catch-up cap, 4 x 48): the oldest steps beyond
     * the cap are forecast and the checkpoint stops growing.
     */
    @ParameterizedTest(name = "watermark before the stall: {0}")
    @ValueSource(booleans = {true, false})
    void stalledWatermarkKeepsOpenStepsBoundedAndForecastsGoOn(boolean watermarkSeen) throws Exception {
        List<Integer> zone = zone0();
        int cap = watermarkSeen ? ZoneMemory.maxOpenSteps(layout) : ZoneMemory.maxOpenStepsCatchingUp(layout);
        assertEquals(watermarkSeen ? 48 : 192, cap);
        int steps = cap + 40;
        try (var h = harness(0)) {
            h.open();
            if (watermarkSeen) {
                h.processBothWatermarks(new Watermark(city.history.epochMillis(TRAIN_ROWS) - 1));
            }
            // The watermark stays where it is: readings of ever newer steps.
            for (int t = 0; t < steps; t++) {
                int row = TRAIN_ROWS + t % (city.history.steps() - TRAIN_ROWS);
                for (int i : zone) {
                    h.processElement1(new StreamRecord<>(reading(i, city.history.epochMillis(TRAIN_ROWS + t),
                            city.history.speed()[row][i])));
                }
            }
            int forced = steps - cap;
            assertEquals(forced * zone.size(), forecasts(h).size(), "the oldest steps beyond the bound are forecast");
            long bytes = h.snapshot(1, 1).getStateSize();
            // Another 200 steps: the checkpoint does not grow with them.
            for (int t = steps; t < steps + 200; t++) {
                for (int i : zone) {
                    h.processElement1(new StreamRecord<>(reading(i, city.history.epochMillis(TRAIN_ROWS + t),
                            city.history.speed()[(TRAIN_ROWS + t) % city.history.steps()][i])));
                }
            }
            long later = h.snapshot(2, 2).getStateSize();
            assertTrue(later < bytes * 1.2 + 1024, "checkpoint grew from " + bytes + " to " + later + " bytes");
            assertEquals((forced + 200) * zone.size(), forecasts(h).size());
        }
    }

    @Test
    void aQuietTimerThatFiresAheadOfQueuedReadingsLetsThemInFirst() throws Exception {
        // A processing-time timer runs as a mail ahead of input already queued for the operator: after the operator
        // was busy or descheduled for a quiet period, its readings are waiting, not absent. The zone closes only
        // once the input has also been empty for a short confirmation window.
        List<Integer> zone = zone0();
        long quiet = 1000;
        int half = zone.size() / 2;
        try (var h = harness(quiet)) {
            h.setProcessingTime(10_000);
            h.open();
            feedFirstRow(h, zone.subList(0, half));
            h.setProcessingTime(11_000); // the quiet timer fires before the queued rest of the step is read
            assertEquals(0, forecasts(h).size(), "closed on half a step while its other readings were queued");
            feedFirstRow(h, zone.subList(half, zone.size()));
            h.setProcessingTime(11_000 + ZoneOperator.QUIET_CONFIRM_MILLIS);
            assertEquals(0, forecasts(h).size(), "readings came within the confirmation window: still open");
            h.setProcessingTime(12_000 + ZoneOperator.QUIET_CONFIRM_MILLIS);
            List<IssuedForecast> out = forecasts(h);
            assertEquals(zone.size(), out.size(), "the step closes a quiet period after its last reading");
            assertTrue(out.stream().noneMatch(f -> f.forecast().imputed()), "closed on the complete step");
            assertTrue(deadLetters(h).isEmpty(), "no reading was refused");
        }
    }

    @Test
    void quietTimersRestoredFromACheckpointDoNotCloseStepsBeforeTheReplay() throws Exception {
        List<Integer> zone = zone0();
        long quiet = 1000;
        int half = zone.size() / 2;
        OperatorSubtaskState checkpoint;
        try (var h = harness(quiet)) {
            h.setProcessingTime(10_000);
            h.open();
            feedFirstRow(h, zone.subList(0, half));
            checkpoint = h.snapshot(1, 10_100);
            assertEquals(0, forecasts(h).size(), "nothing closed before the checkpoint");
        }
        // The job fails and is restored well after the quiet timer (10,000 + 1,000) was due.
        try (var h = harness(quiet)) {
            h.setProcessingTime(60_000);
            h.initializeState(checkpoint);
            h.open();
            h.setProcessingTime(60_001);
            assertEquals(0, forecasts(h).size(), "a restored quiet timer closed the step before the replay");
            // The replay: the readings after the checkpoint (the whole step again from the source's offsets).
            feedFirstRow(h, zone.subList(half, zone.size()));
            h.setProcessingTime(60_500);
            assertEquals(0, forecasts(h).size(), "still within the quiet period after the replay");
            h.setProcessingTime(62_000);
            List<IssuedForecast> out = forecasts(h);
            assertEquals(zone.size(), out.size(), "the step closes a quiet period after the replay");
            assertTrue(out.stream().noneMatch(f -> f.forecast().imputed()), "closed on the complete step");
        }
    }

    /**
     * State written by a build before the zoning fingerprint was unified (its layout key held
     * {@code NetworkLayout}'s own 16-digit fingerprint) restores into this build under the same version as it is: no
     * migration, the same forecasts as a run that never stopped, and the key rewritten in the new form.
     */
    @Test
    void stateWrittenUnderTheOldLayoutKeyRestoresWithoutMigration() throws Exception {
        Map<String, IssuedForecast> reference = new TreeMap<>();
        try (var h = harness(0)) {
            h.open();
            feed(h, 0, 8);
            forecasts(h).forEach(f -> reference.put(SmallCity.key(f.forecast()), f));
        }
        OperatorSubtaskState checkpoint;
        Map<String, IssuedForecast> resumed = new TreeMap<>();
        String current = model.version() + "/" + ZoningRecord.fingerprint(model);
        try (var h = harness(0)) {
            h.open();
            feed(h, 0, 4);
            h.snapshot(1, 1);
            assertEquals(current, storedLayout(h).value(), "the layout key of this build");
            storedLayout(h).update(model.version() + "/" + legacyFingerprint(layout));
            checkpoint = h.snapshot(2, 2);
            forecasts(h).forEach(f -> resumed.put(SmallCity.key(f.forecast()), f));
        }
        try (var h = harness(0)) {
            h.initializeState(checkpoint);
            h.open();
            feed(h, 4, 8);
            forecasts(h).forEach(f -> resumed.put(SmallCity.key(f.forecast()), f));
            assertEquals(0, ((ZoneOperator) h.getOperator()).stateMigrationCount(), "taken as it is, not migrated");
            h.snapshot(3, 3);
            assertEquals(current, storedLayout(h).value(), "rewritten in the new form");
        }
        assertTrue(reference.size() >= 4 * layout.size(), "steps were forecast: " + reference.size());
        assertEquals(reference.keySet(), resumed.keySet());
        reference.forEach((k, f) -> assertArrayEquals(f.forecast().speed(), resumed.get(k).forecast().speed(), 0.0, k));
    }

    /**
     * Issue 10 (chaos, 10 kills: 9,522 forecasts differing from the backtest, 3,612 readings TOO_LATE): after a
     * restore the operator's watermark is Long.MIN_VALUE until every input has reported one, and one source subtask
     * reads its partition's backlog while the other is still starting (watermark alignment only holds back readers
     * that have reported). The fast partition's backlog spans more steps than the open-step cap; its first watermark
     * then comes in far behind, and the fast partition's next records are already in flight. No step may be closed
     * before the slow partition's readings for it arrive: every step is forecast as the backtest does.
     */
    @Test
    void backlogLongerThanTheOpenStepCapBeforeTheFirstWatermarkAfterARestoreIsForecastWhole() throws Exception {
        int before = 4;
        int backlog = ZoneMemory.MAX_OPEN_STEPS + 12;
        int inFlight = 2;
        int steps = before + backlog + inFlight;
        Map<String, IssuedForecast> actual = new TreeMap<>();
        List<DeadLetter> refused = new ArrayList<>();
        OperatorSubtaskState checkpoint;
        try (var h = harness(0)) {
            h.open();
            feed(h, 0, before);
            checkpoint = h.snapshot(1, 1);
            forecasts(h).forEach(f -> assertNull(actual.put(SmallCity.key(f.forecast()), f)));
            refused.addAll(deadLetters(h));
        }
        try (var h = harness(0)) {
            h.initializeState(checkpoint);
            h.open();
            // Partition 0 (even segments) reads its whole backlog before partition 1 has sent anything.
            feedPartition(h, 0, before, before + backlog);
            // Partition 1's reader starts: the first watermark, at the restored position, far behind partition 0.
            h.processBothWatermarks(new Watermark(city.history.epochMillis(TRAIN_ROWS + before) - 1));
            // Records partition 0 had fetched before alignment paused it: newer steps still.
            feedPartition(h, 0, before + backlog, steps);
            feedPartition(h, 1, before, steps);
            h.processBothWatermarks(new Watermark(city.history.epochMillis(TRAIN_ROWS + steps + 10)));
            forecasts(h).forEach(f -> assertNull(actual.put(SmallCity.key(f.forecast()), f),
                    "forecast issued twice: " + SmallCity.key(f.forecast())));
            refused.addAll(deadLetters(h));
        }
        assertTrue(refused.stream().noneMatch(d -> d.reason() == RejectReason.TOO_LATE),
                refused.stream().filter(d -> d.reason() == RejectReason.TOO_LATE).count()
                        + " readings refused as too late, first: " + refused.stream().findFirst());
        SmallCity.Backtest offline = city.backtest(registry, ref.version(), TRAIN_ROWS, TRAIN_ROWS + steps);
        assertEquals(offline.refused(), refused.size(), "the stream refuses what the backtest refuses");
        assertEquals(steps * layout.size(), offline.forecasts().size());
        assertEquals(offline.forecasts().keySet(), actual.keySet(), "one forecast per segment per step");
        for (Forecast e : offline.forecasts().values()) {
            Forecast a = actual.get(SmallCity.key(e)).forecast();
            assertEquals(e.observedSpeed(), a.observedSpeed(), 0.0, SmallCity.key(e));
            assertEquals(e.imputed(), a.imputed(), SmallCity.key(e));
            assertArrayEquals(e.speed(), a.speed(), 1e-9, SmallCity.key(e));
        }
    }

    /** The first step after the training rows: one reading of each of {@code segments}, no watermark. */
    private static void feedFirstRow(
            KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> h,
            List<Integer> segments) throws Exception {
        long t0 = city.history.epochMillis(TRAIN_ROWS);
        for (int i : segments) {
            h.processElement1(new StreamRecord<>(reading(i, t0, city.history.speed()[TRAIN_ROWS][i])));
        }
    }

    /** Readings of the even ({@code partition} 0) or odd (1) segments at rows [from, to) after the training rows. */
    private static void feedPartition(
            KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> h, int partition,
            int from, int to) throws Exception {
        for (int t = from; t < to; t++) {
            int row = TRAIN_ROWS + t;
            for (int i = partition; i < layout.size(); i += 2) {
                h.processElement1(new StreamRecord<>(reading(i, city.history.epochMillis(row),
                        city.history.speed()[row][i])));
            }
        }
    }

    /** Every segment's reading at rows [from, to) after the training rows, each step followed by its watermark. */
    private static void feed(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> h,
                             int from, int to) throws Exception {
        for (int t = from; t < to; t++) {
            int row = TRAIN_ROWS + t;
            for (int i = 0; i < layout.size(); i++) {
                h.processElement1(new StreamRecord<>(reading(i, city.history.epochMillis(row),
                        city.history.speed()[row][i])));
            }
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(
                    city.history.epochMillis(row + 1) - 1));
        }
    }

    private static ValueState<String> storedLayout(
            KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> h) throws Exception {
        ZoneOperator op = (ZoneOperator) h.getOperator();
        op.setCurrentKey(ZoneOperator.NETWORK_KEY);
        return op.getKeyedStateBackend().getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                new ValueStateDescriptor<>("zone-layout", String.class));
    }

    /** The layout fingerprint builds before the unification wrote: zone rows by index, 16 hex digits. */
    private static String legacyFingerprint(NetworkLayout l) throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        for (int z = 0; z < l.zoneCount(); z++) {
            for (String id : l.segmentsOfZone(z)) {
                sha.update(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) ',');
            }
            sha.update((byte) ';');
        }
        return java.util.HexFormat.of().formatHex(sha.digest(), 0, 8);
    }
}
