package roadcast.api;

import roadcast.forecast.Forecast;

/**
 * The lower band the incident detector compares readings with, for horizon index {@code h} of a stored forecast:
 * the band of the model version that issued it made with the model's scale for the detector
 * ({@link roadcast.alerts.AlertBand}), not the published forecast band.
 */
@FunctionalInterface
public interface DetectorBand {

    /**
     * The published forecast's own lower band: what the detector reads where the issuing model is not known (serving
     * without a registry, a version it cannot load, a road without history), as it did before models kept a scale for
     * the detector.
     */
    DetectorBand PUBLISHED = (forecast, h) -> forecast.lower()[h];

    double lower(Forecast forecast, int h);
}
