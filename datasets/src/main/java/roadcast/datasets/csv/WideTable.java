package roadcast.datasets.csv;

import java.time.Duration;
import java.time.LocalDateTime;

/**
 * One wide CSV: a regular time grid of values per column.
 *
 * @param columnIds header ids after the timestamp column
 * @param start     local time of the first row
 * @param step      time between rows
 * @param values    [T][N], NaN where a cell is empty
 */
public record WideTable(String[] columnIds, LocalDateTime start, Duration step, float[][] values) {

    public int rows() {
        return values.length;
    }
}
