package roadcast.topics;

import org.junit.jupiter.api.Test;
import roadcast.fixtures.SampleForecasts;
import roadcast.forecast.Forecast;
import roadcast.forecast.ForecastJson;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Serving reads the forecast topic with its own codec: it must agree with the producer's ForecastJson both ways. */
class ForecastJsonCompatibilityTest {

    @Test
    void producerJsonReadsAndServingJsonIsReadByTheProducerCodec() throws Exception {
        for (double observed : new double[] {42.5, Double.NaN}) {
            Forecast f = SampleForecasts.of("717447", 1_330_560_300_000L, observed, -1.25);
            Forecast viaProducer = ForecastWire.parse(ForecastJson.toJson(f));
            Forecast viaServing = ForecastJson.fromJson(ForecastWire.write(f));
            for (Forecast back : new Forecast[] {viaProducer, viaServing}) {
                assertEquals(f.segment(), back.segment());
                assertEquals(f.issuedAt(), back.issuedAt());
                assertEquals(f.modelVersion(), back.modelVersion());
                assertEquals(Double.isNaN(observed), Double.isNaN(back.observedSpeed()));
                assertArrayEquals(f.horizonsMin(), back.horizonsMin());
                assertArrayEquals(f.speed(), back.speed(), 0.005 + 1e-9, "speed: the producer writes two decimals");
                assertArrayEquals(f.level(), back.level());
                assertArrayEquals(f.lower(), back.lower(), 0.005 + 1e-9, "lower: the producer writes two decimals");
                assertArrayEquals(f.upper(), back.upper(), 0.005 + 1e-9, "upper: the producer writes two decimals");
            }
        }
        assertTrue(ForecastJson.toJson(SampleForecasts.of("a", 0, 1, 0)).contains("\"issuedAt\""));
    }

    @Test
    void coverageAndTheEstimateNowTravelBothWaysAndOldRecordsReadAsObserved() throws Exception {
        Forecast f = SampleForecasts.extended("no-loop-7", 1_330_560_300_000L, 38.25, -0.5);
        for (Forecast back : new Forecast[] {ForecastWire.parse(ForecastJson.toJson(f)),
            ForecastJson.fromJson(ForecastWire.write(f))}) {
            assertEquals(Forecast.EXTENDED, back.coverage());
            assertEquals(38.25, back.estimatedSpeed(), 1e-9);
            assertTrue(Double.isNaN(back.observedSpeed()) && back.imputed());
        }
        Forecast observed = SampleForecasts.of("717447", 1_330_560_300_000L, 42.5, -1.25);
        String before = ForecastJson.toJson(observed).replace(",\"coverage\":\"observed\"", "");
        assertFalse(before.contains("coverage"), before);
        Forecast old = ForecastWire.parse(before);
        assertEquals(Forecast.OBSERVED, old.coverage(), "a record from before coverage extension is observed");
        assertTrue(Double.isNaN(old.estimatedSpeed()));
        WireFormatException bad = assertThrows(WireFormatException.class,
            () -> ForecastWire.parse(ForecastJson.toJson(f).replace("\"extended\"", "\"guessed\"")));
        assertTrue(bad.getMessage().contains("coverage"), bad.getMessage());
    }
}
