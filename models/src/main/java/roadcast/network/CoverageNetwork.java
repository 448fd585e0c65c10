package roadcast.network;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every road of a network, observed or not: the <em>observed</em> segments (those with a speed history, in the
 * history's column order) followed by the <em>extended</em> segments (roads without a sensor, known from the
 * network files by coordinates and/or road-network distances), with the links among all of them.
 * <p>
 * Index i of {@link #all()} is observed for i &lt; {@link #observedCount()}, extended after. An extended segment that
 * has no coordinates and no road path (in either direction) to any observed segment cannot be placed: it is
 * excluded with a warning and listed in {@link #excluded()}, so the model card can count it.
 *
 * @param all           observed then extended segments, links over these indices
 * @param observedCount how many of {@code all} are observed (the first ones)
 * @param excluded      ids of extended segments that could not be placed, in file order
 */
public record CoverageNetwork(RoadNetwork all, int observedCount, List<String> excluded) {

    private static final Logger LOG = LoggerFactory.getLogger(CoverageNetwork.class);

    public CoverageNetwork {
        if (observedCount < 0 || observedCount > all.size()) {
            throw new IllegalArgumentException(observedCount + " observed segments in a network of " + all.size());
        }
        excluded = List.copyOf(excluded);
    }

    /** A network that is all observed (no extended segments). */
    public static CoverageNetwork observedOnly(RoadNetwork observed) {
        return new CoverageNetwork(observed, observed.size(), List.of());
    }

    /**
     * Builds the coverage, dropping extended segments that cannot be placed (no coordinates and no road path to or
     * from an observed segment) with a warning naming them.
     *
     * @param observed observed segments, in history column order
     * @param extended candidate extended segments
     * @param links    links over the indices of observed followed by extended
     */
    public static CoverageNetwork of(List<Segment> observed, List<Segment> extended, List<Link> links) {
        int n = observed.size();
        int total = n + extended.size();
        List<List<Integer>> adjacent = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            adjacent.add(new ArrayList<>());
        }
        for (Link l : links) {
            if (l.from() < 0 || l.from() >= total || l.to() < 0 || l.to() >= total) {
                throw new IllegalArgumentException("link " + l + " points outside the " + total + " segments");
            }
            // reachability in either direction: an upstream or a downstream observed neighbour places a segment
            adjacent.get(l.from()).add(l.to());
            adjacent.get(l.to()).add(l.from());
        }
        boolean[] reached = new boolean[total];
        ArrayList<Integer> queue = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            reached[i] = true;
            queue.add(i);
        }
        for (int head = 0; head < queue.size(); head++) {
            for (int next : adjacent.get(queue.get(head))) {
                if (!reached[next]) {
                    reached[next] = true;
                    queue.add(next);
                }
            }
        }
        boolean anyObservedCoordinates = observed.stream().anyMatch(Segment::hasCoordinates);
        List<Segment> segments = new ArrayList<>(observed);
        List<String> excluded = new ArrayList<>();
        int[] newIndex = new int[total];
        for (int i = 0; i < n; i++) {
            newIndex[i] = i;
        }
        for (int e = 0; e < extended.size(); e++) {
            Segment s = extended.get(e);
            boolean placed = reached[n + e] || (s.hasCoordinates() && anyObservedCoordinates);
            if (placed) {
                newIndex[n + e] = segments.size();
                segments.add(s);
            } else {
                newIndex[n + e] = -1;
                excluded.add(s.id());
            }
        }
        if (!excluded.isEmpty()) {
            LOG.warn("{} extended segment(s) excluded: no coordinates and no road path to any observed segment: {}",
                    excluded.size(), excluded.size() <= 20 ? excluded : excluded.subList(0, 20) + " ...");
        }
        List<Link> kept = new ArrayList<>(links.size());
        for (Link l : links) {
            int a = newIndex[l.from()];
            int b = newIndex[l.to()];
            if (a >= 0 && b >= 0) {
                kept.add(new Link(a, b, l.distance(), l.weight()));
            }
        }
        return new CoverageNetwork(new RoadNetwork(segments, kept), n, excluded);
    }

    public int extendedCount() {
        return all.size() - observedCount;
    }

    public boolean isObserved(int index) {
        return index < observedCount;
    }

    /** The extended segments, in order (index {@code observedCount() + k} of {@link #all()}). */
    public List<Segment> extended() {
        return all.segments().subList(observedCount, all.size());
    }

    /** The observed segments with the links among them only: the network the manifold model is fitted on. */
    public RoadNetwork observed() {
        if (observedCount == all.size()) {
            return all;
        }
        List<Link> among = new ArrayList<>();
        for (Link l : all.links()) {
            if (l.from() < observedCount && l.to() < observedCount) {
                among.add(l);
            }
        }
        return new RoadNetwork(all.segments().subList(0, observedCount), among);
    }

    /**
     * The same roads with the given observed segments turned into extended ones (a benchmark hiding sensors): the
     * remaining observed keep their order, the hidden ones join the extended segments first, in observed order.
     *
     * @throws IllegalArgumentException naming an id that is not an observed segment
     */
    public CoverageNetwork hide(java.util.Collection<String> ids) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < observedCount; i++) {
            index.put(all.segment(i).id(), i);
        }
        boolean[] hidden = new boolean[all.size()];
        for (String id : ids) {
            Integer i = index.get(id);
            if (i == null) {
                throw new IllegalArgumentException(all.indexOf(id).isPresent()
                        ? "segment '" + id + "' has no speed history: it is already extended"
                        : "unknown segment '" + id + "': not in the network");
            }
            hidden[i] = true;
        }
        List<Segment> observed = new ArrayList<>();
        List<Segment> extended = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < observedCount; i++) {
            if (!hidden[i]) {
                observed.add(all.segment(i));
                order.add(i);
            }
        }
        for (int i = 0; i < observedCount; i++) {
            if (hidden[i]) {
                extended.add(all.segment(i));
                order.add(i);
            }
        }
        for (int i = observedCount; i < all.size(); i++) {
            extended.add(all.segment(i));
            order.add(i);
        }
        int[] newIndex = new int[all.size()];
        for (int k = 0; k < order.size(); k++) {
            newIndex[order.get(k)] = k;
        }
        List<Link> links = new ArrayList<>(all.links().size());
        for (Link l : all.links()) {
            links.add(new Link(newIndex[l.from()], newIndex[l.to()], l.distance(), l.weight()));
        }
        CoverageNetwork result = of(observed, extended, links);
        if (!excluded.isEmpty()) {
            List<String> both = new ArrayList<>(excluded);
            both.addAll(result.excluded());
            return new CoverageNetwork(result.all(), result.observedCount(), Collections.unmodifiableList(both));
        }
        return result;
    }
}
