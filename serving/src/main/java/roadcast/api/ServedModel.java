package roadcast.api;

import roadcast.history.SpeedUnit;
import roadcast.network.RoadNetwork;

import java.time.ZoneId;

/**
 * What serving knows of the model in service beyond the segment list: the road network with its link distances
 * (routes, congestion clusters), the unit of its speeds, the time zone of its clock, the skill of every version
 * that issues forecasts (reliability flags) and the lower band the incident detector reads for each version's
 * forecasts ({@link DetectorBand}), and whether it was trained on a fused multi-source feed: the kind of input its
 * forecasts are read against, which chooses the incident detector's validated setting
 * ({@code IncidentDetector.Settings.forInput}).
 *
 * @param fusedFeed the model's card has a fusion ({@code ModelCard.fusion()}): its history was a feed whose sources
 *                  (loops, floating cars) it fuses, not one clean speed per road
 */
public record ServedModel(RoadNetwork network, SpeedUnit unit, ZoneId timeZone, ForecastSkill skills,
                          DetectorBand detectorBand, boolean fusedFeed) {

    /** Without the models' detector scale: the detector reads the published band; one speed per road. */
    public ServedModel(RoadNetwork network, SpeedUnit unit, ZoneId timeZone, ForecastSkill skills) {
        this(network, unit, timeZone, skills, DetectorBand.PUBLISHED, false);
    }
}
