package roadcast.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader streams the file through a buffer of a few chunks instead of holding it as one byte array (at most
 * 2 GB): with a buffer of 20 bytes every array crosses chunk ends, and the model reads back the same as with the
 * default 1 MiB chunks, corrupt and short files refused the same way.
 */
class ModelFileChunksTest {

    @Test
    void tinyChunksReadTheSameModel(@TempDir Path dir) throws Exception {
        ManifoldModel model = ModelFileTest.model();
        Path file = dir.resolve("m.rcm");
        ModelFile.write(model, file);
        assertTrue(Files.size(file) > 100 * 20, "the file spans many chunks");
        ManifoldModel whole = ModelFile.read(file);
        ManifoldModel chunked = ModelFile.read(file, 20);
        assertEquals(whole.card(), chunked.card());
        assertEquals(model.card().payloadSha256(), chunked.card().payloadSha256());
        assertEquals(whole.network().segments(), chunked.network().segments());
        assertEquals(whole.network().links(), chunked.network().links());
        assertEquals(whole.skill(), chunked.skill());
        for (int z = 0; z < model.zoneCount(); z++) {
            assertEquals(model.zone(z), chunked.zone(z));
        }
        for (int s = 0; s < model.network().size(); s++) {
            assertEquals(model.freeFlowSpeed(s), chunked.freeFlowSpeed(s));
        }
        Path again = dir.resolve("again.rcm");
        ModelFile.write(chunked, again);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again), "the same bytes written back");
    }

    @Test
    void tinyChunksStillRefuseCorruptAndShortFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.rcm");
        ModelFile.write(ModelFileTest.model(), file);
        byte[] bytes = Files.readAllBytes(file);
        byte[] flipped = bytes.clone();
        flipped[flipped.length - 100] ^= 0x04;
        Path bad = dir.resolve("bad.rcm");
        Files.write(bad, flipped);
        ModelFormatException corrupt = assertThrows(ModelFormatException.class, () -> ModelFile.read(bad, 20));
        assertTrue(corrupt.getMessage().contains("checksum mismatch"), corrupt.getMessage());
        Files.write(bad, java.util.Arrays.copyOf(bytes, bytes.length - 9));
        ModelFormatException shorter = assertThrows(ModelFormatException.class, () -> ModelFile.read(bad, 20));
        assertTrue(shorter.getMessage().contains("truncated"), shorter.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelFile.read(file, 4));
    }
}
