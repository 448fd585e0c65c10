package roadcast.publish;

import java.lang.reflect.Type;
import java.util.Map;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import roadcast.stream.HandWrittenTypeInfo;

/**
 * Flink's type information of {@link IssuedForecast}: {@link IssuedForecastSerializer}. Found through the
 * {@code @TypeInfo} annotation on the record, so {@code TypeInformation.of(IssuedForecast.class)} gives it anywhere.
 */
public final class IssuedForecastTypeInfo extends HandWrittenTypeInfo<IssuedForecast> {

    private static final long serialVersionUID = 1L;

    public static final IssuedForecastTypeInfo INSTANCE = new IssuedForecastTypeInfo();

    private IssuedForecastTypeInfo() {
        super(IssuedForecast.class, IssuedForecastSerializer.INSTANCE);
    }

    /** What {@code @TypeInfo} on {@link IssuedForecast} names. */
    public static final class Factory extends TypeInfoFactory<IssuedForecast> {
        @Override
        public TypeInformation<IssuedForecast> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return INSTANCE;
        }
    }
}
