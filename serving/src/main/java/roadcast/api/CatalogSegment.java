package roadcast.api;

/**
 * A segment as the API lists it.
 *
 * @param id        segment id
 * @param latitude  WGS84 degrees, NaN where unknown
 * @param longitude WGS84 degrees, NaN where unknown
 * @param roadClass road class name (EXPRESSWAY, ..., UNKNOWN)
 * @param zone      zone of the model, -1 where unknown
 */
public record CatalogSegment(String id, double latitude, double longitude, String roadClass, int zone) {
}
