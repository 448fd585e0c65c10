package roadcast.publish;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.stream.Collectors;

import picocli.CommandLine;

/**
 * Enum values written on the command line as their {@code toString()} ({@code exactly-once}, {@code json}): the one
 * parser, picocli converter and completion list behind {@link Delivery} and {@link ForecastFormat}.
 */
final class OptionNames {

    private OptionNames() {
    }

    /** The constant named {@code text} (any case, {@code _} for {@code -}); else an error listing the choices. */
    static <E extends Enum<E>> E parse(Class<E> type, String what, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (E e : type.getEnumConstants()) {
            if (e.toString().equals(t)) {
                return e;
            }
        }
        String choices = Arrays.stream(type.getEnumConstants()).map(Object::toString).collect(Collectors.joining(" or "));
        throw new IllegalArgumentException("unknown " + what + " '" + text + "': use " + choices);
    }

    /** {@link #parse} for picocli: its error becomes the command's usage error. */
    static <E extends Enum<E>> E convert(Class<E> type, String what, String text) {
        try {
            return parse(type, what, text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** The names, for picocli's completion candidates and {@code ${COMPLETION-CANDIDATES}}. */
    static <E extends Enum<E>> Iterator<String> names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Object::toString).iterator();
    }
}
