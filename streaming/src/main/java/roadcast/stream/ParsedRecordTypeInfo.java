package roadcast.stream;

import java.lang.reflect.Type;
import java.util.Map;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink's type information of {@link ParsedRecord}: {@link ParsedRecordSerializer}. Found through the
 * {@code @TypeInfo} annotation on the class, so {@code TypeInformation.of(ParsedRecord.class)} gives it anywhere.
 */
public final class ParsedRecordTypeInfo extends HandWrittenTypeInfo<ParsedRecord> {

    private static final long serialVersionUID = 1L;

    public static final ParsedRecordTypeInfo INSTANCE = new ParsedRecordTypeInfo();

    private ParsedRecordTypeInfo() {
        super(ParsedRecord.class, new ParsedRecordSerializer());
    }

    /** What {@code @TypeInfo} on {@link ParsedRecord} names. */
    public static final class Factory extends TypeInfoFactory<ParsedRecord> {
        @Override
        public TypeInformation<ParsedRecord> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return INSTANCE;
        }
    }
}
