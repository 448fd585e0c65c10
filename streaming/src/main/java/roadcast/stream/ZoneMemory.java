package roadcast.stream;

import java.util.Arrays;

import roadcast.clean.SegmentTrack;
import roadcast.forecast.ZoneState;

/**
 * Everything the job keeps about one zone: the ids of its segments (so the value says whose rows it holds, whatever
 * zoning it was written under), the credibility track of each, the steps still open, the newest fused rows, the
 * forecaster's state and the model it belongs to. Shaped as a Flink POJO (nested POJOs and arrays of them, no Kryo),
 * which is how state was written before {@link ZoneMemorySerializer}.
 *
 * <p>One value per zone rather than one per segment because {@link ZoneOperator} works on it in memory between
 * checkpoints and writes it to the state backend once per checkpoint: the per-reading cost is then an array access,
 * not a RocksDB read and write (which made the cleaner and the step accumulator the busiest tasks at 20000 segments).
 *
 * <p>Written to state by {@link ZoneMemorySerializer} (by hand, not Flink's reflective POJO serializer, whose older
 * state it migrates).
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(ZoneMemoryTypeInfo.Factory.class)
public class ZoneMemory {

    /**
     * Open steps a zone keeps at least before the oldest is closed to make room (4 h of 5-minute steps; the operator
     * allows more when the allowed lateness spans more steps). Normally a step closes when event time passes its end
     * plus the allowed lateness, so a few are open; while an input holds event time back, this bounds the state (each
     * open step holds arrays of the zone's size, serialised at every checkpoint) and keeps forecasts coming.
     */
    public static final int MAX_OPEN_STEPS = 48;

    /** Open steps a zone keeps under {@code layout}: {@link #MAX_OPEN_STEPS}, or more when the lateness spans more. */
    public static int maxOpenSteps(NetworkLayout layout) {
        return (int) Math.max(MAX_OPEN_STEPS, layout.allowedLatenessMillis() / layout.stepMillis() + 4);
    }

    /**
     * Multiple of {@link #maxOpenSteps} a zone may keep open while the job catches up a backlog before event time has
     * begun (see {@link #maxOpenStepsCatchingUp}).
     */
    public static final int CATCH_UP_FACTOR = 4;

    /**
     * Open steps a zone keeps while the job catches up after a (re)start: from the first reading until event time
     * passes the newest step opened before the first watermark. Until every input has reported a watermark the
     * operator's is Long.MIN_VALUE, and watermark alignment does not hold back a reader that is already reading its
     * backlog while another is still starting, so one partition can run many steps ahead (issue 10); closing at
     * {@link #maxOpenSteps} would forecast those steps without the other partition's readings. The cap still has to
     * be finite: an input whose records are all refused keeps the watermark at Long.MIN_VALUE without going idle.
     * {@link #CATCH_UP_FACTOR} times the normal cap (16 h of 5-minute steps: an outage's backlog of that length is
     * held whole, the chaos run's longest recovery is about 50 of its half-second steps) keeps the state within four
     * times its normal bound: an open step holds 25 bytes per segment (plus at most 15 remembered readings of 13
     * bytes under a flood), so 192 steps of a 20,000-segment network are about 96 MB, against 24 MB at 48 steps.
     */
    public static int maxOpenStepsCatchingUp(NetworkLayout layout) {
        return CATCH_UP_FACTOR * maxOpenSteps(layout);
    }

    /**
     * Fused rows kept per zone for re-estimating the latent state under another model ({@link Rezoning}): at least
     * the kernel's lags (order p up to 3 in the trainer's search, two residual lags) with room for steps without
     * readings in between.
     */
    public static final int RECENT_STEPS = 6;

    /** [zone size] segment ids in zone-local order. */
    public String[] segments;
    /** [RECENT_STEPS] step starts of the newest fused rows, newest first; Long.MIN_VALUE = empty slot. */
    public long[] recentSteps;
    /** [RECENT_STEPS * zone size] the fused rows of {@code recentSteps}, row k at [k n, (k + 1) n); NaN = none. */
    public float[] recentSpeeds;

    /** [zone size] what the credibility rules remember per segment, zone-local order. */
    public SegmentTrack[] tracks;
    /**
     * The learned fusion's credibility tracks of the zone's segments, one per source and segment ({@code
     * Fuser.tracks(zone size)}: index source ordinal times zone size plus zone-local row), carried from step to step
     * as the backtest's fuser carries them through the feed. Null until the zone first fuses under a model with a
     * learned fusion (and in state written before the stream had one: its tracks start at zero, as a new stream's).
     */
    public double[] fusionTracks;
    /** Steps with readings that have not been forecast yet, oldest first. */
    public StepAccumulator[] openSteps;
    /** The forecaster's state after the last closed step; null before the first. */
    public ZoneState state;
    /** Registry version of the model {@code state} belongs to. */
    public String modelVersion;
    /** Start of the newest step forecast, epoch ms; Long.MIN_VALUE before the first. */
    public long lastClosedStep = Long.MIN_VALUE;
    /** Processing time of the newest reading, for closing a zone whose feed paused (closeAfterQuiet). */
    public long lastReadingProcessingMillis = Long.MIN_VALUE;
    /** Processing time of the pending quiet timer, Long.MIN_VALUE when none is set. */
    public long quietTimerMillis = Long.MIN_VALUE;
    /**
     * [zone size] each segment's place in the step, as the schedule close rule learned it ({@link ReadingSchedule}):
     * the offset of its last reading with a known place from its step's first reading on its input partition, ms.
     * Kept here, not only in the operator's memory, so that the places survive a restore and move with their segment
     * to its new zone on a model switch ({@link Rezoning}): the first step after either closes by the schedule too.
     * Null in state written before (the rule then learns them again in the first step).
     */
    public long[] placeOffsets;
    /** [zone size] the step of the reading {@link #placeOffsets} was learned from; Long.MIN_VALUE = never seen. */
    public long[] placeSteps;
    /** [zone size] the input partition of the segment's last reading, as its slot in {@link InputProgress} + 1; 0 = none. */
    public int[] placeSlots;

    public ZoneMemory() {
    }

    static ZoneMemory fresh(String[] segments) {
        int zoneSize = segments.length;
        ZoneMemory m = new ZoneMemory();
        m.segments = segments.clone();
        m.recentSteps = new long[RECENT_STEPS];
        Arrays.fill(m.recentSteps, Long.MIN_VALUE);
        m.recentSpeeds = new float[RECENT_STEPS * zoneSize];
        m.tracks = new SegmentTrack[zoneSize];
        for (int i = 0; i < zoneSize; i++) {
            m.tracks[i] = new SegmentTrack();
        }
        m.openSteps = new StepAccumulator[0];
        m.ensurePlaces();
        return m;
    }

    /** Makes the schedule's arrays ({@link #placeOffsets} etc.) when state written before them has none. */
    void ensurePlaces() {
        int n = segments.length;
        if (placeOffsets == null || placeOffsets.length != n || placeSteps == null || placeSteps.length != n
                || placeSlots == null || placeSlots.length != n) {
            placeOffsets = new long[n];
            placeSteps = new long[n];
            Arrays.fill(placeSteps, Long.MIN_VALUE);
            placeSlots = new int[n];
        }
    }

    /** {@link #fusionTracks}, made (zeroed) on first use. */
    double[] fusionTracks() {
        if (fusionTracks == null) {
            fusionTracks = roadcast.fusion.Fuser.tracks(segments.length);
        }
        return fusionTracks;
    }

    /** Keeps the fused row of a closed step as the newest of {@link #recentSteps}. */
    void remember(long stepStart, float[] row) {
        int n = segments.length;
        System.arraycopy(recentSteps, 0, recentSteps, 1, RECENT_STEPS - 1);
        System.arraycopy(recentSpeeds, 0, recentSpeeds, n, (RECENT_STEPS - 1) * n);
        recentSteps[0] = stepStart;
        System.arraycopy(row, 0, recentSpeeds, 0, n);
    }

    /** The open step starting at {@code stepStart}, or null. */
    StepAccumulator openStep(long stepStart) {
        for (StepAccumulator s : openSteps) {
            if (s.stepStart == stepStart) {
                return s;
            }
        }
        return null;
    }

    /** Opens a step, keeping {@link #openSteps} in time order. */
    StepAccumulator open(long stepStart, int zoneSize) {
        return open(stepStart, zoneSize, zoneSize);
    }

    /** Opens a step of {@code zoneSize} rows, the first {@code observed} of them observed segments. */
    StepAccumulator open(long stepStart, int zoneSize, int observed) {
        StepAccumulator step = new StepAccumulator(stepStart, zoneSize, observed);
        StepAccumulator[] grown = Arrays.copyOf(openSteps, openSteps.length + 1);
        int at = grown.length - 1;
        while (at > 0 && grown[at - 1].stepStart > stepStart) {
            grown[at] = grown[at - 1];
            at--;
        }
        grown[at] = step;
        openSteps = grown;
        return step;
    }

    /** Removes and returns the open steps starting at or before {@code upTo}, oldest first. */
    StepAccumulator[] takeUpTo(long upTo) {
        int n = 0;
        while (n < openSteps.length && openSteps[n].stepStart <= upTo) {
            n++;
        }
        StepAccumulator[] taken = Arrays.copyOf(openSteps, n);
        openSteps = Arrays.copyOfRange(openSteps, n, openSteps.length);
        return taken;
    }

    /** Start of the newest open step whose every segment has a reading, Long.MIN_VALUE if none. */
    long newestCompleteStep() {
        long newest = Long.MIN_VALUE;
        for (StepAccumulator s : openSteps) {
            if (s.complete()) {
                newest = s.stepStart;
            }
        }
        return newest;
    }
}
