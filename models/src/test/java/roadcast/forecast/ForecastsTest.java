package roadcast.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import roadcast.clean.CredibilityRules;
import roadcast.congestion.CongestionGrader;
import roadcast.congestion.LevelHold;
import roadcast.fit.ManifoldTrainer;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.history.SpeedHistory;
import roadcast.history.SpeedUnit;
import roadcast.model.ManifoldModel;
import roadcast.testdata.SyntheticCity;

class ForecastsTest {

    /** A model of the city's first two days, version v0007. */
    static ManifoldModel trained(SyntheticCity city) {
        return ManifoldTrainer.fit(city.history().rows(0, 2 * 288), city.network(),
                TrainingConfig.defaults("s", "p", CredibilityRules.defaults(SpeedUnit.MPH)).withFixed(2, 1, 1),
                ProgressListener.NONE).withVersion("v0007-20260101T000000");
    }

    @Test
    void recordsCarryKernelOutputLevelsAndObservations() {
        SyntheticCity city = SyntheticCity.generate(12, 2 * 288 + 10, 2, 4);
        ManifoldModel model = trained(city);
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
                assertEquals(LevelHold.level(grader, city.network().segment(i).roadClass(), model.freeFlowSpeed(i),
                        out.zones[0].now[i], f.speed()[k], f.lower()[k], f.upper()[k], model.levelHold()[k])
                        .wireName(), f.level()[k]);
            }
        }
    }

    /**
     * The level the stream publishes is the model's level hold applied to the kernel's nowcast and band: with a hold
     * that covers the whole band, every level the point forecast would change stays the current one.
     */
    @Test
    void levelsFollowTheModelsHold() {
        SyntheticCity city = SyntheticCity.generate(12, 2 * 288 + 10, 2, 4);
        ManifoldModel trained = ManifoldTrainer.fit(city.history().rows(0, 2 * 288), city.network(),
                TrainingConfig.defaults("s", "p", CredibilityRules.defaults(SpeedUnit.MPH)).withFixed(2, 1, 1),
                ProgressListener.NONE);
        double[] full = new double[trained.horizonsMin().length];
        java.util.Arrays.fill(full, 2.0);
        ManifoldModel none = trained.withLevelHold(new double[full.length]);
        ManifoldModel held = trained.withLevelHold(full);
        CongestionGrader grader = CongestionGrader.of(SpeedUnit.MPH);
        NetworkForecaster forecaster = new NetworkForecaster(none);
        NetworkForecast out = forecaster.newForecast();
        SpeedHistory h = city.history();
        int changed = 0;
        int heldBack = 0;
        for (int t = 0; t < 2 * 288 + 10; t++) {
            forecaster.observe(h.epochMillis(t), h.speed()[t]);
            if (t < 2 * 288) {
                continue;
            }
            forecaster.forecast(out);
            for (int z = 0; z < none.zoneCount(); z++) {
                List<Forecast> point = Forecasts.toRecords(none, z, out.zones[z], null);
                List<Forecast> kept = Forecasts.toRecords(held, z, out.zones[z], null);
                for (int i = 0; i < point.size(); i++) {
                    int s = none.zone(z).segment(i);
                    String current = grader.level(city.network().segment(s).roadClass(), out.zones[z].now[i],
                            none.freeFlowSpeed(s)).wireName();
                    for (int k = 0; k < full.length; k++) {
                        assertEquals(grader.level(city.network().segment(s).roadClass(), point.get(i).speed()[k],
                                none.freeFlowSpeed(s)).wireName(), point.get(i).level()[k], "hold 0: the point grade");
                        assertEquals(point.get(i).speed()[k], kept.get(i).speed()[k], 0.0, "speeds never change");
                        if (!point.get(i).level()[k].equals(current)) {
                            changed++;
                            // the band (x2) of a forecast that changes level still reaches the current speed here
                            double y = point.get(i).speed()[k];
                            double edge = out.zones[z].now[i] > y ? point.get(i).upper()[k] : point.get(i).lower()[k];
                            double reach = y + 2 * (edge - y);
                            boolean reaches = out.zones[z].now[i] > y ? reach >= out.zones[z].now[i]
                                    : reach <= out.zones[z].now[i];
                            if (reaches) {
                                assertEquals(current, kept.get(i).level()[k]);
                                heldBack++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(changed > 0 && heldBack > 0, "the fixture has forecasts that change level (" + changed
                + ") and the hold keeps some of them at the current level (" + heldBack + ")");
    }
}
