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
    /** Above this magnitude numbers are written in full (the scaled value must fit a long with room to spare). */
    static final double FIXED_LIMIT = 1e12;

    private static final byte[] SEGMENT = ascii("{\"segment\":");
    private static final byte[] ISSUED_AT = ascii(",\"issuedAt\":");
    private static final byte[] MODEL_VERSION = ascii(",\"modelVersion\":");
    private static final byte[] OBSERVED_SPEED = ascii(",\"observedSpeed\":");
    private static final byte[] IMPUTED_TRUE = ascii(",\"imputed\":true");
    private static final byte[] IMPUTED_FALSE = ascii(",\"imputed\":false");
    private static final byte[] HORIZONS = ascii(",\"horizonsMin\":[");
    private static final byte[] SPEED = ascii("],\"speed\":[");
    private static final byte[] LEVEL = ascii("],\"level\":[");
    private static final byte[] LOWER = ascii("],\"lower\":[");
    private static final byte[] UPPER = ascii("],\"upper\":[");
    private static final byte[] END = ascii("]}");
    private static final byte[] NULL = ascii("null");

    private byte[] buffer = new byte[1024];
    private int size;

    /** Every forecast of a step shares its issue time and model: their JSON strings are made once per change. */
    private long issuedAtMillis = Long.MIN_VALUE;
    private byte[] issuedAtJson;
    private String modelVersion;
    private byte[] modelVersionJson;
    /** The last level names seen and their JSON strings (there are five). */
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
        write(HORIZONS);
        int[] horizons = f.horizonsMin();
        for (int h = 0; h < horizons.length; h++) {
            comma(h);
            integer(horizons[h]);
        }
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

    private byte[] modelVersion(String version) {
        if (!version.equals(modelVersion)) {
            modelVersion = version;
            modelVersionJson = quoted(version);
        }
        return modelVersionJson;
    }

    private byte[] level(String name) {
        int slot = name.hashCode() & (levelNames.length - 1);
        if (!name.equals(levelNames[slot])) {
            levelNames[slot] = name;
            levelJson[slot] = quoted(name);
        }
        return levelJson[slot];
    }

    private void numbers(byte[] opening, double[] values) {
        write(opening);
        for (int h = 0; h < values.length; h++) {
            comma(h);
            number(values[h]);
        }
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
            fixed(Math.round(v * SCALE));
        }
    }

    /**
     * {@code scaled / 100} as decimal text, trailing zeros of the fraction dropped ({@code 6250 -> 62.5},
     * {@code 6200 -> 62}).
     */
    private void fixed(long scaled) {
        if (scaled < 0) {
            ensure(1);
            buffer[size++] = '-';
            scaled = -scaled;
        }
        integer(scaled / 100);
        int fraction = (int) (scaled % 100);
        if (fraction != 0) {
            ensure(3);
            buffer[size++] = '.';
            buffer[size++] = (byte) ('0' + fraction / 10);
            if (fraction % 10 != 0) {
                buffer[size++] = (byte) ('0' + fraction % 10);
            }
        }
    }

    /** A non-negative integer's digits. */
    private void integer(long value) {
        ensure(20);
        int digits = 1;
        for (long rest = value / 10; rest != 0; rest /= 10) {
            digits++;
        }
        int end = size + digits;
        for (int at = end - 1; at >= size; at--) {
            buffer[at] = (byte) ('0' + value % 10);
            value /= 10;
        }
        size = end;
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
