package roadcast.topics;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Times on the wire: epoch milliseconds or ISO-8601 (with zone or offset; a local time without zone is read as UTC). */
public final class WireTime {

    private WireTime() {
    }

    public static long parse(JsonNode v, String field) throws WireFormatException {
        if (v == null || v.isNull()) {
            throw new WireFormatException("missing-field", "field '" + field + "' is missing");
        }
        if (v.isIntegralNumber()) {
            if (!v.canConvertToLong()) {
                throw new WireFormatException("bad-time", "field '" + field + "' does not fit epoch milliseconds: " + v);
            }
            return v.asLong();
        }
        if (v.isTextual()) {
            try {
                return parseText(v.asText());
            } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
                throw new WireFormatException("bad-time", "field '" + field + "': " + e.getMessage());
            }
        }
        throw new WireFormatException("bad-time", "field '" + field + "' is neither epoch milliseconds nor ISO-8601: " + v);
    }

    /**
     * Parses epoch milliseconds or ISO-8601; throws IllegalArgumentException with the offending text, also for times
     * that parse but do not fit a long of epoch milliseconds (years beyond about ±292 million).
     */
    public static long parseText(String s) {
        String t = s.trim();
        try {
            if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
                return Long.parseLong(t);
            }
            try {
                return Instant.parse(t).toEpochMilli();
            } catch (DateTimeParseException e) {
                // try the other ISO forms
            }
            try {
                return OffsetDateTime.parse(t).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                // try without zone
            }
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + s + "' is neither epoch milliseconds nor an ISO-8601 time");
        } catch (ArithmeticException | java.time.DateTimeException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' does not fit epoch milliseconds");
        }
    }
}
