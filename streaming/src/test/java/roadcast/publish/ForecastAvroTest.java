package roadcast.publish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import roadcast.forecast.Forecast;
import roadcast.forecast.ForecastJson;

/** The Avro forecast format: what the writer makes is a datum of the shipped schema file, with the JSON's content. */
class ForecastAvroTest {

    static final Forecast OBSERVED = new Forecast("seg-17", 1_700_000_100_000L, "v3", 52.456, false,
            new int[] {5, 10, 15}, new double[] {51.004, 48.125, 40.999}, new String[] {"free", "basically-free", "severe"},
            new double[] {45.0, 40.111, 30.5}, new double[] {55.5, 53.0, 49.994});
    static final Forecast EXTENDED = new Forecast("road \"x\"", 1_700_000_400_000L, "v3", Double.NaN, true,
            new int[] {5, 10}, new double[] {30.0, 31.0}, new String[] {"moderate", "light"},
            new double[] {20.0, 21.0}, new double[] {40.0, 41.0}, Forecast.EXTENDED, 29.5);

    /** The schema file a consumer gets from the repository, read from disk (not the class path copy). */
    static Schema schemaFromRepository() throws Exception {
        Path file = Path.of("src/main/resources/roadcast/publish/forecast.avsc");
        return new Schema.Parser().parse(Files.readString(file));
    }

    @Test
    void aRecordRoundTripsThroughTheSchema() throws Exception {
        Schema schema = schemaFromRepository();
        ForecastAvro writer = new ForecastAvro();
        for (Forecast f : List.of(OBSERVED, EXTENDED)) {
            byte[] bytes = writer.toBytes(f);
            // Avro's own generic reader with the schema file: field order, types and unions as a consumer reads them.
            GenericRecord r = new GenericDatumReader<GenericRecord>(schema).read(null,
                    DecoderFactory.get().binaryDecoder(bytes, null));
            assertEquals(f.segment(), r.get("segment").toString());
            assertEquals(f.issuedAt(), r.get("issuedAt"));
            assertEquals(f.coverage(), r.get("coverage").toString());
            // and back to the forecast, equal to what the JSON format carries (two decimals)
            Forecast json = ForecastJson.fromBytes(ForecastJson.toBytes(f));
            Forecast back = ForecastAvro.fromBytes(bytes);
            assertEquals(json.segment(), back.segment());
            assertEquals(json.issuedAt(), back.issuedAt());
            assertEquals(json.modelVersion(), back.modelVersion());
            assertEquals(json.imputed(), back.imputed());
            assertEquals(json.coverage(), back.coverage());
            assertArrayEquals(json.horizonsMin(), back.horizonsMin());
            assertArrayEquals(json.level(), back.level());
            assertArrayEquals(json.speed(), back.speed(), 1e-4);
            assertArrayEquals(json.lower(), back.lower(), 1e-4);
            assertArrayEquals(json.upper(), back.upper(), 1e-4);
            assertEquals(Double.isNaN(json.observedSpeed()), Double.isNaN(back.observedSpeed()));
            if (!Double.isNaN(json.observedSpeed())) {
                assertEquals(json.observedSpeed(), back.observedSpeed(), 1e-4);
            }
            assertEquals(Double.isNaN(json.estimatedSpeed()), Double.isNaN(back.estimatedSpeed()));
            assertTrue(bytes.length * 2 < ForecastJson.toBytes(f).length,
                    "Avro " + bytes.length + " bytes against JSON " + ForecastJson.toBytes(f).length);
        }
        GenericRecord extended = new GenericDatumReader<GenericRecord>(schema).read(null,
                DecoderFactory.get().binaryDecoder(writer.toBytes(EXTENDED), null));
        assertNull(extended.get("observedSpeed"), "no reading = null, as in JSON");
        assertEquals(29.5f, extended.get("estimatedSpeed"));
        assertEquals("[MODERATE, LIGHT]", extended.get("level").toString());
    }

    @Test
    void theJarCarriesTheRepositorySchema() throws Exception {
        assertEquals(schemaFromRepository(), ForecastAvro.schema());
    }

    @Test
    void avroRecordsAreMarkedAndJsonRecordsAreUnchanged() {
        IssuedForecast issued = new IssuedForecast(OBSERVED, 1234L);
        ForecastRecordSerializer avroWriter = new ForecastRecordSerializer("t", ForecastFormat.AVRO);
        avroWriter.open(null, null);
        ProducerRecord<byte[], byte[]> avro = avroWriter.serialize(issued, null, null);
        assertEquals("avro", new String(avro.headers().lastHeader(ForecastAvro.FORMAT_HEADER).value(),
                StandardCharsets.US_ASCII));
        assertEquals(OBSERVED.segment(), ForecastAvro.fromBytes(avro.value()).segment());
        assertEquals(1234L, avro.timestamp());
        ForecastRecordSerializer jsonWriter = new ForecastRecordSerializer("t");
        jsonWriter.open(null, null);
        ProducerRecord<byte[], byte[]> json = jsonWriter.serialize(issued, null, null);
        assertNull(json.headers().lastHeader(ForecastAvro.FORMAT_HEADER));
        assertArrayEquals(ForecastJson.toBytes(OBSERVED), json.value());
    }

    @Test
    void unknownFormatIsAClearError() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ForecastFormat.parse("protobuf"));
        assertTrue(e.getMessage().contains("json or avro"), e.getMessage());
        assertEquals(ForecastFormat.AVRO, ForecastFormat.parse("AVRO"));
    }
}
