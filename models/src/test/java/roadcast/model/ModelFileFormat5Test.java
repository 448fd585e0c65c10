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
 * Format 6 adds each zone's jump term of the local correction (weights and thresholds); a format 5 model still reads,
 * without it, and forecasts what it always did.
 */
class ModelFileFormat5Test {

    @Test
    void currentFormatKeepsTheJumpTermAndFormatFiveReadsWithoutIt(@TempDir Path dir) throws Exception {
        ManifoldModel model = ModelFileTest.model();
        boolean anyWeight = false;
        for (int z = 0; z < model.zoneCount(); z++) {
            anyWeight |= Arrays.stream(model.zone(z).jump()).anyMatch(k -> k != 0.0);
            assertTrue(Arrays.stream(model.zone(z).jumpThreshold()).allMatch(t -> t > 0),
                    "a trained zone's thresholds come from its residuals' jumps");
        }
        assertTrue(anyWeight, "a trained model has jump weights");
        Path current = dir.resolve("v6.rcm");
        ModelFile.write(model, current);
        ManifoldModel back = ModelFile.read(current);
        for (int z = 0; z < model.zoneCount(); z++) {
            assertEquals(model.zone(z), back.zone(z), "format 6 keeps the jump weights and thresholds");
        }

        Path old = dir.resolve("v5.rcm");
        Files.write(old, ModelFileFormat1Test.olderFormat(model, dir, 5));
        ManifoldModel v5 = ModelFile.read(old);
        ZoneModel[] zones = new ZoneModel[model.zoneCount()];
        for (int z = 0; z < zones.length; z++) {
            ZoneModel zm = v5.zone(z);
            assertTrue(Arrays.stream(zm.jump()).allMatch(k -> k == 0.0), "format 5 has no jump term");
            assertTrue(Arrays.stream(zm.jumpThreshold()).allMatch(t -> t == Double.POSITIVE_INFINITY));
            // format 5 has no jump term, and no detector scale of its own either (the detector reads the band)
            ZoneModel written = model.zone(z).withoutJump().withoutNowcastSmoothing();
            zones[z] = written.withBands(written.sigma(), written.band(), written.blend(), written.trend());
            assertEquals(zones[z], zm, "everything else reads as written");
        }
        // the format 5 model forecasts what the current model does without its jump term, and the term matters
        double[] freeFlow = new double[model.network().size()];
        Arrays.setAll(freeFlow, model::freeFlowSpeed);
        ManifoldModel withoutJump = new ManifoldModel(model.card(), model.network(), model.unit(), model.step(),
                model.timeZone(), model.horizonsMin(), zones, model.zoneIds(), freeFlow, model.credibility(),
                model.skill());
        NetworkForecaster a = new NetworkForecaster(withoutJump);
        NetworkForecaster b = new NetworkForecaster(v5);
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
        assertTrue(differs, "the jump term takes part in the current model's forecasts");
    }
}
