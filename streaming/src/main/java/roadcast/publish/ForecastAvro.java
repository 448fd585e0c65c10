package roadcast.publish;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import roadcast.congestion.CongestionLevel;
import roadcast.forecast.Forecast;
import roadcast.forecast.ForecastJsonWriter;
import roadcast.forecast.ForecastValues;

/**
 * The Avro binary forecast format ({@code --forecast-format avro}): the schema is the file
 * {@value #SCHEMA_RESOURCE} (in the streaming jar and the repository), which consumers generate readers from. A
 * value is one datum in that schema, without container header or schema id; the record carries the header
 * {@value #FORMAT_HEADER}{@code =avro} so a JSON reader can tell it apart.
 *
 * <p>Written field by field with Avro's {@link BinaryEncoder} in schema order (no GenericRecord per forecast: this runs
 * once per segment per step); {@code ForecastAvroTest} reads the bytes back with Avro's own generic reader and the
 * parsed schema file, so the writer cannot drift from the schema. Speeds and bands are rounded to
 * {@link ForecastJsonWriter#DECIMALS} decimals as in JSON, then stored as float. One writer per thread.
 */
public final class ForecastAvro {

    /** Class-path location of the schema (source: {@code streaming/src/main/resources/roadcast/publish/forecast.avsc}). */
    public static final String SCHEMA_RESOURCE = "/roadcast/publish/forecast.avsc";
    /** Kafka record header naming the value format of an Avro forecast record. */
    public static final String FORMAT_HEADER = "roadcast-format";

    private static final double SCALE = Math.pow(10, ForecastJsonWriter.DECIMALS);
    private static final CongestionLevel[] LEVELS = CongestionLevel.values();

    private static volatile Schema schema;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private BinaryEncoder encoder;

    /** The parsed schema file. */
    public static Schema schema() {
        Schema s = schema;
        if (s == null) {
            try (InputStream in = ForecastAvro.class.getResourceAsStream(SCHEMA_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(SCHEMA_RESOURCE + " is missing from the class path");
                }
                s = new Schema.Parser().parse(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            schema = s;
        }
        return s;
    }

    /** The forecast as one Avro datum of {@link #schema()}. */
    public byte[] toBytes(ForecastValues f) {
        bytes.reset();
        BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(bytes, encoder);
        encoder = e;
        try {
            e.writeString(f.segment());
            e.writeLong(f.issuedAt());
            e.writeString(f.modelVersion());
            writeNullable(e, f.observedSpeed());
            e.writeBoolean(f.imputed());
            e.writeEnum(f.extended() ? 1 : 0);
            writeNullable(e, f.extended() ? f.estimatedSpeed() : Double.NaN);
            int[] horizons = f.horizonsMin();
            e.writeArrayStart();
            e.setItemCount(horizons.length);
            for (int h : horizons) {
                e.startItem();
                e.writeInt(h);
            }
            e.writeArrayEnd();
            writeFloats(e, horizons.length, f::speed);
            e.writeArrayStart();
            e.setItemCount(horizons.length);
            for (int h = 0; h < horizons.length; h++) {
                e.startItem();
                e.writeEnum(levelIndex(f.level(h)));
            }
            e.writeArrayEnd();
            writeFloats(e, horizons.length, f::lower);
            writeFloats(e, horizons.length, f::upper);
            e.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** Reads one datum written by {@link #toBytes} (or any writer of the schema) back into a forecast. */
    public static Forecast fromBytes(byte[] value) {
        GenericRecord r;
        try {
            r = new GenericDatumReader<GenericRecord>(schema()).read(null,
                    DecoderFactory.get().binaryDecoder(value, null));
        } catch (IOException e) {
            throw new IllegalArgumentException("not an Avro forecast: " + e.getMessage(), e);
        }
        String coverage = r.get("coverage").toString();
        @SuppressWarnings("unchecked")
        List<Integer> horizons = (List<Integer>) r.get("horizonsMin");
        int[] h = new int[horizons.size()];
        for (int i = 0; i < h.length; i++) {
            h[i] = horizons.get(i);
        }
        @SuppressWarnings("unchecked")
        List<GenericData.EnumSymbol> levels = (List<GenericData.EnumSymbol>) r.get("level");
        String[] level = new String[levels.size()];
        for (int i = 0; i < level.length; i++) {
            level[i] = levels.get(i).toString().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        return new Forecast(r.get("segment").toString(), (Long) r.get("issuedAt"), r.get("modelVersion").toString(),
                nullable(r.get("observedSpeed")), (Boolean) r.get("imputed"), h, floats(r.get("speed")), level,
                floats(r.get("lower")), floats(r.get("upper")), coverage, nullable(r.get("estimatedSpeed")));
    }

    private static void writeNullable(BinaryEncoder e, double v) throws IOException {
        if (Double.isNaN(v)) {
            e.writeIndex(0);
        } else {
            e.writeIndex(1);
            e.writeFloat(round(v));
        }
    }

    private static void writeFloats(BinaryEncoder e, int horizons, IntToDoubleFunction values) throws IOException {
        e.writeArrayStart();
        e.setItemCount(horizons);
        for (int h = 0; h < horizons; h++) {
            e.startItem();
            e.writeFloat(round(values.applyAsDouble(h)));
        }
        e.writeArrayEnd();
    }

    /** To the JSON format's decimals (half away from zero, as {@link ForecastJsonWriter}), then float. */
    private static float round(double v) {
        if (!Double.isFinite(v)) {
            return (float) v;
        }
        double scaled = Math.floor(Math.abs(v) * SCALE + 0.5) / SCALE;
        return (float) (v < 0 ? -scaled : scaled);
    }

    /** The schema's enum index of a level wire name (a scan of five: no string building per level). */
    private static int levelIndex(String wireName) {
        for (int k = 0; k < LEVELS.length; k++) {
            if (LEVELS[k].wireName().equals(wireName)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown congestion level '" + wireName + "'");
    }

    private static double nullable(Object o) {
        return o == null ? Double.NaN : ((Float) o).doubleValue();
    }

    private static double[] floats(Object o) {
        @SuppressWarnings("unchecked")
        List<Float> list = (List<Float>) o;
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }
}
