package roadcast.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


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
        ModelFileTest.assertZonesRoundTrip(model, dir.resolve("v6.rcm"), "format 6 keeps the jump weights and thresholds");

        ManifoldModel v5 = ModelFileTest.readAsFormat(model, dir, 5);
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
        // the format 5 model forecasts what the current model does without its jump term, and the term matters (in
        // the current model without its nowcast smoothing, so that only the jump term differs)
        ZoneModel[] withJump = new ZoneModel[zones.length];
        Arrays.setAll(withJump, z -> model.zone(z).withoutNowcastSmoothing());
        assertTrue(ModelFileTest.sameForecastsAndCurrentDiffers(ModelFileTest.withZones(model, zones), v5,
                ModelFileTest.withZones(model, withJump)), "the jump term takes part in the current model's forecasts");
    }
}
