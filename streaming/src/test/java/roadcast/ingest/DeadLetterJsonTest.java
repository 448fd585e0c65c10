package roadcast.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class DeadLetterJsonTest {

    private final ReadingParser parser = ReadingParser.lenient(ZoneId.of("UTC"), 130);

    @Test
    void textPayloadRoundTripsWithAllFields() throws Exception {
        byte[] value = "{\"segment\":\"42\",\"time\":0,\"speed\":-3}".getBytes(StandardCharsets.UTF_8);
        byte[] key = "42".getBytes(StandardCharsets.UTF_8);
        Rejection why = parser.parse(key, value).rejection();
        long at = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();
        DeadLetter d = DeadLetter.of(why, key, value, "roadcast.speed", 2, 1234L, at);
        byte[] json = DeadLetterJson.encode(d);

        JsonNode o = new ObjectMapper().readTree(json);
        assertEquals("NEGATIVE_SPEED", o.get("reason").asText());
        assertEquals(new String(value, StandardCharsets.UTF_8), o.get("payload").asText(), "payload kept as text");
        assertEquals("utf-8", o.get("payloadEncoding").asText());
        assertEquals("42", o.get("key").asText());
        assertEquals("roadcast.speed", o.get("topic").asText());
        assertEquals(2, o.get("partition").asInt());
        assertEquals(1234L, o.get("offset").asLong());
        assertEquals("2026-11-23T10:00:00Z", o.get("rejectedAt").asText());
        assertFalse(o.get("detail").asText().isBlank());

        DeadLetter back = DeadLetterJson.decode(json);
        assertEquals(d, back);
        assertArrayEquals(value, back.payloadBytes());
        assertArrayEquals(key, back.keyBytes());
    }

    @Test
    void binaryPayloadAndKeyAreBase64AndLossless() throws Exception {
        byte[] value = {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF, 0x7B};
        byte[] key = {(byte) 0x80, 0x01};
        Rejection why = parser.parse(key, value).rejection();
        assertEquals(RejectReason.MALFORMED_JSON, why.reason());
        DeadLetter d = DeadLetter.of(why, key, value, "roadcast.speed", 0, 7, 0);
        assertTrue(d.payloadBase64());
        assertTrue(d.keyBase64());
        byte[] json = DeadLetterJson.encode(d);
        assertEquals("base64", new ObjectMapper().readTree(json).get("payloadEncoding").asText());
        DeadLetter back = DeadLetterJson.decode(json);
        assertArrayEquals(value, back.payloadBytes());
        assertArrayEquals(key, back.keyBytes());
    }

    @Test
    void absentKeyPayloadAndCoordinatesAreNull() throws Exception {
        DeadLetter d = DeadLetter.of(parser.parse(null, null).rejection(), null, null, null, -1, -1, 5);
        JsonNode o = new ObjectMapper().readTree(DeadLetterJson.encode(d));
        assertTrue(o.get("payload").isNull());
        assertTrue(o.get("key").isNull());
        assertTrue(o.get("partition").isNull());
        assertTrue(o.get("offset").isNull());
        DeadLetter back = DeadLetterJson.decode(DeadLetterJson.encode(d));
        assertNull(back.payloadBytes());
        assertNull(back.keyBytes());
        assertEquals(-1, back.partition());
        assertEquals(d, back);
    }

    @Test
    void decodingGarbageNamesTheProblem() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> DeadLetterJson.decode("{\"reason\":\"BOGUS\",\"rejectedAt\":\"2026-01-01T00:00:00Z\"}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("reason"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeadLetterJson.decode("nope".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> DeadLetterJson.decode(
                "{\"reason\":\"DUPLICATE\",\"rejectedAt\":\"yesterday\"}".getBytes(StandardCharsets.UTF_8)));
    }
}
