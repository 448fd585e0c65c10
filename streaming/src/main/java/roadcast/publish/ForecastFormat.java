package roadcast.publish;

import picocli.CommandLine;

/**
 * The value format of forecast records ({@code --forecast-format}): {@link #JSON} (default; what {@code roadcast
 * serve} and the dashboard read) or {@link #AVRO} (Avro binary with the schema {@link ForecastAvro#SCHEMA_RESOURCE},
 * about 40% of the bytes, for external consumers only: the serving follower refuses it with a clear reason).
 */
public enum ForecastFormat {
    JSON("json"), AVRO("avro");

    private final String option;

    ForecastFormat(String option) {
        this.option = option;
    }

    @Override
    public String toString() {
        return option;
    }

    /** {@code json} or {@code avro}, any case. */
    public static ForecastFormat parse(String text) {
        return OptionNames.parse(ForecastFormat.class, "forecast format", text);
    }

    /** picocli: {@code --forecast-format json|avro}. */
    public static final class Converter implements CommandLine.ITypeConverter<ForecastFormat> {
        @Override
        public ForecastFormat convert(String value) {
            return OptionNames.convert(ForecastFormat.class, "forecast format", value);
        }
    }

    /** picocli completion candidates. */
    public static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return OptionNames.names(ForecastFormat.class);
        }
    }
}
