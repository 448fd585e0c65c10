package roadcast.serve;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.api.ForecastSkill;
import roadcast.api.ModelSkill;
import roadcast.forecast.Forecast;
import roadcast.model.ModelRegistry;
import roadcast.skill.Reliability;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Skill by the version named in each forecast, read from the registry on first use: the daily loop publishes new
 * versions while serving runs, and a forecast is judged by the model that made it. Keeps the few newest versions'
 * tables; a version the registry cannot load is asked for again after a minute and judged "no evidence" meanwhile.
 */
public final class RegistrySkills implements ForecastSkill {

    private static final Logger LOG = LoggerFactory.getLogger(RegistrySkills.class);
    private static final int KEPT_VERSIONS = 4;
    private static final long RETRY_MISSING_MILLIS = 60_000;

    private final ModelRegistry registry;
    private final Map<String, ModelSkill> loaded = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ModelSkill> eldest) {
            return size() > KEPT_VERSIONS;
        }
    };
    private final Map<String, Long> missingSince = new java.util.HashMap<>();

    public RegistrySkills(ModelRegistry registry, ModelSkill first) {
        this.registry = registry;
        if (first != null) {
            loaded.put(first.version(), first);
        }
    }

    @Override
    public Reliability.Flag flag(Forecast forecast, int h) {
        ModelSkill skill = skillOf(forecast.modelVersion());
        return skill == null ? Reliability.Flag.NO_EVIDENCE : skill.flag(forecast, h);
    }

    private synchronized ModelSkill skillOf(String version) {
        ModelSkill s = loaded.get(version);
        if (s != null || version == null || version.isEmpty()) {
            return s;
        }
        Long since = missingSince.get(version);
        long now = System.currentTimeMillis();
        if (since != null && now - since < RETRY_MISSING_MILLIS) {
            return null;
        }
        try {
            s = ModelSkill.of(registry.load(version));
            loaded.put(version, s);
            missingSince.remove(version);
            LOG.info("skill table of model {} loaded for reliability flags", version);
            return s;
        } catch (Exception e) {
            if (missingSince.size() > 1000) {
                missingSince.clear();
            }
            missingSince.put(version, now);
            LOG.warn("no skill for model version {} (forecasts judged unreliable): {}", version, e.getMessage());
            return null;
        }
    }
}
