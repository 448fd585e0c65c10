package roadcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import roadcast.reading.Source;
import roadcast.reading.SpeedReading;

class ReadingParserTest {

    private static final ZoneId LA = ZoneId.of("America/Los_Angeles");
    private static final long T0 = Instant.parse("2012-03-01T08:05:00Z").toEpochMilli();
    private final ReadingParser parser = new ReadingParser(LA, 120, 10 * 60_000L, Set.of("773869", "767541", "42"));

    private ParseResult parse(String key, String json) {
        return parser.parse(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    private void assertRejected(RejectReason reason, String key, String json) {
        ParseResult r = parse(key, json);
        assertFalse(r.accepted(), () -> "expected " + reason + " for " + json + " but accepted " + r.reading());
        assertEquals(reason, r.rejection().reason(), () -> json + " -> " + r.rejection());
        assertFalse(r.rejection().detail().isBlank(), "detail explains the rejection");
    }

    @Test
    void fullReadingIsAccepted() {
        ParseResult r = parse("773869",
                "{\"segment\":\"773869\",\"time\":\"2012-03-01T08:05:00Z\",\"speed\":62.5,\"source\":\"loop\","
                        + "\"flow\":12,\"occupancy\":0.08,\"extra\":{\"ignored\":true}}");
        assertTrue(r.accepted(), () -> String.valueOf(r.rejection()));
        SpeedReading x = r.reading();
        assertEquals(new SpeedReading("773869", T0, 62.5, 12, 0.08, Source.LOOP), x);
    }

    @Test
    void optionalFieldsAbsentGiveNaNAndSourceOther() {
        SpeedReading x = parse(null, "{\"segment\":\"42\",\"time\":1330589100000,\"speed\":0}").reading();
        assertNotNull(x);
        assertEquals(1330589100000L, x.timeMillis());
        assertEquals(0.0, x.speed());
        assertTrue(Double.isNaN(x.flow()));
        assertTrue(Double.isNaN(x.occupancy()));
        assertEquals(Source.OTHER, x.source());
        // null and NaN in optional fields mean "not measured"
        SpeedReading y = parse("42", "{\"segment\":\"42\",\"time\":1330589100000,\"speed\":1,\"flow\":null,"
                + "\"occupancy\":NaN,\"source\":null}").reading();
        assertNotNull(y);
        assertTrue(Double.isNaN(y.flow()) && Double.isNaN(y.occupancy()));
        assertEquals(Source.OTHER, y.source());
    }

    @ParameterizedTest
    @CsvSource({"loop,LOOP", "LOOP,LOOP", "floating_car,FLOATING_CAR", "floating-car,FLOATING_CAR", "FCD,FLOATING_CAR",
            "cellular,CELLULAR", "other,OTHER"})
    void sourceSpellings(String wire, Source expected) {
        ParseResult r = parse("42", "{\"segment\":\"42\",\"time\":0,\"speed\":10,\"source\":\"" + wire + "\"}");
        assertEquals(expected, r.reading().source());
    }

    @Test
    void timeFormats() {
        String base = "{\"segment\":\"42\",\"speed\":10,\"time\":";
        assertEquals(T0, parse("42", base + "\"2012-03-01T08:05:00Z\"}").reading().timeMillis());
        assertEquals(T0, parse("42", base + "\"2012-03-01T16:05:00+08:00\"}").reading().timeMillis());
        assertEquals(T0, parse("42", base + "\"2012-03-01T16:05:00+08:00[Asia/Shanghai]\"}").reading().timeMillis());
        assertEquals(T0 + 123, parse("42", base + "\"2012-03-01T08:05:00.123Z\"}").reading().timeMillis());
        assertEquals(T0, parse("42", base + T0 + "}").reading().timeMillis());
        assertEquals(T0, parse("42", base + "1.3305891E12}").reading().timeMillis(), "integral float epoch ms");
        long local = LocalDateTime.parse("2012-03-01T00:05:00").atZone(LA).toInstant().toEpochMilli();
        assertEquals(T0, local, "Los Angeles is UTC-8 in March 2012 before DST");
        assertEquals(local, parse("42", base + "\"2012-03-01T00:05:00\"}").reading().timeMillis(),
                "local time without zone is read in the configured zone");
        assertEquals(local, parse("42", base + "\"2012-03-01 00:05:00\"}").reading().timeMillis(),
                "space separator tolerated");
        ReadingParser utc = ReadingParser.lenient(ZoneId.of("UTC"), 120);
        assertEquals(Instant.parse("2012-03-01T00:05:00Z").toEpochMilli(),
                utc.parse(null, (base + "\"2012-03-01T00:05:00\"}").getBytes(StandardCharsets.UTF_8)).reading().timeMillis());
    }

    @Test
    void numericSegmentIdIsReadAsText() {
        assertEquals("42", parse("42", "{\"segment\":42,\"time\":0,\"speed\":10}").reading().segment());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{\"segment\":\"42\"", "[1,2,3]", "\"just a string\"", "42",
            "{\"segment\":\"42\",\"segment\":\"43\",\"time\":0,\"speed\":1}",
            "{\"segment\":\"42\",\"time\":0,\"speed\":1} trailing", "{'segment':'42'}"})
    void malformedJson(String json) {
        assertRejected(RejectReason.MALFORMED_JSON, null, json);
    }

    @Test
    void nullValueIsMalformed() {
        assertRejected(RejectReason.MALFORMED_JSON, "42", null);
        ParseResult r = parser.parse(null, new byte[] {(byte) 0xff, (byte) 0xfe, 0x00});
        assertEquals(RejectReason.MALFORMED_JSON, r.rejection().reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"time\":0,\"speed\":10}",
            "{\"segment\":null,\"time\":0,\"speed\":10}",
            "{\"segment\":\"  \",\"time\":0,\"speed\":10}",
            "{\"segment\":\"42\",\"speed\":10}",
            "{\"segment\":\"42\",\"time\":null,\"speed\":10}",
            "{\"segment\":\"42\",\"time\":0}",
            "{\"segment\":\"42\",\"time\":0,\"speed\":null}",
            "{}"})
    void missingField(String json) {
        assertRejected(RejectReason.MISSING_FIELD, null, json);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"segment\":true,\"time\":0,\"speed\":10}",
            "{\"segment\":4.5,\"time\":0,\"speed\":10}",
            "{\"segment\":[\"42\"],\"time\":0,\"speed\":10}",
            "{\"segment\":\"42\",\"time\":\"yesterday\",\"speed\":10}",
            "{\"segment\":\"42\",\"time\":\"2012-03-01\",\"speed\":10}",
            "{\"segment\":\"42\",\"time\":\"2012-13-01T00:00:00Z\",\"speed\":10}",
            "{\"segment\":\"42\",\"time\":1.5,\"speed\":10}",
            "{\"segment\":\"42\",\"time\":true,\"speed\":10}",
            "{\"segment\":\"42\",\"time\":{},\"speed\":10}",
            "{\"segment\":\"42\",\"time\":0,\"speed\":\"62.5\"}",
            "{\"segment\":\"42\",\"time\":0,\"speed\":true}",
            "{\"segment\":\"42\",\"time\":0,\"speed\":[62.5]}",
            "{\"segment\":\"42\",\"time\":0,\"speed\":10,\"source\":\"radar\"}",
            "{\"segment\":\"42\",\"time\":0,\"speed\":10,\"source\":3}",
            "{\"segment\":\"42\",\"time\":0,\"speed\":10,\"flow\":\"many\"}",
            "{\"segment\":\"42\",\"time\":0,\"speed\":10,\"occupancy\":false}"})
    void wrongType(String json) {
        assertRejected(RejectReason.WRONG_TYPE, null, json);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "\"NaN\"", "\"Infinity\"", "1e400"})
    void notANumber(String speed) {
        assertRejected(RejectReason.NOT_A_NUMBER, null, "{\"segment\":\"42\",\"time\":0,\"speed\":" + speed + "}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-0.1", "-62.5", "-1e300"})
    void negativeSpeed(String speed) {
        assertRejected(RejectReason.NEGATIVE_SPEED, null, "{\"segment\":\"42\",\"time\":0,\"speed\":" + speed + "}");
    }

    @Test
    void impossibleSpeedAboveTheConfiguredMaximum() {
        assertTrue(parse(null, "{\"segment\":\"42\",\"time\":0,\"speed\":120}").accepted(), "the maximum itself is credible");
        assertRejected(RejectReason.IMPOSSIBLE_SPEED, null, "{\"segment\":\"42\",\"time\":0,\"speed\":120.01}");
        assertRejected(RejectReason.IMPOSSIBLE_SPEED, null, "{\"segment\":\"42\",\"time\":0,\"speed\":1e300}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"flow\":-1", "\"occupancy\":-0.01", "\"occupancy\":1.5", "\"occupancy\":80"})
    void outOfRangeFlowOrOccupancy(String field) {
        assertRejected(RejectReason.OUT_OF_RANGE, null, "{\"segment\":\"42\",\"time\":0,\"speed\":10," + field + "}");
    }

    @Test
    void unknownSegment() {
        assertRejected(RejectReason.UNKNOWN_SEGMENT, null, "{\"segment\":\"999\",\"time\":0,\"speed\":10}");
        assertRejected(RejectReason.UNKNOWN_SEGMENT, "999", "{\"segment\":999,\"time\":0,\"speed\":10}");
        ReadingParser any = ReadingParser.lenient(LA, 120);
        assertTrue(any.parse(null, "{\"segment\":\"999\",\"time\":0,\"speed\":10}".getBytes(StandardCharsets.UTF_8))
                .accepted(), "without a network every id is accepted");
    }

    @Test
    void keyMismatch() {
        assertRejected(RejectReason.KEY_MISMATCH, "767541", "{\"segment\":\"773869\",\"time\":0,\"speed\":10}");
        assertRejected(RejectReason.KEY_MISMATCH, "42 ", "{\"segment\":\"42\",\"time\":0,\"speed\":10}");
        assertTrue(parse("", "{\"segment\":\"42\",\"time\":0,\"speed\":10}").accepted(), "empty key = no key");
    }

    @Test
    void tooFarInFutureAgainstTheGivenClock() {
        byte[] json = ("{\"segment\":\"42\",\"time\":\"2012-03-01T08:05:00Z\",\"speed\":10}").getBytes(StandardCharsets.UTF_8);
        assertTrue(parser.parse(null, json, T0 - 10 * 60_000L).accepted(), "exactly at the limit");
        ParseResult r = parser.parse(null, json, T0 - 10 * 60_000L - 1);
        assertEquals(RejectReason.TOO_FAR_IN_FUTURE, r.rejection().reason());
        assertTrue(parser.parse(null, json).accepted(), "no clock, no future check");
        assertTrue(parser.parse(null, json, Long.MIN_VALUE).accepted());
        byte[] endOfTime = "{\"segment\":\"42\",\"time\":9223372036854775807,\"speed\":10}".getBytes(StandardCharsets.UTF_8);
        assertEquals(RejectReason.TIME_OUT_OF_RANGE, parser.parse(null, endOfTime, T0).rejection().reason());
        assertEquals(RejectReason.TIME_OUT_OF_RANGE, parser.parse(null, endOfTime, Long.MAX_VALUE - 5).rejection()
                .reason(), "out of the range of any reading whatever the clock (step arithmetic must not overflow)");
    }

    @Test
    void everyReasonHasATest() {
        // TOO_LATE and DUPLICATE are covered in ReadingRulesTest, STUCK and SPIKE (credibility rules of the cleaner)
        // in ZoneIntakeTest and ForecastJobTest; the rest above.
        // TIME_OUT_OF_RANGE in tooFarInFutureAgainstTheGivenClock and HostileTimesTest, TOO_MANY_READINGS in
        // ZoneIntakeTest.
        assertEquals(16, RejectReason.values().length);
    }

    @Test
    void parserSurvivesJavaSerialisationAsFlinkShipsIt() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(parser);
        }
        ReadingParser copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (ReadingParser) in.readObject();
        }
        assertEquals(RejectReason.UNKNOWN_SEGMENT, copy.parse(null,
                "{\"segment\":\"999\",\"time\":0,\"speed\":10}".getBytes(StandardCharsets.UTF_8)).rejection().reason());
        assertTrue(copy.parse(null, "{\"segment\":\"42\",\"time\":0,\"speed\":10}".getBytes(StandardCharsets.UTF_8)).accepted());
    }

    @Test
    void encodedReadingsParseBackToTheSameReading() {
        SpeedReading[] readings = {
                new SpeedReading("773869", T0, 62.5, 12, 0.08, Source.LOOP),
                new SpeedReading("767541", T0 + 300_000, (float) 61.333332, Double.NaN, Double.NaN, Source.FLOATING_CAR),
                new SpeedReading("42", T0 + 123, 0.1, Double.NaN, 0.5, Source.CELLULAR),
                new SpeedReading("42", T0, 33.3333333333, 7, Double.NaN, Source.OTHER)};
        for (SpeedReading r : readings) {
            byte[] json = ReadingJson.encode(r);
            ParseResult back = parser.parse(r.segment().getBytes(StandardCharsets.UTF_8), json);
            assertTrue(back.accepted(), () -> new String(json, StandardCharsets.UTF_8) + " -> " + back.rejection());
            SpeedReading x = back.reading();
            String text = new String(json, StandardCharsets.UTF_8);
            assertEquals(r.segment(), x.segment(), text);
            assertEquals(r.timeMillis(), x.timeMillis(), text);
            assertEquals(r.source(), x.source(), text);
            // float data goes on the wire with float digits: equal at float precision, exact otherwise
            assertEquals((float) r.speed(), (float) x.speed(), text);
            assertEquals(r.speed() == (float) r.speed() ? (float) r.speed() : r.speed(),
                    r.speed() == (float) r.speed() ? (float) x.speed() : x.speed(), text);
            assertEquals(Double.isNaN(r.flow()), Double.isNaN(x.flow()), text);
            assertEquals((float) r.flow(), (float) x.flow(), text);
            assertEquals((float) r.occupancy(), (float) x.occupancy(), text);
        }
        String text = new String(ReadingJson.encode(readings[1]), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"time\":\"2012-03-01T08:10:00Z\""), text);
        assertTrue(text.contains("\"speed\":61.333332"), "float data keeps float digits: " + text);
        assertFalse(text.contains("flow"), "unmeasured flow omitted: " + text);
    }

    @Test
    void mutatedRecordsNeverThrowAndAreAlwaysClassified() {
        byte[] valid = "{\"segment\":\"42\",\"time\":\"2012-03-01T08:05:00Z\",\"speed\":62.5,\"source\":\"loop\",\"flow\":3}"
                .getBytes(StandardCharsets.UTF_8);
        java.util.Random random = new java.util.Random(11);
        java.util.EnumSet<RejectReason> seen = java.util.EnumSet.noneOf(RejectReason.class);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = valid.clone();
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                b[random.nextInt(b.length)] = (byte) (random.nextBoolean() ? random.nextInt(256) : "0123456789-.eE\"{}:,nN ".charAt(random.nextInt(22)));
            }
            ParseResult r = parser.parse("42".getBytes(StandardCharsets.UTF_8), b, T0);
            assertTrue(r.accepted() ^ r.rejection() != null);
            if (r.accepted()) {
                accepted++;
                assertTrue(r.reading().speed() >= 0 && r.reading().speed() <= 120);
            } else {
                seen.add(r.rejection().reason());
            }
        }
        assertTrue(accepted > 0 && seen.contains(RejectReason.MALFORMED_JSON), seen + ", " + accepted + " accepted");
    }
}
