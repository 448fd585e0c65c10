package roadcast.publish;

import java.lang.reflect.Type;
import java.util.Map;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink's type information of {@link IssuedForecast}: {@link IssuedForecastSerializer}. Found through the
 * {@code @TypeInfo} annotation on the record, so {@code TypeInformation.of(IssuedForecast.class)} gives it anywhere.
 */
public final class IssuedForecastTypeInfo extends TypeInformation<IssuedForecast> {

    private static final long serialVersionUID = 1L;

    public static final IssuedForecastTypeInfo INSTANCE = new IssuedForecastTypeInfo();

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
    public Class<IssuedForecast> getTypeClass() {
        return IssuedForecast.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<IssuedForecast> createSerializer(SerializerConfig config) {
        return IssuedForecastSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "IssuedForecast";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IssuedForecastTypeInfo;
    }

    @Override
    public int hashCode() {
        return IssuedForecastTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof IssuedForecastTypeInfo;
    }

    /** What {@code @TypeInfo} on {@link IssuedForecast} names. */
    public static final class Factory extends TypeInfoFactory<IssuedForecast> {
        @Override
        public TypeInformation<IssuedForecast> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return INSTANCE;
        }
    }
}
