package roadcast.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Format 8 adds the level hold of each horizon; a format 7 model still reads, with holds 0 (the levels it gave). */
class ModelFileFormat7Test {

    @Test
    void currentFormatKeepsTheLevelHoldsAndFormatSevenReadsWithZero(@TempDir Path dir) throws Exception {
        ManifoldModel trained = ModelFileTest.model();
        double[] holds = new double[trained.horizonsMin().length];
        Arrays.setAll(holds, h -> 0.1 * h);
        ManifoldModel model = trained.withLevelHold(holds);
        Path file = dir.resolve("v8.rcm");
        ModelFile.write(model, file);
        assertArrayEquals(holds, ModelFile.read(file).levelHold(), 0.0, "format 8 keeps the level holds");
        // a later change of the card must not lose them
        assertArrayEquals(holds, model.withVersion("v0001-20260101T000000").levelHold(), 0.0);

        ManifoldModel v7 = ModelFileTest.readAsFormat(model, dir, 7);
        assertArrayEquals(new double[holds.length], v7.levelHold(), 0.0, "format 7 reads with holds 0");
        assertEquals(model.zoneCount(), v7.zoneCount());
    }
}
