package roadcast.stream;

import java.lang.reflect.Type;
import java.util.Map;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink's type information of {@link ReadingEvent}: {@link ReadingEventSerializer}. Found through the
 * {@code @TypeInfo} annotation on the class, so {@code TypeInformation.of(ReadingEvent.class)} gives it anywhere.
 */
public final class ReadingEventTypeInfo extends HandWrittenTypeInfo<ReadingEvent> {

    private static final long serialVersionUID = 1L;

    public static final ReadingEventTypeInfo INSTANCE = new ReadingEventTypeInfo();

    private ReadingEventTypeInfo() {
        super(ReadingEvent.class, new ReadingEventSerializer());
    }

    /** What {@code @TypeInfo} on {@link ReadingEvent} names. */
    public static final class Factory extends TypeInfoFactory<ReadingEvent> {
        @Override
        public TypeInformation<ReadingEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return INSTANCE;
        }
    }
}
