package roadcast.outlook;

import java.util.List;

/**
 * Connected segments congested now, with what the forecasts say of them.
 *
 * @param id                      1 = the largest impact, then down
 * @param segments                its segments (congested now)
 * @param slowestSegment          the one with the lowest current speed (names the cluster in a bulletin)
 * @param slowestSpeed            its speed, model's unit (NaN when no speed is known)
 * @param severe                  how many of its segments are severely congested now
 * @param clearsInMin             first horizon at which every segment of it is forecast above congestion; null =
 *                                beyond the horizon
 * @param spread                  segments forecast to become congested next to it within
 *                                {@link CongestionOutlook#SPREAD_WITHIN_MIN} minutes
 * @param congestedSegmentMinutes minutes of congestion over the forecast window, summed over its segments and spread
 * @param vehicleHoursOfDelay     vehicle-hours of delay over the window on those of its segments (and spread) whose
 *                                length, flow and free-flow speed are known; NaN when none is
 */
public record CongestionCluster(int id, List<String> segments, String slowestSegment, double slowestSpeed, int severe,
                                Integer clearsInMin, List<SpreadSegment> spread, double congestedSegmentMinutes,
                                double vehicleHoursOfDelay) {
}
