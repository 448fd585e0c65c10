package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import roadcast.ingest.DeadLetter;
import roadcast.ingest.RejectReason;
import roadcast.ingest.Rejection;

/**
 * A parsed record crosses the chain from the source to the router uncopied, and the network, where the chain is
 * broken, whole (issue 12, thirteenth pass).
 */
class ParsedRecordSerializerTest {

    private static final TypeSerializer<ParsedRecord> SERIALIZER = TypeInformation.of(ParsedRecord.class)
            .createSerializer(new SerializerConfigImpl());

    private static ParsedRecord reading() {
        ParsedRecord p = new ParsedRecord();
        p.reading = ReadingEventSerializerTest.full();
        return p;
    }

    private static ParsedRecord deadLetter() {
        ParsedRecord p = new ParsedRecord();
        p.deadLetter = DeadLetter.of(new Rejection(RejectReason.MALFORMED_JSON, "not JSON"),
                "k".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, (byte) 0xff}, "readings", 3, 42L,
                1_700_000_000_000L);
        return p;
    }

    @Test
    void flinkUsesTheHandWrittenSerializerAndTheChainsCopyIsTheRecordItself() {
        assertEquals(ParsedRecordSerializer.class, SERIALIZER.getClass());
        ParsedRecord p = reading();
        // Before, Flink's POJO serializer made a new record, reading and payload here for every reading.
        assertSame(p, SERIALIZER.copy(p));
        assertSame(p, SERIALIZER.copy(p, new ParsedRecord()));
    }

    @Test
    void aReadingADeadLetterAndAnEmptyRecordSurviveTheWire() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        ParsedRecord[] records = {reading(), deadLetter(), new ParsedRecord(), reading()};
        for (ParsedRecord p : records) {
            SERIALIZER.serialize(p, out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getSharedBuffer(), 0, out.length());
        for (ParsedRecord p : records) {
            ParsedRecord back = SERIALIZER.deserialize(in);
            if (p.reading != null) {
                ReadingEventSerializerTest.assertSameReading(p.reading, back.reading);
            } else {
                assertNull(back.reading);
            }
            assertEquals(p.deadLetter, back.deadLetter);
        }
        assertEquals(0, in.available());
        byte[] bad = {7};
        assertThrows(IOException.class, () -> SERIALIZER.deserialize(new DataInputDeserializer(bad)));
    }
}
