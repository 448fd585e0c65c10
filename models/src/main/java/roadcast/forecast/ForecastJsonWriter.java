package roadcast.forecast;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.io.NumberOutput;

/**
 * Writes the {@link ForecastJson} wire format straight into a reused byte buffer. It is the hottest code of the
 * streaming job after Kafka itself (one ~450-byte record per segment per step), so it is written for that: field
 * names are pre-encoded bytes, the issue time, model version and level names are encoded once and reused, and
 * numbers are written digit by digit from a rounded long. Strings that need JSON escaping go through Jackson's
 * {@link JsonStringEncoder}; {@code ForecastJsonWriterTest} checks every record against Jackson's own tree.
 *
 * <p>Speeds and bands are written to {@link #DECIMALS} decimals of the model's unit: a forecast is not more precise
 * than that (its error is mph, not hundredths), and the shortest round-trip text of a full double
 * ({@code 62.384729183741}) made the topic twice as large. NaN is written as null; magnitudes beyond
 * {@link #FIXED_LIMIT} (never a speed) keep the shortest round-trip text. One instance per thread.
 */
public final class ForecastJsonWriter {

    /** Decimals of speeds and bands on the wire. */
    public static final int DECIMALS = 2;
    private static final double SCALE = 100.0;
    /** Above this magnitude numbers are written in full (the scaled value must fit an int; no speed comes near). */
    static final double FIXED_LIMIT = 1e7;

    private static final byte[] SEGMENT = ascii("{\"segment\":");
    private static final byte[] ISSUED_AT = ascii(",\"issuedAt\":");
    private static final byte[] MODEL_VERSION = ascii(",\"modelVersion\":");
    private static final byte[] OBSERVED_SPEED = ascii(",\"observedSpeed\":");
    private static final byte[] IMPUTED_TRUE = ascii(",\"imputed\":true");
    private static final byte[] IMPUTED_FALSE = ascii(",\"imputed\":false");
    private static final byte[] OBSERVED = ascii(",\"coverage\":\"observed\"");
    private static final byte[] EXTENDED = ascii(",\"coverage\":\"extended\",\"estimatedSpeed\":");
    private static final byte[] SPEED = ascii("],\"speed\":[");
    private static final byte[] LEVEL = ascii("],\"level\":[");
    private static final byte[] LOWER = ascii("],\"lower\":[");
    private static final byte[] UPPER = ascii("],\"upper\":[");
    private static final byte[] END = ascii("]}");
    private static final byte[] NULL = ascii("null");
    /** Every fixed part of a record together: with the variable parts' lengths, a bound on the record's length. */
    private static final int FRAME_BYTES = SEGMENT.length + ISSUED_AT.length + MODEL_VERSION.length
            + OBSERVED_SPEED.length + Math.max(IMPUTED_TRUE.length, IMPUTED_FALSE.length)
            + Math.max(OBSERVED.length, EXTENDED.length) + SPEED.length + LEVEL.length + LOWER.length + UPPER.length
            + END.length;
    /**
     * Room for one number and its comma: the shortest round-trip text of a double is at most 24 chars, a fixed one
     * 7 plus the 4-byte stores of {@link #fixed}.
     */
    private static final int MAX_NUMBER_BYTES = 32;
    /** Four bytes at once into a byte array. */
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** The whole parts 0..999 as {@link #packed} texts: "0", "1", ..., "999". */
    private static final int[] WHOLE = new int[1000];
    /** Hundredths 0..99 as {@link #packed} texts: "", ".01", ..., ".1", ..., ".99" (no trailing zero). */
    private static final int[] FRACTION = new int[100];

    static {
        for (int w = 0; w < WHOLE.length; w++) {
            WHOLE[w] = packed(Integer.toString(w));
        }
        for (int c = 0; c < FRACTION.length; c++) {
            FRACTION[c] = packed(c == 0 ? "" : c % 10 == 0 ? "." + c / 10 : "." + c / 10 + c % 10);
        }
    }

    private byte[] buffer = new byte[1024];

    /**
     * Every forecast of a step shares its issue time and model: their JSON strings are made once. The last few issue
     * times are kept, not one: zones that wait for the quiet period close while the next step's zones do, so the
     * zone thread's forecasts can alternate between issue times, and with one entry formatting an {@link Instant}
     * was 9 of 215 zone-thread samples in a bench-stream profile (README, issue 12, eleventh pass).
     */
    private final long[] issuedAtMillis = {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE};
    private final byte[][] issuedAtJson = new byte[4][];
    private int issuedAtNext;
    private String modelVersion;
    private int[] horizonsMin;
    private byte[] horizonsJson;
    private byte[] modelVersionJson;
    /** Level names seen and their JSON strings (there are five; other names are encoded each time). */
    private final String[] levelNames = new String[8];
    private final byte[][] levelJson = new byte[8][];

    /** Level JSON strings of the record being written (a scratch array, one slot per horizon). */
    private byte[][] levels = new byte[16][];

    /** The forecast as ForecastJson bytes (a new array; the writer's buffer is reused). */
    public byte[] toBytes(ForecastValues f) {
        // Everything but the numbers comes as ready-made bytes, so the record's longest possible length is known up
        // front: one capacity check per record, then buffer and position stay in locals (a check and a field write
        // per part made the writer twice as slow; see PublishCostBenchmark).
        String id = f.segment();
        byte[] idJson = f.segmentJson();
        byte[] escapedId = idJson != null ? idJson : plain(id) ? null : quoted(id);
        byte[] issuedAt = issuedAt(f.issuedAt());
        byte[] version = modelVersion(f.modelVersion());
        int[] horizonsMin = f.horizonsMin();
        byte[] horizonsJson = horizons(horizonsMin);
        int horizons = horizonsMin.length;
        if (levels.length < horizons) {
            levels = new byte[horizons][];
        }
        int levelBytes = 0;
        for (int h = 0; h < horizons; h++) {
            String level = f.level(h);
            byte[] json = level == null ? NULL : level(level);
            levels[h] = json;
            levelBytes += json.length + 1;
        }
        int numbers = 2 + 3 * horizons;
        int idBytes = escapedId == null ? id.length() + 2 : escapedId.length;
        ensure(FRAME_BYTES + idBytes + issuedAt.length + version.length + horizonsJson.length + levelBytes
                + numbers * MAX_NUMBER_BYTES);
        byte[] buf = buffer;
        int pos = put(buf, 0, SEGMENT);
        pos = escapedId == null ? plainString(buf, pos, id) : put(buf, pos, escapedId);
        pos = put(buf, pos, ISSUED_AT);
        pos = put(buf, pos, issuedAt);
        pos = put(buf, pos, MODEL_VERSION);
        pos = put(buf, pos, version);
        pos = put(buf, pos, OBSERVED_SPEED);
        pos = number(buf, pos, f.observedSpeed());
        pos = put(buf, pos, f.imputed() ? IMPUTED_TRUE : IMPUTED_FALSE);
        if (f.extended()) {
            pos = put(buf, pos, EXTENDED);
            pos = number(buf, pos, f.estimatedSpeed());
        } else {
            pos = put(buf, pos, OBSERVED);
        }
        pos = put(buf, pos, horizonsJson);
        pos = put(buf, pos, SPEED);
        pos = numbers(buf, pos, f, horizons, SPEEDS);
        pos = put(buf, pos, LEVEL);
        for (int h = 0; h < horizons; h++) {
            if (h > 0) {
                buf[pos++] = ',';
            }
            pos = put(buf, pos, levels[h]);
        }
        pos = put(buf, pos, LOWER);
        pos = numbers(buf, pos, f, horizons, LOWERS);
        pos = put(buf, pos, UPPER);
        pos = numbers(buf, pos, f, horizons, UPPERS);
        pos = put(buf, pos, END);
        return Arrays.copyOf(buf, pos);
    }

    /** {@code src} at {@code buf[pos]}; returns the position after it. */
    private static int put(byte[] buf, int pos, byte[] src) {
        System.arraycopy(src, 0, buf, pos, src.length);
        return pos + src.length;
    }

    /** True when {@code s} is printable ASCII without quote or backslash: written as it is, without the escaper. */
    private static boolean plain(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** A {@link #plain} string, quoted, at {@code buf[pos]}. */
    private static int plainString(byte[] buf, int pos, String s) {
        buf[pos++] = '"';
        for (int i = 0, n = s.length(); i < n; i++) {
            buf[pos++] = (byte) s.charAt(i);
        }
        buf[pos++] = '"';
        return pos;
    }

    private byte[] issuedAt(long millis) {
        for (int k = 0; k < issuedAtMillis.length; k++) {
            if (issuedAtMillis[k] == millis) {
                return issuedAtJson[k];
            }
        }
        int k = issuedAtNext;
        issuedAtNext = (k + 1) % issuedAtMillis.length;
        issuedAtMillis[k] = millis;
        issuedAtJson[k] = quoted(Instant.ofEpochMilli(millis).toString());
        return issuedAtJson[k];
    }

    /** {@code ,"horizonsMin":[5,...,60} of the model's horizons (the same array contents in every forecast). */
    private byte[] horizons(int[] horizons) {
        if (!Arrays.equals(horizons, horizonsMin)) {
            horizonsMin = horizons.clone();
            StringBuilder text = new StringBuilder(",\"horizonsMin\":[");
            for (int h = 0; h < horizons.length; h++) {
                text.append(h > 0 ? "," : "").append(horizons[h]);
            }
            horizonsJson = ascii(text.toString());
        }
        return horizonsJson;
    }

    private byte[] modelVersion(String version) {
        if (!version.equals(modelVersion)) {
            modelVersion = version;
            modelVersionJson = quoted(version);
        }
        return modelVersionJson;
    }

    private byte[] level(String name) {
        // Level names are the few interned wire names of CongestionLevel: found by identity almost always.
        int free = -1;
        for (int k = 0; k < levelNames.length; k++) {
            if (levelNames[k] == name) {
                return levelJson[k];
            }
            if (levelNames[k] == null && free < 0) {
                free = k;
            }
        }
        for (int k = 0; k < levelNames.length; k++) {
            if (name.equals(levelNames[k])) {
                return levelJson[k];
            }
        }
        byte[] json = quoted(name);
        if (free >= 0) {
            levelNames[free] = name;
            levelJson[free] = json;
        }
        return json;
    }

    /** Which numbers {@link #numbers} writes. */
    private static final int SPEEDS = 0;
    private static final int LOWERS = 1;
    private static final int UPPERS = 2;

    /** The forecast's speeds, lower or upper edges ({@code part}), comma-separated, at {@code buf[pos]}. */
    private static int numbers(byte[] buf, int pos, ForecastValues f, int horizons, int part) {
        for (int h = 0; h < horizons; h++) {
            if (h > 0) {
                buf[pos++] = ',';
            }
            double v = part == SPEEDS ? f.speed(h) : part == LOWERS ? f.lower(h) : f.upper(h);
            pos = number(buf, pos, v);
        }
        return pos;
    }

    /** One value: null for NaN, two decimals in the fixed range, else the shortest round-trip text. */
    private static int number(byte[] buf, int pos, double v) {
        if (Double.isNaN(v)) {
            return put(buf, pos, NULL);
        }
        if (!(Math.abs(v) < FIXED_LIMIT)) {
            return put(buf, pos, ascii(NumberOutput.toString(v, true)));
        }
        return fixed(buf, pos, v);
    }

    /**
     * {@code v} to two decimals at {@code buf[pos]}, trailing zeros of the fraction dropped ({@code 62.50 -> 62.5},
     * {@code 62.00 -> 62}); returns the position after it. Needs 4 bytes of room past the number's end.
     */
    private static int fixed(byte[] buf, int pos, double v) {
        // Rounding half away from zero by truncating |v| * 100 + 0.5 (non-negative, so truncation is floor):
        // Math.round and Math.floor were most of the writer's time where the JIT does not make them one instruction.
        int scaled = (int) (Math.abs(v) * SCALE + 0.5);
        if (v < 0 && scaled != 0) {
            buf[pos++] = '-';
        }
        int whole = scaled / 100;
        int hundredths = scaled - whole * 100;
        // Whole part and fraction each as one 4-byte store of a packed text from a table, advanced by the text's
        // length: no branch on the number of digits or on trailing zeros. Branching on them, as the writer did,
        // mispredicted on every few numbers (speeds cross 10, fractions end in 0 at random) and made this method 11 %
        // of the zone thread's samples in bench-stream's profile; the bytes stored past the text are overwritten
        // by what follows or cut by the final copy.
        if (whole < WHOLE.length) {
            int text = WHOLE[whole];
            INT.set(buf, pos, text);
            pos += text >>> 24;
        } else {
            int digits = Integer.toString(whole).length();
            int end = pos + digits;
            for (int at = end - 1; at >= pos; at--) {
                int q = whole / 10;
                buf[at] = (byte) ('0' + whole - q * 10);
                whole = q;
            }
            pos = end;
        }
        int text = FRACTION[hundredths];
        INT.set(buf, pos, text);
        return pos + (text >>> 24);
    }

    /** Up to 3 ASCII chars packed little-endian in the low bytes, their count in the top byte. */
    private static int packed(String text) {
        int bits = 0;
        for (int i = 0; i < text.length(); i++) {
            bits |= text.charAt(i) << (8 * i);
        }
        return bits | text.length() << 24;
    }

    /** {@code s} as a quoted JSON string in UTF-8. */
    static byte[] quoted(String s) {
        byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(s);
        byte[] out = new byte[escaped.length + 2];
        out[0] = '"';
        System.arraycopy(escaped, 0, out, 1, escaped.length);
        out[out.length - 1] = '"';
        return out;
    }

    private void ensure(int bytes) {
        if (bytes > buffer.length) {
            buffer = new byte[Math.max(buffer.length * 2, bytes)];
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
