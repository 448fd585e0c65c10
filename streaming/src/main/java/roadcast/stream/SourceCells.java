package roadcast.stream;

import java.util.Arrays;

import roadcast.fusion.CellMean;

/**
 * One source's readings of a zone in one open step, per segment: the running means of speed, flow and occupancy by
 * {@link CellMean} (the feed reader's rule, so the stream fuses the floats the backtest fuses). Part of
 * {@link StepAccumulator} when the model fuses its sources ({@code ModelCard.fusion()}). A Flink POJO; the flow and
 * occupancy arrays stay null until the source sends one (floating cars never do).
 */
public class SourceCells {

    /** {@code Source.ordinal()} of the readings here. */
    public byte source;
    /** [zone size] mean speed; meaningful where {@code speedCount > 0}. */
    public float[] speed;
    public byte[] speedCount;
    /** [zone size] mean flow, or null when the source has sent none in this step. */
    public float[] flow;
    public byte[] flowCount;
    /** [zone size] mean occupancy (fraction), or null when the source has sent none in this step. */
    public float[] occupancy;
    public byte[] occupancyCount;

    public SourceCells() {
    }

    SourceCells(byte source, int zoneSize) {
        this.source = source;
        speed = new float[zoneSize];
        speedCount = new byte[zoneSize];
    }

    /** Adds one reading of this source for zone-local segment {@code local} (flow, occupancy NaN when absent). */
    void add(int local, double x, double flowValue, double occupancyValue) {
        speed[local] = CellMean.add(speed[local], speedCount[local], x);
        speedCount[local] = CellMean.count(speedCount[local]);
        if (!Double.isNaN(flowValue)) {
            if (flow == null) {
                flow = new float[speed.length];
                flowCount = new byte[speed.length];
            }
            flow[local] = CellMean.add(flow[local], flowCount[local], flowValue);
            flowCount[local] = CellMean.count(flowCount[local]);
        }
        if (!Double.isNaN(occupancyValue)) {
            if (occupancy == null) {
                occupancy = new float[speed.length];
                occupancyCount = new byte[speed.length];
            }
            occupancy[local] = CellMean.add(occupancy[local], occupancyCount[local], occupancyValue);
            occupancyCount[local] = CellMean.count(occupancyCount[local]);
        }
    }

    double speedAt(int local) {
        return speedCount[local] > 0 ? speed[local] : Double.NaN;
    }

    double flowAt(int local) {
        return flow != null && flowCount[local] > 0 ? flow[local] : Double.NaN;
    }

    double occupancyAt(int local) {
        return occupancy != null && occupancyCount[local] > 0 ? occupancy[local] : Double.NaN;
    }

    /** Copies segment {@code from}'s cell of {@code src} into this one's row {@code to} (zone migration). */
    void copyCell(SourceCells src, int from, int to) {
        speed[to] = src.speed[from];
        speedCount[to] = src.speedCount[from];
        if (src.flow != null && src.flowCount[from] > 0) {
            if (flow == null) {
                flow = new float[speed.length];
                flowCount = new byte[speed.length];
            }
            flow[to] = src.flow[from];
            flowCount[to] = src.flowCount[from];
        }
        if (src.occupancy != null && src.occupancyCount[from] > 0) {
            if (occupancy == null) {
                occupancy = new float[speed.length];
                occupancyCount = new byte[speed.length];
            }
            occupancy[to] = src.occupancy[from];
            occupancyCount[to] = src.occupancyCount[from];
        }
    }

    @Override
    public String toString() {
        return "SourceCells[source=" + source + ", cells=" + Arrays.toString(speedCount) + "]";
    }
}
