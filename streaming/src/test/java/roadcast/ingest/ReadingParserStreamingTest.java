package roadcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the streaming parser and the RFC 3339 fast path add to {@link ReadingParserTest}. */
class ReadingParserStreamingTest {

    private static final ZoneId LA = ZoneId.of("America/Los_Angeles");
    private final ReadingParser parser = new ReadingParser(LA, 120, 10 * 60_000L, Set.of("773869", "42"));

    private ParseResult parse(String json) {
        return parser.parse(null, json.getBytes(StandardCharsets.UTF_8));
    }

    private static Long fast(String text) {
        long millis = Rfc3339.epochMillis(text.toCharArray(), 0, text.length());
        return millis == Rfc3339.NOT_HANDLED ? null : millis;
    }

    @Test
    void fastPathGivesTheJavaTimeMillisForRandomInstantsOffsetsAndFractions() {
        Random random = new Random(7);
        int answered = 0;
        for (int i = 0; i < 50_000; i++) {
            Instant instant = Instant.ofEpochSecond(
                    Math.floorMod(random.nextLong(), 253_402_300_799L + 62_167_219_200L) - 62_167_219_200L, random.nextInt(1_000_000_000));
            ZoneOffset offset = random.nextBoolean() ? ZoneOffset.UTC
                    : ZoneOffset.ofTotalSeconds((random.nextInt(18 * 4 * 2 + 1) - 18 * 4) * 15 * 60);
            int digits = random.nextInt(10);
            String pattern = "uuuu-MM-dd'T'HH:mm:ss" + (digits == 0 ? "" : "." + "S".repeat(digits)) + "XXX";
            String text = instant.atOffset(offset).format(DateTimeFormatter.ofPattern(pattern));
            if (text.startsWith("-") || text.startsWith("+")) {
                continue;
            }
            if (random.nextInt(4) == 0) {
                text = text.substring(0, 10) + ' ' + text.substring(11);
            }
            Long expected = ReadingParser.javaTimeMillis(text, LA);
            Long actual = fast(text);
            assertEquals(expected, actual, text);
            assertEquals(expected, ReadingParser.parseIsoTime(text, LA), text);
            if (actual != null) {
                answered++;
            }
        }
        assertTrue(answered > 40_000, answered + " answered");
    }

    @Test
    void fastPathNeverAcceptsWhatJavaTimeRejectsOrDisagrees() {
        Random random = new Random(13);
        String alphabet = "0123456789-+:.TtZz [],/ ";
        String[] seeds = {"2012-03-01T08:05:00Z", "2012-02-29T23:59:59.999+08:00", "2016-12-31T23:59:60Z",
                "1969-12-31T23:59:59.5-05:30", "2012-03-01T16:05:00-00:00"};
        for (int i = 0; i < 100_000; i++) {
            char[] text = seeds[random.nextInt(seeds.length)].toCharArray();
            for (int k = random.nextInt(3); k >= 0; k--) {
                text[random.nextInt(text.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            String s = new String(text);
            Long actual = fast(s);
            if (actual != null) {
                assertEquals(ReadingParser.javaTimeMillis(s, LA), actual, s);
            }
            assertEquals(ReadingParser.javaTimeMillis(s, LA), ReadingParser.parseIsoTime(s, LA), s);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2012-03-01T08:05:00+08:00[Asia/Shanghai]", "2012-03-01T00:05:00", "2012-03-01 00:05:00",
            "2012-03-01T16:05:00-00:00", "2012-03-01T16:05:00+08:00:30", "2012-03-01T08:05Z", " 2012-03-01T08:05:00Z\\n",
            "2016-12-31T23:59:60Z", "2012-03-01T24:00:00Z", "2012-02-30T00:00:00Z", "2012-03-01T08:05:00.Z"})
    void unusualFormsKeepTheirJavaTimeMeaning(String text) {
        assertEquals(ReadingParser.javaTimeMillis(text, LA), ReadingParser.parseIsoTime(text, LA), text);
        Long fast = fast(text);
        if (fast != null) {
            assertEquals(ReadingParser.javaTimeMillis(text, LA), fast, text);
        }
    }

    @Test
    void unknownFieldsAreSkippedHoweverNested() {
        ParseResult r = parse("{\"meta\":{\"a\":[1,{\"b\":[true,null,\"x\"]}],\"c\":{}},\"segment\":\"42\","
                + "\"list\":[[],[{}]],\"time\":\"2012-03-01T08:05:00Z\",\"n\":NaN,\"speed\":10,\"s\":\"segment\"}");
        assertTrue(r.accepted(), () -> String.valueOf(r.rejection()));
        assertEquals("42", r.reading().segment());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"segment\":\"42\",\"time\":0,\"speed\":1,\"speed\":2}",
            "{\"segment\":\"42\",\"time\":0,\"speed\":1,\"x\":1,\"x\":2}",
            "{\"segment\":\"42\",\"time\":0,\"speed\":1,\"x\":{\"y\":1,\"y\":2}}"})
    void duplicateKeysAreMalformedEvenInSkippedFields(String json) {
        assertEquals(RejectReason.MALFORMED_JSON, parse(json).rejection().reason(), json);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"segment\":\"42\",\"time\":0,\"speed\":1} {}",
            "{\"segment\":\"42\",\"time\":0,\"speed\":1}}",
            "{\"segment\":\"42\",\"time\":0,\"speed\":1} 5",
            "[1] [2]",
            "{\"segment\":\"42\",\"time\":0,\"speed\":1}]"})
    void trailingTokensAreMalformed(String json) {
        ParseResult r = parse(json);
        assertEquals(RejectReason.MALFORMED_JSON, r.rejection().reason(), json);
        assertFalse(r.rejection().detail().isBlank());
    }

    @Test
    void nonObjectRootsNameTheirType() {
        assertEquals("expected a JSON object, got array", parse("[1,2,3]").rejection().detail());
        assertEquals("expected a JSON object, got number", parse(" 42 ").rejection().detail());
        assertEquals("expected a JSON object, got null", parse("null").rejection().detail());
        assertEquals("no JSON value", parse("  ").rejection().detail());
    }

    @Test
    void wrongTypeDetailsShowTheValueAsJson() {
        assertEquals("segment must be a string, got array [\"42\",{\"a\":1}]",
                parse("{\"segment\":[\"42\",{\"a\":1}],\"time\":0,\"speed\":10}").rejection().detail());
        assertEquals("time must be an ISO-8601 string or integral epoch milliseconds, got object {\"t\":0}",
                parse("{\"segment\":\"42\",\"time\":{\"t\":0},\"speed\":10}").rejection().detail());
        assertEquals("speed must be a number, got string \"62.5\"",
                parse("{\"segment\":\"42\",\"time\":0,\"speed\":\"62.5\"}").rejection().detail());
        assertEquals("segment must be a string, got number 4.5",
                parse("{\"segment\":4.5,\"time\":0,\"speed\":10}").rejection().detail());
        assertEquals("speed is Infinity", parse("{\"segment\":\"42\",\"time\":0,\"speed\":1e400}").rejection().detail());
        assertEquals("speed is NaN", parse("{\"segment\":\"42\",\"time\":0,\"speed\":\"NaN\"}").rejection().detail());
        // numeric segment ids are read as their canonical digits, as the tree's asText gave them
        assertEquals("0", parser.parse(null, "{\"segment\":-0,\"time\":0,\"speed\":10}".getBytes(StandardCharsets.UTF_8))
                .rejection().detail().replaceAll("segment '(.*)' is not in the network", "$1"));
    }

    @Test
    void fieldOrderDoesNotMatterEvenWithSeveralFaults() {
        Random random = new Random(3);
        String[][] records = {
                {"\"segment\":\"42\"", "\"time\":\"2012-03-01T08:05:00.250+08:00\"", "\"speed\":62.5",
                        "\"source\":\"fcd\"", "\"flow\":3", "\"occupancy\":0.5", "\"x\":{\"y\":[1]}"},
                // UNKNOWN_SEGMENT wins over the bad time, speed and source
                {"\"segment\":\"999\"", "\"time\":\"yesterday\"", "\"speed\":-1", "\"source\":\"radar\""},
                // the bad time wins over the bad speed and flow
                {"\"segment\":\"42\"", "\"time\":true", "\"speed\":[1]", "\"flow\":-1"},
                // NOT_A_NUMBER wins over the bad source and occupancy
                {"\"segment\":\"42\"", "\"time\":0", "\"speed\":NaN", "\"source\":3", "\"occupancy\":7"},
                // the bad flow wins over the bad occupancy
                {"\"segment\":\"42\"", "\"time\":0", "\"speed\":1", "\"occupancy\":\"x\"", "\"flow\":\"y\""},
                // a missing segment wins over everything
                {"\"time\":\"never\"", "\"speed\":\"fast\"", "\"source\":1"}};
        for (String[] fields : records) {
            List<String> order = new ArrayList<>(List.of(fields));
            ParseResult first = parse("{" + String.join(",", order) + "}");
            for (int i = 0; i < 30; i++) {
                Collections.shuffle(order, random);
                String json = "{" + String.join(",", order) + "}";
                assertEquals(first, parse(json), json);
            }
        }
    }

    /**
     * The fast read (no duplicate detection, fields checked distinct by the parser itself) gives every record the
     * strict parser's verdict and detail: feed records, then the same mutated byte by byte (syntax errors at every
     * place, repeated and unknown fields, containers), 60,000 cases.
     */
    @Test
    void theFastReadAgreesWithTheStrictParserOnMutatedRecords() {
        Random random = new Random(5);
        String[] seeds = {
                "{\"segment\":\"42\",\"time\":\"2012-03-01T08:05:00Z\",\"speed\":62.5,\"source\":\"loop\"}",
                "{\"segment\":\"773869\",\"time\":1330589100000,\"speed\":7,\"source\":\"fcd\",\"flow\":3,"
                        + "\"occupancy\":0.25}",
                "{\"time\":\"2012-03-01T08:05:00Z\",\"speed\":1e400,\"segment\":42,\"source\":null,\"x\":[{}]}",
                "{\"segment\":\"42\",\"speed\":NaN,\"time\":\"2012-03-01 00:05:00\",\"flow\":\"nan\"}"};
        String pieces = "{}[]\",:0123456789.eE-+ \tnulltruefalseNaNsegmenttimespeedsourceflowoccupancyx";
        int fast = 0;
        for (int i = 0; i < 60_000; i++) {
            StringBuilder json = new StringBuilder(seeds[random.nextInt(seeds.length)]);
            for (int k = random.nextInt(4); k > 0; k--) {
                int at = random.nextInt(json.length() + 1);
                switch (random.nextInt(4)) {
                    case 0 -> json.insert(at, pieces.charAt(random.nextInt(pieces.length())));
                    case 1 -> json.deleteCharAt(Math.min(at, json.length() - 1));
                    case 2 -> json.setCharAt(Math.min(at, json.length() - 1), pieces.charAt(random.nextInt(pieces.length())));
                    default -> {
                        // a field of the seed again (a duplicate) or an unknown one, placed after a comma
                        int comma = json.indexOf(",", at);
                        String[] fields = {"\"speed\":3,", "\"segment\":\"42\",", "\"x\":1,", "\"y\":{\"a\":1,\"a\":2},",
                                "\"source\":\"Loop \",", "\"time\":[0],"};
                        json.insert(comma < 0 ? Math.min(1, json.length()) : comma + 1, fields[random.nextInt(fields.length)]);
                    }
                }
            }
            byte[] value = json.toString().getBytes(StandardCharsets.UTF_8);
            byte[] key = random.nextBoolean() ? null : "42".getBytes(StandardCharsets.UTF_8);
            ParseResult strict = parser.parseStrict(key, value, Long.MIN_VALUE);
            assertEquals(strict, parser.parse(key, value, Long.MIN_VALUE), json::toString);
            if (strict.accepted()) {
                fast++;
            }
        }
        assertTrue(fast > 5_000, fast + " accepted");
    }

    /** Numbers are read to the double Java reads from the same digits, however many and in whatever form. */
    @Test
    void speedsAreTheDoublesJavaReads() {
        ReadingParser any = ReadingParser.lenient(LA, Double.MAX_VALUE);
        Random random = new Random(17);
        for (int i = 0; i < 100_000; i++) {
            double v = switch (i % 5) {
                case 0 -> (float) (random.nextDouble() * 130); // float digits, as the feed writes the data sets
                case 1 -> random.nextDouble() * 130;
                case 2 -> Double.longBitsToDouble(random.nextLong() & Long.MAX_VALUE); // any magnitude, subnormals
                case 3 -> Math.round(random.nextDouble() * 1300) / 10.0;
                default -> random.nextInt(200);
            };
            if (!Double.isFinite(v)) {
                continue;
            }
            String digits = switch (random.nextInt(4)) {
                case 0 -> Double.toString(v);
                case 1 -> new java.math.BigDecimal(v).toPlainString(); // the exact binary value, up to 1,000 digits
                case 2 -> String.format(java.util.Locale.ROOT, "%.17e", v);
                default -> Float.toString((float) v);
            };
            if (digits.length() > 1000) {
                continue; // longer than Jackson's number limit (StreamReadConstraints): MALFORMED_JSON either way
            }
            ParseResult r = any.parse(null, ("{\"segment\":\"1\",\"time\":\"2012-03-01T08:05:00Z\",\"speed\":"
                    + digits + "}").getBytes(StandardCharsets.UTF_8));
            double expected = Double.parseDouble(digits);
            if (Double.isFinite(expected)) {
                assertEquals(expected, r.accepted() ? r.reading().speed() : r.rejection(), digits);
            }
        }
    }
}
