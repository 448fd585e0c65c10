package roadcast.stream;

import java.lang.reflect.Type;
import java.util.Map;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink's type information of {@link ZoneMemory}: {@link ZoneMemorySerializer}. Found through the {@code @TypeInfo}
 * annotation on the class, so {@code TypeInformation.of(ZoneMemory.class)} gives it anywhere.
 */
public final class ZoneMemoryTypeInfo extends HandWrittenTypeInfo<ZoneMemory> {

    private static final long serialVersionUID = 1L;

    public static final ZoneMemoryTypeInfo INSTANCE = new ZoneMemoryTypeInfo();

    private ZoneMemoryTypeInfo() {
        super(ZoneMemory.class, ZoneMemorySerializer.INSTANCE);
    }

    /** What {@code @TypeInfo} on {@link ZoneMemory} names. */
    public static final class Factory extends TypeInfoFactory<ZoneMemory> {
        @Override
        public TypeInformation<ZoneMemory> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return INSTANCE;
        }
    }
}
