package roadcast.zone;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import roadcast.network.RoadNetwork;

/** k-nearest segments by coordinates on a uniform grid of about two segments per cell (equirectangular distance). */
final class NearestGrid {

    private final RoadNetwork network;
    private final Map<Long, List<Integer>> cells = new HashMap<>();
    private final double minLat;
    private final double minLon;
    private final double cell;
    private final double lonScale;
    private final int total;

    NearestGrid(RoadNetwork network, List<Integer> located) {
        this.network = network;
        double loLat = Double.POSITIVE_INFINITY;
        double hiLat = Double.NEGATIVE_INFINITY;
        double loLon = Double.POSITIVE_INFINITY;
        double hiLon = Double.NEGATIVE_INFINITY;
        for (int i : located) {
            loLat = Math.min(loLat, network.segment(i).latitude());
            hiLat = Math.max(hiLat, network.segment(i).latitude());
            loLon = Math.min(loLon, network.segment(i).longitude());
            hiLon = Math.max(hiLon, network.segment(i).longitude());
        }
        total = located.size();
        minLat = loLat;
        minLon = loLon;
        lonScale = Math.cos(Math.toRadians((loLat + hiLat) / 2));
        double area = Math.max(1e-12, (hiLat - loLat) * (hiLon - loLon) * lonScale);
        cell = Math.max(1e-6, Math.sqrt(2 * area / located.size()));
        for (int i : located) {
            cells.computeIfAbsent(cellKey(cx(i), cy(i)), k -> new ArrayList<>()).add(i);
        }
    }

    private long cx(int i) {
        return (long) Math.floor((network.segment(i).longitude() - minLon) * lonScale / cell);
    }

    private long cy(int i) {
        return (long) Math.floor((network.segment(i).latitude() - minLat) / cell);
    }

    private static long cellKey(long x, long y) {
        return x * 4_000_003L + y;
    }

    private double distance2(int a, int b) {
        double dLat = network.segment(a).latitude() - network.segment(b).latitude();
        double dLon = (network.segment(a).longitude() - network.segment(b).longitude()) * lonScale;
        return dLat * dLat + dLon * dLon;
    }

    /** Up to k nearest other located segments, nearest first (ties by index). */
    int[] nearest(int i, int k) {
        long x = cx(i);
        long y = cy(i);
        List<Integer> found = new ArrayList<>();
        for (int ring = 0; ring < 1_000_000; ring++) {
            for (long dx = -ring; dx <= ring; dx++) {
                for (long dy = -ring; dy <= ring; dy++) {
                    if (Math.max(Math.abs(dx), Math.abs(dy)) != ring) {
                        continue;
                    }
                    List<Integer> members = cells.get(cellKey(x + dx, y + dy));
                    if (members != null) {
                        for (int j : members) {
                            if (j != i) {
                                found.add(j);
                            }
                        }
                    }
                }
            }
            // a point in ring + 1 is at least ring cells away: stop once k are found within that radius
            if (found.size() >= k) {
                double radius = ring * cell;
                long within = found.stream().filter(j -> distance2(i, j) <= radius * radius).count();
                if (within >= k || found.size() == total - 1) {
                    break;
                }
            } else if (found.size() == total - 1) {
                break;
            }
        }
        Integer[] sorted = found.toArray(new Integer[0]);
        Arrays.sort(sorted, (a, b) -> {
            int c = Double.compare(distance2(i, a), distance2(i, b));
            return c != 0 ? c : Integer.compare(a, b);
        });
        int m = Math.min(k, sorted.length);
        int[] out = new int[m];
        for (int j = 0; j < m; j++) {
            out[j] = sorted[j];
        }
        return out;
    }
}
