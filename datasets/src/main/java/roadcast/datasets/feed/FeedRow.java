package roadcast.datasets.feed;

import java.time.LocalDateTime;
import roadcast.reading.Source;

/**
 * One row of a multi-source feed: what one source said about one segment in one interval.
 *
 * @param time      local time of the data set (the interval [time, time + step) it labels)
 * @param segment   segment id
 * @param speed     speed in the data set's unit, NaN where blank (e.g. a loop no vehicle crossed)
 * @param flow      vehicles per hour, NaN where the source has none (floating cars)
 * @param occupancy occupancy as a fraction 0..1 (the file's percent / 100, the wire's unit), NaN where the source has
 *                  none
 * @param source    the source
 * @param line      1-based line of the file, for messages
 */
public record FeedRow(LocalDateTime time, String segment, double speed, double flow, double occupancy, Source source,
                      long line) {
}
