package roadcast.ingest;

import java.util.Locale;

import roadcast.reading.Source;

/**
 * Wire names of {@link Source}: {@code loop}, {@code floating_car} (also {@code floating-car}, {@code fcd}),
 * {@code cellular}, {@code other}; case-insensitive on input, lower case on output.
 */
public final class SourceNames {

    private SourceNames() {
    }

    /** The source named {@code name}, or null when the name is none of the accepted spellings. */
    public static Source parse(String name) {
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "loop":
                return Source.LOOP;
            case "floating_car":
            case "floating-car":
            case "fcd":
                return Source.FLOATING_CAR;
            case "cellular":
                return Source.CELLULAR;
            case "other":
                return Source.OTHER;
            default:
                return null;
        }
    }

    /** The canonical wire name. */
    public static String name(Source source) {
        return source.name().toLowerCase(Locale.ROOT);
    }
}
