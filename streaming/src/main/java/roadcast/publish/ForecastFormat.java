package roadcast.publish;

import java.util.Locale;

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
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (ForecastFormat f : values()) {
            if (f.option.equals(t)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown forecast format '" + text + "': use json or avro");
    }

    /** picocli: {@code --forecast-format json|avro}. */
    public static final class Converter implements CommandLine.ITypeConverter<ForecastFormat> {
        @Override
        public ForecastFormat convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** picocli completion candidates. */
    public static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(values()).map(ForecastFormat::toString).iterator();
        }
    }
}
