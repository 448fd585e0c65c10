package roadcast.stream;

import java.time.Instant;
import java.util.Locale;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import roadcast.clean.ReadingCheck;
import roadcast.clean.Verdict;
import roadcast.ingest.DeadLetter;
import roadcast.ingest.ReadingRules;
import roadcast.ingest.RejectReason;
import roadcast.ingest.Rejection;
import roadcast.reading.SpeedReading;

/**
 * Second stage, keyed by segment: the per-segment rules, in the order a reading can fail them - too late (its step
 * has already been forecast), duplicate (same segment, time and source), then the credibility rules of the model
 * ({@link ReadingCheck} on the segment's {@link SegmentTrack}, the same rules the trainer cleaned its history with).
 * Accepted readings go on to the zone operator; the rest become dead letters with their reason.
 */
public final class CleanReadings extends KeyedProcessFunction<String, ReadingEvent, ReadingEvent> {

    private static final long serialVersionUID = 1L;

    private final ModelRef model;
    private final NetworkLayout layout;
    private transient ReadingCheck check;
    private transient ValueState<SegmentMemory> memory;
    private transient RejectionCounters rejected;

    public CleanReadings(ModelRef model, NetworkLayout layout) {
        this.model = model;
        this.layout = layout;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        check = new ReadingCheck(model.load().credibility());
        memory = getRuntimeContext().getState(new ValueStateDescriptor<>("segment-memory", SegmentMemory.class));
        rejected = new RejectionCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(ReadingEvent e, Context ctx, Collector<ReadingEvent> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        long stepStart = layout.stepStart(e.timeMillis);
        // The zone operator closes a step when the watermark reaches closeTime; after that the reading is useless.
        if (watermark != Long.MIN_VALUE && watermark >= layout.closeTime(stepStart)) {
            reject(ctx, e, new Rejection(RejectReason.TOO_LATE, "time " + Instant.ofEpochMilli(e.timeMillis)
                    + ": its step was closed at watermark " + Instant.ofEpochMilli(watermark) + " (allowed lateness "
                    + layout.allowedLatenessMillis() + " ms)"));
            return;
        }
        SegmentMemory m = memory.value();
        if (m == null) {
            m = SegmentMemory.fresh();
        }
        // A duplicate changes nothing; otherwise the reading is remembered and the track moves on, accepted or not.
        var duplicate = ReadingRules.duplicate(m.seen, new SpeedReading(e.segment, e.timeMillis, e.speed, e.flow,
                e.occupancy, e.source));
        if (duplicate.isPresent()) {
            reject(ctx, e, duplicate.get());
            return;
        }
        Verdict verdict = check.check(m.track, e.speed);
        memory.update(m);
        if (verdict != Verdict.OK) {
            reject(ctx, e, new Rejection(reasonOf(verdict), "credibility rule " + verdict.name().toLowerCase(Locale.ROOT)
                    + ": speed " + e.speed + " of segment " + e.segment + " at " + Instant.ofEpochMilli(e.timeMillis)));
            return;
        }
        out.collect(e);
    }

    private void reject(Context ctx, ReadingEvent e, Rejection rejection) {
        rejected.inc(rejection.reason());
        ctx.output(ForecastJob.DEAD_LETTERS, DeadLetter.of(rejection, e.segment.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                e.payload.getBytes(java.nio.charset.StandardCharsets.UTF_8), e.topic, e.partition, e.offset,
                System.currentTimeMillis()));
    }

    /** The dead-letter reason of a credibility verdict (the verdict is also named in the detail text). */
    static RejectReason reasonOf(Verdict verdict) {
        switch (verdict) {
            case MISSING:
                return RejectReason.NOT_A_NUMBER;
            case OUT_OF_RANGE:
                return RejectReason.IMPOSSIBLE_SPEED;
            case STUCK:
                return RejectReason.STUCK;
            case SPIKE:
                return RejectReason.SPIKE;
            case FUTURE:
                return RejectReason.TOO_FAR_IN_FUTURE;
            case LATE:
                return RejectReason.TOO_LATE;
            default:
                throw new IllegalArgumentException("verdict " + verdict + " is not a rejection");
        }
    }
}
