package roadcast.synthetic;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import roadcast.network.Link;
import roadcast.network.RoadClass;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;

/**
 * The road graph of a synthetic city: a square grid of intersections, every street between neighbouring
 * intersections one segment per direction. Every 8th street is an expressway, every 4th an arterial, every 2nd a
 * secondary road, the rest branch roads. A link runs from a segment to each segment leaving the intersection it
 * enters (no U-turns), so traffic, and queues in reverse, follow the links.
 */
public final class CityLayout {

    /** Grid spacing: one block. */
    public static final double BLOCK_METRES = 400;
    /** Origin of the grid (a fictional city); 1 degree of latitude = 111,320 m. */
    private static final double ORIGIN_LAT = 45.0;
    private static final double ORIGIN_LON = 7.0;

    public final int segments;
    public final String[] ids;
    public final double[] latitude;
    public final double[] longitude;
    public final RoadClass[] roadClass;
    /** Free-flow speed, km/h. */
    public final double[] freeFlowKmh;
    /** Downstream segments of i: {@code downstream[downStart[i] .. downStart[i+1])}. */
    public final int[] downStart;
    public final int[] downstream;
    public final List<Link> links;

    private CityLayout(int segments, String[] ids, double[] latitude, double[] longitude, RoadClass[] roadClass,
                       double[] freeFlowKmh, int[] downStart, int[] downstream, List<Link> links) {
        this.segments = segments;
        this.ids = ids;
        this.latitude = latitude;
        this.longitude = longitude;
        this.roadClass = roadClass;
        this.freeFlowKmh = freeFlowKmh;
        this.downStart = downStart;
        this.downstream = downstream;
        this.links = links;
    }

    public static double freeFlowKmh(RoadClass c) {
        return switch (c) {
            case EXPRESSWAY -> 100;
            case ARTERIAL -> 60;
            case SECONDARY -> 50;
            default -> 40;
        };
    }

    private static RoadClass classOfStreet(int street) {
        if (street % 8 == 0) {
            return RoadClass.EXPRESSWAY;
        }
        if (street % 4 == 0) {
            return RoadClass.ARTERIAL;
        }
        return street % 2 == 0 ? RoadClass.SECONDARY : RoadClass.BRANCH;
    }

    /**
     * A grid with exactly {@code count} segments: the smallest square grid that holds them, segments taken street by
     * street so the kept part stays connected.
     */
    public static CityLayout grid(int count, SplittableRandom random) {
        if (count < 2) {
            throw new IllegalArgumentException("a city needs at least 2 segments, got " + count);
        }
        int side = 2;
        while (4L * side * (side - 1) < count) {
            side++;
        }
        // segment k: street position, from-node and to-node of the grid (node = row * side + col)
        int[] from = new int[count];
        int[] to = new int[count];
        String[] ids = new String[count];
        double[] lat = new double[count];
        double[] lon = new double[count];
        RoadClass[] cls = new RoadClass[count];
        double[] free = new double[count];
        int k = 0;
        outer:
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                // eastbound/westbound along row r, northbound/southbound along column c
                int[][] moves = {{r, c, r, c + 1}, {r, c + 1, r, c}, {r, c, r + 1, c}, {r + 1, c, r, c}};
                for (int m = 0; m < 4; m++) {
                    int[] mv = moves[m];
                    if (mv[1] >= side || mv[3] >= side || mv[0] >= side || mv[2] >= side) {
                        continue;
                    }
                    from[k] = mv[0] * side + mv[1];
                    to[k] = mv[2] * side + mv[3];
                    boolean horizontal = m < 2;
                    cls[k] = classOfStreet(horizontal ? r : c);
                    // a little jitter so free-flow speeds of one class differ, as measured ones do
                    free[k] = freeFlowKmh(cls[k]) * (0.9 + 0.2 * random.nextDouble());
                    double midRow = (mv[0] + mv[2]) / 2.0;
                    double midCol = (mv[1] + mv[3]) / 2.0;
                    lat[k] = ORIGIN_LAT + midRow * BLOCK_METRES / 111_320.0;
                    lon[k] = ORIGIN_LON + midCol * BLOCK_METRES / (111_320.0 * Math.cos(Math.toRadians(ORIGIN_LAT)));
                    ids[k] = String.format("S%05d", k);
                    k++;
                    if (k == count) {
                        break outer;
                    }
                }
            }
        }
        // CSR of segments by from-node, then links a -> b where b leaves the node a enters (no U-turn)
        int nodes = side * side;
        int[] leaveStart = new int[nodes + 1];
        for (int i = 0; i < count; i++) {
            leaveStart[from[i] + 1]++;
        }
        for (int v = 0; v < nodes; v++) {
            leaveStart[v + 1] += leaveStart[v];
        }
        int[] leaving = new int[count];
        int[] fill = leaveStart.clone();
        for (int i = 0; i < count; i++) {
            leaving[fill[from[i]]++] = i;
        }
        int[] downStart = new int[count + 1];
        List<Link> links = new ArrayList<>(count * 3);
        int[] down = new int[count * 3];
        int d = 0;
        for (int a = 0; a < count; a++) {
            downStart[a] = d;
            for (int e = leaveStart[to[a]]; e < leaveStart[to[a] + 1]; e++) {
                int b = leaving[e];
                if (to[b] == from[a]) {
                    continue;
                }
                if (d == down.length) {
                    down = java.util.Arrays.copyOf(down, d * 2);
                }
                down[d++] = b;
                links.add(new Link(a, b, BLOCK_METRES, 1.0));
            }
        }
        downStart[count] = d;
        return new CityLayout(count, ids, lat, lon, cls, free, downStart, java.util.Arrays.copyOf(down, d), links);
    }

    /** The layout as a road network: segments with coordinates and road classes, and the links. */
    public RoadNetwork network() {
        List<Segment> list = new ArrayList<>(segments);
        for (int i = 0; i < segments; i++) {
            list.add(new Segment(ids[i], latitude[i], longitude[i], roadClass[i]));
        }
        return new RoadNetwork(list, links);
    }
}
