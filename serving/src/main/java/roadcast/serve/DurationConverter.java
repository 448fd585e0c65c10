package roadcast.serve;

import picocli.CommandLine;

import java.time.Duration;
import java.util.Locale;

/** Reads durations the way operators write them: {@code 7d}, {@code 12h}, {@code 30m}, {@code 45s}, or ISO {@code P7D}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("p")) {
            return Duration.parse(v.toUpperCase(Locale.ROOT));
        }
        if (v.length() < 2) {
            throw new IllegalArgumentException("'" + value + "' is not a duration like 7d, 12h, 30m or 45s");
        }
        long n;
        try {
            n = Long.parseLong(v.substring(0, v.length() - 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is not a duration like 7d, 12h, 30m or 45s");
        }
        return switch (v.charAt(v.length() - 1)) {
            case 'd' -> Duration.ofDays(n);
            case 'h' -> Duration.ofHours(n);
            case 'm' -> Duration.ofMinutes(n);
            case 's' -> Duration.ofSeconds(n);
            default -> throw new IllegalArgumentException("'" + value + "' is not a duration like 7d, 12h, 30m or 45s");
        };
    }
}
