package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.model.ModelRegistry;
import roadcast.publish.ForecastRecordSerializer;
import roadcast.publish.IssuedForecast;

/**
 * The zone operator with its zone work pool ({@link ZoneWorkers}) under Flink's keyed operator harness (its real state
 * backend, snapshots and restore): the work pending when a checkpoint is taken is published before it, and a job
 * restored from that checkpoint goes on exactly as one without the pool, byte for byte and in the same order per
 * segment.
 */
class ZoneWorkersTest {

    static final int TRAIN_ROWS = 2 * 288;
    static final int STEPS = 6;
    static final int CHECKPOINT_AFTER = 3;

    @TempDir
    static Path tmp;

    static SmallCity city;
    static ModelRef ref;
    static NetworkLayout layout;

    @BeforeAll
    static void trainModel() throws Exception {
        city = SmallCity.generate("w", 3, 11);
        Path registry = tmp.resolve("registry");
        String version = city.publish(registry, TRAIN_ROWS, 3);
        ref = new ModelRef(registry.toAbsolutePath().toString(), version);
        layout = NetworkLayout.of(new ModelRegistry(registry).load(version), null, null);
    }

    /** Steps close as soon as they are complete, so each zone's work is handed over inside processElement. */
    static KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> harness(int workers)
            throws Exception {
        ZoneOperator op = new ZoneOperator(ref, layout, false, true, 0, false).withZoneWorkers(workers, true);
        return new KeyedTwoInputStreamOperatorTestHarness<>(op, (ReadingEvent e) -> ZoneOperator.NETWORK_KEY,
                (String v) -> ZoneOperator.NETWORK_KEY, org.apache.flink.api.common.typeinfo.Types.INT);
    }

    static void feedSteps(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> h,
                          int from, int to) throws Exception {
        for (int t = from; t < to; t++) {
            int row = TRAIN_ROWS + t;
            for (int i = 0; i < layout.size(); i++) {
                h.processElement1(new StreamRecord<>(ZoneOperatorStateTest.reading(layout, i,
                        city.history.epochMillis(row), city.history.speed()[row][i])));
            }
        }
    }

    /** The published records' values (JSON) per segment, in the order published. */
    static Map<String, List<byte[]>> published(List<IssuedForecast> forecasts) {
        ForecastRecordSerializer serializer = new ForecastRecordSerializer("t");
        serializer.open(null, null);
        Map<String, List<byte[]>> out = new LinkedHashMap<>();
        for (IssuedForecast f : forecasts) {
            out.computeIfAbsent(f.values().segment(), k -> new ArrayList<>())
                    .add(serializer.serialize(f, null, null).value());
        }
        return out;
    }

    /** Runs the steps with a checkpoint after {@link #CHECKPOINT_AFTER} and a restore from it; all forecasts. */
    static List<IssuedForecast> runWithRestore(int workers, int[] publishedBeforeBarrier) throws Exception {
        List<IssuedForecast> all = new ArrayList<>();
        OperatorSubtaskState checkpoint;
        try (var h = harness(workers)) {
            h.open();
            feedSteps(h, 0, CHECKPOINT_AFTER);
            publishedBeforeBarrier[0] = ZoneOperatorStateTest.forecasts(h).size();
            h.prepareSnapshotPreBarrier(1); // as the task does before it sends the barrier on (the harness does not)
            checkpoint = h.snapshot(1, 1);
            all.addAll(ZoneOperatorStateTest.forecasts(h));
            feedSteps(h, CHECKPOINT_AFTER, CHECKPOINT_AFTER + 1); // after the barrier: lost with the failure
        }
        try (var h = harness(workers)) {
            h.initializeState(checkpoint);
            h.open();
            feedSteps(h, CHECKPOINT_AFTER, STEPS); // the replay from the checkpoint's offsets
            h.processBothWatermarks(new Watermark(Long.MAX_VALUE)); // the end of the input
            all.addAll(ZoneOperatorStateTest.forecasts(h));
        }
        return all;
    }

    @Test
    void workPendingAtTheBarrierIsPublishedBeforeItAndARestoreGoesOnAsWithoutThePool() throws Exception {
        int[] inlineBefore = new int[1];
        int[] pooledBefore = new int[1];
        List<IssuedForecast> inline = runWithRestore(0, inlineBefore);
        List<IssuedForecast> pooled = runWithRestore(2, pooledBefore);

        int n = layout.size();
        assertEquals(CHECKPOINT_AFTER * n, inlineBefore[0], "without the pool every closed step is out at once");
        // The harness runs no mailbox: a zone's result is published when its next step closes, or at the barrier.
        assertTrue(pooledBefore[0] < CHECKPOINT_AFTER * n,
                "the last step's zone work was still pending when the checkpoint began: " + pooledBefore[0]);
        assertEquals(STEPS * n, inline.size());
        Map<String, List<byte[]>> expected = published(inline);
        Map<String, List<byte[]>> actual = published(pooled);
        assertEquals(expected.keySet(), actual.keySet());
        for (String segment : expected.keySet()) {
            List<byte[]> e = expected.get(segment);
            List<byte[]> a = actual.get(segment);
            assertEquals(e.size(), a.size(), segment);
            for (int k = 0; k < e.size(); k++) {
                assertArrayEquals(e.get(k), a.get(k), segment + " forecast " + k);
            }
        }
        assertTrue(pooled.stream().allMatch(f -> f.values().json() != null),
                "the pool wrote the records the sink publishes");
    }
}
