package roadcast.datasets.feed;

import roadcast.reading.Source;

/**
 * One source's readings on the feed's time grid, columns in the feed's segment order; NaN where that source said
 * nothing (or gave a blank). Several rows of one source for one cell are averaged ({@code count} of them).
 *
 * @param speed     [steps][segments]
 * @param flow      [steps][segments], null when the source never gives flow
 * @param occupancy [steps][segments], null when the source never gives occupancy
 * @param rows      rows of this source read into the grid
 */
public record SourceGrid(Source source, float[][] speed, float[][] flow, float[][] occupancy, long rows) {
}
