package roadcast.ingest;

import java.util.Arrays;
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

    private static final Source[] SOURCES = Source.values();
    /** Canonical wire names by ordinal. */
    private static final char[][] CANONICAL = new char[SOURCES.length][];

    static {
        for (Source source : SOURCES) {
            CANONICAL[source.ordinal()] = name(source).toCharArray();
        }
    }

    /**
     * {@link #parse(String)} of the characters {@code text[offset, offset + length)}, as a JSON parser holds them:
     * a canonical name (what producers send) is matched in place, without the String and its lower-casing that
     * were about a twelfth of parsing a reading in the ParseCostBenchmark profile; any other spelling goes through
     * {@link #parse(String)}.
     */
    public static Source parse(char[] text, int offset, int length) {
        for (Source source : SOURCES) {
            if (Arrays.equals(text, offset, offset + length, CANONICAL[source.ordinal()], 0,
                    CANONICAL[source.ordinal()].length)) {
                return source;
            }
        }
        return parse(new String(text, offset, length));
    }

    /** The canonical wire name. */
    public static String name(Source source) {
        return source.name().toLowerCase(Locale.ROOT);
    }
}
