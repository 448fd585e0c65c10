package roadcast.alerts;

import java.util.ArrayList;
import java.util.List;

import roadcast.network.Link;
import roadcast.network.RoadNetwork;

/**
 * The downstream adjacency {@link IncidentDetector} follows to tell an incident's queue from an incident of its own:
 * traffic on segment i flows into the {@code to} of its links. One definition for the benchmark's replay and the
 * alerts computed in service.
 */
public final class Downstream {

    private Downstream() {
    }

    /**
     * {@code out[i]} = the network indices segment i's links lead to (self-links and links to indices {@code >= n}
     * left out); {@code n} may exceed the network's size (segments known only to the caller get no links).
     */
    public static int[][] of(RoadNetwork network, int n) {
        List<List<Integer>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new ArrayList<>());
        }
        for (Link l : network.links()) {
            if (l.from() != l.to() && l.from() < n && l.to() < n) {
                out.get(l.from()).add(l.to());
            }
        }
        int[][] result = new int[n][];
        for (int i = 0; i < n; i++) {
            result[i] = out.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        return result;
    }
}
