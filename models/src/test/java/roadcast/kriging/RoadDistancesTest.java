package roadcast.kriging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import roadcast.network.CoverageNetwork;
import roadcast.network.Link;
import roadcast.network.RoadClass;
import roadcast.network.Segment;

class RoadDistancesTest {

    private static Segment seg(String id) {
        return new Segment(id, Double.NaN, Double.NaN, RoadClass.UNKNOWN);
    }

    @Test
    void adjacentPairsGiveShortestRoadPathsBothWaysWithDirection() {
        // a -> b -> c -> d with only adjacent distances (PEMSD8 style); x is extended, upstream of b
        CoverageNetwork net = CoverageNetwork.of(List.of(seg("a"), seg("b"), seg("c"), seg("d")), List.of(seg("x")),
                List.of(new Link(0, 1, 100, 1), new Link(1, 2, 200, 1), new Link(2, 3, 50, 1), new Link(4, 1, 30, 1)));
        RoadDistances roads = new RoadDistances(net);
        RoadDistances.Neighbours nb = roads.nearest(4, 3, j -> j < 4);
        assertArrayEquals(new int[] {1, 2, 3}, nb.index());
        assertArrayEquals(new double[] {30, 230, 280}, nb.distance(), 1e-9);
        // x reaches them downstream: none of them is upstream of x
        assertFalse(nb.upstream()[0]);
        RoadDistances.Neighbours ofC = roads.nearest(2, 2, j -> j < 4);
        assertArrayEquals(new int[] {3, 1}, ofC.index());
        assertFalse(ofC.upstream()[0], "d is downstream of c");
        assertTrue(ofC.upstream()[1], "b is upstream of c");
        // std of the given distances (30, 50, 100, 200): DCRNN's kernel sigma
        double mean = (100 + 200 + 50 + 30) / 4.0;
        double var = (100 * 100 + 200 * 200 + 50 * 50 + 30 * 30) / 4.0 - mean * mean;
        assertEquals(Math.sqrt(var), roads.givenDistanceStd(), 1e-9);
    }

    @Test
    void unreachableWithCoordinatesFallsBackToGreatCircle() {
        Segment a = new Segment("a", 34.0, -118.0, RoadClass.UNKNOWN);
        Segment b = new Segment("b", 34.01, -118.0, RoadClass.UNKNOWN);
        Segment z = new Segment("z", 34.005, -118.0, RoadClass.UNKNOWN);
        CoverageNetwork net = CoverageNetwork.of(List.of(a, b), List.of(z), List.of(new Link(0, 1, 1500, 1)));
        RoadDistances.Neighbours nb = new RoadDistances(net).nearest(2, 2, j -> j < 2);
        assertEquals(2, nb.size());
        assertEquals(556, nb.distance()[0], 2.0); // half of 0.01 degree of latitude
    }
}
