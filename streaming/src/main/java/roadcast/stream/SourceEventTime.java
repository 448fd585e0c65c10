package roadcast.stream;

import java.time.Duration;

import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import roadcast.ingest.ParseResult;
import roadcast.ingest.ReadingParser;
import roadcast.ingest.ReadingRules;
import roadcast.kafka.RawRecord;

/**
 * Event time of a raw input record, taken at the source so that Flink keeps one watermark per Kafka partition
 * (split) and can align them. Assigned after parsing (one watermark per subtask), the watermark followed whichever
 * partition a fetch happened to return first: after a recovery the backlog of one partition ran many steps ahead of
 * the other, the zone operator closed its oldest open steps to stay within {@link ZoneMemory#maxOpenSteps} and the
 * other partition's readings for them were refused as TOO_LATE (issue 10, chaos: 20,150 readings).
 *
 * <p>The time is the one {@link ParseReadings} accepts, by the same parser and bounds (range, future limit or, with
 * the future check off, the lead over the newest time seen here), so a hostile or unparseable time never moves the
 * watermark: such records get {@link #NONE}, which {@link StepWatermarks} ignores, and are dead-lettered by the parse
 * stage as before. The cost is a second parse of each record.
 */
final class SourceEventTime implements TimestampAssigner<RawRecord> {

    /** Timestamp of a record whose time is refused: never advances a watermark. */
    static final long NONE = Long.MIN_VALUE;

    /** Group of the input's watermark alignment (all readers of the one input source). */
    static final String ALIGNMENT_GROUP = "roadcast-input";

    /** How often readers report watermarks for alignment; a stale report only makes the pause stricter. */
    static final Duration ALIGNMENT_UPDATE = Duration.ofMillis(200);

    private final ReadingParser parser;
    private final boolean checkFuture;
    private long newestEventMillis = Long.MIN_VALUE;

    SourceEventTime(NetworkLayout layout, boolean checkFuture) {
        this.checkFuture = checkFuture;
        this.parser = new ReadingParser(java.time.ZoneId.of(layout.timeZone()), layout.maxSpeed(),
                checkFuture ? layout.maxFutureMillis() : ReadingParser.NO_FUTURE_LIMIT, null);
    }

    @Override
    public long extractTimestamp(RawRecord raw, long recordTimestamp) {
        ParseResult result;
        try {
            result = parser.parse(raw.key, raw.value, System.currentTimeMillis());
        } catch (RuntimeException e) {
            return NONE;
        }
        if (!result.accepted()) {
            return NONE;
        }
        long t = result.reading().timeMillis();
        if (!checkFuture && newestEventMillis != Long.MIN_VALUE && ReadingRules.tooFarInFuture(t, newestEventMillis,
                ReadingRules.MAX_LEAD_WITHOUT_FUTURE_CHECK_MILLIS).isPresent()) {
            return NONE;
        }
        newestEventMillis = Math.max(newestEventMillis, t);
        return t;
    }

    /**
     * Largest lead one input split may take over the slowest before it is paused: half of what the open-step cap
     * leaves after the allowed lateness and the out-of-orderness bound, the other half being room for records a
     * paused reader has already fetched; at least one step.
     */
    static Duration maxDrift(NetworkLayout layout, long boundMillis) {
        long span = ZoneMemory.maxOpenSteps(layout) * layout.stepMillis() - layout.allowedLatenessMillis() - boundMillis;
        return Duration.ofMillis(Math.max(layout.stepMillis(), span / 2));
    }

    /** The input's watermarks: per split, from this time, bounded out-of-orderness, aligned across splits. */
    static WatermarkStrategy<RawRecord> strategy(NetworkLayout layout, boolean checkFuture, long boundMillis,
                                                 Duration idleness) {
        WatermarkStrategy<RawRecord> s = WatermarkStrategy
                .<RawRecord>forGenerator(ctx -> new StepWatermarks<>(boundMillis))
                .withTimestampAssigner(ctx -> new SourceEventTime(layout, checkFuture));
        if (idleness != null) {
            s = s.withIdleness(idleness);
        }
        return s.withWatermarkAlignment(ALIGNMENT_GROUP, maxDrift(layout, boundMillis), ALIGNMENT_UPDATE);
    }
}
