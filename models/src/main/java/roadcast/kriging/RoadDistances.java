package roadcast.kriging;

import java.util.Arrays;
import java.util.function.IntPredicate;

import roadcast.network.CoverageNetwork;
import roadcast.network.Link;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;

/**
 * Road-network distances between the segments of a {@link CoverageNetwork}: shortest road paths over the directed
 * links (so a file that gives only adjacent pairs works as well as one that gives every pair), in both directions.
 * A neighbour reached by the backward search (a path neighbour -> target) is <em>upstream</em> of the target.
 * A link with only a weight (DCRNN's Gaussian kernel exp(-(d/sigma)^2)) counts as distance sigma sqrt(-ln w) with
 * sigma = 1. A segment with no road path but coordinates falls back to the great-circle distance in metres;
 * a network without links uses great-circle distances throughout.
 */
public final class RoadDistances {

    /** Nearest allowed segments of one target, ascending by distance. */
    public record Neighbours(int[] index, double[] distance, boolean[] upstream) {
        public int size() {
            return index.length;
        }
    }

    private final RoadNetwork network;
    private final int total;
    private final int[] fwdStart;
    private final int[] fwdTo;
    private final double[] fwdD;
    private final int[] bwdStart;
    private final int[] bwdTo;
    private final double[] bwdD;
    private final double givenStd;

    public RoadDistances(CoverageNetwork coverage) {
        this.network = coverage.all();
        this.total = network.size();
        int links = network.links().size();
        fwdStart = new int[total + 1];
        bwdStart = new int[total + 1];
        for (Link l : network.links()) {
            fwdStart[l.from() + 1]++;
            bwdStart[l.to() + 1]++;
        }
        for (int i = 0; i < total; i++) {
            fwdStart[i + 1] += fwdStart[i];
            bwdStart[i + 1] += bwdStart[i];
        }
        fwdTo = new int[links];
        fwdD = new double[links];
        bwdTo = new int[links];
        bwdD = new double[links];
        int[] fi = Arrays.copyOf(fwdStart, total);
        int[] bi = Arrays.copyOf(bwdStart, total);
        double sum = 0;
        double sq = 0;
        int counted = 0;
        for (Link l : network.links()) {
            double d = linkDistance(l);
            if (!Double.isNaN(l.distance())) {
                sum += l.distance();
                sq += l.distance() * l.distance();
                counted++;
            }
            fwdTo[fi[l.from()]] = l.to();
            fwdD[fi[l.from()]++] = d;
            bwdTo[bi[l.to()]] = l.from();
            bwdD[bi[l.to()]++] = d;
        }
        givenStd = counted < 2 ? Double.NaN : Math.sqrt(Math.max(0, sq / counted - (sum / counted) * (sum / counted)));
    }

    static double linkDistance(Link l) {
        if (!Double.isNaN(l.distance())) {
            return l.distance();
        }
        return Math.sqrt(-Math.log(Math.max(1e-12, Math.min(1.0, l.weight()))));
    }

    /** The std of the distances the network files give (DCRNN's kernel sigma); NaN where they give none. */
    public double givenDistanceStd() {
        return givenStd;
    }

    public boolean hasRoads() {
        return fwdTo.length > 0;
    }

    /**
     * Up to {@code m} nearest segments that {@code allowed} accepts (never the target itself), by the shorter of
     * the two road paths; great-circle distance where the target has no road path to any of them.
     */
    public Neighbours nearest(int target, int m, IntPredicate allowed) {
        double[] forward = new double[total];
        double[] backward = new double[total];
        search(target, m, allowed, fwdStart, fwdTo, fwdD, forward);
        search(target, m, allowed, bwdStart, bwdTo, bwdD, backward);
        int found = 0;
        Integer[] candidates = new Integer[total];
        double[] best = new double[total];
        for (int j = 0; j < total; j++) {
            best[j] = Math.min(forward[j], backward[j]);
            if (j != target && best[j] < Double.POSITIVE_INFINITY && allowed.test(j)) {
                candidates[found++] = j;
            }
        }
        boolean greatCircle = false;
        if (found == 0 && network.segment(target).hasCoordinates()) {
            greatCircle = true;
            Segment t = network.segment(target);
            for (int j = 0; j < total; j++) {
                Segment s = network.segment(j);
                if (j != target && s.hasCoordinates() && allowed.test(j)) {
                    best[j] = metres(t, s);
                    candidates[found++] = j;
                }
            }
        }
        Integer[] sorted = Arrays.copyOf(candidates, found);
        Arrays.sort(sorted, (a, b) -> best[a] != best[b] ? Double.compare(best[a], best[b]) : Integer.compare(a, b));
        int k = Math.min(m, found);
        int[] index = new int[k];
        double[] distance = new double[k];
        boolean[] upstream = new boolean[k];
        for (int i = 0; i < k; i++) {
            index[i] = sorted[i];
            distance[i] = best[sorted[i]];
            upstream[i] = !greatCircle && backward[sorted[i]] < forward[sorted[i]];
        }
        return new Neighbours(index, distance, upstream);
    }

    /** Dijkstra from target until m allowed segments are settled; dist = +inf where not reached. */
    private void search(int target, int m, IntPredicate allowed, int[] start, int[] to, double[] length, double[] dist) {
        Arrays.fill(dist, Double.POSITIVE_INFINITY);
        dist[target] = 0;
        boolean[] settled = new boolean[total];
        java.util.PriorityQueue<double[]> queue = new java.util.PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
        queue.add(new double[] {0, target});
        int settledAllowed = 0;
        while (!queue.isEmpty()) {
            double[] head = queue.poll();
            int u = (int) head[1];
            if (settled[u]) {
                continue;
            }
            settled[u] = true;
            if (u != target && allowed.test(u) && ++settledAllowed >= m) {
                break;
            }
            for (int e = start[u]; e < start[u + 1]; e++) {
                int v = to[e];
                double d = dist[u] + length[e];
                if (d < dist[v]) {
                    dist[v] = d;
                    queue.add(new double[] {d, v});
                }
            }
        }
        // only settled distances are final; an unsettled tentative one is still an upper bound of a real path
    }

    /** Great-circle (haversine) distance in metres. */
    static double metres(Segment a, Segment b) {
        double p1 = Math.toRadians(a.latitude());
        double p2 = Math.toRadians(b.latitude());
        double dp = p2 - p1;
        double dl = Math.toRadians(b.longitude() - a.longitude());
        double h = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * 6_371_000.0 * Math.asin(Math.min(1, Math.sqrt(h)));
    }
}
