package roadcast.outlook;

import org.junit.jupiter.api.Test;
import roadcast.congestion.CongestionLevel;
import roadcast.network.Link;
import roadcast.network.RoadClass;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outlook on fixtures with known answers: a cluster that clears at +25 min, a spreading queue. */
class CongestionOutlookTest {

    static final int[] HORIZONS = {5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60};
    static final CongestionLevel FREE = CongestionLevel.FREE;
    static final CongestionLevel MOD = CongestionLevel.MODERATE;
    static final CongestionLevel SEV = CongestionLevel.SEVERE;

    /** A chain s0 -> s1 -> ... (downstream), links 500 m. */
    static RoadNetwork chain(String prefix, int n) {
        List<Segment> s = new ArrayList<>();
        List<Link> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            s.add(new Segment(prefix + i, Double.NaN, Double.NaN, RoadClass.UNKNOWN));
            if (i > 0) {
                l.add(new Link(i - 1, i, 500, 1));
            }
        }
        return new RoadNetwork(s, l);
    }

    /** Levels over the 12 horizons: congested (level c) at horizons of minutes in [from, to], free elsewhere. */
    static CongestionLevel[] congestedBetween(CongestionLevel c, int from, int to) {
        CongestionLevel[] out = new CongestionLevel[HORIZONS.length];
        for (int h = 0; h < HORIZONS.length; h++) {
            out[h] = HORIZONS[h] >= from && HORIZONS[h] <= to ? c : FREE;
        }
        return out;
    }

    static double[] speeds(CongestionLevel[] levels) {
        return Arrays.stream(levels).mapToDouble(l -> l == FREE ? 60 : 20).toArray();
    }

    static OutlookInput input(RoadNetwork net, CongestionLevel[] now, double[] speedNow, CongestionLevel[][] forecast,
                              double[] lengths, double[] flows, double[] free) {
        String[] ids = net.segmentIds();
        double[][] fs = new double[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            fs[i] = forecast[i] == null ? null : speeds(forecast[i]);
        }
        return new OutlookInput(ids, CongestionOutlook.neighbours(net, ids), now, speedNow, HORIZONS, forecast, fs,
            lengths, flows, free, 1.0, 0L);
    }

    @Test
    void clusterThatClearsAt25Minutes() {
        RoadNetwork net = chain("s", 5);
        CongestionLevel[] now = {FREE, SEV, MOD, FREE, FREE};
        double[] speedNow = {60, 12, 25, 60, 60};
        CongestionLevel[][] f = {
            congestedBetween(MOD, 0, 0),
            congestedBetween(SEV, 5, 20),   // s1 congested through +20, free at +25
            congestedBetween(MOD, 5, 15),   // s2 clears at +20
            congestedBetween(MOD, 0, 0),
            congestedBetween(MOD, 0, 0)};
        double nan = Double.NaN;
        Outlook o = CongestionOutlook.compute(input(net, now, speedNow, f, new double[] {nan, 1000, 1000, nan, nan},
            new double[] {nan, 1200, nan, nan, nan}, new double[] {60, 60, 60, 60, 60}));
        assertEquals(2, o.congestedNow());
        assertEquals(1, o.clusters().size());
        CongestionCluster c = o.clusters().get(0);
        assertEquals(List.of("s1", "s2"), c.segments());
        assertEquals(25, c.clearsInMin());
        assertEquals("s1", c.slowestSegment());
        assertEquals(12.0, c.slowestSpeed());
        assertEquals(1, c.severe());
        assertTrue(c.spread().isEmpty());
        assertEquals(20 + 15, c.congestedSegmentMinutes(), 1e-9, "s1 four intervals, s2 three, of 5 min");
        // only s1 has a flow: 1200 veh/h x 20 min x (1 km / 20 - 1 km / 60) h = 400 x 1/30 = 13.33 vehicle-hours
        assertEquals(400.0 / 30, c.vehicleHoursOfDelay(), 1e-9);
    }

    @Test
    void spreadingQueueGrowsUpstreamAndDoesNotClear() {
        RoadNetwork net = chain("u", 5); // u4 is the bottleneck, the queue grows back to u3, u2, u1
        CongestionLevel[] now = {FREE, FREE, FREE, FREE, SEV};
        double[] speedNow = {60, 60, 60, 60, 10};
        CongestionLevel[][] f = {
            congestedBetween(MOD, 0, 0),       // u0 never
            congestedBetween(MOD, 40, 60),     // u1 from +40: beyond the 30-min spread window
            congestedBetween(MOD, 20, 60),     // u2 from +20
            congestedBetween(MOD, 10, 60),     // u3 from +10
            congestedBetween(SEV, 5, 60)};     // u4 all hour
        Outlook o = CongestionOutlook.compute(input(net, now, speedNow, f, null, null, null));
        CongestionCluster c = o.clusters().get(0);
        assertEquals(List.of("u4"), c.segments());
        assertNull(c.clearsInMin(), "beyond the horizon");
        assertEquals(List.of(new SpreadSegment("u3", 10), new SpreadSegment("u2", 20)), c.spread());
        assertEquals(60 + 55 + 45, c.congestedSegmentMinutes(), 1e-9, "u4, then u3 and u2 as they join");
        assertTrue(Double.isNaN(c.vehicleHoursOfDelay()), "no lengths or flows: unknown");
    }

    @Test
    void separateClustersAreRankedByImpact() {
        RoadNetwork net = chain("k", 7);
        CongestionLevel[] now = {MOD, FREE, FREE, SEV, SEV, FREE, MOD};
        double[] speedNow = {25, 60, 60, 10, 11, 60, 26};
        CongestionLevel[][] f = {
            congestedBetween(MOD, 5, 5), congestedBetween(MOD, 0, 0), congestedBetween(MOD, 0, 0),
            congestedBetween(SEV, 5, 30), congestedBetween(SEV, 5, 30), congestedBetween(MOD, 0, 0), null};
        Outlook o = CongestionOutlook.compute(input(net, now, speedNow, f, null, null, null));
        assertEquals(3, o.clusters().size());
        assertEquals(List.of("k3", "k4"), o.clusters().get(0).segments());
        assertEquals(1, o.clusters().get(0).id());
        assertEquals(35, o.clusters().get(0).clearsInMin());
        assertEquals(List.of("k0"), o.clusters().get(1).segments());
        assertEquals(10, o.clusters().get(1).clearsInMin());
        CongestionCluster noForecast = o.clusters().get(2);
        assertEquals(List.of("k6"), noForecast.segments());
        assertNull(noForecast.clearsInMin(), "no forecast: never said to clear");
    }

    @Test
    void denseDistanceTablesKeepOnlyTheNearestNeighbours() {
        List<Segment> s = new ArrayList<>();
        List<Link> l = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            s.add(new Segment("d" + i, Double.NaN, Double.NaN, RoadClass.UNKNOWN));
        }
        for (int j = 1; j < 6; j++) {
            l.add(new Link(0, j, 100 * j, 1)); // d0 links to all, nearest first d1, d2, d3
        }
        RoadNetwork net = new RoadNetwork(s, l);
        int[][] nb = CongestionOutlook.neighbours(net, net.segmentIds());
        assertEquals(List.of(1, 2, 3), Arrays.stream(nb[0]).boxed().toList());
        assertEquals(0, nb[5].length, "d5 is d0's fifth-nearest: not a road neighbour");
        assertEquals(List.of(0), Arrays.stream(nb[1]).boxed().toList(), "both directions");
    }
}
