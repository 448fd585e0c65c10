package roadcast.serve;

import roadcast.api.DetectorBand;
import roadcast.api.ModelDetectorBand;
import roadcast.forecast.Forecast;
import roadcast.model.ModelRegistry;

/**
 * The detector band by the version named in each forecast, read from the registry on first use
 * ({@link RegistryVersions}): a forecast is read with the scale of the model that made it; a version the registry
 * cannot load gets the published band ({@link DetectorBand#PUBLISHED}).
 */
public final class RegistryDetectorBands implements DetectorBand {

    private final RegistryVersions<ModelDetectorBand> versions;

    public RegistryDetectorBands(ModelRegistry registry, ModelDetectorBand first) {
        versions = new RegistryVersions<>(registry, ModelDetectorBand::of, "detector band for incident alerts",
            "alerts read the published band", first == null ? null : first.version(), first);
    }

    @Override
    public double lower(Forecast forecast, int h) {
        // one detector band per version at a time: the alerts call this from one thread, the cache is synchronized
        ModelDetectorBand band = versions.get(forecast.modelVersion());
        return band == null ? PUBLISHED.lower(forecast, h) : band.lower(forecast, h);
    }
}
