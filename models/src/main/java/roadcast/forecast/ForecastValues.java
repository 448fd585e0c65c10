package roadcast.forecast;

import java.nio.charset.StandardCharsets;

/**
 * One segment's forecast as the wire writers read it ({@link ForecastJsonWriter}, the Avro writer, the stream's
 * record serializer): a {@link Forecast}, or a segment of a {@link ZoneIssue} read straight from the kernel's output,
 * so the stream encodes its forecasts without building a {@code Forecast} and four arrays per segment and step.
 * The values are those of {@link Forecast}'s fields of the same names; arrays indexed by horizon.
 */
public interface ForecastValues {

    String segment();

    long issuedAt();

    String modelVersion();

    double observedSpeed();

    boolean imputed();

    boolean extended();

    double estimatedSpeed();

    /** Lead times in minutes; callers must not change the array. */
    int[] horizonsMin();

    double speed(int h);

    double lower(int h);

    double upper(int h);

    /** Congestion level wire name of horizon {@code h}, null where no grade applies. */
    String level(int h);

    /** The Kafka key of the forecast: the segment id in UTF-8. Callers must not change the array (it may be shared). */
    default byte[] segmentKey() {
        return segment().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The segment id as a quoted JSON string, or null for the writer to make it: a zone's issue keeps its segments'
     * ready-made (one copy of bytes per forecast instead of a scan and a copy of chars). Callers must not change it.
     */
    default byte[] segmentJson() {
        return null;
    }

    /**
     * The forecast's {@link ForecastJson} record, already written by {@link ForecastJsonWriter}, or null for the
     * publisher to write it: the stream's zone workers encode a zone's forecasts off the thread that publishes them
     * ({@link ZoneIssue#encodeJson}). Callers must not change it.
     */
    default byte[] json() {
        return null;
    }

    /** These values as a {@link Forecast} record (new arrays). */
    default Forecast toForecast() {
        int horizons = horizonsMin().length;
        double[] speed = new double[horizons];
        double[] lower = new double[horizons];
        double[] upper = new double[horizons];
        String[] level = new String[horizons];
        for (int h = 0; h < horizons; h++) {
            speed[h] = speed(h);
            lower[h] = lower(h);
            upper[h] = upper(h);
            level[h] = level(h);
        }
        return new Forecast(segment(), issuedAt(), modelVersion(), observedSpeed(), imputed(), horizonsMin(), speed,
                level, lower, upper, extended() ? Forecast.EXTENDED : Forecast.OBSERVED, estimatedSpeed());
    }
}
