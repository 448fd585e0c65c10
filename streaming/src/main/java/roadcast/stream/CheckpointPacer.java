package roadcast.stream;

import java.util.concurrent.CompletableFuture;

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
 * step every few milliseconds asks for at most one checkpoint after another, never a queue of them. A failed request
 * (the job restarting, a checkpoint declined) is logged and dropped: the periodic checkpoint commits the output then,
 * as before. Nothing here throws into Flink, which would fail the job for a signal that is only an optimisation.
 */
public final class CheckpointPacer implements OperatorCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointPacer.class);

    /** The zone operator's signal: every zone has closed the step that starts at {@code stepStart}. */
    public record StepIssued(long stepStart) implements OperatorEvent {
    }

    /** Creates the pacer in the JobManager (the provider travels in the job graph). */
    public record Provider(OperatorID operatorId) implements OperatorCoordinator.Provider {
        @Override
        public OperatorID getOperatorId() {
            return operatorId;
        }

        @Override
        public OperatorCoordinator create(Context context) {
            return new CheckpointPacer(context);
        }
    }

    private final Context context;
    /** Guarded by {@code this}: a requested checkpoint has not completed yet. */
    private boolean inFlight;
    /** Guarded by {@code this}: a signal came while one was in flight. */
    private boolean again;

    CheckpointPacer(Context context) {
        this.context = context;
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

    /** A checkpoint now, or once the one in flight completes. */
    void request() {
        synchronized (this) {
            if (inFlight) {
                again = true;
                return;
            }
            inFlight = true;
        }
        trigger();
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
        synchronized (this) {
            if (!again) {
                inFlight = false;
                return;
            }
            again = false;
        }
        trigger();
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
