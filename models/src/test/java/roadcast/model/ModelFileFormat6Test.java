package roadcast.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


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
            double[] b = new double[zm.horizons() * ZoneModel.SMOOTHING_CELLS];
            Arrays.fill(b, 0.4);
            smoothed[z] = zm.withNowcastSmoothing(b);
            without[z] = zm.withoutNowcastSmoothing();
        }
        ManifoldModel model = ModelFileTest.withZones(trained, smoothed);
        ModelFileTest.assertZonesRoundTrip(model, dir.resolve("v7.rcm"), "format 7 keeps the nowcast smoothing");

        ManifoldModel v6 = ModelFileTest.readAsFormat(model, dir, 6);
        for (int z = 0; z < model.zoneCount(); z++) {
            assertEquals(without[z], v6.zone(z), "format 6 reads everything else as written, no smoothing");
        }
        assertTrue(ModelFileTest.sameForecastsAndCurrentDiffers(ModelFileTest.withZones(trained, without), v6, model),
                "the nowcast smoothing takes part in the format 7 model's forecasts");
    }
}
