package roadcast.store;

import roadcast.reading.Source;

/**
 * One observed speed as the store keeps it.
 *
 * @param segment    segment id
 * @param timeMillis event time, epoch milliseconds
 * @param speed      speed in the data's unit
 * @param source     where the reading came from
 */
public record Observation(String segment, long timeMillis, double speed, Source source) {
}
