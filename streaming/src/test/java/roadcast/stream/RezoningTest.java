package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import roadcast.reading.Source;

/** State moves by segment id between zonings, without Flink (the kernel is not needed while no rows are kept). */
class RezoningTest {

    private static final long STEP = 300_000L;
    private static final long T0 = 1_330_560_000_000L;

    @Test
    void tracksAndOpenStepsFollowTheirSegmentsAddedStartFreshRemovedAreNamed() {
        // old: zone 0 = [a, b, c], zone 1 = [d, e]
        ZoneMemory z0 = ZoneMemory.fresh(new String[] {"a", "b", "c"});
        ZoneMemory z1 = ZoneMemory.fresh(new String[] {"d", "e"});
        z0.tracks[1].recent0 = 41.0; // b
        z1.tracks[0].recent0 = 52.0; // d
        z1.placeOffsets[0] = 41_250; // d's place in the step (the schedule close rule), on input slot 1
        z1.placeSteps[0] = T0 - STEP;
        z1.placeSlots[0] = 2;
        z0.lastClosedStep = T0 - STEP;
        z1.lastClosedStep = T0 - 2 * STEP;
        StepAccumulator s0 = z0.open(T0, 3);
        s0.remember(1, T0 + 10, Source.LOOP);
        s0.add(1, 40.0, 1.0, 7);
        s0.remember(1, T0 + 20, Source.FLOATING_CAR);
        s0.add(1, 44.0, 0.5, 9);
        StepAccumulator s1 = z1.open(T0, 2);
        s1.remember(0, T0 + 5, Source.LOOP);
        s1.add(0, 50.0, 1.0, 3);

        // new: zone 0 = [d, b, x], zone 1 = [a]; c and e removed, x added
        NetworkLayout layout = new NetworkLayout(new String[] {"a", "b", "d", "x"}, new int[] {1, 0, 0, 0},
                new int[] {0, 1, 0, 2}, new int[] {3, 1}, STEP, "UTC", 100, 60_000L, 60_000L);
        Rezoning.Result r = Rezoning.regroup(new ZoneMemory[] {z0, z1}, layout, "v2", z -> {
            throw new AssertionError("no rows kept, nothing to re-estimate");
        });

        assertEquals(List.of("x"), r.added());
        assertEquals(List.of("c", "e"), r.removed());
        assertEquals(3, r.moved());
        ZoneMemory n0 = r.zones()[0];
        assertEquals(List.of("d", "b", "x"), List.of(n0.segments));
        assertEquals(52.0, n0.tracks[0].recent0);
        assertEquals(41.0, n0.tracks[1].recent0);
        assertTrue(Double.isNaN(n0.tracks[2].recent0), "an added segment starts with a fresh track");
        assertEquals(41_250, n0.placeOffsets[0], "d keeps its place in the step");
        assertEquals(T0 - STEP, n0.placeSteps[0]);
        assertEquals(2, n0.placeSlots[0]);
        assertEquals(Long.MIN_VALUE, n0.placeSteps[2], "an added segment has no place yet");
        assertSame(z0.tracks[0], r.zones()[1].tracks[0], "a's track went to zone 1");
        assertEquals(T0 - STEP, n0.lastClosedStep, "the newest step closed by any source zone");
        assertEquals("v2", n0.modelVersion);
        assertNull(n0.state, "no recent rows: the zone starts cold");

        StepAccumulator moved = n0.openStep(T0);
        float[] row = new float[3];
        moved.fusedInto(row);
        assertEquals(50.0f, row[0]);
        assertEquals((float) ((40.0 + 0.5 * 44.0) / 1.5), row[1]);
        assertTrue(Float.isNaN(row[2]));
        assertEquals(2, moved.covered);
        assertEquals(9, moved.maxAppendMillis);
        assertEquals(StepAccumulator.DUPLICATE, moved.remember(1, T0 + 20, Source.FLOATING_CAR),
                "b's second reading is still a duplicate");
        assertEquals(StepAccumulator.DUPLICATE, moved.remember(0, T0 + 5, Source.LOOP), "d's reading is still a duplicate");
        assertEquals(StepAccumulator.NEW, moved.remember(2, T0 + 5, Source.LOOP));
        assertNull(r.zones()[1].openStep(T0), "a had no reading in the open step");
    }

    /**
     * Coverage extension: a road that had a loop in the old model and none in the new one (an extended row after the
     * zone's observed rows) keeps its reading in the open step, but the step's completeness counts observed rows only.
     */
    @Test
    void readingsOfANowExtendedSegmentMoveButCompletenessCountsObservedRowsOnly() {
        ZoneMemory z0 = ZoneMemory.fresh(new String[] {"a", "b"});
        StepAccumulator s0 = z0.open(T0, 2);
        s0.remember(0, T0 + 10, Source.LOOP);
        s0.add(0, 40.0, 1.0, 7);
        s0.remember(1, T0 + 20, Source.FLOATING_CAR);
        s0.add(1, 30.0, 0.6, 9);

        // new: zone 0 = [a | b], a observed, b extended (its row after the observed ones)
        NetworkLayout layout = new NetworkLayout(new String[] {"a", "b"}, new int[] {0, 0}, new int[] {0, 1},
                new int[] {2}, STEP, "UTC", 100, 60_000L, 60_000L, new int[] {1});
        Rezoning.Result r = Rezoning.regroup(new ZoneMemory[] {z0}, layout, "v2", z -> {
            throw new AssertionError("no rows kept, nothing to re-estimate");
        });
        StepAccumulator moved = r.zones()[0].openStep(T0);
        float[] row = new float[2];
        moved.fusedInto(row);
        assertEquals(40.0f, row[0]);
        assertEquals(30.0f, row[1], 1e-5f, "the extended road's reading is kept for the kriging layer");
        assertEquals(1, moved.observedRows());
        assertEquals(1, moved.covered, "observed rows covered");
        assertTrue(moved.complete(), "the observed row is in: complete, the extended one is not awaited");
        assertEquals(2, moved.readings);

        StepAccumulator fresh = r.zones()[0].open(T0 + STEP, 2, 1);
        fresh.add(1, 33.0, 0.6, 11);
        assertFalse(fresh.complete(), "a reading of the extended road alone does not complete the step");
        fresh.add(0, 41.0, 1.0, 12);
        assertTrue(fresh.complete());
    }

    @Test
    void aZoneOfAddedSegmentsOnlyStartsAfterTheNetworksNewestClosedStep() {
        ZoneMemory z0 = ZoneMemory.fresh(new String[] {"a"});
        ZoneMemory z1 = ZoneMemory.fresh(new String[] {"b"});
        z0.lastClosedStep = T0;
        z1.lastClosedStep = T0 - STEP;
        // new: zone 0 = [a, b], zone 1 = [x, y] (added)
        NetworkLayout layout = new NetworkLayout(new String[] {"a", "b", "x", "y"}, new int[] {0, 0, 1, 1},
                new int[] {0, 1, 0, 1}, new int[] {2, 2}, STEP, "UTC", 100, 60_000L, 60_000L);
        Rezoning.Result r = Rezoning.regroup(new ZoneMemory[] {z0, z1}, layout, "v2", z -> {
            throw new AssertionError("no rows kept, nothing to re-estimate");
        });
        assertEquals(List.of("x", "y"), r.added());
        assertEquals(T0, r.zones()[0].lastClosedStep);
        // Before: Long.MIN_VALUE, and the pending event-time timers of steps up to T0 forecast the new zone for
        // steps before the switch, under the new version.
        assertEquals(T0, r.zones()[1].lastClosedStep, "the new zone's first step is the one after the switch");
        assertNull(r.zones()[1].state);
    }
}
