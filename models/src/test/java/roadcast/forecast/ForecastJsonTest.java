package roadcast.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ForecastJsonTest {

    private static Forecast sample(double observed) {
        return new Forecast("773869", 1_330_600_000_000L, "v0001-20260101T000000", observed, Double.isNaN(observed),
                new int[] {5, 10}, new double[] {61.5, 58.25}, new String[] {"free", null},
                new double[] {55, 50}, new double[] {68, 66.5});
    }

    @Test
    void wireFormatHasTheContractFieldsWithIsoTimeAndNullForNaN() throws Exception {
        JsonNode o = new ObjectMapper().readTree(ForecastJson.toJson(sample(Double.NaN)));
        assertEquals(java.util.List.of("segment", "issuedAt", "modelVersion", "observedSpeed", "imputed",
                "coverage", "horizonsMin", "speed", "level", "lower", "upper"), iterable(o));
        assertEquals("2012-03-01T11:06:40Z", o.get("issuedAt").asText());
        assertTrue(o.get("observedSpeed").isNull());
        assertEquals("observed", o.get("coverage").asText());
        assertTrue(o.get("level").get(1).isNull());
        assertEquals(58.25, o.get("speed").get(1).asDouble());
    }

    private static java.util.List<String> iterable(JsonNode o) {
        java.util.List<String> names = new java.util.ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void roundTrips() {
        for (double observed : new double[] {Double.NaN, 63.0}) {
            Forecast f = sample(observed);
            Forecast back = ForecastJson.fromBytes(ForecastJson.toBytes(f));
            assertEquals(f.segment(), back.segment());
            assertEquals(f.issuedAt(), back.issuedAt());
            assertEquals(f.modelVersion(), back.modelVersion());
            assertEquals(f.observedSpeed(), back.observedSpeed());
            assertEquals(f.imputed(), back.imputed());
            assertArrayEquals(f.horizonsMin(), back.horizonsMin());
            assertArrayEquals(f.speed(), back.speed());
            assertArrayEquals(f.level(), back.level());
            assertArrayEquals(f.lower(), back.lower());
            assertArrayEquals(f.upper(), back.upper());
        }
        Forecast epoch = ForecastJson.fromJson(ForecastJson.toJson(sample(1)).replace("\"2012-03-01T11:06:40Z\"",
                "1330600000000"));
        assertEquals(1_330_600_000_000L, epoch.issuedAt());
    }

    @Test
    void extendedSegmentsSayItAndCarryTheirEstimateNowWhileOldRecordsReadAsObserved() throws Exception {
        Forecast o = sample(Double.NaN);
        Forecast f = new Forecast(o.segment(), o.issuedAt(), o.modelVersion(), Double.NaN, true, o.horizonsMin(),
                o.speed(), o.level(), o.lower(), o.upper(), Forecast.EXTENDED, 47.125);
        String json = ForecastJson.toJson(f);
        JsonNode tree = new ObjectMapper().readTree(json);
        assertEquals("extended", tree.get("coverage").asText());
        assertEquals(47.13, tree.get("estimatedSpeed").asDouble());
        Forecast back = ForecastJson.fromJson(json);
        assertTrue(back.extended());
        assertEquals(47.13, back.estimatedSpeed());
        // a record from before coverage extension (no "coverage", no "estimatedSpeed") is an observed segment's
        String old = ForecastJson.toJson(o).replace(",\"coverage\":\"observed\"", "");
        assertTrue(!old.contains("coverage"), old);
        Forecast oldBack = ForecastJson.fromJson(old);
        assertEquals(Forecast.OBSERVED, oldBack.coverage());
        assertTrue(Double.isNaN(oldBack.estimatedSpeed()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ForecastJson.fromJson(
                json.replace("\"extended\"", "\"guessed\""))).getMessage().contains("guessed"));
    }

    @Test
    void badJsonSaysWhy() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ForecastJson.fromJson("{\"segment\":\"a\"}"))
                .getMessage().contains("issuedAt"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ForecastJson.fromJson("[1,2"))
                .getMessage().contains("not JSON"));
        String unequal = ForecastJson.toJson(sample(1)).replace("\"speed\":[61.5,58.25]", "\"speed\":[61.5]");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ForecastJson.fromJson(unequal))
                .getMessage().contains("different lengths"));
    }
}
