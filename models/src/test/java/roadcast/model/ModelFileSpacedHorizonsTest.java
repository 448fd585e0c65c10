package roadcast.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import roadcast.clean.CredibilityRules;
import roadcast.fit.ManifoldTrainer;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.history.SpeedUnit;
import roadcast.testdata.SyntheticCity;

/**
 * Format 9: horizons may be spaced (1-minute steps forecast 1, 5, 10, ... minutes ahead). A reader of format 8 would
 * take such a file's horizons for consecutive steps and forecast the wrong lead times, so the file says 9 and those
 * readers refuse it; format 8 files (every horizon one step after the last) still read.
 */
class ModelFileSpacedHorizonsTest {

    @Test
    void aSpacedModelIsWrittenAsFormatNineAndReadsBack(@TempDir Path dir) throws Exception {
        Duration step = Duration.ofMinutes(1);
        SyntheticCity city = SyntheticCity.generate(8, 2 * 1440, 2, 5, 0.0, ZoneId.of("UTC"), step);
        TrainingConfig cfg = TrainingConfig.defaults("synthetic", "test fixture",
                CredibilityRules.defaults(SpeedUnit.MPH, step)).withFixed(2, 1, 1.0).withMaxHorizon(15);
        ManifoldModel spaced = ManifoldTrainer.fit(city.history(), city.network(), cfg, ProgressListener.NONE);
        assertArrayEquals(new int[] {1, 5, 10, 15}, spaced.horizonsMin());
        assertEquals(new HorizonLeads(new int[] {1, 5, 10, 15}), spaced.leads());

        Path file = dir.resolve("spaced.rcm");
        ModelFile.write(spaced, file);
        byte[] bytes = Files.readAllBytes(file);
        // format 9 or later (10 adds the kriging kernel's lagged feature): newer than a reader of format 8
        assertTrue(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(8) >= 9,
                "a build reading up to format 8 refuses the file as newer");
        ManifoldModel read = ModelFile.read(file);
        assertEquals(spaced.leads(), read.leads());
        assertEquals(spaced.leads(), read.zone(0).leads());

        // the same file labelled format 8 (an older writer never made one): refused, not read as steps 1..4
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ModelFileTest.readAsFormat(spaced, dir, 8));
        assertTrue(e.getMessage().contains("spaced"), e.getMessage());
    }

    @Test
    void aFormatEightModelOfConsecutiveHorizonsStillReads(@TempDir Path dir) throws Exception {
        ManifoldModel model = ModelFileTest.model();
        ManifoldModel v8 = ModelFileTest.readAsFormat(model, dir, 8);
        assertArrayEquals(model.horizonsMin(), v8.horizonsMin());
        assertEquals(HorizonLeads.consecutive(model.horizonsMin().length), v8.leads());
        assertEquals(model.zone(0), v8.zone(0));
    }
}
