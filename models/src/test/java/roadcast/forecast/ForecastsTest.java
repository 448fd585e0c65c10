package roadcast.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import roadcast.clean.CredibilityRules;
import roadcast.congestion.CongestionGrader;
import roadcast.fit.ManifoldTrainer;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.history.SpeedHistory;
import roadcast.history.SpeedUnit;
import roadcast.model.ManifoldModel;
import roadcast.testdata.SyntheticCity;

class ForecastsTest {

    @Test
    void recordsCarryKernelOutputLevelsAndObservations() {
        SyntheticCity city = SyntheticCity.generate(12, 2 * 288 + 10, 2, 4);
        ManifoldModel model = ManifoldTrainer.fit(city.history().rows(0, 2 * 288), city.network(),
                TrainingConfig.defaults("s", "p", CredibilityRules.defaults(SpeedUnit.MPH)).withFixed(2, 1, 1),
                ProgressListener.NONE).withVersion("v0007-20260101T000000");
        NetworkForecaster forecaster = new NetworkForecaster(model);
        SpeedHistory h = city.history();
        float[] row = h.speed()[2 * 288 + 5].clone();
        row[3] = Float.NaN;
        for (int t = 0; t < 2 * 288 + 5; t++) {
            forecaster.observe(h.epochMillis(t), h.speed()[t]);
        }
        forecaster.observe(h.epochMillis(2 * 288 + 5), row);
        NetworkForecast out = forecaster.newForecast();
        forecaster.forecast(out);
        List<Forecast> records = Forecasts.toRecords(model, 0, out.zones[0], forecaster.lastZoneRow(0));
        assertEquals(12, records.size());
        CongestionGrader grader = CongestionGrader.of(SpeedUnit.MPH);
        for (int i = 0; i < 12; i++) {
            Forecast f = records.get(i);
            assertEquals("s" + i, f.segment());
            assertEquals("v0007-20260101T000000", f.modelVersion());
            assertEquals(h.epochMillis(2 * 288 + 5), f.issuedAt());
            assertArrayEquals(model.horizonsMin(), f.horizonsMin());
            assertEquals(i == 3, f.imputed());
            assertEquals(i == 3 ? Double.NaN : row[i], f.observedSpeed(), 1e-6);
            for (int k = 0; k < f.speed().length; k++) {
                assertEquals(out.speed(k, i), f.speed()[k]);
                assertTrue(f.lower()[k] < f.speed()[k] && f.speed()[k] < f.upper()[k]);
                assertEquals(grader.level(city.network().segment(i).roadClass(), f.speed()[k],
                        model.freeFlowSpeed(i)).wireName(), f.level()[k]);
            }
        }
    }
}
