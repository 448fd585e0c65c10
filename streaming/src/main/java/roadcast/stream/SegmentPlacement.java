package roadcast.stream;

import java.util.Map;

/**
 * Where a reading's segment is in the network of the model in service, from the index the source found for it in the
 * job's start layout ({@link ReadingEvent#startIndex}): a table from start-layout index to index in service (the
 * identity until a model switch changes the network), so the zone operator's thread does not hash each reading's id
 * (a {@code HashMap} look-up per reading, about 5 % of that thread in bench-stream's profile, README issue 12).
 *
 * <p>The index is a hint and is checked against the id: a reading whose start index is missing, out of range or names
 * another segment (a reading made by hand, a source of another layout) is looked up by its id, so a reading is placed
 * by its id whatever the hint says. A segment the model in service does not know has no place ({@code -1}).
 */
final class SegmentPlacement {

    /** Segment ids of the network in service, by index. */
    private final String[] ids;
    private final Map<String, Integer> indexById;
    /** [start-layout index] index in service, -1 where the model in service does not have the segment. */
    private final int[] fromStart;

    SegmentPlacement(NetworkLayout start, NetworkLayout inService) {
        this.ids = inService.segmentIds();
        this.indexById = inService.indexById();
        String[] startIds = start.segmentIds();
        this.fromStart = new int[startIds.length];
        for (int i = 0; i < startIds.length; i++) {
            Integer index = indexById.get(startIds[i]);
            fromStart[i] = index == null ? -1 : index;
        }
    }

    /** The index in service of the reading's segment, -1 when the model in service does not know it. */
    int indexOf(ReadingEvent e) {
        int start = e.startIndex;
        if (start >= 0 && start < fromStart.length) {
            int index = fromStart[start];
            if (index >= 0 && ids[index].equals(e.segment)) {
                return index;
            }
        }
        Integer index = indexById.get(e.segment);
        return index == null ? -1 : index;
    }
}
