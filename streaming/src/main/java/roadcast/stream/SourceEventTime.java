package roadcast.stream;

import java.time.Duration;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time of the input, taken at the source so that Flink keeps one watermark per Kafka partition (split) and can
 * align them. Assigned after parsing (one watermark per subtask), the watermark followed whichever partition a fetch
 * happened to return first: after a recovery the backlog of one partition ran many steps ahead of the other, the zone
 * operator closed its oldest open steps to stay within {@link ZoneMemory#maxOpenSteps} and the other partition's
 * readings for them were refused as TOO_LATE (issue 10, chaos: 20,150 readings).
 *
 * <p>The time is decided where the record is parsed, once, in the source's reader ({@link ParsingReader}): the time
 * of an accepted reading, or {@link #NONE} for a refused record (unparseable, out of range, beyond the future limit
 * or, with the future check off, leading its partition's newest accepted time by more than the bound; that newest
 * time is checkpointed with the partition's offset), which {@link StepWatermarks} ignores. So a hostile time never
 * moves the watermark, also right after a restore.
 */
final class SourceEventTime {

    /** Timestamp of a record whose time is refused: never advances a watermark. */
    static final long NONE = Long.MIN_VALUE;

    /** Group of the input's watermark alignment (all readers of the one input source). */
    static final String ALIGNMENT_GROUP = "roadcast-input";

    /** How often readers report watermarks for alignment; a stale report only makes the pause stricter. */
    static final Duration ALIGNMENT_UPDATE = Duration.ofMillis(200);

    private SourceEventTime() {
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

    /**
     * The input's watermarks: per split, bounded out-of-orderness, aligned across splits. The timestamps are those
     * the reader gave each record (Flink's default assigner keeps them).
     */
    static WatermarkStrategy<ParsedRecord> strategy(NetworkLayout layout, long boundMillis, Duration idleness) {
        WatermarkStrategy<ParsedRecord> s = WatermarkStrategy
                .<ParsedRecord>forGenerator(ctx -> new StepWatermarks<>(boundMillis));
        if (idleness != null) {
            s = s.withIdleness(idleness);
        }
        return s.withWatermarkAlignment(ALIGNMENT_GROUP, maxDrift(layout, boundMillis), ALIGNMENT_UPDATE);
    }
}
