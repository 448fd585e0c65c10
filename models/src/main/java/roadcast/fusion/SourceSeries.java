package roadcast.fusion;

import roadcast.reading.Source;

/**
 * One source's readings on a time grid, columns in the feed's segment order; NaN where that source said nothing
 * (or gave a blank). Several readings of one source for one cell are averaged.
 *
 * @param speed     [steps][segments]
 * @param flow      [steps][segments] vehicles per hour, null when the source never gives flow
 * @param occupancy [steps][segments], null when the source never gives occupancy
 * @param rows      readings that went into the grid
 */
public record SourceSeries(Source source, float[][] speed, float[][] flow, float[][] occupancy, long rows) {

    public int steps() {
        return speed.length;
    }
}
