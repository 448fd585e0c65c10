package roadcast.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The heap before and after each pause, read from a JDK 17 G1 log as {@code -Xlog:gc} writes it. */
class GcLogTest {

    /** Lines of a real run (JDK 17.0.15, G1, -Xmx128m): young, humongous, full pauses and the lines without sizes. */
    private static final List<String> LOG = List.of(
            "[0.016s][info][gc] Using G1",
            "[3.213s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 6M->3M(128M) 21.594ms",
            "[4.504s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 8M->4M(128M) 36.572ms",
            "[5.652s][info][gc] GC(2) Pause Young (Concurrent Start) (G1 Humongous Allocation) 63M->11M(128M) 32.636ms",
            "[5.652s][info][gc] GC(3) Concurrent Undo Cycle",
            "[5.654s][info][gc] GC(3) Concurrent Undo Cycle 1.426ms",
            "[6.420s][info][gc] GC(286) Pause Full (System.gc()) 49M->23M(84M) 75.949ms",
            "[6.500s][info][gc] GC(290) Pause Young (Normal) (G1 Evacuation Pause) 2G->1536M(4096M) 10.000ms",
            "[6.600s][info][gc] GC(291) Pause Remark 1600M->1590M(4096M) 1.000ms");

    @Test
    void peaksBeforeAndAfterEachPauseAndTheAllocationBetweenThem() {
        GcLog g = GcLog.parse(LOG);
        assertEquals(6, g.pauses());
        assertEquals(2048, g.peakBeforeMb(), 1e-9);
        assertEquals(1590, g.peakAfterMb(), 1e-9, "the live heap is the largest after-figure, not the used peak");
        assertEquals(4096, g.peakCommittedMb(), 1e-9);
        // growth between pauses: 6 + (8-3) + (63-4) + (49-11) + (2048-23) + (1600-1536)
        assertEquals(6 + 5 + 59 + 38 + 2025 + 64, g.allocatedMb(), 1e-9);
    }

    @Test
    void aLogWithoutPausesHasNoFigures() {
        assertEquals(GcLog.NONE, GcLog.parse(List.of("[0.016s][info][gc] Using G1")));
    }

    @Test
    void theClusterFigureIsEachPeakOverTheTaskManagersAndTheirAllocationSummed() {
        GcLog a = new GcLog(3, 900, 300, 1024, 5000);
        GcLog b = new GcLog(5, 700, 400, 1024, 7000);
        assertEquals(new GcLog(8, 900, 400, 1024, 12000), GcLog.max(List.of(a, b)));
    }
}
