package roadcast.stream;

import roadcast.clean.SegmentTrack;
import roadcast.ingest.SeenReadings;

/**
 * All the cleaner keeps about one segment, in one keyed value: the recent readings for the duplicate rule and the
 * credibility track. One value instead of two halves the RocksDB reads and writes per reading, which made the cleaner
 * the busiest task at 20000 segments. A Flink POJO (nested POJOs).
 */
public class SegmentMemory {

    public SeenReadings seen;
    public SegmentTrack track;

    public SegmentMemory() {
    }

    static SegmentMemory fresh() {
        SegmentMemory m = new SegmentMemory();
        m.seen = new SeenReadings();
        m.track = new SegmentTrack();
        return m;
    }
}
