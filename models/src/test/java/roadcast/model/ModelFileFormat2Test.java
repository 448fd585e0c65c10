package roadcast.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * Format 3 adds each zone's calibrated band and blend; a format 2 model (in service before) still reads, and forecasts
 * what it always did: the symmetric band of +-bandZ sigma and no blend.
 */
class ModelFileFormat2Test {

    @Test
    void currentFormatKeepsBandAndBlendAndFormatTwoReadsWithTheOldSymmetricBand(@TempDir Path dir) throws Exception {
        ManifoldModel model = ModelFileTest.model();
        ZoneModel z0 = model.zone(0);
        assertFalse(Arrays.equals(ZoneModel.symmetricBand(z0.horizons(), z0.bandZ()), z0.band()),
                "a trained model has a calibrated band");
        Path current = dir.resolve("v3.rcm");
        ModelFile.write(model, current);
        ManifoldModel back = ModelFile.read(current);
        for (int z = 0; z < model.zoneCount(); z++) {
            assertArrayEquals(model.zone(z).band(), back.zone(z).band());
            assertArrayEquals(model.zone(z).blend(), back.zone(z).blend());
        }

        Path old = dir.resolve("v2.rcm");
        Files.write(old, ModelFileFormat1Test.olderFormat(model, dir, 2));
        ManifoldModel v2 = ModelFile.read(old);
        assertArrayEquals(model.zoneIds(), v2.zoneIds(), "format 2 keeps the zone ids");
        for (int z = 0; z < model.zoneCount(); z++) {
            ZoneModel zm = v2.zone(z);
            assertArrayEquals(model.zone(z).sigma(), zm.sigma());
            assertArrayEquals(ZoneModel.symmetricBand(zm.horizons(), zm.bandZ()), zm.band());
            assertTrue(Arrays.stream(zm.blend()).allMatch(w -> w == 0.0));
        }
        // the forecast of the old model: the manifold forecast (no blend) -+ bandZ sigma, clamped at 0
        SpeedHistory h = ModelFileTest.city.history();
        ManifoldModel unblended = model;
        ZoneModel[] zones = new ZoneModel[model.zoneCount()];
        for (int z = 0; z < zones.length; z++) {
            ZoneModel zm = model.zone(z);
            zones[z] = zm.withoutTrend().withoutJump().withoutNowcastSmoothing().withBands(zm.sigma(), zm.band(), new double[zm.blend().length]);
        }
        unblended = new ManifoldModel(model.card(), model.network(), model.unit(), model.step(), model.timeZone(),
                model.horizonsMin(), zones, model.zoneIds(), freeFlow(model), model.credibility(), model.skill());
        NetworkForecaster a = new NetworkForecaster(unblended);
        NetworkForecaster b = new NetworkForecaster(v2);
        NetworkForecast fa = a.newForecast();
        NetworkForecast fb = b.newForecast();
        for (int t = 0; t < 300; t++) {
            a.observe(h.epochMillis(t), h.speed()[t]);
            b.observe(h.epochMillis(t), h.speed()[t]);
            a.forecast(fa);
            b.forecast(fb);
            for (int s = 0; s < model.network().size(); s++) {
                int zone = v2.zoneOf(s);
                ZoneModel zm = v2.zone(zone);
                for (int k = 0; k < model.horizonsMin().length; k++) {
                    double x = fb.speed(k, s);
                    assertEquals(fa.speed(k, s), x, 1e-9);
                    double half = zm.bandZ() * zm.sigma()[k * zm.size() + v2.localIndexOf(s)];
                    assertEquals(Math.max(0, Math.min(x, x - half)), fb.lower(k, s), 1e-9);
                    assertEquals(Math.max(x, x + half), fb.upper(k, s), 1e-9);
                }
            }
        }
    }

    private static double[] freeFlow(ManifoldModel m) {
        double[] f = new double[m.network().size()];
        Arrays.setAll(f, m::freeFlowSpeed);
        return f;
    }
}
