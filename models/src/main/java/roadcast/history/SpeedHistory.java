package roadcast.history;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * A regular time grid of network snapshots: row t is the network at {@code start + t * step}, column i is segment
 * {@code segmentIds[i]}. Missing values are NaN. Rows are float to keep a 20,000-segment month under 1 GB.
 *
 * @param segmentIds column order, the same as the road network's segment order
 * @param start      local time of row 0 in {@code timeZone}
 * @param step       time between rows
 * @param timeZone   the zone in which {@code start} is local time (time-of-day profiles are local)
 * @param unit       unit of {@code speed}
 * @param speed      [T][N] speeds, NaN = missing
 * @param flow       [T][N] flows, or null where the data set has none
 * @param occupancy  [T][N] occupancies (0..1), or null where the data set has none
 */
public record SpeedHistory(String[] segmentIds, LocalDateTime start, Duration step, ZoneId timeZone, SpeedUnit unit,
                           float[][] speed, float[][] flow, float[][] occupancy) {

    public SpeedHistory {
        if (step.isZero() || step.isNegative()) {
            throw new IllegalArgumentException("step must be positive, got " + step);
        }
        for (float[] row : speed) {
            if (row.length != segmentIds.length) {
                throw new IllegalArgumentException("row of " + row.length + " values for " + segmentIds.length + " segments");
            }
        }
    }

    public int steps() {
        return speed.length;
    }

    public int segments() {
        return segmentIds.length;
    }

    public LocalDateTime time(int row) {
        return start.plus(step.multipliedBy(row));
    }

    /** Epoch milliseconds of row {@code row}. */
    public long epochMillis(int row) {
        return start.atZone(timeZone).toInstant().toEpochMilli() + step.toMillis() * row;
    }

    /** The rows [from, to) as a new history sharing the row arrays. */
    public SpeedHistory rows(int from, int to) {
        return new SpeedHistory(segmentIds, time(from), step, timeZone, unit,
                java.util.Arrays.copyOfRange(speed, from, to),
                flow == null ? null : java.util.Arrays.copyOfRange(flow, from, to),
                occupancy == null ? null : java.util.Arrays.copyOfRange(occupancy, from, to));
    }
}
