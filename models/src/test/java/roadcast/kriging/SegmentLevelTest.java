package roadcast.kriging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The level features of a road without history, against values worked out by hand. */
class SegmentLevelTest {

    @Test
    void featuresAreTheNeighbourhoodLevelsDepartureFromTheKernelLevel() {
        // levels of observed roads 0..4; the target's neighbours 2 (100 m, upstream), 0 (200 m), 4 (300 m), 1 (900 m)
        double[] level = {60, 30, 50, 99, 40};
        double[] freeFlow = {65, 40, 62, 99, 70};
        RoadDistances.Neighbours nb = new RoadDistances.Neighbours(new int[] {2, 0, 4, 1},
                new double[] {100, 200, 300, 900}, new boolean[] {true, false, false, false});
        double[] out = new double[SegmentLevel.COUNT + 1];
        out[0] = 7; // untouched: features are written from off = 1
        SegmentLevel.features(nb, level, freeFlow, 2, 200, 55, out, 1);
        double g1 = Math.exp(-0.25);
        double g2 = Math.exp(-1);
        double bl = (g1 * 50 + g2 * 60) / (g1 + g2); // kernel level of the first K = 2
        assertEquals(7, out[0]);
        assertEquals(0.5 * (40 + 50) - bl, out[1], 1e-12, "median of the four levels");
        assertEquals(45 - bl, out[2], 1e-12, "mean of the four levels");
        assertEquals(5, out[3], 1e-12, "std of the first K levels (50, 60)");
        assertEquals(0.5, out[4], 1e-12, "one upstream of the first K = 2");
        assertEquals(55 - bl, out[5], 1e-12, "the network's median level");
        double bf = (g1 * 62 + g2 * 65) / (g1 + g2);
        assertEquals(0.5 * (62 + 65) - bf, out[6], 1e-12, "median free-flow speed of the four less the kernel's");
    }

    @Test
    void aRoadWithoutObservedNeighboursGetsZerosAndTheMedianSkipsExcludedRoads() {
        double[] out = {1, 1, 1, 1, 1, 1};
        SegmentLevel.features(new RoadDistances.Neighbours(new int[0], new double[0], new boolean[0]), new double[0],
                new double[0], 4, 1, 50, out, 0);
        assertArrayEquals(new double[SegmentLevel.COUNT], out);
        assertEquals(40, SegmentLevel.median(new double[] {10, 40, 99, 50}, i -> i != 2));
        assertEquals(Double.NaN, SegmentLevel.median(new double[] {10}, i -> false));
    }
}
