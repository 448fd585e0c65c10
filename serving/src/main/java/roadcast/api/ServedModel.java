package roadcast.api;

import roadcast.history.SpeedUnit;
import roadcast.network.RoadNetwork;

import java.time.ZoneId;

/**
 * What serving knows of the model in service beyond the segment list: the road network with its link distances
 * (routes, congestion clusters), the unit of its speeds, the time zone of its clock, the skill of every version
 * that issues forecasts (reliability flags) and the lower band the incident detector reads for each version's
 * forecasts ({@link DetectorBand}).
 */
public record ServedModel(RoadNetwork network, SpeedUnit unit, ZoneId timeZone, ForecastSkill skills,
                          DetectorBand detectorBand) {

    /** Without the models' detector scale: the detector reads the published band. */
    public ServedModel(RoadNetwork network, SpeedUnit unit, ZoneId timeZone, ForecastSkill skills) {
        this(network, unit, timeZone, skills, DetectorBand.PUBLISHED);
    }
}
