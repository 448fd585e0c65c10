package roadcast.serve;

import roadcast.api.ForecastSkill;
import roadcast.api.ModelSkill;
import roadcast.api.SegmentCatalog;
import roadcast.api.ServedModel;
import roadcast.congestion.CongestionGrader;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;

import java.io.IOException;
import java.nio.file.Path;

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
        return of(model, new RegistrySkills(new ModelRegistry(registryDir), ModelSkill.of(model)));
    }

    /** One model, its forecasts judged by its own skill table. */
    public static SegmentCatalog of(ManifoldModel model) {
        return of(model, ModelSkill.of(model));
    }

    private static SegmentCatalog of(ManifoldModel model, ForecastSkill skills) {
        CongestionGrader grader = CongestionGrader.of(model.unit());
        // the zone's stable id, not its index: the dashboard names the same zone alike across model versions
        return SegmentCatalog.of(model.network(), i -> model.zoneId(model.zoneOf(i)), (id, speed) -> model.network()
            .indexOf(id)
            // null when neither road-class bands nor a free-flow speed exist (unknown class, no history)
            .map(i -> grader.level(model.network().segment(i).roadClass(), speed, model.freeFlowSpeed(i)))
            .map(roadcast.congestion.CongestionLevel::wireName)
            .orElse(null)).withModel(new ServedModel(model.network(), model.unit(), model.timeZone(), skills));
    }
}
