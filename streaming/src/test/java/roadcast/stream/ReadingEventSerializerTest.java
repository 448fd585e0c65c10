package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import roadcast.reading.Source;

/** The hand-written wire form of a reading between the source and the zone operator loses nothing. */
class ReadingEventSerializerTest {

    static ReadingEvent full() {
        ReadingEvent e = new ReadingEvent();
        e.segment = "seg \"é\" 773869";
        e.segmentIndex = 17;
        e.zone = 3;
        e.timeMillis = 1_700_000_000_000L;
        e.speed = 61.25;
        e.flow = Double.NaN;
        e.occupancy = -0.5;
        e.source = Source.FLOATING_CAR;
        e.payload = "{\"segment\":\"773869\",\"speed\":61.25}".getBytes(StandardCharsets.UTF_8);
        e.topic = "readings";
        e.partition = 2;
        e.offset = 9_876_543_210L;
        e.appendMillis = 1_700_000_000_123L;
        return e;
    }

    static ReadingEvent sparse() {
        ReadingEvent e = new ReadingEvent();
        e.segmentIndex = -1;
        e.zone = -1;
        return e; // null segment, source, payload and topic
    }

    static void assertSameReading(ReadingEvent x, ReadingEvent y) {
        assertEquals(x.segment, y.segment);
        assertEquals(x.segmentIndex, y.segmentIndex);
        assertEquals(x.zone, y.zone);
        assertEquals(x.timeMillis, y.timeMillis);
        assertEquals(Double.doubleToLongBits(x.speed), Double.doubleToLongBits(y.speed));
        assertEquals(Double.doubleToLongBits(x.flow), Double.doubleToLongBits(y.flow));
        assertEquals(Double.doubleToLongBits(x.occupancy), Double.doubleToLongBits(y.occupancy));
        assertSame(x.source, y.source);
        assertArrayEquals(x.payload, y.payload);
        assertEquals(x.topic, y.topic);
        assertEquals(x.partition, y.partition);
        assertEquals(x.offset, y.offset);
        assertEquals(x.appendMillis, y.appendMillis);
    }

    @Test
    void everyFieldSurvivesTheWireTwoInARow() throws Exception {
        TypeSerializer<ReadingEvent> s = TypeInformation.of(ReadingEvent.class).createSerializer(new SerializerConfigImpl());
        for (ReadingEvent e : new ReadingEvent[]{full(), sparse()}) {
            DataOutputSerializer out = new DataOutputSerializer(16);
            s.serialize(e, out);
            s.serialize(e, out);
            DataInputDeserializer in = new DataInputDeserializer(out.getSharedBuffer(), 0, out.length());
            assertSameReading(e, s.deserialize(in));
            assertSameReading(e, s.deserialize(new ReadingEvent(), in));
            assertEquals(0, in.available());
            ReadingEvent copy = s.copy(e);
            assertSameReading(e, copy);
            if (e.payload != null) {
                assertNotSame(e.payload, copy.payload); // the zone operator may keep a copy while the source reuses
            }
        }
        assertNull(s.copy(sparse()).payload);
    }

    /**
     * The topic read last is given again while its bytes repeat (no string per reading): a change of topic, a null
     * one and a return to the first are each read as written, and a repeated topic is the same string.
     */
    @Test
    void aRepeatedTopicIsReadAsTheSameStringAndAChangedOneAsItself() throws Exception {
        String[] topics = {"readings", "readings", "readings.b", "readings", null, "readings", "readingX", "reading"};
        DataOutputSerializer out = new DataOutputSerializer(16);
        ReadingEventSerializer s = new ReadingEventSerializer();
        for (String topic : topics) {
            ReadingEvent e = full();
            e.topic = topic == null ? null : new String(topic); // not the literal: identity must come from the cache
            s.serialize(e, out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getSharedBuffer(), 0, out.length());
        ReadingEventSerializer reader = new ReadingEventSerializer();
        String[] read = new String[topics.length];
        for (int i = 0; i < topics.length; i++) {
            ReadingEvent e = reader.deserialize(in);
            read[i] = e.topic;
            assertEquals(topics[i], e.topic, "record " + i);
            assertEquals(full().segment, e.segment);
            assertEquals(full().partition, e.partition);
        }
        assertSame(read[0], read[1]);
        assertNotSame(read[3], read[2]);
    }

    @Test
    void flinkUsesTheHandWrittenSerializerNotThePojoOne() {
        // Before, TypeInformation.of(ReadingEvent.class) was a PojoTypeInfo: reflection on every field of every reading.
        TypeSerializer<ReadingEvent> s = TypeInformation.of(ReadingEvent.class)
                .createSerializer(new SerializerConfigImpl());
        assertEquals(ReadingEventSerializer.class, s.getClass());
        // It keeps the last topic read, so every user gets its own instance.
        assertNotSame(s, TypeInformation.of(ReadingEvent.class).createSerializer(new SerializerConfigImpl()));
        assertNotSame(s, s.duplicate());
    }

    @Test
    void anUnknownSourceByteIsAnErrorNotAWrongSource() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(16);
        new ReadingEventSerializer().serialize(full(), out);
        byte[] bytes = out.getCopyOfBuffer();
        // segment: its length as an int, then its UTF-8 bytes (é takes two); then 2 ints, a long and 3 doubles
        // (40 bytes) before the source byte.
        int sourceAt = stringBytes(full().segment) + 40;
        assertEquals(Source.FLOATING_CAR.ordinal(), bytes[sourceAt]);
        bytes[sourceAt] = 99;
        assertThrows(IOException.class, () -> new ReadingEventSerializer().deserialize(
                new DataInputDeserializer(bytes)));
    }

    private static int stringBytes(String s) {
        return Integer.BYTES + s.getBytes(StandardCharsets.UTF_8).length;
    }
}
