package roadcast.zone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import roadcast.network.Link;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;

class ZoningTest {

    private static int[] profileRows(int steps) {
        int[] rows = new int[steps];
        for (int t = 0; t < steps; t++) {
            rows[t] = t % 288;
        }
        return rows;
    }

    private static void assertPartition(int[][] zones, int n, int max) {
        int[] seen = new int[n];
        for (int[] zone : zones) {
            assertTrue(zone.length <= max, "zone of " + zone.length + " > " + max);
            for (int k = 0; k < zone.length; k++) {
                seen[zone[k]]++;
                if (k > 0) {
                    assertTrue(zone[k] > zone[k - 1]);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            assertEquals(1, seen[i], "segment " + i + " in exactly one zone");
        }
    }

    /** Even and odd segments follow two independent factors; links join both kinds; zones follow the factors. */
    @Test
    void zonesFollowSpeedCorrelationAlongLinks() {
        int n = 40;
        int steps = 2000;
        Random rnd = new Random(3);
        List<Segment> segs = new ArrayList<>();
        List<Link> links = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            segs.add(new Segment("s" + i, Double.NaN, Double.NaN, null));
            if (i + 1 < n) {
                links.add(new Link(i, i + 1, 1, 1));
            }
            if (i + 2 < n) {
                links.add(new Link(i, i + 2, 1, 1));
            }
        }
        float[][] rows = new float[steps][n];
        double a = 0;
        double b = 0;
        for (int t = 0; t < steps; t++) {
            a = 0.9 * a + rnd.nextGaussian();
            b = 0.9 * b + rnd.nextGaussian();
            for (int i = 0; i < n; i++) {
                rows[t][i] = (float) (50 + 3 * (i % 2 == 0 ? a : b) + 0.3 * rnd.nextGaussian());
            }
        }
        int[][] zones = Zoning.partition(new RoadNetwork(segs, links), rows, profileRows(steps), 288, 20);
        assertPartition(zones, n, 20);
        assertEquals(2, zones.length);
        for (int[] zone : zones) {
            for (int s : zone) {
                assertEquals(zone[0] % 2, s % 2, "zone mixes even and odd segments: " + java.util.Arrays.toString(zone));
            }
        }
    }

    @Test
    void smallNetworkIsOneZone() {
        List<Segment> segs = new ArrayList<>();
        for (int i = 0; i < 207; i++) {
            segs.add(new Segment("s" + i, Double.NaN, Double.NaN, null));
        }
        int[][] zones = Zoning.partition(new RoadNetwork(segs, List.of()), new float[10][207], profileRows(10), 288, 256);
        assertEquals(1, zones.length);
        assertEquals(207, zones[0].length);
    }

    @Test
    void segmentsWithoutLinksJoinByCoordinatesOrCorrelation() {
        int n = 100;
        Random rnd = new Random(5);
        List<Segment> segs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean located = i < 50;
            segs.add(new Segment("s" + i, located ? 34 + rnd.nextDouble() : Double.NaN,
                    located ? -118 + rnd.nextDouble() : Double.NaN, null));
        }
        float[][] rows = new float[500][n];
        for (float[] row : rows) {
            for (int i = 0; i < n; i++) {
                row[i] = (float) (40 + rnd.nextGaussian());
            }
        }
        int[][] zones = Zoning.partition(new RoadNetwork(segs, List.of()), rows, profileRows(500), 288, 30);
        assertPartition(zones, n, 30);
        assertTrue(zones.length <= 6, "few zones, not singletons: " + zones.length);
    }

    /** 20,000 segments on a grid of roads: a complete, bounded, deterministic partition (time printed). */
    @Test
    void twentyThousandSegments() {
        int side = 200;
        int n = side * 100;
        int steps = 600;
        Random rnd = new Random(9);
        List<Segment> segs = new ArrayList<>(n);
        List<Link> links = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int x = i % side;
            int y = i / side;
            segs.add(new Segment("s" + i, 30 + y * 0.001, -100 + x * 0.001, null));
            if (x + 1 < side) {
                links.add(new Link(i, i + 1, 100, 1));
            }
            if (y + 1 < n / side) {
                links.add(new Link(i, i + side, 100, 1));
            }
        }
        float[][] rows = new float[steps][n];
        double[] f = new double[20];
        for (int t = 0; t < steps; t++) {
            for (int k = 0; k < f.length; k++) {
                f[k] = 0.9 * f[k] + rnd.nextGaussian();
            }
            for (int i = 0; i < n; i++) {
                int region = (i % side) / 40 + 5 * ((i / side) / 25);
                rows[t][i] = (float) (50 + 3 * f[region] + rnd.nextGaussian());
            }
        }
        RoadNetwork network = new RoadNetwork(segs, links);
        long t0 = System.nanoTime();
        int[][] zones = Zoning.partition(network, rows, profileRows(steps), 288, 256);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("zoning 20000 segments: %d zones in %.2f s%n", zones.length, seconds);
        assertPartition(zones, n, 256);
        assertTrue(zones.length >= n / 256);
        assertArrayEquals(zones[0], Zoning.partition(network, rows, profileRows(steps), 288, 256)[0], "deterministic");
    }
}
