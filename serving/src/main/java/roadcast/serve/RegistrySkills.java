package roadcast.serve;

import roadcast.api.ForecastSkill;
import roadcast.api.ModelSkill;
import roadcast.forecast.Forecast;
import roadcast.model.ModelRegistry;
import roadcast.skill.Reliability;

/**
 * Skill by the version named in each forecast, read from the registry on first use ({@link RegistryVersions}): a
 * forecast is judged by the model that made it; a version the registry cannot load is judged "no evidence".
 */
public final class RegistrySkills implements ForecastSkill {

    private final RegistryVersions<ModelSkill> versions;

    public RegistrySkills(ModelRegistry registry, ModelSkill first) {
        versions = new RegistryVersions<>(registry, ModelSkill::of, "skill table for reliability flags",
            "forecasts judged unreliable", first == null ? null : first.version(), first);
    }

    @Override
    public Reliability.Flag flag(Forecast forecast, int h) {
        ModelSkill skill = versions.get(forecast.modelVersion());
        return skill == null ? Reliability.Flag.NO_EVIDENCE : skill.flag(forecast, h);
    }
}
