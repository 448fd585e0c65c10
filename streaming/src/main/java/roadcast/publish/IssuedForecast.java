package roadcast.publish;

import org.apache.flink.api.common.typeinfo.TypeInfo;
import roadcast.forecast.Forecast;

/**
 * A forecast on its way to the output topic, with the largest append time of the input records it used: the Kafka
 * record timestamp of the forecast, so a consumer measures end-to-end lag as now minus that timestamp.
 *
 * @param forecast          the record to publish
 * @param inputAppendMillis largest input append time of the zone step, epoch ms
 */
@TypeInfo(IssuedForecastTypeInfo.Factory.class)
public record IssuedForecast(Forecast forecast, long inputAppendMillis) {
}
