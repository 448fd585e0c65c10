package roadcast.forecast;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

/**
 * Writes the {@link ForecastJson} wire format straight to UTF-8 bytes with a streaming generator. Speeds and bands
 * are written to {@link #DECIMALS} decimals of the model's unit: a forecast is not more precise than that (its error
 * is mph, not hundredths), and the shortest round-trip text of a full double ({@code 62.384729183741}) made the
 * forecast topic twice as large and, in {@code bench-stream}, its encoding the busiest thread of the job (Schubfach's
 * digit loop). Fixed decimals are written from a rounded long, digit by digit. NaN is written as null; magnitudes
 * beyond {@link #FIXED_LIMIT} (never a speed) keep the shortest round-trip text. One instance per thread: it reuses
 * its buffers.
 */
public final class ForecastJsonWriter {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

    /** Decimals of speeds and bands on the wire. */
    public static final int DECIMALS = 2;
    private static final double SCALE = 100.0;
    /** Above this magnitude numbers are written in full (the scaled value must fit a long with room to spare). */
    static final double FIXED_LIMIT = 1e12;

    private final ByteArrayBuilder buffer = new ByteArrayBuilder(2048);
    /** Digits of one number, written backwards from the end. */
    private final char[] digits = new char[32];
    /** Every forecast of a step shares its issue time: its ISO text is made once per step. */
    private long issuedAtMillis = Long.MIN_VALUE;
    private String issuedAtText;

    /** The forecast as ForecastJson bytes (a new array; the writer's buffer is reused). */
    public byte[] toBytes(Forecast f) {
        buffer.reset();
        try (JsonGenerator g = FACTORY.createGenerator(buffer)) {
            g.writeStartObject();
            g.writeStringField("segment", f.segment());
            g.writeStringField("issuedAt", issuedAt(f.issuedAt()));
            g.writeStringField("modelVersion", f.modelVersion());
            g.writeFieldName("observedSpeed");
            number(g, f.observedSpeed());
            g.writeBooleanField("imputed", f.imputed());
            g.writeFieldName("horizonsMin");
            g.writeStartArray();
            for (int m : f.horizonsMin()) {
                g.writeNumber(m);
            }
            g.writeEndArray();
            numbers(g, "speed", f.speed());
            g.writeFieldName("level");
            g.writeStartArray();
            for (String l : f.level()) {
                if (l == null) {
                    g.writeNull();
                } else {
                    g.writeString(l);
                }
            }
            g.writeEndArray();
            numbers(g, "lower", f.lower());
            numbers(g, "upper", f.upper());
            g.writeEndObject();
        } catch (IOException e) {
            // A byte-array target cannot fail; anything here is a bug in the record (e.g. a null array).
            throw new UncheckedIOException("cannot encode forecast of " + f.segment(), e);
        }
        return buffer.toByteArray();
    }

    private String issuedAt(long millis) {
        if (millis != issuedAtMillis) {
            issuedAtMillis = millis;
            issuedAtText = Instant.ofEpochMilli(millis).toString();
        }
        return issuedAtText;
    }

    private void numbers(JsonGenerator g, String name, double[] values) throws IOException {
        g.writeFieldName(name);
        g.writeStartArray();
        for (double v : values) {
            number(g, v);
        }
        g.writeEndArray();
    }

    private void number(JsonGenerator g, double v) throws IOException {
        if (Double.isNaN(v)) {
            g.writeNull();
        } else if (!(Math.abs(v) < FIXED_LIMIT)) {
            g.writeNumber(v);
        } else {
            int start = fixed(Math.round(v * SCALE));
            g.writeNumber(digits, start, digits.length - start);
        }
    }

    /**
     * {@code scaled / 100} as decimal text at the end of {@link #digits}, trailing zeros of the fraction dropped
     * ({@code 6250 -> "62.5"}, {@code 6200 -> "62"}); returns the index of its first char.
     */
    private int fixed(long scaled) {
        boolean negative = scaled < 0;
        long rest = Math.abs(scaled);
        int pos = digits.length;
        int fraction = (int) (rest % 100);
        rest /= 100;
        if (fraction != 0) {
            if (fraction % 10 != 0) {
                digits[--pos] = (char) ('0' + fraction % 10);
            }
            digits[--pos] = (char) ('0' + fraction / 10);
            digits[--pos] = '.';
        }
        do {
            digits[--pos] = (char) ('0' + rest % 10);
            rest /= 10;
        } while (rest != 0);
        if (negative) {
            digits[--pos] = '-';
        }
        return pos;
    }
}
