package roadcast.topics;

import org.junit.jupiter.api.Test;
import roadcast.fixtures.SampleForecasts;
import roadcast.forecast.Forecast;
import roadcast.reading.Source;
import roadcast.store.Observation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireFormatTest {

    @Test
    void forecastRoundTripsWithNaNAsNull() throws Exception {
        Forecast f = SampleForecasts.of("717447", 1_330_560_000_000L, Double.NaN, 1.5);
        String json = ForecastWire.write(f);
        assertTrue(json.contains("\"observedSpeed\":null"), json);
        assertTrue(json.contains("\"issuedAt\":\"2012-03-01T00:00:00Z\""), json);
        Forecast back = ForecastWire.parse(json);
        assertEquals(f.segment(), back.segment());
        assertEquals(f.issuedAt(), back.issuedAt());
        assertTrue(Double.isNaN(back.observedSpeed()));
        assertArrayEquals(f.horizonsMin(), back.horizonsMin());
        assertArrayEquals(f.upper(), back.upper());
    }

    @Test
    void badForecastsNameTheirReason() {
        assertEquals("bad-json", assertThrows(WireFormatException.class, () -> ForecastWire.parse("{not json")).reason());
        assertEquals("missing-field", assertThrows(WireFormatException.class,
            () -> ForecastWire.parse("{\"issuedAt\":1,\"horizonsMin\":[5]}")).reason());
        WireFormatException e = assertThrows(WireFormatException.class, () -> ForecastWire.parse(
            "{\"segment\":\"a\",\"issuedAt\":1,\"horizonsMin\":[5,10],\"speed\":[1],\"level\":[\"free\",\"free\"],"
                + "\"lower\":[1,1],\"upper\":[1,1]}"));
        assertTrue(e.getMessage().contains("speed has 1 entries"), e.getMessage());
        assertEquals("bad-time", assertThrows(WireFormatException.class, () -> ForecastWire.parse(
            "{\"segment\":\"a\",\"issuedAt\":\"yesterday\"}")).reason());
    }

    @Test
    void speedReadingsAcceptIsoAndEpochTimes() throws Exception {
        Observation a = SpeedWire.parse("{\"segment\":\"s\",\"time\":\"2012-03-01T00:05:00\",\"speed\":61.2,\"source\":\"floating-car\"}");
        Observation b = SpeedWire.parse("{\"segment\":\"s\",\"time\":1330560300000,\"speed\":\"61.2\",\"source\":\"loop\"}");
        assertEquals(a.timeMillis(), b.timeMillis());
        assertEquals(Source.FLOATING_CAR, a.source());
        assertEquals(Source.LOOP, b.source());
        assertEquals(61.2, b.speed());
        assertEquals("missing-field", assertThrows(WireFormatException.class,
            () -> SpeedWire.parse("{\"segment\":\"s\",\"time\":1}")).reason());
        assertEquals("bad-field", assertThrows(WireFormatException.class,
            () -> SpeedWire.parse("{\"segment\":\"s\",\"time\":1,\"speed\":\"fast\"}")).reason());
    }

    /** Issue 10: a time that parses but overflows epoch millis threw ArithmeticException and stopped the follower. */
    @Test
    void timesBeyondEpochMillisAreDeadLetteredNotThrown() {
        for (String time : new String[] {"\"+300000000-01-01T00:00:00Z\"", "\"-300000000-01-01T00:00:00Z\"",
            "\"+300000000-01-01T00:00:00+01:00\"", "\"+300000000-01-01T00:00:00\"", "99999999999999999999",
            "\"99999999999999999999\"", "1e300"}) {
            WireFormatException e = assertThrows(WireFormatException.class,
                () -> SpeedWire.parse("{\"segment\":\"s\",\"time\":" + time + ",\"speed\":50}"), time);
            assertEquals("bad-time", e.reason(), time);
            WireFormatException f = assertThrows(WireFormatException.class, () -> ForecastWire.parse(
                "{\"segment\":\"a\",\"issuedAt\":" + time + ",\"horizonsMin\":[5],\"speed\":[1],\"level\":[\"free\"],"
                    + "\"lower\":[1],\"upper\":[1]}"), time);
            assertEquals("bad-time", f.reason(), time);
        }
    }
}
