package roadcast.forecast;

/**
 * What Roadcast publishes for one segment at one issue time: the record on the forecast topic, in the online store
 * and behind the HTTP API. Arrays are indexed by horizon, parallel to {@code horizonsMin}.
 *
 * @param segment       segment id
 * @param issuedAt      epoch milliseconds of the step the forecast was issued at
 * @param modelVersion  registry version of the model that made it
 * @param observedSpeed the cleaned speed of the segment at {@code issuedAt}, NaN when it had no reading
 * @param imputed       true when the segment had no recent reading and its state was estimated from its zone
 * @param horizonsMin   lead times in minutes (5, 10, ..., 60 for 5-minute data)
 * @param speed         forecast speeds in the model's unit
 * @param level         congestion level wire names ({@link roadcast.congestion.CongestionLevel#wireName()})
 * @param lower         lower bound of the forecast band
 * @param upper         upper bound of the forecast band
 * @param coverage      {@link #OBSERVED} (the model has the segment's history) or {@link #EXTENDED} (a road without
 *                      history, estimated by the model's kriging layer from its observed neighbours)
 * @param estimatedSpeed the estimate of the speed at {@code issuedAt} (horizon 0) of an extended segment: its live
 *                      reading where it had one, else the kriged estimate; NaN for observed segments
 */
public record Forecast(String segment, long issuedAt, String modelVersion, double observedSpeed, boolean imputed,
                       int[] horizonsMin, double[] speed, String[] level, double[] lower, double[] upper,
                       String coverage, double estimatedSpeed) implements ForecastValues {

    /** Coverage of a segment with a speed history. */
    public static final String OBSERVED = "observed";
    /** Coverage of a road without history, forecast by kriging (issue 8). */
    public static final String EXTENDED = "extended";

    public Forecast {
        if (!OBSERVED.equals(coverage) && !EXTENDED.equals(coverage)) {
            throw new IllegalArgumentException("coverage must be '" + OBSERVED + "' or '" + EXTENDED + "', got '"
                    + coverage + "'");
        }
    }

    /** A forecast of an observed segment (the record before coverage extension). */
    public Forecast(String segment, long issuedAt, String modelVersion, double observedSpeed, boolean imputed,
                    int[] horizonsMin, double[] speed, String[] level, double[] lower, double[] upper) {
        this(segment, issuedAt, modelVersion, observedSpeed, imputed, horizonsMin, speed, level, lower, upper,
                OBSERVED, Double.NaN);
    }

    @Override
    public boolean extended() {
        return EXTENDED.equals(coverage);
    }

    @Override
    public double speed(int h) {
        return speed[h];
    }

    @Override
    public double lower(int h) {
        return lower[h];
    }

    @Override
    public double upper(int h) {
        return upper[h];
    }

    @Override
    public String level(int h) {
        return level[h];
    }

    /** This record itself (its arrays are the record's). */
    @Override
    public Forecast toForecast() {
        return this;
    }
}
