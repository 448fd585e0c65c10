package roadcast.scratch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A temporary directory of a local run (a generated city, checkpoints, an embedded broker's log, a store), deleted
 * when closed and, should the JVM be stopped before (Ctrl-C, SIGTERM), by a shutdown hook. Why: {@code bench-stream}
 * and the demo made theirs with {@link Files#createTempDirectory} and never deleted them, and a try-with-resources
 * does not unwind on an interrupt; 256 of them were found in /tmp, the 200,000-segment benchmark's 1.1 GB each
 * (README, issue 12). A process killed with SIGKILL still leaves its directory: nothing runs then. It lives in the
 * datasets module, the lowest that makes such directories (the generated city of {@code LosLoopOrCity}), so that
 * every module above deletes them the one way.
 */
public final class ScratchDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScratchDirectory.class);

    private final Path path;
    private final Thread onExit;
    /** What writes into the directory, to stop at exit before the deletion; latest first. */
    private final Deque<AutoCloseable> writers = new ConcurrentLinkedDeque<>();
    private boolean closed;

    private ScratchDirectory(Path path) {
        this.path = path;
        this.onExit = new Thread(this::deleteAtExit, "delete " + path.getFileName());
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** A new directory named {@code prefix...} in the JVM's temporary directory ({@code java.io.tmpdir}). */
    public static ScratchDirectory create(String prefix) throws IOException {
        return new ScratchDirectory(Files.createTempDirectory(prefix));
    }

    public Path path() {
        return path;
    }

    /**
     * Has the exit's deletion stop {@code writer} first (a Flink job checkpointing here: cancel it). Why: at SIGTERM
     * the JVM runs every shutdown hook at once while the program's own threads go on, so a demo's job wrote its next
     * checkpoint after the directory was deleted and left {@code checkpoints/<job>/chk-13} behind (one run in six
     * of ScratchDirectoriesTest under load). A normal {@link #close} stops nothing: the writer's owner closes it
     * first, in the same try-with-resources.
     *
     * @return closing it forgets {@code writer}, for an owner that stopped it already
     */
    public AutoCloseable stopOnExitBeforeDeleting(AutoCloseable writer) {
        writers.push(writer);
        return () -> writers.remove(writer);
    }

    /** The shutdown hook's work: the writers stopped, then the directory deleted. */
    void deleteAtExit() {
        for (AutoCloseable writer : writers) {
            try {
                writer.close();
            } catch (Exception e) {
                LOG.warn("could not stop a writer of {} before deleting it: {}", path, e.toString());
            }
        }
        deleteRecursively(path);
    }

    /** Deletes the directory and what it holds. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs (or ran) the deletion
            return;
        }
        deleteRecursively(path);
    }

    /**
     * Deletes {@code dir} and what it holds, as far as it can: a file that cannot be deleted (or one a thread still
     * writes while the JVM stops) is left with a warning, not thrown, since this runs on the way out.
     */
    public static void deleteRecursively(Path dir) {
        deleteRecursively(dir, SETTLE_MILLIS, GIVE_UP_MILLIS);
    }

    /** How long the directory must stay gone before the deletion is done. */
    static final long SETTLE_MILLIS = 100;
    /** How long the deletion goes on against a writer that does not stop. */
    static final long GIVE_UP_MILLIS = 3000;

    /**
     * Passes over {@code dir} until it has stayed gone for {@code settleMillis}, or {@code giveUpMillis} have passed.
     * Why not one pass, or two back to back: at exit (SIGTERM) the JVM runs every shutdown hook at once, so an
     * embedded broker or a Flink task can still be writing into the directory, or re-creating it (a log segment
     * rolled, a checkpoint written), while this walks it; two immediate passes still left a demo's directory now and
     * then (ScratchDirectoriesTest, under load).
     */
    static void deleteRecursively(Path dir, long settleMillis, long giveUpMillis) {
        long giveUpAt = System.nanoTime() + giveUpMillis * 1_000_000L;
        while (true) {
            boolean late = System.nanoTime() >= giveUpAt;
            if (Files.exists(dir)) {
                deleteOnce(dir, late);
            }
            if (late) {
                return;
            }
            try {
                Thread.sleep(settleMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                deleteOnce(dir, true);
                return;
            }
            if (!Files.exists(dir)) {
                return;
            }
        }
    }

    private static void deleteOnce(Path dir, boolean warn) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (NoSuchFileException gone) {
            // deleted meanwhile (the hook and close racing at exit)
        } catch (IOException | UncheckedIOException e) {
            if (warn) {
                LOG.warn("could not delete {}: {}", dir, e.toString());
            }
        }
    }
}
