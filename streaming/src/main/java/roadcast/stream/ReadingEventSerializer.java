package roadcast.stream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import roadcast.reading.Source;

/**
 * The wire form of a {@link ReadingEvent} between the source (parsing) and the zone operator. Written by hand
 * because every reading crosses it: Flink's POJO serializer reads and writes each of the thirteen fields through
 * reflection ({@code Field.get}/{@code Field.set}: about a tenth of the zone operator's thread and a twentieth of the
 * source's in the JFR profile of bench-stream), this writes them as plain values. Never kept in state.
 *
 * <p>Layout: segment, segmentIndex, zone, timeMillis, speed, flow, occupancy, source (ordinal byte, -1 for none),
 * payload (length, -1 for none, then the bytes), topic, partition, offset, appendMillis. Strings as their UTF-8
 * bytes after their length (-1 for null): Flink's {@code StringValue} reads a string char by char through the input
 * view into a thread-local buffer, the largest part of reading a reading back on the zone operator's thread in the
 * JFR profile of bench-stream at 20,000 segments (issue 12); a segment id and a topic name are one array copy each
 * this way.
 *
 * <p>The topic name read last is kept and given again while the topics' bytes repeat (every reading names its topic,
 * and a job reads a handful): no array and string per reading on the zone operator's thread, and the zone operator's
 * per-partition bookkeeping ({@code InputProgress}) then finds it by identity. That cache makes an instance stateful,
 * so each user gets its own ({@link #duplicate}, {@link ReadingEventTypeInfo}); the bytes on the wire are unchanged,
 * and every instance equals every other (the cache is not part of what the serializer is).
 */
public final class ReadingEventSerializer extends HandWrittenSerializer<ReadingEvent> {

    private static final long serialVersionUID = 1L;

    private static final Source[] SOURCES = Source.values();

    /** The topic read last, as its UTF-8 bytes and as the string given for them (null before the first). */
    private transient byte[] topicBytes;
    private transient String topic;
    /** Where a topic's bytes are read before they are compared with {@link #topicBytes}. */
    private transient byte[] scratch;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public ReadingEventSerializer duplicate() {
        return new ReadingEventSerializer();
    }

    @Override
    public ReadingEvent createInstance() {
        return new ReadingEvent();
    }

    @Override
    public ReadingEvent copy(ReadingEvent from) {
        return copy(from, new ReadingEvent());
    }

    @Override
    public ReadingEvent copy(ReadingEvent from, ReadingEvent to) {
        to.segment = from.segment;
        to.segmentIndex = from.segmentIndex;
        to.zone = from.zone;
        to.timeMillis = from.timeMillis;
        to.speed = from.speed;
        to.flow = from.flow;
        to.occupancy = from.occupancy;
        to.source = from.source;
        to.payload = from.payload == null ? null : from.payload.clone();
        to.topic = from.topic;
        to.partition = from.partition;
        to.offset = from.offset;
        to.appendMillis = from.appendMillis;
        return to;
    }

    @Override
    public void serialize(ReadingEvent e, DataOutputView out) throws IOException {
        writeString(e.segment, out);
        out.writeInt(e.segmentIndex);
        out.writeInt(e.zone);
        out.writeLong(e.timeMillis);
        out.writeDouble(e.speed);
        out.writeDouble(e.flow);
        out.writeDouble(e.occupancy);
        out.writeByte(e.source == null ? -1 : e.source.ordinal());
        if (e.payload == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(e.payload.length);
            out.write(e.payload);
        }
        writeString(e.topic, out);
        out.writeInt(e.partition);
        out.writeLong(e.offset);
        out.writeLong(e.appendMillis);
    }

    @Override
    public ReadingEvent deserialize(DataInputView in) throws IOException {
        return deserialize(new ReadingEvent(), in);
    }

    @Override
    public ReadingEvent deserialize(ReadingEvent e, DataInputView in) throws IOException {
        e.segment = readString(in);
        e.segmentIndex = in.readInt();
        e.zone = in.readInt();
        e.timeMillis = in.readLong();
        e.speed = in.readDouble();
        e.flow = in.readDouble();
        e.occupancy = in.readDouble();
        byte source = in.readByte();
        if (source >= SOURCES.length || source < -1) {
            throw new IOException("reading source byte " + source + " is not one of the " + SOURCES.length
                    + " sources");
        }
        e.source = source == -1 ? null : SOURCES[source];
        int length = in.readInt();
        if (length < 0) {
            e.payload = null;
        } else {
            e.payload = new byte[length];
            in.readFully(e.payload);
        }
        e.topic = readTopic(in);
        e.partition = in.readInt();
        e.offset = in.readLong();
        e.appendMillis = in.readLong();
        return e;
    }

    private static void writeString(String s, DataOutputView out) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputView in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** A string as {@link #writeString} wrote it; the last topic's string again when its bytes are the same. */
    private String readTopic(DataInputView in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        if (scratch == null || scratch.length < length) {
            scratch = new byte[Math.max(64, length)];
        }
        in.readFully(scratch, 0, length);
        if (topicBytes == null || !Arrays.equals(scratch, 0, length, topicBytes, 0, topicBytes.length)) {
            topicBytes = Arrays.copyOf(scratch, length);
            topic = new String(topicBytes, StandardCharsets.UTF_8);
        }
        return topic;
    }

    @Override
    public TypeSerializerSnapshot<ReadingEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores this serializer (the layout above is version 1). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ReadingEvent> {
        public Snapshot() {
            super(ReadingEventSerializer::new);
        }
    }
}
