package roadcast.scratch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * A run's scratch directory is gone once closed, with what the run wrote in it (nested directories, files), and a
 * second close is harmless (a command's try-with-resources and an embedded broker both close theirs). The interrupted
 * runs (the shutdown hook) are {@code ScratchDirectoriesTest}'s, in streaming-tools.
 */
class ScratchDirectoryTest {

    @Test
    void closingDeletesTheDirectoryAndEverythingInIt() throws Exception {
        Path dir;
        try (ScratchDirectory scratch = ScratchDirectory.create("roadcast-scratch-test")) {
            dir = scratch.path();
            Path nested = Files.createDirectories(dir.resolve("city").resolve("part"));
            Files.writeString(nested.resolve("speed.csv"), "t,s\n");
            Files.writeString(dir.resolve("model.rcm"), "x");
            assertTrue(Files.isDirectory(dir), "made in " + dir);
            scratch.close();
            assertFalse(Files.exists(dir), "deleted on close: " + dir);
        }
        assertFalse(Files.exists(dir), "the second close (try-with-resources) finds nothing and throws nothing");
    }
}
