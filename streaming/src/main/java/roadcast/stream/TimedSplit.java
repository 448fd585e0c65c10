package roadcast.stream;

import java.io.IOException;
import java.util.Arrays;

import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * An input split (e.g. a Kafka partition with its offset) with the newest event time accepted from it: the reference
 * of the lead bound that holds with the future check off ({@link InputParser}). Kept in the source's checkpointed
 * split state, so that a restore resumes with the reference that belongs to the restored offset (issue 10: a plain
 * field started empty after a restore, and a far-future first record moved the watermark).
 *
 * @param split        the wrapped source's split
 * @param newestMillis newest event time accepted from it, Long.MIN_VALUE when none is known
 */
record TimedSplit<S extends SourceSplit>(S split, long newestMillis) implements SourceSplit {

    @Override
    public String splitId() {
        return split.splitId();
    }

    /**
     * The wrapped serializer's bytes after the newest time. The version is {@link #FORMAT} plus the wrapped one, so
     * that split state written before this wrapper existed (the wrapped version alone) still restores, without a
     * reference (the behaviour of that state's job).
     */
    static final class Serializer<S extends SourceSplit> implements SimpleVersionedSerializer<TimedSplit<S>> {

        /** Marks this format (version 1); the low 16 bits carry the wrapped serializer's version. */
        static final int FORMAT = 1 << 16;

        private final SimpleVersionedSerializer<S> splits;

        Serializer(SimpleVersionedSerializer<S> splits) {
            if (splits.getVersion() < 0 || splits.getVersion() >= FORMAT) {
                throw new IllegalArgumentException("wrapped split serializer version out of range: "
                        + splits.getVersion());
            }
            this.splits = splits;
        }

        @Override
        public int getVersion() {
            return FORMAT | splits.getVersion();
        }

        @Override
        public byte[] serialize(TimedSplit<S> t) throws IOException {
            byte[] inner = splits.serialize(t.split());
            DataOutputSerializer out = new DataOutputSerializer(inner.length + Long.BYTES);
            out.writeLong(t.newestMillis());
            out.write(inner);
            return out.getCopyOfBuffer();
        }

        @Override
        public TimedSplit<S> deserialize(int version, byte[] bytes) throws IOException {
            if (version >= 0 && version < FORMAT) { // written by the wrapped source alone
                return new TimedSplit<>(splits.deserialize(version, bytes), Long.MIN_VALUE);
            }
            if ((version & ~(FORMAT - 1)) != FORMAT) {
                throw new IOException("unknown input split state version " + version + " (this build reads "
                        + getVersion() + " and the wrapped source's own versions)");
            }
            long newest = new DataInputDeserializer(bytes, 0, Long.BYTES).readLong();
            return new TimedSplit<>(splits.deserialize(version & (FORMAT - 1),
                    Arrays.copyOfRange(bytes, Long.BYTES, bytes.length)), newest);
        }
    }
}
