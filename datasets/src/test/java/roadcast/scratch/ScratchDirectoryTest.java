package roadcast.scratch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

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

    /**
     * A broker or a Flink task stopping at the same time as the shutdown hook keeps writing into the directory (a
     * segment rolled, a checkpoint): the deletion goes on until the directory stays gone. Two passes back to back
     * left it behind here (the writer re-creates its folder after them).
     */
    @Test
    void aDirectoryAThreadStillWritesIntoIsGoneOnceTheWriterStops() throws Exception {
        Path dir = Files.createTempDirectory("roadcast-scratch-test");
        long writeUntil = System.nanoTime() + 400_000_000L;
        Thread writer = new Thread(() -> {
            for (int i = 0; System.nanoTime() < writeUntil; i++) {
                try {
                    Path log = Files.createDirectories(dir.resolve("broker").resolve("topic-0"));
                    Files.writeString(log.resolve(i + ".log"), "record");
                    Thread.sleep(5);
                } catch (Exception e) {
                    // the deletion won this round; the writer goes on, as a stopping task does
                }
            }
        }, "writer");
        writer.start();
        Thread.sleep(50);
        ScratchDirectory.deleteRecursively(dir);
        writer.join();
        assertFalse(Files.exists(dir), "left behind while a thread still wrote into it: " + dir);
    }

    /**
     * At exit a writer that would go on for as long as the JVM runs (a Flink job checkpointing into the directory) is
     * stopped before the deletion; without that the deletion gave up with its folder re-created (a demo interrupted
     * under load left {@code checkpoints/<job>/chk-13}, ScratchDirectoriesTest).
     */
    @Test
    void atExitAWriterThatWouldNotStopIsStoppedBeforeTheDeletion() throws Exception {
        ScratchDirectory scratch = ScratchDirectory.create("roadcast-scratch-test");
        Path dir = scratch.path();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread job = new Thread(() -> {
            for (int i = 0; running.get(); i++) {
                try {
                    Path chk = Files.createDirectories(dir.resolve("checkpoints").resolve("chk-" + i));
                    Files.writeString(chk.resolve("_metadata"), "state");
                    Thread.sleep(20);
                } catch (Exception e) {
                    // the deletion won this round; a running job writes its next checkpoint all the same
                }
            }
        }, "checkpointing job");
        job.start();
        try {
            scratch.stopOnExitBeforeDeleting(() -> {
                running.set(false);
                job.join();
            });
            Thread.sleep(50);
            scratch.deleteAtExit();
            Thread.sleep(100); // the JVM's other hooks may still run: a writer left running re-creates its folder
            assertFalse(Files.exists(dir), "left behind, re-created by a writer still running: " + dir);
            assertFalse(running.get(), "the writer was stopped");
        } finally {
            running.set(false);
            job.join();
            scratch.close();
        }
    }
}
