package roadcast.stream;

import java.io.IOException;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What the job's hand-written Flink serializers ({@link ReadingEventSerializer}, {@link ParsedRecordSerializer},
 * {@link ZoneMemorySerializer}, {@code IssuedForecastSerializer}) do alike, so that each of them holds only its
 * record's layout and copy: variable length, no reuse of a record given to read into or copy into (a subclass that
 * fills a given record overrides those), a binary copy through a read and a write, and equality by class (a subclass
 * whose instances differ, such as a layout version, overrides {@link #equals} and {@link #hashCode}).
 */
public abstract class HandWrittenSerializer<T> extends TypeSerializer<T> {

    private static final long serialVersionUID = 1L;

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public T deserialize(T reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }
}
