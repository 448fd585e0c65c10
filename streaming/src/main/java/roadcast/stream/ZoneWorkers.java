package roadcast.stream;

import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.flink.api.common.operators.MailboxExecutor;

/**
 * A zone's pure work of a closed step (the kernel's observe and forecast, the copy and its JSON records) on a
 * small pool of threads beside the zone operator's task thread, which meanwhile goes on reading readings; the results
 * are published on the task thread (Flink's {@code Output} is not thread-safe) in the order the work was handed over,
 * so each segment's forecasts keep their order and the output is the one the operator gives without the pool.
 *
 * <p>Ownership: from {@link #submit} until its result is published, the zone's kernel state and its row and output
 * buffers belong to the work; the operator calls {@link #awaitZone} before it touches them again (a later close of
 * the zone, a provisional forecast), and {@link #drainAll} where every result must be out first: before a checkpoint
 * barrier (the forecasts of the state a checkpoint holds must be in its transaction), before the watermark that
 * follows an event-time close, at the end of the input, and before a model switch regroups the zones. At most one
 * piece of work per zone is pending (a zone's next close awaits the last), so the queue holds at most one per zone.
 *
 * <p>A finished piece of work wakes the task thread through its mailbox ({@link MailboxExecutor}, as Flink's
 * asynchronous I/O operator does), so results are published soon after they are ready also when no input comes (the
 * end of a step's burst: its last zones' forecasts are its lag). Publishing waits for the oldest piece of work:
 * results finished out of order wait for it.
 *
 * @param <R> a result, published by the operator's callback
 */
final class ZoneWorkers<R> implements AutoCloseable {

    /** Publishes one result on the task thread. */
    @FunctionalInterface
    interface Publisher<R> {
        void publish(R result) throws Exception;
    }

    private final ExecutorService pool;
    private final MailboxExecutor mailbox;
    private final Publisher<R> publisher;
    private final ArrayDeque<Work> queue = new ArrayDeque<>();
    /** [zone] pieces of work in {@link #queue} (0 or 1). */
    private int[] pendingOfZone;

    /**
     * @param threads the pool's threads (at least 1)
     * @param zones   zones of the layout in service
     * @param mailbox the task's mailbox, for the wake-ups
     */
    ZoneWorkers(int threads, int zones, MailboxExecutor mailbox, Publisher<R> publisher) {
        AtomicInteger count = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "zone-worker-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.mailbox = mailbox;
        this.publisher = publisher;
        this.pendingOfZone = new int[zones];
    }

    /** Hands zone {@code zone}'s work to the pool; the zone must have none pending ({@link #awaitZone} first). */
    void submit(int zone, Callable<R> work) {
        if (pendingOfZone[zone] != 0) {
            throw new IllegalStateException("zone " + zone + " already has work pending");
        }
        Work w = new Work(zone, work);
        queue.addLast(w);
        pendingOfZone[zone]++;
        pool.execute(w);
    }

    /** Publishes the results up to zone {@code zone}'s pending one, waiting for them; nothing when none is pending. */
    void awaitZone(int zone) throws Exception {
        while (pendingOfZone[zone] != 0) {
            publishHead();
        }
    }

    /** Publishes every pending result, waiting for each. */
    void drainAll() throws Exception {
        while (!queue.isEmpty()) {
            publishHead();
        }
    }

    /** Publishes the results that are ready, oldest first, up to the first that is not (the mailbox's wake-up). */
    void publishReady() throws Exception {
        while (!queue.isEmpty() && queue.peekFirst().isDone()) {
            publishHead();
        }
    }

    /** Pieces of work not yet published. */
    int size() {
        return queue.size();
    }

    /** A new zoning (after {@link #drainAll}): zones are numbered anew. */
    void rezoned(int zones) {
        if (!queue.isEmpty()) {
            throw new IllegalStateException(queue.size() + " zone results pending across a rezoning");
        }
        pendingOfZone = new int[zones];
    }

    /** Publishes the oldest result, waiting for it. */
    private void publishHead() throws Exception {
        Work w = queue.peekFirst();
        R result;
        try {
            result = w.get();
        } catch (ExecutionException e) {
            // the zone's kernel failed: fail the task as the same failure on the task thread would
            Throwable cause = e.getCause();
            throw cause instanceof Exception ex ? ex : new RuntimeException(cause);
        }
        queue.removeFirst();
        pendingOfZone[w.zone]--;
        publisher.publish(result);
    }

    /** Stops the threads; pending work is dropped (the task is closing or failing: its state restores it). */
    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** One zone's work; when it finishes it asks the task thread to publish what is ready. */
    private final class Work extends FutureTask<R> {
        final int zone;

        Work(int zone, Callable<R> work) {
            super(work);
            this.zone = zone;
        }

        @Override
        protected void done() {
            try {
                mailbox.execute(ZoneWorkers.this::publishReady, "publish zone forecasts");
            } catch (RejectedExecutionException closing) {
                // the task is finishing or failing: nothing is published any more
            }
        }
    }
}
