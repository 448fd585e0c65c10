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

/**
 * The incident detector's scale ({@code zoneZ.alertSigma}, {@code zoneZ.alertBand}) is kept by the model file; a
 * file without it (written before it existed) reads with the detector on the forecast band, the band it always read.
 */
class ModelFileAlertScaleTest {

    @Test
    void theDetectorsScaleIsKeptAndAFileWithoutItReadsWithTheForecastBand(@TempDir Path dir) throws Exception {
        ManifoldModel model = ModelFileTest.model();
        boolean ownScale = false;
        for (int z = 0; z < model.zoneCount(); z++) {
            ZoneModel zm = model.zone(z);
            assertTrue(zm.hasAlertScale(), "a fitted zone keeps the detector's scale");
            ownScale |= !Arrays.equals(zm.alertSigma(), zm.sigma());
        }
        assertTrue(ownScale, "the detector's scale is not the forecast band's shrunk sigma");

        Path file = dir.resolve("current.rcm");
        ModelFile.write(model, file);
        ManifoldModel back = ModelFile.read(file);
        for (int z = 0; z < model.zoneCount(); z++) {
            assertArrayEquals(model.zone(z).alertSigma(), back.zone(z).alertSigma());
            assertArrayEquals(model.zone(z).alertBand(), back.zone(z).alertBand());
            assertEquals(model.zone(z), back.zone(z), "everything else as written");
        }

        Path before = dir.resolve("before.rcm");
        Files.write(before, ModelFileFormat1Test.olderFormat(model, dir, 5));
        ManifoldModel old = ModelFile.read(before);
        for (int z = 0; z < model.zoneCount(); z++) {
            // format 5 has no jump term either (ModelFileFormat5Test)
            ZoneModel written = model.zone(z).withoutJump().withoutNowcastSmoothing();
            ZoneModel zm = old.zone(z);
            assertFalse(zm.hasAlertScale(), "no scale of its own in a file of the builds before");
            assertArrayEquals(zm.sigma(), zm.alertSigma(), "the detector falls back to the band's sigma");
            assertArrayEquals(zm.band(), zm.alertBand(), "and to the band's quantiles");
            assertEquals(written.withBands(written.sigma(), written.band(), written.blend(), written.trend()), zm,
                    "the forecast and its band read as written");
        }

        // a model without a scale of its own writes none, and reads back without one
        ModelFile.write(old, dir.resolve("again.rcm"));
        assertFalse(ModelFile.read(dir.resolve("again.rcm")).zone(0).hasAlertScale());
    }
}
