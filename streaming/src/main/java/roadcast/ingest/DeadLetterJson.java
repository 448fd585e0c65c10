package roadcast.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON of a {@link DeadLetter} on {@code roadcast.speed.rejected}:
 * {@code {"reason","detail","payload","payloadEncoding"("utf-8"|"base64"),"key","keyEncoding","topic","partition",
 * "offset","rejectedAt"(ISO-8601 UTC),"payloadTruncated","payloadLength","payloadSha256","keyTruncated","keyLength",
 * "keySha256"}}; absent key, payload, topic, partition or offset are null (lengths -1). A truncated payload or key
 * holds a prefix of the original (see {@link DeadLetter}); the hash and length are those of the whole original.
 */
public final class DeadLetterJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String UTF8 = "utf-8";
    private static final String BASE64 = "base64";

    private DeadLetterJson() {
    }

    public static byte[] encode(DeadLetter d) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("reason", d.reason().name());
        o.put("detail", d.detail());
        o.put("payload", d.payload());
        o.put("payloadEncoding", d.payloadBase64() ? BASE64 : UTF8);
        o.put("key", d.key());
        o.put("keyEncoding", d.keyBase64() ? BASE64 : UTF8);
        o.put("topic", d.topic());
        if (d.partition() >= 0) {
            o.put("partition", d.partition());
        } else {
            o.putNull("partition");
        }
        if (d.offset() >= 0) {
            o.put("offset", d.offset());
        } else {
            o.putNull("offset");
        }
        o.put("rejectedAt", Instant.ofEpochMilli(d.rejectedAtMillis()).toString());
        o.put("payloadTruncated", d.payloadTruncated());
        o.put("payloadLength", d.payloadLength());
        o.put("payloadSha256", d.payloadSha256());
        o.put("keyTruncated", d.keyTruncated());
        o.put("keyLength", d.keyLength());
        o.put("keySha256", d.keySha256());
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a dead letter back; IllegalArgumentException naming the problem when the JSON is not one. */
    public static DeadLetter decode(byte[] json) {
        JsonNode o;
        try {
            o = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("dead letter is not JSON: " + e.getMessage(), e);
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("dead letter is not a JSON object: "
                    + ReadingParser.abbreviate(new String(json, StandardCharsets.UTF_8)));
        }
        RejectReason reason;
        try {
            reason = RejectReason.valueOf(text(o, "reason"));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("dead letter has no known reason: " + o.get("reason"));
        }
        long rejectedAt;
        try {
            rejectedAt = Instant.parse(text(o, "rejectedAt")).toEpochMilli();
        } catch (DateTimeException | NullPointerException e) {
            throw new IllegalArgumentException("dead letter rejectedAt is not ISO-8601: " + o.get("rejectedAt"));
        }
        DeadLetter whole = new DeadLetter(reason, text(o, "detail"), text(o, "payload"),
                BASE64.equals(text(o, "payloadEncoding")), text(o, "key"), BASE64.equals(text(o, "keyEncoding")),
                text(o, "topic"), o.hasNonNull("partition") ? o.get("partition").intValue() : -1,
                o.hasNonNull("offset") ? o.get("offset").longValue() : -1L, rejectedAt);
        if (!o.has("payloadSha256")) {
            return whole; // written before lengths and hashes were added: kept whole
        }
        return new DeadLetter(whole.reason(), whole.detail(), whole.payload(), whole.payloadBase64(), whole.key(),
                whole.keyBase64(), whole.topic(), whole.partition(), whole.offset(), whole.rejectedAtMillis(),
                o.path("payloadTruncated").asBoolean(false), o.path("payloadLength").asLong(whole.payloadLength()),
                text(o, "payloadSha256"), o.path("keyTruncated").asBoolean(false),
                o.path("keyLength").asLong(whole.keyLength()), text(o, "keySha256"));
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
