package roadcast.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A rejected input record as written to {@code roadcast.speed.rejected}: why, and enough to find and replay the
 * original (its bytes, key and Kafka coordinates). Binary payloads and keys that are not valid UTF-8 are kept as
 * base64 so that nothing is lost.
 *
 * <p><b>Size.</b> A dead letter must always fit the dead-letter topic: if the sink could not write it, the job would
 * fail, restore and meet the same record again, for ever. So at most {@link #MAX_PAYLOAD_BYTES} of the value and
 * {@link #MAX_KEY_BYTES} of the key are kept (a prefix, cut at a character boundary when it is text), marked
 * truncated, with the original length and the SHA-256 of the whole original: the record stays findable (topic,
 * partition, offset) and provable. Even with every kept byte a control character (six bytes each as a JSON escape)
 * and base64 on top, the encoded letter stays under about 300 KB, far below Kafka's default 1 MB record limit.
 *
 * @param reason           the rule that refused the record
 * @param detail           specifics for a human (at most {@link #MAX_DETAIL_CHARS} characters)
 * @param payload          the original value (or its kept prefix) as text (UTF-8), or base64 when {@code payloadBase64};
 *                         null if there was none
 * @param payloadBase64    whether {@code payload} is base64
 * @param key              the original key (or its kept prefix) as text, or base64 when {@code keyBase64}; null if none
 * @param keyBase64        whether {@code key} is base64
 * @param topic            source topic, null when unknown
 * @param partition        source partition, -1 when unknown
 * @param offset           source offset, -1 when unknown
 * @param rejectedAtMillis when the job rejected it, epoch ms
 * @param payloadTruncated whether {@code payload} holds only a prefix of the original value
 * @param payloadLength    length of the original value in bytes, -1 when there was none
 * @param payloadSha256    SHA-256 (hex) of the whole original value, null when there was none
 * @param keyTruncated     whether {@code key} holds only a prefix of the original key
 * @param keyLength        length of the original key in bytes, -1 when there was none
 * @param keySha256        SHA-256 (hex) of the whole original key, null when there was none
 */
public record DeadLetter(RejectReason reason, String detail, String payload, boolean payloadBase64, String key,
                         boolean keyBase64, String topic, int partition, long offset, long rejectedAtMillis,
                         boolean payloadTruncated, long payloadLength, String payloadSha256,
                         boolean keyTruncated, long keyLength, String keySha256) {

    /** Value bytes kept in a dead letter. */
    public static final int MAX_PAYLOAD_BYTES = 32 * 1024;
    /** Key bytes kept in a dead letter. */
    public static final int MAX_KEY_BYTES = 1024;
    /** Characters of detail text kept. */
    public static final int MAX_DETAIL_CHARS = 4096;

    public DeadLetter {
        if (reason == null) {
            throw new IllegalArgumentException("reason is required");
        }
        detail = detail == null ? "" : detail.length() > MAX_DETAIL_CHARS
                ? detail.substring(0, MAX_DETAIL_CHARS) + "...[detail truncated]" : detail;
    }

    /** A dead letter of a small record kept whole (no truncation; lengths and hashes of what is given). */
    public DeadLetter(RejectReason reason, String detail, String payload, boolean payloadBase64, String key,
                      boolean keyBase64, String topic, int partition, long offset, long rejectedAtMillis) {
        this(reason, detail, payload, payloadBase64, key, keyBase64, topic, partition, offset, rejectedAtMillis,
                false, lengthOf(payload, payloadBase64), sha256(bytes(payload, payloadBase64)),
                false, lengthOf(key, keyBase64), sha256(bytes(key, keyBase64)));
    }

    /** The dead letter of a record with these bytes and coordinates, truncated to fit (see the class comment). */
    public static DeadLetter of(Rejection rejection, byte[] key, byte[] value, String topic, int partition,
                                long offset, long rejectedAtMillis) {
        Kept v = Kept.of(value, MAX_PAYLOAD_BYTES);
        Kept k = Kept.of(key, MAX_KEY_BYTES);
        String detail = rejection.detail();
        if (v.truncated) {
            detail = detail + " [payload truncated: " + value.length + " bytes, sha256 " + v.sha256 + "]";
        }
        return new DeadLetter(rejection.reason(), detail, v.text, v.base64, k.text, k.base64, topic, partition,
                offset, rejectedAtMillis, v.truncated, value == null ? -1 : value.length, v.sha256,
                k.truncated, key == null ? -1 : key.length, k.sha256);
    }

    /** The kept value bytes (the whole original unless {@link #payloadTruncated}), or null when the record had none. */
    public byte[] payloadBytes() {
        return bytes(payload, payloadBase64);
    }

    /** The kept key bytes (the whole original unless {@link #keyTruncated}), or null when the record had none. */
    public byte[] keyBytes() {
        return bytes(key, keyBase64);
    }

    private static byte[] bytes(String s, boolean base64) {
        if (s == null) {
            return null;
        }
        return base64 ? Base64.getDecoder().decode(s) : s.getBytes(StandardCharsets.UTF_8);
    }

    private static long lengthOf(String s, boolean base64) {
        byte[] b = bytes(s, base64);
        return b == null ? -1 : b.length;
    }

    static String sha256(byte[] b) {
        if (b == null) {
            return null;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** What is kept of one byte array: text or base64 of at most {@code max} bytes of it. */
    private record Kept(String text, boolean base64, boolean truncated, String sha256) {
        static Kept of(byte[] b, int max) {
            if (b == null) {
                return new Kept(null, false, false, null);
            }
            boolean truncated = b.length > max;
            int cut = b.length;
            if (truncated) {
                cut = max;
                // Never split a UTF-8 sequence: back off over continuation bytes (at most 3) to a character start.
                int floor = Math.max(0, cut - 3);
                while (cut > floor && (b[cut] & 0xC0) == 0x80) {
                    cut--;
                }
            }
            byte[] prefix = cut == b.length ? b : Arrays.copyOf(b, cut);
            String text = DeadLetter.text(prefix);
            String sha = DeadLetter.sha256(b);
            return text != null ? new Kept(text, false, truncated, sha)
                    : new Kept(Base64.getEncoder().encodeToString(truncated ? Arrays.copyOf(b, max) : b), true,
                    truncated, sha);
        }
    }

    /** The bytes as UTF-8 text, or null when they are not valid UTF-8. */
    private static String text(byte[] b) {
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
