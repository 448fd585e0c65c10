package roadcast.api;

/**
 * A segment as the API lists it.
 *
 * @param id        segment id
 * @param latitude  WGS84 degrees, NaN where unknown
 * @param longitude WGS84 degrees, NaN where unknown
 * @param roadClass road class name (EXPRESSWAY, ..., UNKNOWN)
 * @param zone      zone of the model, -1 where unknown
 * @param coverage  "observed" (the model has its history) or "extended" (a road without history, kriged)
 */
public record CatalogSegment(String id, double latitude, double longitude, String roadClass, int zone,
                             String coverage) {

    /** An observed segment. */
    public CatalogSegment(String id, double latitude, double longitude, String roadClass, int zone) {
        this(id, latitude, longitude, roadClass, zone, roadcast.forecast.Forecast.OBSERVED);
    }

    public boolean extended() {
        return roadcast.forecast.Forecast.EXTENDED.equals(coverage);
    }
}
