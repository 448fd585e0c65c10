package roadcast.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Key layout of the history column families: {@code segment UTF-8, 0x00, time as 8 bytes big-endian with the sign bit
 * flipped [, suffix]}. Byte order then equals (segment, time) order, so one segment's history between two times is
 * one contiguous range: range scans for queries and DeleteRange for expiry.
 */
final class StoreKeys {

    private StoreKeys() {
    }

    static byte[] segmentTime(String segment, long timeMillis, int suffixBytes) {
        byte[] id = segment.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(id.length + 1 + Long.BYTES + suffixBytes);
        b.put(id).put((byte) 0).putLong(timeMillis ^ Long.MIN_VALUE);
        return b.array();
    }

    static long timeOf(byte[] key, int segmentBytes) {
        return ByteBuffer.wrap(key, segmentBytes + 1, Long.BYTES).getLong() ^ Long.MIN_VALUE;
    }

    static String segmentOf(byte[] key) {
        int end = 0;
        while (end < key.length && key[end] != 0) {
            end++;
        }
        return new String(key, 0, end, StandardCharsets.UTF_8);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static byte[] longBytes(long v) {
        return ByteBuffer.allocate(Long.BYTES).putLong(v).array();
    }

    static long longOf(byte[] b) {
        return ByteBuffer.wrap(b).getLong();
    }
}
