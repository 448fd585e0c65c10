package roadcast.api;

import roadcast.alerts.AlertBand;
import roadcast.forecast.Forecast;
import roadcast.model.ManifoldModel;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One model version's detector band ({@link AlertBand}) with what it takes to read it for a stored forecast: segment
 * ids in network order and the horizons of its arrays. A forecast of another version, of a road the model has no
 * history of (an extended segment) or at a horizon the model does not have gets its published band
 * ({@link DetectorBand#PUBLISHED}). Not thread-safe ({@link AlertBand}'s clock): serving's alerts call it from one
 * thread.
 */
public final class ModelDetectorBand implements DetectorBand {

    private final String version;
    private final Map<String, Integer> indexById;
    private final int[] horizonsMin;
    private final AlertBand band;

    private ModelDetectorBand(ManifoldModel model) {
        this.version = model.version();
        String[] ids = model.network().segmentIds();
        this.indexById = new HashMap<>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) {
            indexById.put(ids[i], i);
        }
        this.horizonsMin = model.horizonsMin();
        this.band = new AlertBand(model);
    }

    public static ModelDetectorBand of(ManifoldModel model) {
        return new ModelDetectorBand(model);
    }

    public String version() {
        return version;
    }

    @Override
    public double lower(Forecast forecast, int h) {
        Integer segment = forecast.extended() ? null : indexById.get(forecast.segment());
        int column = HorizonColumn.of(horizonsMin, forecast.horizonsMin()[h]);
        if (segment == null || column < 0 || !Objects.equals(version, forecast.modelVersion())) {
            return PUBLISHED.lower(forecast, h);
        }
        return band.lower(segment, column, forecast.issuedAt(), forecast.speed()[h], forecast.imputed());
    }

}
