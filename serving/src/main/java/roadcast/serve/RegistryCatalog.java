package roadcast.serve;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import roadcast.api.CatalogSegment;
import roadcast.api.DetectorBand;
import roadcast.api.ForecastSkill;
import roadcast.api.ModelDetectorBand;
import roadcast.api.ModelSkill;
import roadcast.api.SegmentCatalog;
import roadcast.api.ServedModel;
import roadcast.congestion.CongestionGrader;
import roadcast.congestion.CongestionLevel;
import roadcast.forecast.Forecast;
import roadcast.forecast.Forecasts;
import roadcast.kriging.KrigingModel;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;
import roadcast.network.Segment;

/** The segment list of the latest model in a registry, graded with that model's free-flow speeds. */
public final class RegistryCatalog {

    private RegistryCatalog() {
    }

    public static SegmentCatalog load(Path registryDir) {
        ManifoldModel model;
        try {
            model = new ModelRegistry(registryDir).loadLatest().orElseThrow(() -> new IllegalArgumentException(
                "model registry " + registryDir + " has no published model yet (run `roadcast train` first)"));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read model registry " + registryDir + ": " + e.getMessage(), e);
        }
        ModelRegistry registry = new ModelRegistry(registryDir);
        return of(model, new RegistrySkills(registry, ModelSkill.of(model)),
            new RegistryDetectorBands(registry, ModelDetectorBand.of(model)));
    }

    /** One model, its forecasts judged by its own skill table and alerted on with its own detector band. */
    public static SegmentCatalog of(ManifoldModel model) {
        return of(model, ModelSkill.of(model), ModelDetectorBand.of(model));
    }

    private static SegmentCatalog of(ManifoldModel model, ForecastSkill skills, DetectorBand detectorBand) {
        CongestionGrader grader = CongestionGrader.of(model.unit());
        // the zone's stable id, not its index: the dashboard names the same zone alike across model versions
        SegmentCatalog observed = SegmentCatalog.of(model.network(), i -> model.zoneId(model.zoneOf(i)),
            (id, speed) -> model.network()
            .indexOf(id)
            // null when neither road-class bands nor a free-flow speed exist (unknown class, no history)
            .map(i -> grader.level(model.network().segment(i).roadClass(), speed, model.freeFlowSpeed(i)))
            .map(roadcast.congestion.CongestionLevel::wireName)
            .orElse(null));
        ServedModel served = new ServedModel(model.network(), model.unit(), model.timeZone(), skills, detectorBand,
            model.card().fusion() != null);
        KrigingModel kriging = model.kriging();
        if (kriging == null || kriging.size() == 0) {
            return observed.withModel(served);
        }
        // roads without history (coverage extension): listed and drawn too, graded like their forecasts
        List<CatalogSegment> extended = new ArrayList<>(kriging.size());
        Map<String, Integer> extendedIndex = new HashMap<>();
        for (int e = 0; e < kriging.size(); e++) {
            Segment s = kriging.segments().get(e);
            extended.add(new CatalogSegment(s.id(), s.latitude(), s.longitude(), s.roadClass().name(),
                model.zoneId(kriging.zone()[e]), Forecast.EXTENDED));
            extendedIndex.put(s.id(), e);
        }
        return observed.withExtended(extended, (id, speed) -> {
            Integer e = extendedIndex.get(id);
            if (e == null) {
                return observed.grade(id, speed);
            }
            CongestionLevel l = grader.level(kriging.segments().get(e).roadClass(), speed,
                Forecasts.extendedFreeFlow(model, e));
            return l == null ? null : l.wireName();
        }).withModel(served);
    }
}
