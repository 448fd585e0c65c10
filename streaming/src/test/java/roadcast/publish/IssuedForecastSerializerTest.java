package roadcast.publish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import roadcast.congestion.CongestionLevel;
import roadcast.forecast.Forecast;
import roadcast.forecast.ForecastJsonWriter;

/** The hand-written wire form between the zone operator and the publishing subtasks loses nothing. */
class IssuedForecastSerializerTest {

    private static final String FREE = CongestionLevel.values()[0].wireName();
    private static final String LAST = CongestionLevel.values()[CongestionLevel.values().length - 1].wireName();

    static IssuedForecast observed() {
        return new IssuedForecast(new Forecast("773869", 1_700_000_000_000L, "v0003", 61.25, false,
                new int[]{5, 10, 15}, new double[]{60.123456789, Double.NaN, -0.5},
                new String[]{FREE, null, LAST}, new double[]{55.5, Double.NaN, -3}, new double[]{64, Double.NaN, 1e9}),
                1_700_000_123_456L);
    }

    static IssuedForecast extended() {
        return new IssuedForecast(new Forecast("ext \"é\" 7", 42L, "v1", Double.NaN, true, new int[]{1},
                new double[]{30}, new String[]{new String("made-up level")}, new double[]{20}, new double[]{40},
                Forecast.EXTENDED, 33.3), -1L);
    }

    private static IssuedForecast roundTrip(TypeSerializer<IssuedForecast> s, IssuedForecast f) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(f, out);
        s.serialize(f, out); // two in a row: each read stops at its own end
        DataInputDeserializer in = new DataInputDeserializer(out.getSharedBuffer(), 0, out.length());
        IssuedForecast first = s.deserialize(in);
        IssuedForecast second = s.deserialize(in);
        assertEquals(0, in.available());
        assertSameForecast(first, second);
        return first;
    }

    static void assertSameForecast(IssuedForecast expected, IssuedForecast actual) {
        Forecast e = expected.forecast();
        Forecast a = actual.forecast();
        assertEquals(expected.inputAppendMillis(), actual.inputAppendMillis());
        assertEquals(e.segment(), a.segment());
        assertEquals(e.issuedAt(), a.issuedAt());
        assertEquals(e.modelVersion(), a.modelVersion());
        assertEquals(Double.doubleToLongBits(e.observedSpeed()), Double.doubleToLongBits(a.observedSpeed()));
        assertEquals(e.imputed(), a.imputed());
        assertEquals(e.coverage(), a.coverage());
        assertEquals(Double.doubleToLongBits(e.estimatedSpeed()), Double.doubleToLongBits(a.estimatedSpeed()));
        assertArrayEquals(e.horizonsMin(), a.horizonsMin());
        assertArrayEquals(e.speed(), a.speed());
        assertArrayEquals(e.lower(), a.lower());
        assertArrayEquals(e.upper(), a.upper());
        assertArrayEquals(e.level(), a.level());
        // What consumers read is byte for byte what the chained sink wrote before the stage was split.
        ForecastJsonWriter json = new ForecastJsonWriter();
        assertArrayEquals(json.toBytes(e), json.toBytes(a));
    }

    @Test
    void everyFieldSurvivesTheWire() throws Exception {
        TypeSerializer<IssuedForecast> s = IssuedForecastSerializer.INSTANCE;
        for (IssuedForecast f : new IssuedForecast[]{observed(), extended()}) {
            assertSameForecast(f, roundTrip(s, f));
            assertSameForecast(f, s.copy(f));
        }
        IssuedForecast back = roundTrip(s, observed());
        // Known levels come back as CongestionLevel's own strings (the JSON writer looks them up by identity).
        assertSame(FREE, back.forecast().level()[0]);
        assertNull(back.forecast().level()[1]);
        assertSame(LAST, back.forecast().level()[2]);
    }

    @Test
    void copyDoesNotShareArrays() {
        IssuedForecast f = observed();
        IssuedForecast c = IssuedForecastSerializer.INSTANCE.copy(f);
        c.forecast().speed()[0] = -1;
        assertEquals(60.123456789, f.forecast().speed()[0]);
    }

    @Test
    void flinkFindsItThroughTheAnnotation() throws Exception {
        TypeInformation<IssuedForecast> info = TypeInformation.of(IssuedForecast.class);
        assertTrue(info instanceof IssuedForecastTypeInfo, info.toString());
        TypeSerializer<IssuedForecast> s = info.createSerializer(new org.apache.flink.api.common.ExecutionConfig()
                .getSerializerConfig());
        assertSame(IssuedForecastSerializer.INSTANCE, s);

        // A snapshot written into a checkpoint restores the same serializer, compatible as it is.
        TypeSerializerSnapshot<IssuedForecast> snapshot = s.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<IssuedForecast> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertTrue(read.resolveSchemaCompatibility(s.snapshotConfiguration()).isCompatibleAsIs());
        assertSameForecast(observed(), roundTrip(read.restoreSerializer(), observed()));
    }
}
