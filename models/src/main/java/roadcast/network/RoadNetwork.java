package roadcast.network;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Segments and the directed links between them. Segment order is the column order of every matrix in Roadcast. */
public final class RoadNetwork {

    private final List<Segment> segments;
    private final List<Link> links;
    private final Map<String, Integer> indexById;

    public RoadNetwork(List<Segment> segments, List<Link> links) {
        this.segments = Collections.unmodifiableList(new ArrayList<>(segments));
        this.links = Collections.unmodifiableList(new ArrayList<>(links));
        this.indexById = new HashMap<>(segments.size() * 2);
        for (int i = 0; i < segments.size(); i++) {
            if (indexById.put(segments.get(i).id(), i) != null) {
                throw new IllegalArgumentException("duplicate segment id " + segments.get(i).id());
            }
        }
        for (Link link : links) {
            if (link.from() < 0 || link.from() >= segments.size() || link.to() < 0 || link.to() >= segments.size()) {
                throw new IllegalArgumentException("link " + link + " points outside the " + segments.size() + " segments");
            }
        }
    }

    public List<Segment> segments() {
        return segments;
    }

    public List<Link> links() {
        return links;
    }

    public int size() {
        return segments.size();
    }

    public Segment segment(int index) {
        return segments.get(index);
    }

    public Optional<Integer> indexOf(String segmentId) {
        return Optional.ofNullable(indexById.get(segmentId));
    }

    public String[] segmentIds() {
        String[] ids = new String[segments.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = segments.get(i).id();
        }
        return ids;
    }
}
