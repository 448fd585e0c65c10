package roadcast.reading;

/**
 * One live observation of one segment, as it arrives on the input topic.
 *
 * @param segment    segment id
 * @param timeMillis event time, epoch milliseconds
 * @param speed      speed in the model's unit
 * @param flow       vehicles per step, NaN where absent
 * @param occupancy  fraction 0..1, NaN where absent
 * @param source     origin of the reading
 */
public record SpeedReading(String segment, long timeMillis, double speed, double flow, double occupancy,
                           Source source) {
}
