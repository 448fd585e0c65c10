package roadcast.zone;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Minimum-change re-zoning: the zones of the model in service are kept wherever the new data-driven partition
 * ({@link Zoning#partition}) still agrees with them, so a daily retrain does not reshuffle a network whose correlation
 * structure has not changed.
 * <ol>
 * <li>Each previous zone, restricted to the segments still in the network, is matched one-to-one to the new cluster
 * it overlaps most (greedy on overlap, largest first; ties by previous id, then cluster index).</li>
 * <li>A previous zone that its match holds the majority of (more than half of its remaining segments still cluster
 * together) is kept: same id, same members (minus removed segments). Otherwise the data split it: its correlation
 * structure has drifted and it is dissolved.</li>
 * <li>Every other segment (added, or of a dissolved zone) joins the kept zone matched to its new cluster while
 * that zone has room and the joiners do not outnumber its kept members (so a kept id keeps naming a set with Jaccard
 * similarity of at least 1/2 to its old one, all old members included), else it goes with the rest of its new cluster
 * into a new zone.</li>
 * <li>A new zone smaller than an eighth of the maximum (a fragment: the rest of its cluster went to kept zones)
 * joins the zone that holds most of its cluster, under the same limits.</li>
 * <li>New zones get ids above the high-water mark of every id given so far, so an id never names a different set of
 * segments.</li>
 * </ol>
 * Deterministic. Zones are returned as {@link Zoning} returns them (ordered by smallest member, members ascending),
 * with their ids beside them.
 */
public final class AnchoredZoning {


    /**
     * The previous zoning, in segment ids.
     *
     * @param ids         zone id of each previous zone
     * @param members     segment ids of each previous zone
     * @param idHighWater highest zone id given so far (at least max(ids))
     */
    public record Previous(int[] ids, String[][] members, int idHighWater) {
    }

    /**
     * @param zones       members (network indices) of each zone, ascending, zones ordered by smallest member
     * @param ids         stable id of each zone
     * @param idHighWater highest id given so far, including these
     */
    public record Result(int[][] zones, int[] ids, int idHighWater) {
    }

    private AnchoredZoning() {
    }

    /** A fresh zoning: ids are the indices. */
    public static Result fresh(int[][] clusters) {
        int[] ids = new int[clusters.length];
        Arrays.setAll(ids, z -> z);
        return new Result(clusters, ids, clusters.length - 1);
    }

    /**
     * @param segmentIds network segment ids (index order)
     * @param clusters   the new data-driven partition of those segments
     * @param previous   the zoning of the model in service
     * @param maxZoneSize most segments in one zone
     */
    public static Result anchor(String[] segmentIds, int[][] clusters, Previous previous, int maxZoneSize) {
        int n = segmentIds.length;
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            index.put(segmentIds[i], i);
        }
        int p = previous.ids().length;
        int c = clusters.length;
        int[] clusterOf = new int[n];
        for (int j = 0; j < c; j++) {
            for (int s : clusters[j]) {
                clusterOf[s] = j;
            }
        }
        // previous zones restricted to the current segments
        int[][] prev = new int[p][];
        for (int k = 0; k < p; k++) {
            prev[k] = Arrays.stream(previous.members()[k]).map(index::get).filter(i -> i != null)
                    .mapToInt(Integer::intValue).sorted().toArray();
        }
        int[][] overlap = new int[p][c];
        for (int k = 0; k < p; k++) {
            for (int s : prev[k]) {
                overlap[k][clusterOf[s]]++;
            }
        }
        List<int[]> pairs = new ArrayList<>();
        for (int k = 0; k < p; k++) {
            for (int j = 0; j < c; j++) {
                if (overlap[k][j] > 0) {
                    pairs.add(new int[] {k, j});
                }
            }
        }
        pairs.sort(Comparator.<int[]>comparingInt(e -> -overlap[e[0]][e[1]])
                .thenComparingInt(e -> previous.ids()[e[0]]).thenComparingInt(e -> e[1]));
        int[] matchOfPrev = new int[p];
        int[] matchOfCluster = new int[c];
        Arrays.fill(matchOfPrev, -1);
        Arrays.fill(matchOfCluster, -1);
        for (int[] e : pairs) {
            int k = e[0];
            int j = e[1];
            if (matchOfPrev[k] >= 0 || matchOfCluster[j] >= 0) {
                continue;
            }
            if (2 * overlap[k][j] > prev[k].length && prev[k].length <= maxZoneSize) {
                matchOfPrev[k] = j;
                matchOfCluster[j] = k;
            }
        }
        // kept zones keep their members; everyone else is placed by its new cluster
        int[] zoneOf = new int[n];
        Arrays.fill(zoneOf, -1);
        List<List<Integer>> members = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        int[] keptSlot = new int[p];
        Arrays.fill(keptSlot, -1);
        for (int k = 0; k < p; k++) {
            if (matchOfPrev[k] >= 0) {
                keptSlot[k] = members.size();
                List<Integer> m = new ArrayList<>();
                for (int s : prev[k]) {
                    m.add(s);
                    zoneOf[s] = keptSlot[k];
                }
                members.add(m);
                ids.add(previous.ids()[k]);
            }
        }
        int highWater = Math.max(previous.idHighWater(), Arrays.stream(previous.ids()).max().orElse(-1));
        int[] freshSlot = new int[c];
        Arrays.fill(freshSlot, -1);
        for (int s = 0; s < n; s++) {
            if (zoneOf[s] >= 0) {
                continue;
            }
            int j = clusterOf[s];
            int k = matchOfCluster[j];
            int size = k >= 0 ? members.get(keptSlot[k]).size() : 0;
            // joiners never outnumber the kept members: the zone stays (nearly) the set its id named
            if (k >= 0 && size < maxZoneSize && size < 2 * prev[k].length) {
                zoneOf[s] = keptSlot[k];
                members.get(keptSlot[k]).add(s);
                continue;
            }
            if (freshSlot[j] < 0 || members.get(freshSlot[j]).size() >= maxZoneSize) {
                freshSlot[j] = members.size();
                members.add(new ArrayList<>());
                ids.add(++highWater);
            }
            zoneOf[s] = freshSlot[j];
            members.get(freshSlot[j]).add(s);
        }
        // a fragment of a new cluster (the rest of it went to kept zones) joins the zone holding most of its cluster
        int fragment = Math.max(2, maxZoneSize / 8);
        int keptCount = (int) Arrays.stream(keptSlot).filter(x -> x >= 0).count();
        int[] originalSize = new int[members.size()];
        for (int k = 0; k < p; k++) {
            if (keptSlot[k] >= 0) {
                originalSize[keptSlot[k]] = prev[k].length;
            }
        }
        for (int slot = keptCount; slot < members.size(); slot++) {
            List<Integer> group = members.get(slot);
            if (group.isEmpty() || group.size() >= fragment) {
                continue;
            }
            int j = clusterOf[group.get(0)];
            int[] count = new int[members.size()];
            for (int s : clusters[j]) {
                if (zoneOf[s] != slot) {
                    count[zoneOf[s]]++;
                }
            }
            int best = -1;
            for (int z = 0; z < count.length; z++) {
                int size = members.get(z).size();
                boolean room = z != slot && count[z] > 0 && size + group.size() <= maxZoneSize
                        && (z >= keptCount || size + group.size() <= 2 * originalSize[z]);
                if (room && (best < 0 || count[z] > count[best])) {
                    best = z;
                }
            }
            if (best >= 0) {
                for (int s : group) {
                    zoneOf[s] = best;
                }
                members.get(best).addAll(group);
                group.clear();
            }
        }
        for (int slot = members.size() - 1; slot >= 0; slot--) {
            if (members.get(slot).isEmpty()) {
                members.remove(slot);
                ids.remove(slot);
            }
        }
        // the order Zoning gives: by smallest member
        Integer[] order = new Integer[members.size()];
        int[][] arrays = new int[members.size()][];
        for (int z = 0; z < arrays.length; z++) {
            arrays[z] = members.get(z).stream().mapToInt(Integer::intValue).sorted().toArray();
            order[z] = z;
        }
        Arrays.sort(order, Comparator.comparingInt(z -> arrays[z][0]));
        int[][] zones = new int[arrays.length][];
        int[] zoneIds = new int[arrays.length];
        for (int z = 0; z < arrays.length; z++) {
            zones[z] = arrays[order[z]];
            zoneIds[z] = ids.get(order[z]);
        }
        return new Result(zones, zoneIds, highWater);
    }
}
