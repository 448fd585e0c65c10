package roadcast.route;

import java.util.List;

/**
 * A route timed on the forecasts.
 *
 * @param departMillis    departure from the start of the first segment
 * @param arriveMillis    arrival at the end of the last segment (central estimate)
 * @param travelTimeMin   central travel time: every segment at its forecast speed when the vehicle reaches it
 * @param travelTimeMinLower the fast end of the band: every segment at the upper band of its speed
 * @param travelTimeMinUpper the slow end of the band: every segment at the lower band of its speed
 * @param lengthMetres    total length
 * @param legs            one per segment, in route order
 */
public record Route(long departMillis, long arriveMillis, double travelTimeMin, double travelTimeMinLower,
                    double travelTimeMinUpper, double lengthMetres, List<RouteLeg> legs) {
}
