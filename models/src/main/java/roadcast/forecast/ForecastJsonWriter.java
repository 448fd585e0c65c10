package roadcast.forecast;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

/**
 * Writes the {@link ForecastJson} wire format straight to UTF-8 bytes with a streaming generator. Profiling the
 * forecast job showed about 60 % of the forecast thread in encoding through a JSON tree and, above all, in
 * {@code Double.toString} (JDK 17's FloatingDecimal). Here numbers go through Jackson's Schubfach writer
 * ({@link StreamWriteFeature#USE_FAST_DOUBLE_WRITER}), which prints the shortest text that parses back to the same
 * double. NaN is written as null. One instance per thread: it reuses its buffer.
 */
public final class ForecastJsonWriter {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

    private final ByteArrayBuilder buffer = new ByteArrayBuilder(2048);
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

    private static void numbers(JsonGenerator g, String name, double[] values) throws IOException {
        g.writeFieldName(name);
        g.writeStartArray();
        for (double v : values) {
            number(g, v);
        }
        g.writeEndArray();
    }

    private static void number(JsonGenerator g, double v) throws IOException {
        if (Double.isNaN(v)) {
            g.writeNull();
        } else {
            g.writeNumber(v);
        }
    }
}
