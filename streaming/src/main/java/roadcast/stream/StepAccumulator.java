package roadcast.stream;

import java.util.Arrays;

import roadcast.fusion.Fuser;
import roadcast.reading.Source;

/**
 * The readings of one zone in one open step: per segment the credibility-weighted sums that fuse them
 * (sum(w s) / sum(w), the {@code ReadingFusion} weights), and the (time, source) of every reading received, accepted
 * or not, for the duplicate rule. A Flink POJO, part of {@link ZoneMemory}.
 *
 * <p>Duplicates are only looked for here, in the open step: a reading of a closed step is refused as too late
 * before it could be a duplicate. Most segments send one reading per step, so the first (time, source) of each
 * segment sits in a flat array and only further readings (several sources, floating-car probes) go to the short
 * {@code extra} list.
 *
 * <p><b>Bounded.</b> At most {@link #MAX_READINGS_PER_SEGMENT} distinct (time, source) readings are remembered per
 * segment and step; further ones are refused ({@link #FLOODED}). So a producer flooding one segment with distinct
 * timestamps cannot grow the step (which is serialised at every checkpoint) or the duplicate scan without bound:
 * a step holds at most {@code MAX_READINGS_PER_SEGMENT - 1} extra entries per segment.
 */
public class StepAccumulator {

    /**
     * Distinct readings kept per segment and step: a loop sends one per step, a few sources and floating-car probes
     * every 30 s of a 5-minute step stay well below it.
     */
    public static final int MAX_READINGS_PER_SEGMENT = 16;
    /** {@link #remember} results. */
    public static final int NEW = 0;
    public static final int DUPLICATE = 1;
    public static final int FLOODED = 2;
    private static final Source[] SOURCES = Source.values();

    /** Start of the step, epoch ms. */
    public long stepStart;
    /** [n] sum of w * speed per zone-local segment. */
    public double[] weightedSpeed;
    /** [n] sum of w per zone-local segment; 0 = no accepted reading. */
    public double[] weight;
    /** [n] time of the first reading received per segment; meaningful where {@code firstSource >= 0}. */
    public long[] firstTime;
    /** [n] {@link Source#ordinal()} of that reading, -1 for none yet. */
    public byte[] firstSource;
    /** Further readings received: zone-local segment, time and source; the first {@code extraCount} are valid. */
    public int[] extraSegment;
    public long[] extraTime;
    public byte[] extraSource;
    public int extraCount;
    /** Largest append time of the input records fused here, epoch ms (the lag of the forecast is measured from it). */
    public long maxAppendMillis = Long.MIN_VALUE;
    /** Readings fused. */
    public int readings;
    /** Observed segments (the first {@code observed} rows) with at least one accepted reading. */
    public int covered;
    /**
     * Rows of observed segments; the rows after them are extended segments (no history), whose readings are fused
     * but never awaited by {@link #complete()}. 0 in state written before extended rows existed: all observed.
     */
    public int observed;
    /**
     * Per source, its readings' cell means ({@link SourceCells}), when the model fuses its sources with a learned
     * fusion: then {@link #fusedInto(float[], Fuser, double[])} fuses them at the step's close. Empty (or null, in
     * state written before learned fusion reached the stream) otherwise.
     */
    public SourceCells[] sources;

    public StepAccumulator() {
    }

    public StepAccumulator(long stepStart, int zoneSize) {
        this(stepStart, zoneSize, zoneSize);
    }

    /** @param observed the first {@code observed} of the {@code zoneSize} rows are observed segments */
    public StepAccumulator(long stepStart, int zoneSize, int observed) {
        this.stepStart = stepStart;
        this.observed = observed;
        weightedSpeed = new double[zoneSize];
        weight = new double[zoneSize];
        firstTime = new long[zoneSize];
        firstSource = new byte[zoneSize];
        Arrays.fill(firstSource, (byte) -1);
        extraSegment = new int[0];
        extraTime = new long[0];
        extraSource = new byte[0];
        sources = new SourceCells[0];
    }

    /**
     * Remembers a received reading.
     *
     * @return {@link #NEW}; {@link #DUPLICATE} (and no change) when the same segment, time and source was received;
     *         {@link #FLOODED} (and no change) when the segment already has {@link #MAX_READINGS_PER_SEGMENT} readings
     */
    public int remember(int local, long timeMillis, Source source) {
        byte s = (byte) source.ordinal();
        if (firstSource[local] < 0) {
            firstSource[local] = s;
            firstTime[local] = timeMillis;
            return NEW;
        }
        if (firstSource[local] == s && firstTime[local] == timeMillis) {
            return DUPLICATE;
        }
        int ofSegment = 1;
        for (int k = 0; k < extraCount; k++) {
            if (extraSegment[k] == local) {
                if (extraTime[k] == timeMillis && extraSource[k] == s) {
                    return DUPLICATE;
                }
                ofSegment++;
            }
        }
        if (ofSegment >= MAX_READINGS_PER_SEGMENT) {
            return FLOODED;
        }
        if (extraCount == extraSegment.length) {
            int grown = Math.max(8, extraCount * 2);
            extraSegment = Arrays.copyOf(extraSegment, grown);
            extraTime = Arrays.copyOf(extraTime, grown);
            extraSource = Arrays.copyOf(extraSource, grown);
        }
        extraSegment[extraCount] = local;
        extraTime[extraCount] = timeMillis;
        extraSource[extraCount] = s;
        extraCount++;
        return NEW;
    }

    /** Fuses an accepted reading with credibility weight {@code w}. */
    public void add(int local, double speed, double w, long appendMillis) {
        if (weight[local] == 0 && w > 0 && local < observedRows()) {
            covered++;
        }
        weightedSpeed[local] += w * speed;
        weight[local] += w;
        readings++;
        maxAppendMillis = Math.max(maxAppendMillis, appendMillis);
    }

    /**
     * Keeps an accepted reading for the learned fusion, beside {@link #add}: its source's cell means of speed, flow
     * and occupancy.
     */
    public void addForFusion(int local, Source source, double speed, double flow, double occupancy) {
        cellsOf(source).add(local, speed, flow, occupancy);
    }

    /** The cells of {@code source}, made on its first reading in this step. */
    SourceCells cellsOf(Source source) {
        byte s = (byte) source.ordinal();
        if (sources == null) {
            sources = new SourceCells[0];
        }
        for (SourceCells c : sources) {
            if (c.source == s) {
                return c;
            }
        }
        SourceCells c = new SourceCells(s, weight.length);
        sources = Arrays.copyOf(sources, sources.length + 1);
        sources[sources.length - 1] = c;
        return c;
    }

    /** Whether every observed segment of the zone has an accepted reading in this step. */
    public boolean complete() {
        return covered == observedRows();
    }

    /** Rows of observed segments. */
    public int observedRows() {
        return observed > 0 ? observed : weight.length;
    }

    /** The fused row into {@code row} (zone-local order, NaN where the segment had no accepted reading). */
    public void fusedInto(float[] row) {
        if (row.length != weight.length) {
            throw new IllegalArgumentException("row of " + row.length + " for a zone of " + weight.length);
        }
        for (int i = 0; i < row.length; i++) {
            row[i] = weight[i] > 0 ? (float) (weightedSpeed[i] / weight[i]) : Float.NaN;
        }
    }

    /**
     * The row fused by the model's learned fusion into {@code row} (zone-local order, NaN where no source the fusion
     * knows read the segment): per segment the {@link Fuser} over its sources' cell means, moving the credibility
     * {@code tracks} on ({@link Fuser#tracks}, the zone's; the backtest's {@code Fuser.fuseAll} runs the same calls
     * over the feed's grids).
     *
     * @param speed    scratch of {@code fuser.slots()} entries (likewise {@code flow}, {@code occupancy})
     */
    public void fusedInto(float[] row, Fuser fuser, double[] tracks, double[] speed, double[] flow,
                          double[] occupancy) {
        if (row.length != weight.length) {
            throw new IllegalArgumentException("row of " + row.length + " for a zone of " + weight.length);
        }
        int slots = fuser.slots();
        SourceCells[] bySlot = new SourceCells[slots];
        for (SourceCells c : sources == null ? new SourceCells[0] : sources) {
            int k = fuser.slotOf(SOURCES[c.source]);
            if (k >= 0) {
                bySlot[k] = c;
            }
        }
        for (int i = 0; i < row.length; i++) {
            boolean any = false;
            for (int k = 0; k < slots; k++) {
                SourceCells c = bySlot[k];
                speed[k] = c == null ? Double.NaN : c.speedAt(i);
                flow[k] = c == null ? Double.NaN : c.flowAt(i);
                occupancy[k] = c == null ? Double.NaN : c.occupancyAt(i);
                any |= c != null && c.speedCount[i] > 0;
            }
            // a segment no source read leaves its tracks alone, as a blank cell of the feed's grids does
            row[i] = any ? (float) fuser.fuse(i, speed, occupancy, flow, tracks) : Float.NaN;
        }
    }

    @Override
    public String toString() {
        return "StepAccumulator[step=" + stepStart + ", readings=" + readings + ", covered=" + covered + " of "
                + weight.length + ", extra=" + extraCount + "]";
    }
}
