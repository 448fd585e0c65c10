package roadcast.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import roadcast.forecast.NetworkForecast;
import roadcast.forecast.NetworkForecaster;
import roadcast.history.SpeedHistory;

/**
 * Format 7 adds each zone's nowcast smoothing weights; a format 6 model still reads, without them, and forecasts what
 * it always did.
 */
class ModelFileFormat6Test {

    @Test
    void currentFormatKeepsTheNowcastSmoothingAndFormatSixReadsWithoutIt(@TempDir Path dir) throws Exception {
        ManifoldModel trained = ModelFileTest.model();
        ZoneModel[] smoothed = new ZoneModel[trained.zoneCount()];
        ZoneModel[] without = new ZoneModel[trained.zoneCount()];
        for (int z = 0; z < smoothed.length; z++) {
            ZoneModel zm = trained.zone(z);
            double[] b = new double[zm.horizons() * ZoneModel.PERIODS];
            Arrays.fill(b, 0.4);
            smoothed[z] = zm.withNowcastSmoothing(b);
            without[z] = zm.withoutNowcastSmoothing();
        }
        ManifoldModel model = withZones(trained, smoothed);
        Path current = dir.resolve("v7.rcm");
        ModelFile.write(model, current);
        ManifoldModel back = ModelFile.read(current);
        for (int z = 0; z < model.zoneCount(); z++) {
            assertEquals(model.zone(z), back.zone(z), "format 7 keeps the nowcast smoothing");
        }

        Path old = dir.resolve("v6.rcm");
        Files.write(old, ModelFileFormat1Test.olderFormat(model, dir, 6));
        ManifoldModel v6 = ModelFile.read(old);
        for (int z = 0; z < model.zoneCount(); z++) {
            assertEquals(without[z], v6.zone(z), "format 6 reads everything else as written, no smoothing");
        }
        NetworkForecaster a = new NetworkForecaster(withZones(trained, without));
        NetworkForecaster b = new NetworkForecaster(v6);
        NetworkForecaster c = new NetworkForecaster(model);
        NetworkForecast fa = a.newForecast();
        NetworkForecast fb = b.newForecast();
        NetworkForecast fc = c.newForecast();
        SpeedHistory h = ModelFileTest.city.history();
        boolean differs = false;
        for (int t = 0; t < 200; t++) {
            a.observe(h.epochMillis(t), h.speed()[t]);
            b.observe(h.epochMillis(t), h.speed()[t]);
            c.observe(h.epochMillis(t), h.speed()[t]);
            a.forecast(fa);
            b.forecast(fb);
            c.forecast(fc);
            for (int s = 0; s < model.network().size(); s++) {
                for (int k = 0; k < model.horizonsMin().length; k++) {
                    assertEquals(fa.speed(k, s), fb.speed(k, s), 0.0);
                    differs |= fa.speed(k, s) != fc.speed(k, s);
                }
            }
        }
        assertTrue(differs, "the nowcast smoothing takes part in the format 7 model's forecasts");
    }

    private static ManifoldModel withZones(ManifoldModel model, ZoneModel[] zones) {
        double[] freeFlow = new double[model.network().size()];
        Arrays.setAll(freeFlow, model::freeFlowSpeed);
        return new ManifoldModel(model.card(), model.network(), model.unit(), model.step(), model.timeZone(),
                model.horizonsMin(), zones, model.zoneIds(), freeFlow, model.credibility(), model.skill());
    }
}
