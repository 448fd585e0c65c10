package roadcast.stream;

import java.lang.reflect.Type;
import java.util.Map;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink's type information of {@link ReadingEvent}: {@link ReadingEventSerializer}. Found through the
 * {@code @TypeInfo} annotation on the class, so {@code TypeInformation.of(ReadingEvent.class)} gives it anywhere.
 */
public final class ReadingEventTypeInfo extends TypeInformation<ReadingEvent> {

    private static final long serialVersionUID = 1L;

    public static final ReadingEventTypeInfo INSTANCE = new ReadingEventTypeInfo();

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<ReadingEvent> getTypeClass() {
        return ReadingEvent.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<ReadingEvent> createSerializer(SerializerConfig config) {
        return ReadingEventSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "ReadingEvent";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReadingEventTypeInfo;
    }

    @Override
    public int hashCode() {
        return ReadingEventTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof ReadingEventTypeInfo;
    }

    /** What {@code @TypeInfo} on {@link ReadingEvent} names. */
    public static final class Factory extends TypeInfoFactory<ReadingEvent> {
        @Override
        public TypeInformation<ReadingEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return INSTANCE;
        }
    }
}
