package roadcast.retrain;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When {@code roadcast retrain} runs again: every {@code every} (default one day when only {@code at} is given), the
 * first run at the next {@code at} (local time of {@code zone}), or at once when {@code at} is absent.
 */
public record Schedule(Duration every, LocalTime at, ZoneId zone) {

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(d|h|m|s)");

    public Schedule {
        if (every != null && (every.isZero() || every.isNegative())) {
            throw new IllegalArgumentException("--every must be positive, got " + every);
        }
    }

    /** The first run's time, from {@code now}. */
    public ZonedDateTime first(ZonedDateTime now) {
        if (at == null) {
            return now;
        }
        ZonedDateTime today = now.withZoneSameInstant(zone).with(at).withSecond(at.getSecond()).withNano(0);
        return today.isAfter(now) ? today : today.plusDays(1);
    }

    /** The run after one planned at {@code previous}, strictly after {@code now} (runs missed while busy are skipped). */
    public ZonedDateTime next(ZonedDateTime previous, ZonedDateTime now) {
        Duration step = every == null ? Duration.ofDays(1) : every;
        ZonedDateTime next = previous.plus(step);
        while (!next.isAfter(now)) {
            next = next.plus(step);
        }
        return next;
    }

    /** {@code 24h}, {@code 90m}, {@code 30s}, {@code 1d} or ISO-8601 ({@code PT24H}). */
    public static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long v = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "d" -> Duration.ofDays(v);
                case "h" -> Duration.ofHours(v);
                case "m" -> Duration.ofMinutes(v);
                default -> Duration.ofSeconds(v);
            };
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: use 24h, 90m, 30s, 1d or PT24H");
        }
    }
}
