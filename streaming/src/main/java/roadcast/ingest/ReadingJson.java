package roadcast.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import roadcast.reading.SpeedReading;

/**
 * Writes a {@link SpeedReading} as the input-topic JSON that {@link ReadingParser} reads:
 * {@code {"segment":"773869","time":"2012-03-01T08:05:00Z","speed":62.5,"source":"loop"[,"flow":..][,"occupancy":..]}},
 * time as ISO-8601 UTC, flow and occupancy only when measured (not NaN).
 */
public final class ReadingJson {

    private static final JsonFactory JSON = new JsonFactory();

    private ReadingJson() {
    }

    /** UTF-8 JSON of the reading; a reading without a finite speed is not a reading and is refused. */
    public static byte[] encode(SpeedReading r) {
        if (!Double.isFinite(r.speed())) {
            throw new IllegalArgumentException("cannot publish segment " + r.segment() + " at "
                    + Instant.ofEpochMilli(r.timeMillis()) + ": speed is " + r.speed());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("segment", r.segment());
            g.writeStringField("time", Instant.ofEpochMilli(r.timeMillis()).toString());
            writeNumber(g, "speed", r.speed());
            g.writeStringField("source", SourceNames.name(r.source()));
            if (Double.isFinite(r.flow())) {
                writeNumber(g, "flow", r.flow());
            }
            if (Double.isFinite(r.occupancy())) {
                writeNumber(g, "occupancy", r.occupancy());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Values that came from float data sets are written with float digits (62.3 rather than 62.29999923706055). */
    private static void writeNumber(JsonGenerator g, String field, double v) throws IOException {
        g.writeFieldName(field);
        float f = (float) v;
        if (f == v) {
            g.writeNumber(f);
        } else {
            g.writeNumber(v);
        }
    }
}
