package roadcast.ingest;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import roadcast.reading.Source;
import roadcast.reading.SpeedReading;

/**
 * Turns one input record (key = segment id, value = JSON) into a {@link SpeedReading} or a {@link Rejection}.
 * Stateless and serialisable, so a Flink function can hold one; the stateful rules (late, duplicate) are in
 * {@link ReadingRules} and {@link SeenReadings}.
 *
 * <p>Accepted value: {@code {"segment":"773869","time":"2012-03-01T08:05:00Z","speed":62.5,"source":"loop",
 * "flow":12,"occupancy":0.08}}.
 * <ul>
 * <li>{@code segment}: string, or an integral number (sent by some producers for numeric sensor ids). Required.</li>
 * <li>{@code time}: ISO-8601 date-time with offset or zone ({@code Z}, {@code +08:00}, {@code [Asia/Shanghai]});
 *     a local date-time without zone (a space instead of {@code T} is tolerated) is read in the configured zone;
 *     or a JSON number of epoch milliseconds. Required.</li>
 * <li>{@code speed}: JSON number in the model's unit. Required. The non-standard literals {@code NaN} and
 *     {@code Infinity} (as Python's json writes them), and the same words as strings, give NOT_A_NUMBER.</li>
 * <li>{@code source}: see {@link SourceNames}. Absent or null means {@code other}, the least credible source, so a
 *     reading without provenance is never over-weighted; a present but unknown name is rejected (WRONG_TYPE) rather
 *     than silently down-weighted, because it is most likely a typo.</li>
 * <li>{@code flow} (&ge; 0) and {@code occupancy} (0..1): optional numbers; absent, null or NaN mean "not measured".</li>
 * <li>Other fields are ignored, so producers can add fields without breaking the job.</li>
 * <li>The key, when present and non-empty, must equal the segment (KEY_MISMATCH otherwise); a null key is accepted.</li>
 * </ul>
 */
public final class ReadingParser implements Serializable {

    private static final long serialVersionUID = 1L;
    /** Use as {@code maxFutureMillis} to switch the future check off. */
    public static final long NO_FUTURE_LIMIT = Long.MAX_VALUE;

    private final ZoneId localZone;
    private final double maxSpeed;
    private final long maxFutureMillis;
    private final HashSet<String> knownSegments;
    private transient ObjectMapper mapper;

    /**
     * @param localZone       zone of times written without offset (the data set's zone)
     * @param maxSpeed        credibility maximum in the model's unit (IMPOSSIBLE_SPEED above it)
     * @param maxFutureMillis how far event time may lead the reference clock of {@link #parse(byte[], byte[], long)}
     * @param knownSegments   segment ids of the network; null accepts every id
     */
    public ReadingParser(ZoneId localZone, double maxSpeed, long maxFutureMillis, Set<String> knownSegments) {
        if (!(maxSpeed > 0)) {
            throw new IllegalArgumentException("maxSpeed must be positive, got " + maxSpeed);
        }
        if (maxFutureMillis < 0) {
            throw new IllegalArgumentException("maxFutureMillis must not be negative, got " + maxFutureMillis);
        }
        this.localZone = localZone;
        this.maxSpeed = maxSpeed;
        this.maxFutureMillis = maxFutureMillis;
        this.knownSegments = knownSegments == null ? null : new HashSet<>(knownSegments);
    }

    /** A parser that knows no network and no clock: only the per-record syntax and speed range are checked. */
    public static ReadingParser lenient(ZoneId localZone, double maxSpeed) {
        return new ReadingParser(localZone, maxSpeed, NO_FUTURE_LIMIT, null);
    }

    /** Parses without the future check (no reference clock). */
    public ParseResult parse(byte[] key, byte[] value) {
        return parse(key, value, Long.MIN_VALUE);
    }

    /**
     * Parses and checks one record.
     *
     * @param nowMillis reference clock for TOO_FAR_IN_FUTURE (processing time, or the latest event time seen);
     *                  {@code Long.MIN_VALUE} skips that check
     */
    public ParseResult parse(byte[] key, byte[] value, long nowMillis) {
        if (value == null || value.length == 0) {
            return ParseResult.rejected(RejectReason.MALFORMED_JSON, "empty value (tombstone?)");
        }
        JsonNode root;
        try {
            root = mapper().readTree(value);
        } catch (IOException e) {
            return ParseResult.rejected(RejectReason.MALFORMED_JSON, firstLine(e.getMessage()));
        }
        if (root == null || root.isMissingNode()) {
            return ParseResult.rejected(RejectReason.MALFORMED_JSON, "no JSON value");
        }
        if (!root.isObject()) {
            return ParseResult.rejected(RejectReason.MALFORMED_JSON,
                    "expected a JSON object, got " + root.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }

        JsonNode segmentNode = root.get("segment");
        String segment;
        if (absent(segmentNode)) {
            return missing("segment");
        } else if (segmentNode.isTextual()) {
            segment = segmentNode.textValue();
            if (segment.isBlank()) {
                return ParseResult.rejected(RejectReason.MISSING_FIELD, "segment is empty");
            }
        } else if (segmentNode.isIntegralNumber()) {
            segment = segmentNode.asText();
        } else {
            return wrongType("segment", "a string", segmentNode);
        }
        if (key != null && key.length > 0) {
            String keyText = new String(key, StandardCharsets.UTF_8);
            if (!keyText.equals(segment)) {
                return ParseResult.rejected(RejectReason.KEY_MISMATCH,
                        "key '" + abbreviate(keyText) + "' differs from segment '" + abbreviate(segment) + "'");
            }
        }
        if (knownSegments != null && !knownSegments.contains(segment)) {
            return ParseResult.rejected(RejectReason.UNKNOWN_SEGMENT,
                    "segment '" + abbreviate(segment) + "' is not in the network");
        }

        JsonNode timeNode = root.get("time");
        long time;
        if (absent(timeNode)) {
            return missing("time");
        } else if (timeNode.isTextual()) {
            Long parsed = parseIsoTime(timeNode.textValue());
            if (parsed == null) {
                return ParseResult.rejected(RejectReason.WRONG_TYPE, "time '" + abbreviate(timeNode.textValue())
                        + "' is not an ISO-8601 date-time (e.g. 2012-03-01T08:05:00Z) or epoch milliseconds");
            }
            time = parsed;
        } else if (timeNode.isIntegralNumber() && timeNode.canConvertToLong()) {
            time = timeNode.longValue();
        } else if (timeNode.isFloatingPointNumber() && isWholeLong(timeNode.doubleValue())) {
            time = (long) timeNode.doubleValue();
        } else {
            return wrongType("time", "an ISO-8601 string or integral epoch milliseconds", timeNode);
        }

        JsonNode speedNode = root.get("speed");
        double speed;
        if (absent(speedNode)) {
            return missing("speed");
        } else if (speedNode.isNumber()) {
            speed = speedNode.doubleValue();
        } else if (speedNode.isTextual() && isNonFiniteWord(speedNode.textValue())) {
            speed = Double.NaN;
        } else {
            return wrongType("speed", "a number", speedNode);
        }
        if (!Double.isFinite(speed)) {
            return ParseResult.rejected(RejectReason.NOT_A_NUMBER, "speed is " + speedNode.asText());
        }
        if (speed < 0) {
            return ParseResult.rejected(RejectReason.NEGATIVE_SPEED, "speed " + speed + " is negative");
        }
        if (speed > maxSpeed) {
            return ParseResult.rejected(RejectReason.IMPOSSIBLE_SPEED,
                    "speed " + speed + " is above the credible maximum " + maxSpeed);
        }

        JsonNode sourceNode = root.get("source");
        Source source;
        if (absent(sourceNode)) {
            source = Source.OTHER;
        } else if (sourceNode.isTextual()) {
            source = SourceNames.parse(sourceNode.textValue());
            if (source == null) {
                return ParseResult.rejected(RejectReason.WRONG_TYPE, "source '" + abbreviate(sourceNode.textValue())
                        + "' is none of loop, floating_car (floating-car, fcd), cellular, other");
            }
        } else {
            return wrongType("source", "a string", sourceNode);
        }

        JsonNode flowNode = root.get("flow");
        double flow = optionalNumber(flowNode);
        if (flow == WRONG) {
            return wrongType("flow", "a number", flowNode);
        }
        if (flow < 0) {
            return ParseResult.rejected(RejectReason.OUT_OF_RANGE, "flow " + flow + " is negative");
        }
        JsonNode occupancyNode = root.get("occupancy");
        double occupancy = optionalNumber(occupancyNode);
        if (occupancy == WRONG) {
            return wrongType("occupancy", "a number", occupancyNode);
        }
        if (occupancy < 0 || occupancy > 1) {
            return ParseResult.rejected(RejectReason.OUT_OF_RANGE, "occupancy " + occupancy + " is outside [0, 1]");
        }

        if (nowMillis != Long.MIN_VALUE) {
            var future = ReadingRules.tooFarInFuture(time, nowMillis, maxFutureMillis);
            if (future.isPresent()) {
                return new ParseResult(null, future.get());
            }
        }
        return ParseResult.of(new SpeedReading(segment, time, speed, flow, occupancy, source));
    }

    Long parseIsoTime(String text) {
        return parseIsoTime(text, localZone);
    }

    /**
     * Epoch milliseconds of an ISO-8601 date-time as the input topic allows it (offset or zone, or local time read
     * in {@code localZone}, space for {@code T} tolerated); null if unreadable.
     */
    public static Long parseIsoTime(String text, ZoneId localZone) {
        String t = text.trim();
        if (t.length() > 10 && t.charAt(10) == ' ') {
            t = t.substring(0, 10) + 'T' + t.substring(11);
        }
        try {
            TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parseBest(t, ZonedDateTime::from,
                    LocalDateTime::from);
            if (parsed instanceof ZonedDateTime) {
                return ((ZonedDateTime) parsed).toInstant().toEpochMilli();
            }
            return ((LocalDateTime) parsed).atZone(localZone).toInstant().toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            return null;
        }
    }

    /** Marker for a present optional field of the wrong type (never a valid flow or occupancy). */
    private static final double WRONG = Double.NEGATIVE_INFINITY;

    private static double optionalNumber(JsonNode node) {
        if (absent(node)) {
            return Double.NaN;
        }
        if (node.isNumber()) {
            double v = node.doubleValue();
            // NaN / Infinity in an optional field are read as "not measured": producers use them for gaps.
            return Double.isFinite(v) ? v : Double.NaN;
        }
        if (node.isTextual() && isNonFiniteWord(node.textValue())) {
            return Double.NaN;
        }
        return WRONG;
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }

    private static boolean isWholeLong(double v) {
        return Double.isFinite(v) && v == Math.rint(v) && Math.abs(v) < 9.0e18;
    }

    private static boolean isNonFiniteWord(String text) {
        switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "nan":
            case "infinity":
            case "+infinity":
            case "-infinity":
            case "inf":
            case "-inf":
                return true;
            default:
                return false;
        }
    }

    private static ParseResult missing(String field) {
        return ParseResult.rejected(RejectReason.MISSING_FIELD, field + " is missing");
    }

    private static ParseResult wrongType(String field, String expected, JsonNode got) {
        return ParseResult.rejected(RejectReason.WRONG_TYPE, field + " must be " + expected + ", got "
                + got.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + abbreviate(got.toString()));
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable JSON";
        }
        int nl = message.indexOf('\n');
        return abbreviate(nl < 0 ? message : message.substring(0, nl));
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = JsonMapper.builder()
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();
        }
        return mapper;
    }

    public ZoneId localZone() {
        return localZone;
    }

    public double maxSpeed() {
        return maxSpeed;
    }

    public long maxFutureMillis() {
        return maxFutureMillis;
    }

    @Override
    public String toString() {
        return "ReadingParser[zone=" + localZone + ", maxSpeed=" + maxSpeed + ", maxFutureMillis=" + maxFutureMillis
                + ", knownSegments=" + (knownSegments == null ? "any" : knownSegments.size()) + "]";
    }
}
