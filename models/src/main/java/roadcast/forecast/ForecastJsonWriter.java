package roadcast.forecast;

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
    private static final byte[] HORIZONS = ascii(",\"horizonsMin\":[");
    private static final byte[] SPEED = ascii("],\"speed\":[");
    private static final byte[] LEVEL = ascii("],\"level\":[");
    private static final byte[] LOWER = ascii("],\"lower\":[");
    private static final byte[] UPPER = ascii("],\"upper\":[");
    private static final byte[] END = ascii("]}");
    private static final byte[] NULL = ascii("null");
    /** "00", "01", ..., "99". */
    private static final byte[] DIGIT_PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private byte[] buffer = new byte[1024];
    private int size;

    /** Every forecast of a step shares its issue time and model: their JSON strings are made once per change. */
    private long issuedAtMillis = Long.MIN_VALUE;
    private byte[] issuedAtJson;
    private String modelVersion;
    private int[] horizonsMin;
    private byte[] horizonsJson;
    private byte[] modelVersionJson;
    /** Level names seen and their JSON strings (there are five; other names are encoded each time). */
    private final String[] levelNames = new String[8];
    private final byte[][] levelJson = new byte[8][];

    /** The forecast as ForecastJson bytes (a new array; the writer's buffer is reused). */
    public byte[] toBytes(Forecast f) {
        size = 0;
        write(SEGMENT);
        string(f.segment());
        write(ISSUED_AT);
        write(issuedAt(f.issuedAt()));
        write(MODEL_VERSION);
        write(modelVersion(f.modelVersion()));
        write(OBSERVED_SPEED);
        number(f.observedSpeed());
        write(f.imputed() ? IMPUTED_TRUE : IMPUTED_FALSE);
        if (f.extended()) {
            write(EXTENDED);
            number(f.estimatedSpeed());
        } else {
            write(OBSERVED);
        }
        write(horizons(f.horizonsMin()));
        numbers(SPEED, f.speed());
        write(LEVEL);
        String[] level = f.level();
        for (int h = 0; h < level.length; h++) {
            comma(h);
            write(level[h] == null ? NULL : level(level[h]));
        }
        numbers(LOWER, f.lower());
        numbers(UPPER, f.upper());
        write(END);
        return Arrays.copyOf(buffer, size);
    }

    private byte[] issuedAt(long millis) {
        if (millis != issuedAtMillis) {
            issuedAtMillis = millis;
            issuedAtJson = quoted(Instant.ofEpochMilli(millis).toString());
        }
        return issuedAtJson;
    }

    /** {@code ,"horizonsMin":[5,...,60} of the model's horizons (the same array contents in every forecast). */
    private byte[] horizons(int[] horizons) {
        if (!Arrays.equals(horizons, horizonsMin)) {
            horizonsMin = horizons.clone();
            int start = size;
            write(HORIZONS);
            for (int h = 0; h < horizons.length; h++) {
                comma(h);
                integer(horizons[h]);
            }
            horizonsJson = Arrays.copyOfRange(buffer, start, size);
            size = start;
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

    private void numbers(byte[] opening, double[] values) {
        write(opening);
        // Room for every number in its longest fixed form (sign, 8 digits, point, 2 decimals, comma) up front; the
        // loop keeps buffer and position in locals (field writes per byte made it twice as slow).
        ensure(values.length * 16);
        byte[] buf = buffer;
        int pos = size;
        for (int h = 0; h < values.length; h++) {
            if (h > 0) {
                buf[pos++] = ',';
            }
            double v = values[h];
            if (Double.isNaN(v)) {
                for (byte b : NULL) {
                    buf[pos++] = b;
                }
            } else if (!(Math.abs(v) < FIXED_LIMIT)) {
                size = pos;
                write(ascii(NumberOutput.toString(v, true)));
                ensure((values.length - h) * 16);
                buf = buffer;
                pos = size;
            } else {
                pos = fixed(buf, pos, v);
            }
        }
        size = pos;
    }

    private void comma(int index) {
        if (index > 0) {
            ensure(1);
            buffer[size++] = ',';
        }
    }

    private void number(double v) {
        if (Double.isNaN(v)) {
            write(NULL);
        } else if (!(Math.abs(v) < FIXED_LIMIT)) {
            write(ascii(NumberOutput.toString(v, true)));
        } else {
            ensure(16);
            size = fixed(buffer, size, v);
        }
    }

    /**
     * {@code v} to two decimals at {@code buf[pos]}, trailing zeros of the fraction dropped ({@code 62.50 -> 62.5},
     * {@code 62.00 -> 62}); returns the position after it. Int arithmetic and a table of digit pairs.
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
        if (whole < 10) {
            buf[pos++] = (byte) ('0' + whole);
        } else if (whole < 100) {
            buf[pos++] = DIGIT_PAIRS[2 * whole];
            buf[pos++] = DIGIT_PAIRS[2 * whole + 1];
        } else {
            int digits = whole < 1000 ? 3 : Integer.toString(whole).length();
            int end = pos + digits;
            for (int at = end - 1; at >= pos; at--) {
                int q = whole / 10;
                buf[at] = (byte) ('0' + whole - q * 10);
                whole = q;
            }
            pos = end;
        }
        if (hundredths != 0) {
            buf[pos++] = '.';
            buf[pos++] = DIGIT_PAIRS[2 * hundredths];
            if (hundredths % 10 != 0) {
                buf[pos++] = DIGIT_PAIRS[2 * hundredths + 1];
            }
        }
        return pos;
    }

    /** A non-negative int's digits, two at a time from the table. */
    private void integer(int value) {
        if (value < 0) {
            write(ascii(Integer.toString(value)));
            return;
        }
        ensure(10);
        if (value < 10) {
            buffer[size++] = (byte) ('0' + value);
        } else if (value < 100) {
            buffer[size++] = DIGIT_PAIRS[2 * value];
            buffer[size++] = DIGIT_PAIRS[2 * value + 1];
        } else if (value < 1000) {
            int hundreds = value / 100;
            int rest = value - hundreds * 100;
            buffer[size++] = (byte) ('0' + hundreds);
            buffer[size++] = DIGIT_PAIRS[2 * rest];
            buffer[size++] = DIGIT_PAIRS[2 * rest + 1];
        } else {
            int digits = Integer.toString(value).length();
            int end = size + digits;
            for (int at = end - 1; at >= size; at--) {
                int q = value / 10;
                buffer[at] = (byte) ('0' + value - q * 10);
                value = q;
            }
            size = end;
        }
    }

    /** A JSON string; plain printable ASCII (every segment id we have seen) is copied without the escaper. */
    private void string(String s) {
        int n = s.length();
        boolean plain = true;
        for (int i = 0; i < n && plain; i++) {
            char c = s.charAt(i);
            plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
        }
        if (!plain) {
            write(quoted(s));
            return;
        }
        ensure(n + 2);
        buffer[size++] = '"';
        for (int i = 0; i < n; i++) {
            buffer[size++] = (byte) s.charAt(i);
        }
        buffer[size++] = '"';
    }

    private static byte[] quoted(String s) {
        byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(s);
        byte[] out = new byte[escaped.length + 2];
        out[0] = '"';
        System.arraycopy(escaped, 0, out, 1, escaped.length);
        out[out.length - 1] = '"';
        return out;
    }

    private void write(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, size, bytes.length);
        size += bytes.length;
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
