package roadcast.stream;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import roadcast.ingest.DeadLetter;
import roadcast.ingest.ParseResult;
import roadcast.ingest.ReadingParser;
import roadcast.ingest.ReadingRules;
import roadcast.ingest.Rejection;
import roadcast.reading.SpeedReading;
import roadcast.kafka.RawRecord;

/**
 * First stage: raw record -> {@link ReadingEvent}, or a dead letter with the parser's reason. Whether the segment is
 * in the network is not checked here but by the zone operator, against the model in service: the network may grow
 * while the job runs, and this stage only knows the model the job started with.
 * The future check uses the wall clock (a sensor clock running ahead of real time); it runs before watermarks are
 * assigned so that a record from next year cannot push event time forward and close every open step.
 *
 * <p>Event times are bounded at both ends whatever the options ({@link ReadingRules#outOfRange}), so no later stage
 * can overflow on them. With the future check off (replays of old data) a reading may still lead the newest event
 * time this subtask has accepted by at most {@link ReadingRules#MAX_LEAD_WITHOUT_FUTURE_CHECK_MILLIS}; that newest
 * time is checkpointed (the largest over all subtasks is restored), so a restore does not reopen the hole.
 */
public final class ParseReadings extends ProcessFunction<RawRecord, ReadingEvent> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private final NetworkLayout layout;
    private final ReadingParser parser;
    private final boolean checkFuture;
    private transient RejectionCounters rejected;
    /** Newest event time accepted by this subtask (reference of the lead bound without the future check). */
    private transient long newestEventMillis;
    private transient ListState<Long> newestState;

    public ParseReadings(NetworkLayout layout, boolean checkFuture) {
        this.layout = layout;
        this.checkFuture = checkFuture;
        this.parser = new ReadingParser(java.time.ZoneId.of(layout.timeZone()), layout.maxSpeed(),
                checkFuture ? layout.maxFutureMillis() : ReadingParser.NO_FUTURE_LIMIT, null);
    }

    @Override
    public void open(OpenContext openContext) {
        rejected = new RejectionCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ReadingEvent> out) {
        long now = System.currentTimeMillis();
        ParseResult result;
        try {
            result = parser.parse(raw.key, raw.value, now);
        } catch (RuntimeException e) {
            // The parser should classify everything; if it does not, the record still must not stop the job.
            result = ParseResult.rejected(roadcast.ingest.RejectReason.MALFORMED_JSON, "parser failed: " + e);
        }
        if (!result.accepted()) {
            rejected.inc(result.rejection().reason());
            ctx.output(ForecastJob.DEAD_LETTERS, DeadLetter.of(result.rejection(), raw.key, raw.value, raw.topic,
                    raw.partition, raw.offset, now));
            return;
        }
        SpeedReading r = result.reading();
        if (!checkFuture && newestEventMillis != Long.MIN_VALUE) {
            var ahead = ReadingRules.tooFarInFuture(r.timeMillis(), newestEventMillis,
                    ReadingRules.MAX_LEAD_WITHOUT_FUTURE_CHECK_MILLIS);
            if (ahead.isPresent()) {
                Rejection why = new Rejection(ahead.get().reason(), ahead.get().detail()
                        + " (the newest event time accepted so far; the limit holds with the future check off)");
                rejected.inc(why.reason());
                ctx.output(ForecastJob.DEAD_LETTERS, DeadLetter.of(why, raw.key, raw.value, raw.topic,
                        raw.partition, raw.offset, now));
                return;
            }
        }
        newestEventMillis = Math.max(newestEventMillis, r.timeMillis());
        ReadingEvent e = new ReadingEvent();
        e.segment = r.segment();
        e.segmentIndex = -1; // placed by the zone operator, under the model in service
        e.zone = -1;
        e.timeMillis = r.timeMillis();
        e.speed = r.speed();
        e.flow = r.flow();
        e.occupancy = r.occupancy();
        e.source = r.source();
        e.payload = raw.value;
        e.topic = raw.topic;
        e.partition = raw.partition;
        e.offset = raw.offset;
        e.appendMillis = raw.timestamp;
        out.collect(e);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        newestState.update(java.util.List.of(newestEventMillis));
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        newestState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("newest-event-time", Long.class));
        newestEventMillis = Long.MIN_VALUE;
        for (Long t : newestState.get()) {
            newestEventMillis = Math.max(newestEventMillis, t);
        }
    }
}
