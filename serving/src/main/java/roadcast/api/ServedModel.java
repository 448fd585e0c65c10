package roadcast.api;

import roadcast.history.SpeedUnit;
import roadcast.network.RoadNetwork;

import java.time.ZoneId;

/**
 * What serving knows of the model in service beyond the segment list: the road network with its link distances
 * (routes, congestion clusters), the unit of its speeds, the time zone of its clock, and the skill of every version
 * that issues forecasts (reliability flags).
 */
public record ServedModel(RoadNetwork network, SpeedUnit unit, ZoneId timeZone, ForecastSkill skills) {
}
