package roadcast.network;

/**
 * One road segment (a loop detector or a road link) as the network knows it.
 *
 * @param id        the segment id used in every data file and on the wire
 * @param latitude  WGS84 degrees, NaN where unknown
 * @param longitude WGS84 degrees, NaN where unknown
 * @param roadClass the road class that selects the congestion speed bands
 */
public record Segment(String id, double latitude, double longitude, RoadClass roadClass) {

    public Segment {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("segment id must not be blank");
        }
        if (roadClass == null) {
            roadClass = RoadClass.UNKNOWN;
        }
    }

    public boolean hasCoordinates() {
        return !Double.isNaN(latitude) && !Double.isNaN(longitude);
    }
}
