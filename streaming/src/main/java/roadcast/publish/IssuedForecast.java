package roadcast.publish;

import org.apache.flink.api.common.typeinfo.TypeInfo;
import roadcast.forecast.Forecast;
import roadcast.forecast.ForecastValues;

/**
 * A forecast on its way to the output topic, with the largest append time of the input records it used: the Kafka
 * record timestamp of the forecast, so a consumer measures end-to-end lag as now minus that timestamp.
 *
 * <p>The zone operator issues its forecasts as segments of a {@link roadcast.forecast.ZoneIssue} (values read from
 * the kernel's output, encoded without a {@link Forecast} record); other producers give a {@link Forecast}.
 *
 * @param values            the forecast to publish (immutable: neither a {@code ZoneIssue} nor a {@code Forecast}
 *                          is changed after it is issued)
 * @param inputAppendMillis largest input append time of the zone step, epoch ms
 */
@TypeInfo(IssuedForecastTypeInfo.Factory.class)
public record IssuedForecast(ForecastValues values, long inputAppendMillis) {

    /** The forecast as a record: the one given, or one made from the values (new arrays on each call). */
    public Forecast forecast() {
        return values.toForecast();
    }
}
