package roadcast.stream;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.flink.runtime.checkpoint.CheckpointCoordinator;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks Flink for a checkpoint as soon as the zone operator has issued a step's forecasts, so that exactly-once output
 * is committed about one checkpoint's duration after the step closes instead of waiting for the periodic interval
 * (on average half of it, plus the checkpoint: README, issue 12). The periodic checkpoints stay as the backstop.
 *
 * <p>It is the zone operator's {@link OperatorCoordinator}: it runs in the JobManager beside the job's checkpoint
 * coordinator, which it calls directly ({@link CheckpointCoordinator#triggerCheckpoint(boolean)}, a non-periodic
 * request: Flink skips the minimum pause for it and, while a checkpoint is in flight, queues it ahead of periodic ones
 * instead of refusing it). The operator tells it through Flink's own operator-event channel (task to JobManager RPC),
 * so it works the same on the mini-cluster (demo, bench-stream, tests) and on a standalone cluster, with no REST
 * address to configure, no HTTP client on the task thread, and no polling.
 *
 * <p>At most one requested checkpoint is in flight: a signal that comes meanwhile is remembered and requested once the
 * first completes (its forecasts may have gone out after that checkpoint's barrier), so a fast replay that closes a
 * step every few milliseconds asks for at most one checkpoint after another, never a queue of them. And no sooner than
 * {@code minGapMillis} after the previous request (the periodic interval, at most a second): a replay or a catch-up
 * closes steps back to back, and checkpoints back to back cost it 38 % of its throughput (bench-stream 20,000 segments,
 * quiet: 166,957 against 271,493 readings/s without the pacer); a signal inside the gap is requested at its end, with
 * every other signal meanwhile. A live step every minute or five is never inside it. A failed request (the job
 * restarting, a checkpoint declined) is logged and dropped: the periodic checkpoint commits the output then, as before.
 * Nothing here throws into Flink, which would fail the job for a signal that is only an optimisation.
 */
public final class CheckpointPacer implements OperatorCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointPacer.class);

    /** The zone operator's signal: every zone has closed the step that starts at {@code stepStart}. */
    public record StepIssued(long stepStart) implements OperatorEvent {
    }

    /** Creates the pacer in the JobManager (the provider travels in the job graph). */
    public record Provider(OperatorID operatorId, long minGapMillis) implements OperatorCoordinator.Provider {
        @Override
        public OperatorID getOperatorId() {
            return operatorId;
        }

        @Override
        public OperatorCoordinator create(Context context) {
            return new CheckpointPacer(context, minGapMillis);
        }
    }

    private final Context context;
    private final long minGapNanos;
    /** Guarded by {@code this}: when the last checkpoint was requested (System.nanoTime; none: long ago). */
    private long lastRequestNanos;
    /** Guarded by {@code this}: a requested checkpoint has not completed yet. */
    private boolean inFlight;
    /** Guarded by {@code this}: a signal came while one was in flight. */
    private boolean again;
    /** Guarded by {@code this}: a request waits for the end of the gap. */
    private boolean deferred;

    CheckpointPacer(Context context, long minGapMillis) {
        this.context = context;
        this.minGapNanos = minGapMillis * 1_000_000L;
        this.lastRequestNanos = System.nanoTime() - minGapNanos;
    }

    @Override
    public void start() {
    }

    @Override
    public void close() {
    }

    @Override
    public void handleEventFromOperator(int subtask, int attemptNumber, OperatorEvent event) {
        if (event instanceof StepIssued) {
            request();
        }
    }

    /** A checkpoint now, once the one in flight completes, or at the end of the gap after the last request. */
    void request() {
        synchronized (this) {
            if (inFlight || deferred) {
                again |= inFlight;
                return;
            }
            long wait = lastRequestNanos + minGapNanos - System.nanoTime();
            if (wait > 0) {
                deferred = true;
                CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS).execute(this::gapEnded);
                return;
            }
            inFlight = true;
            lastRequestNanos = System.nanoTime();
        }
        trigger();
    }

    private void gapEnded() {
        synchronized (this) {
            deferred = false;
        }
        request();
    }

    /**
     * Outside the lock: the checkpoint coordinator takes its own lock and may complete the future on the calling
     * thread (a request refused at once), which calls {@link #finished} back.
     */
    private void trigger() {
        CheckpointCoordinator checkpoints = context.getCheckpointCoordinator();
        if (checkpoints == null) { // checkpointing off: nothing to commit early
            synchronized (this) {
                inFlight = false;
                again = false;
            }
            return;
        }
        CompletableFuture<?> done;
        try {
            done = checkpoints.triggerCheckpoint(false);
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        done.whenComplete((checkpoint, failure) -> finished(failure));
    }

    private void finished(Throwable failure) {
        if (failure != null) {
            LOG.debug("requested checkpoint not taken ({}); the periodic one commits instead", failure.toString());
        }
        boolean follow;
        synchronized (this) {
            inFlight = false;
            follow = again;
            again = false;
        }
        if (follow) {
            request();
        }
    }

    @Override
    public void checkpointCoordinator(long checkpointId, CompletableFuture<byte[]> result) {
        result.complete(new byte[0]); // no state: a restored job starts with nothing in flight
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
    }

    @Override
    public void resetToCheckpoint(long checkpointId, byte[] checkpointData) {
        synchronized (this) {
            again = false;
        }
    }

    @Override
    public void subtaskReset(int subtask, long checkpointId) {
    }

    @Override
    public void executionAttemptFailed(int subtask, int attemptNumber, Throwable reason) {
    }

    @Override
    public void executionAttemptReady(int subtask, int attemptNumber, SubtaskGateway gateway) {
    }
}
