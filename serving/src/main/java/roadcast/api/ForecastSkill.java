package roadcast.api;

import roadcast.forecast.Forecast;
import roadcast.skill.Reliability;

/**
 * The reliability verdict ({@link Reliability}) of horizon index {@code h} of a stored forecast, from the validation
 * skill of the model version that issued it.
 */
@FunctionalInterface
public interface ForecastSkill {
    Reliability.Flag flag(Forecast forecast, int h);
}
