package roadcast.stream;

import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.flink.runtime.checkpoint.CheckpointCoordinator;
import org.apache.flink.runtime.checkpoint.CompletedCheckpoint;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks Flink for a checkpoint as soon as the zone operator has issued forecasts that no checkpoint has committed yet,
 * so that exactly-once output is committed about one checkpoint's duration after its zone closes instead of waiting
 * for the periodic interval (on average half of it, plus the checkpoint: README, issue 12). The periodic checkpoints
 * stay as the backstop.
 *
 * <p>It is the zone operator's {@link OperatorCoordinator}: it runs in the JobManager beside the job's checkpoint
 * coordinator, which it calls directly ({@link CheckpointCoordinator#triggerCheckpoint(boolean)}, a non-periodic
 * request: Flink skips the minimum pause for it and, while a checkpoint is in flight, queues it ahead of periodic ones
 * instead of refusing it). The operator tells it through Flink's own operator-event channel (task to JobManager RPC),
 * so it works the same on the mini-cluster (demo, bench-stream, tests) and on a standalone cluster, with no REST
 * address to configure, no HTTP client on the task thread, and no polling.
 *
 * <p>Why per zone, not per step: with a live feed spread over the minute (sensor-phase) the zones close one after
 * another over the step's last seconds; a request only once the last zone had closed left the first zones' forecasts
 * to the periodic checkpoint, and they were the slowest 1 % (delivery p99 540 to 575 ms at 20,000 segments).
 *
 * <p>At most one requested checkpoint is in flight: a signal that comes meanwhile is remembered and requested once the
 * first completes (its forecasts may have gone out after that checkpoint's barrier), never a queue of them. A request
 * is dropped when any checkpoint that started after the signal has completed meanwhile (periodic ones too, see
 * {@link #checkpointCoordinator}): it has committed the signal's forecasts, so a replay's periodic checkpoints are not
 * doubled by requests made redundant while they ran.
 *
 * <p>What bounds the cost is a budget of checkpoint time (a token bucket whose tokens are nanoseconds): it fills at
 * {@link #SHARE} of the wall clock up to {@link #BURST_NANOS}, and each requested checkpoint spends its measured
 * duration (request to completion). A request while the budget is below zero waits until it is back at zero. So a
 * live feed, whose zones close within a few seconds once a minute, gets back-to-back checkpoints through its closes
 * (the budget has refilled since the last step), while a replay or a catch-up, which closes zones without pause, is
 * held to the share: its requested checkpoints take at most a tenth of the wall clock beside the periodic ones (back
 * to back they cost a replay 38 % of its throughput: bench-stream 20,000 segments, quiet, 166,957 against 271,493
 * readings/s). A fixed gap after each request could not tell the two apart. Spending the measured duration makes the
 * bound follow the checkpoint's cost: a larger state or a busier machine (longer checkpoints) gets proportionally
 * fewer. The budget starts at zero, so a job's first signal is requested at once (the demo's first step) but a fresh
 * job has no burst to spend on a replay; the debt of a slow first checkpoint then delays the requests after it (ten
 * times its duration), while the periodic checkpoints commit.
 *
 * <p>A failed request (tasks still starting, a checkpoint declined) is asked again ({@link #finished}); a restored job
 * starts with nothing to ask for. Nothing here throws into Flink, which would fail the job for a signal that is only
 * an optimisation.
 */
public final class CheckpointPacer implements OperatorCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointPacer.class);

    /** The share of the wall clock that requested checkpoints may take, sustained. */
    static final double SHARE = 0.1;
    /**
     * The most checkpoint time saved up: covers the closes of a live minute at 20,000 segments (about 2 s of closes,
     * checkpoints of about 0.1 s) and most of them at 200,000 (checkpoints of about 0.2 s); a minute refills it.
     */
    static final long BURST_NANOS = 5_000_000_000L;
    /** What a refused request costs the budget at least: retried no sooner than this over {@link #SHARE}. */
    static final long REFUSED_CHARGE_NANOS = 10_000_000L;

    /** The zone operator's signal: zones have issued forecasts since the last checkpoint barrier passed it. */
    public record ForecastsIssued() implements OperatorEvent {
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
    /** Guarded by {@code this}: checkpoint time that may be spent now (nanoseconds; negative: owed). */
    private long budgetNanos;
    /** Guarded by {@code this}: when the budget was last refilled (System.nanoTime). */
    private long budgetAt;
    /** Guarded by {@code this}: when the checkpoint in flight was requested. */
    private long requestedAt;
    /** Guarded by {@code this}: a requested checkpoint has not completed yet. */
    private boolean inFlight;
    /** Guarded by {@code this}: a request waits for the budget. */
    private boolean deferred;
    /** Guarded by {@code this}: the job has ended. */
    private boolean closed;
    /** Guarded by {@code this}: signals received so far. */
    private long signals;
    /** Guarded by {@code this}: signals whose forecasts a completed checkpoint has committed. */
    private long committed;
    /** Guarded by {@code this}: per checkpoint started and not yet completed, the signals received before it. */
    private final TreeMap<Long, Long> signalsBefore = new TreeMap<>();

    CheckpointPacer(Context context) {
        this.context = context;
        this.budgetAt = System.nanoTime();
    }

    @Override
    public void start() {
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true; // the job has ended: no retry may outlive it
        }
    }

    @Override
    public void handleEventFromOperator(int subtask, int attemptNumber, OperatorEvent event) {
        if (event instanceof ForecastsIssued) {
            synchronized (this) {
                signals++;
            }
            request();
        }
    }

    /**
     * A checkpoint now, once the one in flight completes, or once the budget allows; none when a checkpoint that
     * started after the last signal has completed meanwhile (a periodic one, say): it has committed what was signalled.
     */
    void request() {
        synchronized (this) {
            if (committed >= signals || closed) {
                return;
            }
            if (inFlight || deferred) {
                return; // asked again when it completes or the budget allows, if still uncommitted then
            }
            long now = System.nanoTime();
            refill(now);
            if (budgetNanos < 0) {
                deferred = true;
                CompletableFuture.delayedExecutor((long) (-budgetNanos / SHARE), TimeUnit.NANOSECONDS)
                        .execute(this::budgetRefilled);
                return;
            }
            inFlight = true;
            requestedAt = now;
        }
        trigger();
    }

    /** Guarded by {@code this}. */
    private void refill(long now) {
        budgetNanos = Math.min(BURST_NANOS, budgetNanos + (long) ((now - budgetAt) * SHARE));
        budgetAt = now;
    }

    private void budgetRefilled() {
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
                committed = signals;
            }
            return;
        }
        CompletableFuture<CompletedCheckpoint> done;
        try {
            done = checkpoints.triggerCheckpoint(false);
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        done.whenComplete(this::finished);
    }

    /**
     * Asks again if signals are still uncommitted: those that came while it was in flight (their forecasts may have
     * gone out after its barrier), or all of them when it failed. A failed request (tasks still starting, a checkpoint
     * declined) must be retried, not dropped: the operator signals once per checkpoint barrier, and none has passed.
     * It is charged at least {@link #REFUSED_CHARGE_NANOS}, so a request refused at once is retried a tenth of a
     * second later, not in a loop.
     */
    private void finished(CompletedCheckpoint checkpoint, Throwable failure) {
        if (failure != null) {
            LOG.debug("requested checkpoint not taken ({}); asked again", failure.toString());
        }
        synchronized (this) {
            long now = System.nanoTime();
            refill(now);
            budgetNanos -= failure == null ? now - requestedAt : Math.max(now - requestedAt, REFUSED_CHARGE_NANOS);
            inFlight = false;
            if (checkpoint != null) { // its completion may reach notifyCheckpointComplete only later
                Long before = signalsBefore.get(checkpoint.getCheckpointID());
                if (before != null) {
                    committed = Math.max(committed, before);
                }
            }
        }
        request();
    }

    /**
     * Flink snapshots the coordinators of every checkpoint (periodic or requested) before it injects the checkpoint's
     * barriers at the sources: the forecasts of every signal received so far were emitted before the operator sent
     * it, so before this checkpoint's barrier reaches the operator, and this checkpoint commits them.
     */
    @Override
    public void checkpointCoordinator(long checkpointId, CompletableFuture<byte[]> result) {
        synchronized (this) {
            signalsBefore.put(checkpointId, signals);
        }
        result.complete(new byte[0]); // no state: a restored job starts with nothing in flight
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        synchronized (this) {
            Long before = signalsBefore.get(checkpointId);
            if (before != null) {
                committed = Math.max(committed, before);
            }
            signalsBefore.headMap(checkpointId, false).clear(); // older ones were aborted or subsumed
        }
    }

    @Override
    public void resetToCheckpoint(long checkpointId, byte[] checkpointData) {
        synchronized (this) {
            committed = signals; // the restored job emits again what it re-processes, and signals it anew
            signalsBefore.clear();
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
