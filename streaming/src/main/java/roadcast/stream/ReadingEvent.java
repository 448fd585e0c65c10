package roadcast.stream;

import org.apache.flink.api.common.typeinfo.TypeInfo;
import roadcast.reading.Source;

/**
 * A parsed reading on its way through the job, with the network position it was resolved to and the raw record's
 * coordinates (for dead letters from later stages and for lag). Crosses the network as
 * {@link ReadingEventSerializer} writes it (not as a reflective POJO).
 */
@TypeInfo(ReadingEventTypeInfo.Factory.class)
public class ReadingEvent {

    public String segment;
    /** Index of the segment in the network of the model in service; set by the zone operator (-1 before). */
    public int segmentIndex;
    /** Zone of the segment ({@code model.zoneOf}) under the model in service; set by the zone operator. */
    public int zone;
    /** Event time, epoch ms. */
    public long timeMillis;
    public double speed;
    public double flow;
    public double occupancy;
    public Source source;

    /** The raw record's value, kept so that a stage after parsing can still dead-letter it intact. */
    public byte[] payload;
    public String topic;
    public int partition;
    public long offset;
    /** Timestamp of the input record at its topic, epoch ms (start of the end-to-end lag). */
    public long appendMillis;

    public ReadingEvent() {
    }
}
