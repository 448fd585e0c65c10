package roadcast.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import roadcast.network.Link;
import roadcast.network.RoadClass;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;

class DrawnLinksTest {

    @Test
    void eachSegmentDrawsOnlyItsNearestDownstreamLinks() {
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            segments.add(new Segment("s" + i, 34 + i * 0.01, -118, RoadClass.UNKNOWN));
        }
        List<Link> links = List.of(
                new Link(0, 0, 0, 1), new Link(0, 3, 900, 1), new Link(0, 1, 100, 1), new Link(0, 4, 50, 1),
                new Link(0, 5, 4000, 1), new Link(2, 5, Double.NaN, 0.2), new Link(2, 4, Double.NaN, 0.9),
                new Link(2, 3, Double.NaN, 0.5));
        List<int[]> drawn = SegmentCatalog.drawnLinks(new RoadNetwork(segments, links));
        assertEquals(4, drawn.size());
        assertArrayEquals(new int[] {0, 4}, drawn.get(0));
        assertArrayEquals(new int[] {0, 1}, drawn.get(1));
        assertArrayEquals(new int[] {2, 4}, drawn.get(2));
        assertArrayEquals(new int[] {2, 3}, drawn.get(3));
    }
}
