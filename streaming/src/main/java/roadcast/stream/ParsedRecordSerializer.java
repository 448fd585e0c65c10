package roadcast.stream;

import java.io.IOException;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import roadcast.ingest.DeadLetter;

/**
 * Flink's serializer of a {@link ParsedRecord}, written by hand for its copy: the source and the router that follows
 * it are chained, and with object reuse off Flink copies every record between chained operators through the record's
 * serializer. Flink's POJO serializer made a new record, a new reading and a copy of its payload per record (72 ns
 * per reading on the source's thread in {@code ParseCostBenchmark}, README issue 12, thirteenth pass). A parsed record
 * is not changed once emitted (the parser makes a new one, with a new reading, per input record, and the router only
 * passes its parts on), so it is treated as immutable and the copy is the record itself.
 *
 * <p>Layout, where the chain is broken and it crosses the network: one byte (0 a reading, 1 a dead letter, 2
 * neither), then the reading as {@link ReadingEventSerializer} writes it or the dead letter as Flink's serializer of
 * {@link DeadLetter} does. Never kept in state.
 */
public final class ParsedRecordSerializer extends HandWrittenSerializer<ParsedRecord> {

    private static final long serialVersionUID = 1L;

    private static final byte READING = 0;
    private static final byte DEAD_LETTER = 1;
    private static final byte NEITHER = 2;

    private final ReadingEventSerializer readings = new ReadingEventSerializer();
    private final TypeSerializer<DeadLetter> deadLetters = TypeInformation.of(DeadLetter.class)
            .createSerializer(new SerializerConfigImpl());

    @Override
    public boolean isImmutableType() {
        return true;
    }

    /** A new instance: the reading serializer keeps the last topic read. */
    @Override
    public ParsedRecordSerializer duplicate() {
        return new ParsedRecordSerializer();
    }

    @Override
    public ParsedRecord createInstance() {
        return new ParsedRecord();
    }

    @Override
    public ParsedRecord copy(ParsedRecord from) {
        return from;
    }

    @Override
    public void serialize(ParsedRecord p, DataOutputView out) throws IOException {
        if (p.reading != null) {
            out.writeByte(READING);
            readings.serialize(p.reading, out);
        } else if (p.deadLetter != null) {
            out.writeByte(DEAD_LETTER);
            deadLetters.serialize(p.deadLetter, out);
        } else {
            out.writeByte(NEITHER);
        }
    }

    @Override
    public ParsedRecord deserialize(DataInputView in) throws IOException {
        ParsedRecord p = new ParsedRecord();
        byte kind = in.readByte();
        switch (kind) {
            case READING -> p.reading = readings.deserialize(in);
            case DEAD_LETTER -> p.deadLetter = deadLetters.deserialize(in);
            case NEITHER -> { }
            default -> throw new IOException("parsed record kind " + kind + " is not 0, 1 or 2");
        }
        return p;
    }

    @Override
    public TypeSerializerSnapshot<ParsedRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores this serializer (never needed for state: parsed records are not kept). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ParsedRecord> {
        public Snapshot() {
            super(ParsedRecordSerializer::new);
        }
    }
}
