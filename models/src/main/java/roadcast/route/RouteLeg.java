package roadcast.route;

/**
 * One segment of a timed route.
 *
 * @param segment       segment id
 * @param arrivalMillis when the vehicle reaches the segment (central estimate)
 * @param lengthMetres  length driven on it
 * @param speed         forecast speed at the arrival time (model's unit), linear between horizons
 * @param lower         lower band of that speed
 * @param upper         upper band of that speed
 * @param minutes       time spent on it at {@code speed}
 * @param issuedAt      issue time of the forecast used
 */
public record RouteLeg(String segment, long arrivalMillis, double lengthMetres, double speed, double lower, double upper,
                       double minutes, long issuedAt) {
}
