package roadcast.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import roadcast.history.SpeedUnit;

/**
 * What a data set's README says about how to read its numbers: the speed unit, the time zone of its local
 * timestamps, whether an exact zero means "no observation", and (for files without timestamps, like PEMS .npz) the
 * start time.
 *
 * <p>Rules, in order. Unit: a line {@code Speed unit: X}; else "km/h" without "mph" -> km/h; "mph" -> mph; else by time
 * zone (American zones mph, others km/h). Time zone: a line {@code Time zone: Area/City}; else "China"/"Shenzhen"/
 * "Beijing" -> Asia/Shanghai; "Pacific"/"Los Angeles"/"California"/"Bay Area"/"Caltrans"/"METR-LA"/"PEMS-BAY" ->
 * America/Los_Angeles; else UTC.
 * Zeros: "zeros = no probe", "0.0 = missing", "zeros = missing" -> missing; "zeros are kept" -> values; else missing
 * (the METR-LA/PEMS convention; a zero mean speed is never credible anyway).
 *
 * @param unit          unit of the speeds
 * @param timeZone      zone of the local timestamps
 * @param zeroIsMissing exact zeros in the speed file become NaN
 * @param start         the first ISO local date-time the README mentions, for formats without a time axis
 * @param readme        the README text, "" when there is none (becomes the data set's provenance)
 */
public record DatasetConventions(SpeedUnit unit, ZoneId timeZone, boolean zeroIsMissing, Optional<LocalDateTime> start,
                                 String readme) {

    private static final Pattern UNIT_LINE = Pattern.compile("(?im)^\\W*speed unit\\W*:\\s*(km/h|mph)");
    private static final Pattern ZONE_LINE = Pattern.compile("(?im)^\\W*time zone\\W*:\\s*([A-Za-z_+\\-/0-9:]+)");
    private static final Pattern ZEROS_MISSING = Pattern.compile(
            "(?i)(zeros?\\s*=\\s*(no probe|missing|no observation))|(0(\\.0)?\\s*=\\s*missing)");
    private static final Pattern ZEROS_KEPT = Pattern.compile("(?i)zeros are kept");
    private static final Pattern ISO_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?");

    /** Conventions when nothing is known: km/h, UTC, zeros missing. */
    public static DatasetConventions defaults() {
        return fromText("");
    }

    /** Reads {@code README.md} in {@code folder}, or the defaults when there is none. */
    public static DatasetConventions fromFolder(Path folder) {
        Path readme = folder.resolve("README.md");
        if (!Files.isRegularFile(readme)) {
            return defaults();
        }
        try {
            return fromText(Files.readString(readme, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + readme, e);
        }
    }

    public static DatasetConventions fromText(String readme) {
        String lower = readme.toLowerCase(Locale.ROOT);
        ZoneId zone = zone(readme, lower);
        SpeedUnit unit = unit(readme, lower, zone);
        boolean zeroMissing = ZEROS_MISSING.matcher(readme).find() || !ZEROS_KEPT.matcher(readme).find();
        Matcher time = ISO_TIME.matcher(readme);
        Optional<LocalDateTime> start = time.find() ? Optional.of(LocalDateTime.parse(time.group())) : Optional.empty();
        return new DatasetConventions(unit, zone, zeroMissing, start, readme);
    }

    public DatasetConventions withUnit(SpeedUnit newUnit) {
        return new DatasetConventions(newUnit, timeZone, zeroIsMissing, start, readme);
    }

    public DatasetConventions withTimeZone(ZoneId zone) {
        return new DatasetConventions(unit, zone, zeroIsMissing, start, readme);
    }

    private static ZoneId zone(String readme, String lower) {
        Matcher line = ZONE_LINE.matcher(readme);
        if (line.find()) {
            try {
                return ZoneId.of(line.group(1));
            } catch (RuntimeException e) {
                // an unknown zone name falls through to the text rules
            }
        }
        if (lower.contains("china") || lower.contains("shenzhen") || lower.contains("beijing")) {
            return ZoneId.of("Asia/Shanghai");
        }
        if (lower.contains("pacific") || lower.contains("los angeles") || lower.contains("california")
                || lower.contains("bay area") || lower.contains("caltrans") || lower.contains("metr-la")
                || lower.contains("pems-bay")) {
            return ZoneId.of("America/Los_Angeles");
        }
        return ZoneId.of("UTC");
    }

    private static SpeedUnit unit(String readme, String lower, ZoneId zone) {
        Matcher line = UNIT_LINE.matcher(readme);
        if (line.find()) {
            return line.group(1).equalsIgnoreCase("mph") ? SpeedUnit.MPH : SpeedUnit.KMH;
        }
        boolean kmh = lower.contains("km/h");
        boolean mph = Pattern.compile("\\bmph\\b").matcher(lower).find();
        if (kmh && !mph) {
            return SpeedUnit.KMH;
        }
        if (mph) {
            return SpeedUnit.MPH;
        }
        return zone.getId().startsWith("America/") ? SpeedUnit.MPH : SpeedUnit.KMH;
    }
}
