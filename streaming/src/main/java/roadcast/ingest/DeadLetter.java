package roadcast.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A rejected input record as written to {@code roadcast.speed.rejected}: why, and enough to find and replay the
 * original (its bytes, key and Kafka coordinates). Binary payloads and keys that are not valid UTF-8 are kept as
 * base64 so that nothing is lost.
 *
 * @param reason          the rule that refused the record
 * @param detail          specifics for a human
 * @param payload         the original value as text (UTF-8), or base64 when {@code payloadBase64}; null if there was none
 * @param payloadBase64   whether {@code payload} is base64
 * @param key             the original key as text, or base64 when {@code keyBase64}; null if there was none
 * @param keyBase64       whether {@code key} is base64
 * @param topic           source topic, null when unknown
 * @param partition       source partition, -1 when unknown
 * @param offset          source offset, -1 when unknown
 * @param rejectedAtMillis when the job rejected it, epoch ms
 */
public record DeadLetter(RejectReason reason, String detail, String payload, boolean payloadBase64, String key,
                         boolean keyBase64, String topic, int partition, long offset, long rejectedAtMillis) {

    public DeadLetter {
        if (reason == null) {
            throw new IllegalArgumentException("reason is required");
        }
        detail = detail == null ? "" : detail;
    }

    /** The dead letter of a record with these bytes and coordinates. */
    public static DeadLetter of(Rejection rejection, byte[] key, byte[] value, String topic, int partition,
                                long offset, long rejectedAtMillis) {
        String k = text(key);
        String v = text(value);
        return new DeadLetter(rejection.reason(), rejection.detail(),
                value == null ? null : v != null ? v : Base64.getEncoder().encodeToString(value), value != null && v == null,
                key == null ? null : k != null ? k : Base64.getEncoder().encodeToString(key), key != null && k == null,
                topic, partition, offset, rejectedAtMillis);
    }

    /** The original value bytes, or null when the record had none. */
    public byte[] payloadBytes() {
        return bytes(payload, payloadBase64);
    }

    /** The original key bytes, or null when the record had none. */
    public byte[] keyBytes() {
        return bytes(key, keyBase64);
    }

    private static byte[] bytes(String s, boolean base64) {
        if (s == null) {
            return null;
        }
        return base64 ? Base64.getDecoder().decode(s) : s.getBytes(StandardCharsets.UTF_8);
    }

    /** The bytes as UTF-8 text, or null when they are absent or not valid UTF-8. */
    private static String text(byte[] b) {
        if (b == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
