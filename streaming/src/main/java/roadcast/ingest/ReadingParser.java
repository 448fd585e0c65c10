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

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import roadcast.reading.Source;
import roadcast.reading.SpeedReading;

/**
 * Turns one input record (key = segment id, value = JSON) into a {@link SpeedReading} or a {@link Rejection}.
 * Stateless and serialisable, so a Flink function can hold one; the stateful rules (late, duplicate) are in
 * {@code roadcast.stream.ZoneIntake}.
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
    /** The reference parser's factory: rejects a repeated field name anywhere in the value. */
    private transient JsonFactory strictFactory;
    /** The same without duplicate detection, for the records {@link #readFields} can vouch for. */
    private transient JsonFactory fastFactory;

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
        // Most records are the feed's own: known fields, each once, scalar values. They are read by a parser without
        // Jackson's duplicate detection (a HashSet per record, about a sixth of the parse in the ParseCostBenchmark
        // profile), the fields' distinctness checked here instead. Any other record (an unknown field, a repeated
        // one, a container value, a root that is not an object, any syntax error: Jackson reads a field's value
        // ahead with its name, so a fault there can surface before a repeated name is seen) is read again from the
        // start by the strict parser, the reference, so it gets the verdict and detail it always had.
        Fields fields = new Fields();
        if (read(value, fields, false) != null) {
            return parseStrict(key, value, nowMillis);
        }
        return check(key, fields, nowMillis);
    }

    /** The strict parser's verdict alone, for tests that hold the fast path to it. */
    ParseResult parseStrict(byte[] key, byte[] value, long nowMillis) {
        Fields fields = new Fields();
        ParseResult syntax = read(value, fields, true);
        return syntax != null ? syntax : check(key, fields, nowMillis);
    }

    /** Marks a record the fast read leaves to the strict one; never returned from {@link #parse}. */
    private static final ParseResult NEEDS_STRICT = ParseResult.rejected(RejectReason.MALFORMED_JSON, "strict");

    /**
     * Reads the whole value into {@code fields}: null when it is one JSON object, else its MALFORMED_JSON
     * rejection, or (not strict) {@link #NEEDS_STRICT}.
     */
    private ParseResult read(byte[] value, Fields fields, boolean strict) {
        // One streaming pass instead of a tree: the tree (a LinkedHashMap per record) was the source thread's cost.
        // The whole value is read before any check, as readTree did, so a syntax error anywhere wins.
        mapper();
        try (JsonParser p = (strict ? strictFactory : fastFactory).createParser(value)) {
            JsonToken root = p.nextToken();
            if (root == null) {
                return ParseResult.rejected(RejectReason.MALFORMED_JSON, "no JSON value");
            }
            if (root == JsonToken.START_OBJECT) {
                if (!readFields(p, fields, strict)) {
                    return NEEDS_STRICT;
                }
            } else if (!strict) {
                return NEEDS_STRICT;
            } else {
                p.skipChildren();
            }
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                return ParseResult.rejected(RejectReason.MALFORMED_JSON,
                        "trailing token (" + trailing + ") after the JSON value");
            }
            if (root != JsonToken.START_OBJECT) {
                return ParseResult.rejected(RejectReason.MALFORMED_JSON, "expected a JSON object, got " + typeName(root));
            }
        } catch (IOException e) {
            return ParseResult.rejected(RejectReason.MALFORMED_JSON, firstLine(e.getMessage()));
        }
        return null;
    }

    /**
     * The known fields of one record as read, each either a value or the rejection it earns; absent and null leave
     * the defaults. Checked only after the whole record is read, because fields come in any order and the first
     * fault in {@link #check} order must win.
     */
    private static final class Fields {
        String segment;
        ParseResult segmentError;
        boolean hasTime;
        long time;
        ParseResult timeError;
        boolean hasSpeed;
        double speed;
        /** The speed as the tree gave it (asText), kept only when it is not finite, for the rejection. */
        String nonFiniteSpeed;
        ParseResult speedError;
        Source source = Source.OTHER;
        ParseResult sourceError;
        double flow = Double.NaN;
        ParseResult flowError;
        double occupancy = Double.NaN;
        ParseResult occupancyError;
    }

    private static final int SEGMENT = 0;
    private static final int TIME = 1;
    private static final int SPEED = 2;
    private static final int SOURCE = 3;
    private static final int FLOW = 4;
    private static final int OCCUPANCY = 5;

    private static int fieldOf(String name) {
        switch (name) {
            case "segment":
                return SEGMENT;
            case "time":
                return TIME;
            case "speed":
                return SPEED;
            case "source":
                return SOURCE;
            case "flow":
                return FLOW;
            case "occupancy":
                return OCCUPANCY;
            default:
                return -1;
        }
    }

    /**
     * Reads the object's fields; false (not strict) as soon as the record is not one the fast read answers as the
     * strict one would: checked at the name, before its value is read, so that a syntax error later in the record
     * cannot be reported where the strict parser reports the duplicate.
     */
    private boolean readFields(JsonParser p, Fields f, boolean strict) throws IOException {
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            int field = fieldOf(p.currentName());
            if (!strict) {
                if (field < 0 || (seen & (1 << field)) != 0) {
                    return false;
                }
                seen |= 1 << field;
            }
            JsonToken t = p.nextToken();
            if (!strict && t.isStructStart()) {
                return false;
            }
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (field) {
                case SEGMENT:
                    readSegment(p, t, f);
                    break;
                case TIME:
                    readTime(p, t, f);
                    break;
                case SPEED:
                    readSpeed(p, t, f);
                    break;
                case SOURCE:
                    if (t == JsonToken.VALUE_STRING) {
                        f.source = SourceNames.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                        if (f.source == null) {
                            f.sourceError = ParseResult.rejected(RejectReason.WRONG_TYPE, "source '"
                                    + abbreviate(p.getText())
                                    + "' is none of loop, floating_car (floating-car, fcd), cellular, other");
                        }
                    } else {
                        f.sourceError = wrongType("source", "a string", p);
                    }
                    break;
                case FLOW:
                    f.flow = optionalNumber(p, t);
                    if (f.flow == WRONG) {
                        f.flowError = wrongType("flow", "a number", p);
                    }
                    break;
                case OCCUPANCY:
                    f.occupancy = optionalNumber(p, t);
                    if (f.occupancy == WRONG) {
                        f.occupancyError = wrongType("occupancy", "a number", p);
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
        return true;
    }

    private void readSegment(JsonParser p, JsonToken t, Fields f) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            String segment = p.getText();
            if (segment.isBlank()) {
                f.segmentError = ParseResult.rejected(RejectReason.MISSING_FIELD, "segment is empty");
            } else {
                f.segment = segment;
            }
        } else if (t == JsonToken.VALUE_NUMBER_INT) {
            // The canonical digits, as the tree's asText gave them ("-0" is 0).
            f.segment = p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? p.getBigIntegerValue().toString() : Long.toString(p.getLongValue());
        } else {
            f.segmentError = wrongType("segment", "a string", p);
        }
    }

    private void readTime(JsonParser p, JsonToken t, Fields f) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            long fast = Rfc3339.epochMillis(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            if (fast != Rfc3339.NOT_HANDLED) {
                f.time = fast;
                f.hasTime = true;
                return;
            }
            String text = p.getText();
            Long parsed = javaTimeMillis(text, localZone);
            if (parsed == null) {
                f.timeError = ParseResult.rejected(RejectReason.WRONG_TYPE, "time '" + abbreviate(text)
                        + "' is not an ISO-8601 date-time (e.g. 2012-03-01T08:05:00Z) or epoch milliseconds");
            } else {
                f.time = parsed;
                f.hasTime = true;
            }
        } else if (t == JsonToken.VALUE_NUMBER_INT && (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                || p.getBigIntegerValue().bitLength() < Long.SIZE)) {
            f.time = p.getLongValue();
            f.hasTime = true;
        } else if (t == JsonToken.VALUE_NUMBER_FLOAT && isWholeLong(p.getDoubleValue())) {
            f.time = (long) p.getDoubleValue();
            f.hasTime = true;
        } else {
            f.timeError = wrongType("time", "an ISO-8601 string or integral epoch milliseconds", p);
        }
    }

    private void readSpeed(JsonParser p, JsonToken t, Fields f) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            f.speed = p.getDoubleValue();
            f.hasSpeed = true;
            if (!Double.isFinite(f.speed)) {
                f.nonFiniteSpeed = mapper().<JsonNode>readTree(p).asText();
            }
        } else if (t == JsonToken.VALUE_STRING && isNonFiniteWord(p.getText())) {
            f.speed = Double.NaN;
            f.hasSpeed = true;
            f.nonFiniteSpeed = p.getText();
        } else {
            f.speedError = wrongType("speed", "a number", p);
        }
    }

    /** The checks in their contract order, so that the same reason wins whatever the order of the fields. */
    private ParseResult check(byte[] key, Fields f, long nowMillis) {
        if (f.segmentError != null) {
            return f.segmentError;
        }
        if (f.segment == null) {
            return missing("segment");
        }
        String segment = f.segment;
        if (key != null && key.length > 0 && !sameText(key, segment)) {
            String keyText = new String(key, StandardCharsets.UTF_8);
            return ParseResult.rejected(RejectReason.KEY_MISMATCH,
                    "key '" + abbreviate(keyText) + "' differs from segment '" + abbreviate(segment) + "'");
        }
        if (knownSegments != null && !knownSegments.contains(segment)) {
            return ParseResult.rejected(RejectReason.UNKNOWN_SEGMENT,
                    "segment '" + abbreviate(segment) + "' is not in the network");
        }

        if (f.timeError != null) {
            return f.timeError;
        }
        if (!f.hasTime) {
            return missing("time");
        }
        var outOfRange = ReadingRules.outOfRange(f.time);
        if (outOfRange.isPresent()) {
            return new ParseResult(null, outOfRange.get());
        }

        if (f.speedError != null) {
            return f.speedError;
        }
        if (!f.hasSpeed) {
            return missing("speed");
        }
        double speed = f.speed;
        if (!Double.isFinite(speed)) {
            return ParseResult.rejected(RejectReason.NOT_A_NUMBER, "speed is " + f.nonFiniteSpeed);
        }
        if (speed < 0) {
            return ParseResult.rejected(RejectReason.NEGATIVE_SPEED, "speed " + speed + " is negative");
        }
        if (speed > maxSpeed) {
            return ParseResult.rejected(RejectReason.IMPOSSIBLE_SPEED,
                    "speed " + speed + " is above the credible maximum " + maxSpeed);
        }

        if (f.sourceError != null) {
            return f.sourceError;
        }
        if (f.flowError != null) {
            return f.flowError;
        }
        if (f.flow < 0) {
            return ParseResult.rejected(RejectReason.OUT_OF_RANGE, "flow " + f.flow + " is negative");
        }
        if (f.occupancyError != null) {
            return f.occupancyError;
        }
        if (f.occupancy < 0 || f.occupancy > 1) {
            return ParseResult.rejected(RejectReason.OUT_OF_RANGE,
                    "occupancy " + f.occupancy + " is outside [0, 1]");
        }

        if (nowMillis != Long.MIN_VALUE) {
            var future = ReadingRules.tooFarInFuture(f.time, nowMillis, maxFutureMillis);
            if (future.isPresent()) {
                return new ParseResult(null, future.get());
            }
        }
        return ParseResult.of(new SpeedReading(segment, f.time, speed, f.flow, f.occupancy, f.source));
    }

    /** Whether the UTF-8 key decodes to {@code text}; ASCII keys (the usual ids) are compared without decoding. */
    private static boolean sameText(byte[] key, String text) {
        if (key.length != text.length()) {
            return !isAscii(key) && new String(key, StandardCharsets.UTF_8).equals(text);
        }
        for (int i = 0; i < key.length; i++) {
            if (key[i] < 0) {
                return new String(key, StandardCharsets.UTF_8).equals(text);
            }
            if (key[i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    Long parseIsoTime(String text) {
        return parseIsoTime(text, localZone);
    }

    /**
     * Epoch milliseconds of an ISO-8601 date-time as the input topic allows it (offset or zone, or local time read
     * in {@code localZone}, space for {@code T} tolerated); null if unreadable.
     */
    public static Long parseIsoTime(String text, ZoneId localZone) {
        long fast = Rfc3339.epochMillis(text.toCharArray(), 0, text.length());
        return fast != Rfc3339.NOT_HANDLED ? Long.valueOf(fast) : javaTimeMillis(text, localZone);
    }

    /** The general path, and the reference for what is accepted: everything {@link Rfc3339} does not answer. */
    static Long javaTimeMillis(String text, ZoneId localZone) {
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

    private static double optionalNumber(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            double v = p.getDoubleValue();
            // NaN / Infinity in an optional field are read as "not measured": producers use them for gaps.
            return Double.isFinite(v) ? v : Double.NaN;
        }
        if (t == JsonToken.VALUE_STRING && isNonFiniteWord(p.getText())) {
            return Double.NaN;
        }
        return WRONG;
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

    /** Rare path: the value (containers too) is read as the tree the message has always shown. */
    private ParseResult wrongType(String field, String expected, JsonParser p) throws IOException {
        JsonNode got = mapper().readTree(p);
        return ParseResult.rejected(RejectReason.WRONG_TYPE, field + " must be " + expected + ", got "
                + got.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + abbreviate(got.toString()));
    }

    private static String typeName(JsonToken token) {
        switch (token) {
            case START_ARRAY:
                return "array";
            case VALUE_STRING:
                return "string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "boolean";
            case VALUE_NULL:
                return "null";
            default:
                return token.name().toLowerCase(java.util.Locale.ROOT);
        }
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
            // The parser features on the factories themselves, since records are read with their parsers directly.
            // No FAIL_ON_TRAILING_TOKENS: the mapper reads single values in mid-record; parse checks the end itself.
            // Numbers through Jackson's FastDoubleParser (correctly rounded, so the same doubles as
            // Double.parseDouble): a speed with float digits (47.834118, as the feed writes the data sets' floats)
            // parsed in 8 % less CPU per record in ParseCostBenchmark.
            strictFactory = JsonFactory.builder()
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                    .build();
            fastFactory = strictFactory.rebuild().disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
            mapper = JsonMapper.builder(strictFactory).build();
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
