package roadcast.zone;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import roadcast.network.Link;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;

/**
 * Splits a network into zones of at most maxZoneSize segments that are close on the road graph and move together.
 * <ol>
 * <li>Affinity of two segments = correlation of their speed deviations from an hour-of-week mean, on at most
 * {@value #SAMPLE_ROWS} evenly spaced rows.</li>
 * <li>Edges: the network links; a segment without links but with coordinates is linked to its
 * {@value #NEAREST} nearest segments with coordinates (grid search).</li>
 * <li>Agglomeration over edges in order of decreasing affinity (union-find), never beyond maxZoneSize.</li>
 * <li>Segments with neither links nor coordinates join the cluster whose mean deviation series they correlate with
 * best (with room), else form zones of their own in index order.</li>
 * <li>Clusters smaller than half the maximum merge into the neighbour with the strongest total affinity, else the
 * nearest centroid, else the best-correlated cluster, while the result fits.</li>
 * </ol>
 * Deterministic: ties break by segment index. Zones are numbered by their smallest segment; members ascending.
 */
public final class Zoning {

    static final int SAMPLE_ROWS = 512;
    static final int NEAREST = 3;

    private Zoning() {
    }

    /**
     * @param rows          [T][N] speeds, NaN = missing
     * @param profileRow    [T] profile row of each step ({@code dayType * slotsPerDay + slot})
     * @param slotsPerDay   slots per day of the profile rows
     */
    public static int[][] partition(RoadNetwork network, float[][] rows, int[] profileRow, int slotsPerDay,
                                    int maxZoneSize) {
        int n = network.size();
        if (n <= maxZoneSize) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return new int[][] {all};
        }
        return partition(network, deviationSeries(rows, profileRow, slotsPerDay, n), maxZoneSize);
    }

    /**
     * The same partition from the segments' deviation series ({@link Deviations#series}), for a caller that built
     * them from a stream of rows without holding the history.
     *
     * @param series [N][samples] unit-norm deviation series, network order
     */
    public static int[][] partition(RoadNetwork network, float[][] series, int maxZoneSize) {
        int n = network.size();
        if (n <= maxZoneSize) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return new int[][] {all};
        }
        long[] edgeKeys = edges(network);
        int edgeCount = edgeKeys.length;
        int[] ea = new int[edgeCount];
        int[] eb = new int[edgeCount];
        double[] aff = new double[edgeCount];
        Integer[] order = new Integer[edgeCount];
        for (int k = 0; k < edgeCount; k++) {
            ea[k] = (int) (edgeKeys[k] / n);
            eb[k] = (int) (edgeKeys[k] % n);
            aff[k] = dot(series[ea[k]], series[eb[k]]);
            order[k] = k;
        }
        // edgeKeys are sorted, so equal affinities keep index order
        Arrays.sort(order, (x, y) -> Double.compare(aff[y], aff[x]));
        UnionFind uf = new UnionFind(n);
        boolean[] linked = new boolean[n];
        for (int k = 0; k < edgeCount; k++) {
            linked[ea[k]] = true;
            linked[eb[k]] = true;
        }
        for (int k : order) {
            uf.unionIfFits(ea[k], eb[k], maxZoneSize);
        }
        attachOrphans(uf, series, linked, n, maxZoneSize);
        mergeSmall(uf, network, series, ea, eb, aff, n, maxZoneSize);
        return zones(uf, n);
    }

    /** Per segment: deviation from its hour-of-week mean on sampled rows, centred and scaled to unit norm. */
    static float[][] deviationSeries(float[][] rows, int[] profileRow, int slotsPerDay, int n) {
        Deviations d = new Deviations(n, slotsPerDay);
        for (int t = 0; t < rows.length; t++) {
            d.add(profileRow[t], rows[t]);
        }
        return d.series(profileRow, t -> rows[t]);
    }

    /**
     * The affinity series built in two passes over the rows, so the history never has to be in memory: first every
     * row in time order ({@link #add}: the hour-of-week means, 48 bins x N sums), then the {@value #SAMPLE_ROWS}
     * evenly spaced sampled rows read again ({@link #series}). Memory: 48 x N sums plus N x samples floats.
     */
    public static final class Deviations {
        private static final int BINS = 48;
        private final int n;
        private final int slotsPerDay;
        private final double[] sum;
        private final int[] count;
        private int steps;

        public Deviations(int n, int slotsPerDay) {
            this.n = n;
            this.slotsPerDay = slotsPerDay;
            this.sum = new double[BINS * n];
            this.count = new int[BINS * n];
        }

        /** The hour-of-week bin (weekday/weekend x hour) of a profile row. */
        private int bin(int profileRow) {
            return (profileRow / slotsPerDay) * 24 + (int) ((long) (profileRow % slotsPerDay) * 24 / slotsPerDay);
        }

        /** The next row, in time order, with its profile row. */
        public void add(int profileRow, float[] x) {
            int off = bin(profileRow) * n;
            for (int i = 0; i < n; i++) {
                if (!Float.isNaN(x[i])) {
                    sum[off + i] += x[i];
                    count[off + i]++;
                }
            }
            steps++;
        }

        /** The rows that {@link #series} reads again: {@code k * steps / samples}, ascending. */
        public static int[] sampledRows(int steps) {
            int samples = Math.min(steps, SAMPLE_ROWS);
            int[] rows = new int[samples];
            for (int k = 0; k < samples; k++) {
                rows[k] = (int) ((long) k * steps / samples);
            }
            return rows;
        }

        /**
         * @param profileRow [steps] profile row of each step added
         * @param row        row t of the history as added (only {@link #sampledRows} are asked for, ascending)
         * @return [N][samples] deviations from the hour-of-week means, centred, unit norm
         */
        public float[][] series(int[] profileRow, java.util.function.IntFunction<float[]> row) {
            int[] sampled = sampledRows(steps);
            int samples = sampled.length;
            float[][] series = new float[n][samples];
            for (int k = 0; k < samples; k++) {
                int t = sampled[k];
                int off = bin(profileRow[t]) * n;
                float[] x = row.apply(t);
                for (int i = 0; i < n; i++) {
                    series[i][k] = Float.isNaN(x[i]) || count[off + i] == 0 ? Float.NaN
                            : (float) (x[i] - sum[off + i] / count[off + i]);
                }
            }
            for (float[] s : series) {
                double mean = 0;
                int m = 0;
                for (float v : s) {
                    if (!Float.isNaN(v)) {
                        mean += v;
                        m++;
                    }
                }
                mean = m == 0 ? 0 : mean / m;
                double norm = 0;
                for (int k = 0; k < s.length; k++) {
                    s[k] = Float.isNaN(s[k]) ? 0f : (float) (s[k] - mean);
                    norm += s[k] * s[k];
                }
                float scale = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
                for (int k = 0; k < s.length; k++) {
                    s[k] *= scale;
                }
            }
            return series;
        }
    }

    /** Undirected edges as sorted keys min * n + max: links, plus nearest neighbours of unlinked segments. */
    static long[] edges(RoadNetwork network) {
        int n = network.size();
        Set<Long> keys = new HashSet<>();
        boolean[] linked = new boolean[n];
        for (Link link : network.links()) {
            if (link.from() != link.to()) {
                keys.add(key(link.from(), link.to(), n));
                linked[link.from()] = true;
                linked[link.to()] = true;
            }
        }
        List<Integer> located = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (network.segment(i).hasCoordinates()) {
                located.add(i);
            }
        }
        if (located.size() > 1) {
            NearestGrid grid = new NearestGrid(network, located);
            for (int i = 0; i < n; i++) {
                if (!linked[i] && network.segment(i).hasCoordinates()) {
                    for (int j : grid.nearest(i, NEAREST)) {
                        keys.add(key(i, j, n));
                    }
                }
            }
        }
        long[] out = keys.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(out);
        return out;
    }

    private static long key(int a, int b, int n) {
        return (long) Math.min(a, b) * n + Math.max(a, b);
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    private static void attachOrphans(UnionFind uf, float[][] series, boolean[] linked, int n, int max) {
        List<Integer> orphans = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!linked[i]) {
                orphans.add(i);
            }
        }
        if (orphans.isEmpty()) {
            return;
        }
        int samples = series[0].length;
        List<Integer> roots = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (linked[i] && uf.find(i) == i) {
                roots.add(i);
            }
        }
        double[][] centre = new double[roots.size()][samples];
        int[] rootIndex = new int[n];
        Arrays.fill(rootIndex, -1);
        for (int c = 0; c < roots.size(); c++) {
            rootIndex[roots.get(c)] = c;
        }
        for (int i = 0; i < n; i++) {
            if (linked[i]) {
                double[] target = centre[rootIndex[uf.find(i)]];
                for (int k = 0; k < samples; k++) {
                    target[k] += series[i][k];
                }
            }
        }
        for (double[] c : centre) {
            double norm = Math.sqrt(Arrays.stream(c).map(v -> v * v).sum());
            if (norm > 0) {
                for (int k = 0; k < samples; k++) {
                    c[k] /= norm;
                }
            }
        }
        int chunkRoot = -1;
        for (int i : orphans) {
            int bestCluster = -1;
            double best = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < roots.size(); c++) {
                int root = uf.find(roots.get(c));
                if (uf.size(root) >= max) {
                    continue;
                }
                double s = 0;
                for (int k = 0; k < samples; k++) {
                    s += series[i][k] * centre[c][k];
                }
                if (s > best) {
                    best = s;
                    bestCluster = root;
                }
            }
            if (bestCluster >= 0) {
                uf.unionIfFits(bestCluster, i, max);
            } else {
                if (chunkRoot < 0 || uf.size(uf.find(chunkRoot)) >= max) {
                    chunkRoot = i;
                } else {
                    uf.unionIfFits(chunkRoot, i, max);
                }
            }
        }
    }

    private static void mergeSmall(UnionFind uf, RoadNetwork network, float[][] series, int[] ea, int[] eb,
                                   double[] aff, int n, int max) {
        int samples = series[0].length;
        int[][] incident = incidentEdges(ea, eb, n);
        boolean merged = true;
        while (merged) {
            merged = false;
            int[][] clusters = zones(uf, n);
            int k = clusters.length;
            // the pass's clusters now in each current set (a union joins the lists): the edges that touch a set are
            // its members' incident edges, so a partner by links needs no walk over every edge of the network
            java.util.Map<Integer, java.util.List<int[]>> members = new java.util.HashMap<>();
            for (int[] cluster : clusters) {
                members.computeIfAbsent(uf.find(cluster[0]), r -> new java.util.ArrayList<>()).add(cluster);
            }
            int[] roots = new int[k];
            double[][] centroids = new double[k][];
            double[][] sums = new double[k][];
            for (int c = 0; c < k; c++) {
                roots[c] = uf.find(clusters[c][0]);
                centroids[c] = centroid(network, clusters[c]);
            }
            Integer[] bySize = new Integer[k];
            for (int c = 0; c < k; c++) {
                bySize[c] = c;
            }
            Arrays.sort(bySize, (x, y) -> clusters[x].length != clusters[y].length
                    ? Integer.compare(clusters[x].length, clusters[y].length) : Integer.compare(x, y));
            for (int c : bySize) {
                int root = uf.find(roots[c]);
                if (uf.size(root) * 2 >= max) {
                    continue;
                }
                int partner = partnerByLinks(uf, root, edgesTouching(members.get(root), incident), ea, eb, aff,
                        max);
                if (partner < 0 && centroids[c] != null) {
                    partner = partnerByPlace(uf, root, centroids[c], roots, centroids, max);
                }
                if (partner < 0) {
                    partner = partnerBySeries(uf, series, samples, root, clusters[c], roots, clusters, sums, max);
                }
                if (partner >= 0 && uf.unionIfFits(root, partner, max)) {
                    merged = true;
                    java.util.List<int[]> joined = members.remove(root);
                    joined.addAll(members.remove(partner));
                    members.put(uf.find(root), joined);
                }
            }
        }
    }

    /** [node] the indices of the edges at the node, ascending. */
    private static int[][] incidentEdges(int[] ea, int[] eb, int n) {
        int[] degree = new int[n];
        for (int k = 0; k < ea.length; k++) {
            degree[ea[k]]++;
            degree[eb[k]]++;
        }
        int[][] incident = new int[n][];
        for (int i = 0; i < n; i++) {
            incident[i] = new int[degree[i]];
            degree[i] = 0;
        }
        for (int k = 0; k < ea.length; k++) {
            incident[ea[k]][degree[ea[k]]++] = k;
            incident[eb[k]][degree[eb[k]]++] = k;
        }
        return incident;
    }

    /** The edges with an end in the given clusters, ascending and once each: the order the full walk met them in. */
    private static int[] edgesTouching(java.util.List<int[]> clusters, int[][] incident) {
        int count = 0;
        for (int[] cluster : clusters) {
            for (int node : cluster) {
                count += incident[node].length;
            }
        }
        int[] sorted = new int[count];
        count = 0;
        for (int[] cluster : clusters) {
            for (int node : cluster) {
                System.arraycopy(incident[node], 0, sorted, count, incident[node].length);
                count += incident[node].length;
            }
        }
        Arrays.sort(sorted);
        int unique = 0;
        for (int j = 0; j < sorted.length; j++) {
            if (unique == 0 || sorted[j] != sorted[unique - 1]) {
                sorted[unique++] = sorted[j];
            }
        }
        return Arrays.copyOf(sorted, unique);
    }

    /**
     * @param touching the edges with an end in root's set, ascending: the others are skipped by the rule below, so
     *                 walking only these adds the same weights in the same order as a walk over every edge
     */
    private static int partnerByLinks(UnionFind uf, int root, int[] touching, int[] ea, int[] eb, double[] aff,
                                      int max) {
        java.util.Map<Integer, Double> weight = new java.util.TreeMap<>();
        for (int k : touching) {
            int ra = uf.find(ea[k]);
            int rb = uf.find(eb[k]);
            if (ra == rb || (ra != root && rb != root)) {
                continue;
            }
            int other = ra == root ? rb : ra;
            if (uf.size(other) + uf.size(root) <= max) {
                weight.merge(other, 1.0 + aff[k], Double::sum);
            }
        }
        int best = -1;
        double bestWeight = Double.NEGATIVE_INFINITY;
        for (var entry : weight.entrySet()) {
            if (entry.getValue() > bestWeight) {
                bestWeight = entry.getValue();
                best = entry.getKey();
            }
        }
        return best;
    }

    private static int partnerByPlace(UnionFind uf, int root, double[] mine, int[] roots, double[][] centroids,
                                      int max) {
        int best = -1;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int c = 0; c < roots.length; c++) {
            int other = uf.find(roots[c]);
            if (other == root || centroids[c] == null || uf.size(other) + uf.size(root) > max) {
                continue;
            }
            double dLat = centroids[c][0] - mine[0];
            double dLon = (centroids[c][1] - mine[1]) * Math.cos(Math.toRadians(mine[0]));
            double distance = dLat * dLat + dLon * dLon;
            if (distance < bestDistance) {
                bestDistance = distance;
                best = other;
            }
        }
        return best;
    }

    private static double[] centroid(RoadNetwork network, int[] cluster) {
        double lat = 0;
        double lon = 0;
        int m = 0;
        for (int s : cluster) {
            Segment seg = network.segment(s);
            if (seg.hasCoordinates()) {
                lat += seg.latitude();
                lon += seg.longitude();
                m++;
            }
        }
        return m == 0 ? null : new double[] {lat / m, lon / m};
    }

    private static double[] seriesSum(float[][] series, int samples, int[] cluster) {
        double[] sum = new double[samples];
        for (int s : cluster) {
            for (int k = 0; k < samples; k++) {
                sum[k] += series[s][k];
            }
        }
        return sum;
    }

    private static int partnerBySeries(UnionFind uf, float[][] series, int samples, int root, int[] mine,
                                       int[] roots, int[][] clusters, double[][] sums, int max) {
        double[] own = seriesSum(series, samples, mine);
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < roots.length; c++) {
            int other = uf.find(roots[c]);
            if (other == root || uf.size(other) + uf.size(root) > max) {
                continue;
            }
            if (sums[c] == null) {
                sums[c] = seriesSum(series, samples, clusters[c]);
            }
            double score = 0;
            for (int k = 0; k < samples; k++) {
                score += sums[c][k] * own[k];
            }
            score /= clusters[c].length;
            if (score > bestScore) {
                bestScore = score;
                best = other;
            }
        }
        return best;
    }

    /** Members of each union-find set, ascending, sets ordered by smallest member. */
    static int[][] zones(UnionFind uf, int n) {
        int[] id = new int[n];
        Arrays.fill(id, -1);
        List<List<Integer>> out = new ArrayList<>();
        int[] zoneOfRoot = new int[n];
        Arrays.fill(zoneOfRoot, -1);
        for (int i = 0; i < n; i++) {
            int root = uf.find(i);
            if (zoneOfRoot[root] < 0) {
                zoneOfRoot[root] = out.size();
                out.add(new ArrayList<>());
            }
            out.get(zoneOfRoot[root]).add(i);
        }
        int[][] zones = new int[out.size()][];
        for (int z = 0; z < zones.length; z++) {
            zones[z] = out.get(z).stream().mapToInt(Integer::intValue).toArray();
        }
        return zones;
    }
}
