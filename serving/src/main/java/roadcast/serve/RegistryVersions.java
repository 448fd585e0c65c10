package roadcast.serve;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What serving reads of each model version that issues forecasts (its skill table, its detector band), made from the
 * version's model in the registry on first use: the daily loop publishes new versions while serving runs, and a
 * forecast is read with the model that made it. Keeps the few most recently used versions; a version the registry
 * cannot load is asked for again after a minute and is null meanwhile. Thread-safe.
 *
 * @param <T> what is kept of a version (not the model: a large model's profile and basis are not needed)
 */
final class RegistryVersions<T> {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryVersions.class);
    private static final int KEPT_VERSIONS = 4;
    private static final long RETRY_MISSING_MILLIS = 60_000;

    private final ModelRegistry registry;
    private final Function<ManifoldModel, T> of;
    private final String what;
    private final String meanwhile;
    private final Map<String, T> loaded = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, T> eldest) {
            return size() > KEPT_VERSIONS;
        }
    };
    private final Map<String, Long> missingSince = new java.util.HashMap<>();

    /**
     * @param what      what is made of a version, for the log ("skill table")
     * @param meanwhile what a forecast of a version that cannot be loaded gets, for the log
     * @param first     the version already loaded and what was made of it (null: none)
     */
    RegistryVersions(ModelRegistry registry, Function<ManifoldModel, T> of, String what, String meanwhile,
                     String firstVersion, T first) {
        this.registry = registry;
        this.of = of;
        this.what = what;
        this.meanwhile = meanwhile;
        if (first != null) {
            loaded.put(firstVersion, first);
        }
    }

    /** What was made of the version, or null when it cannot be loaded (or no version is named). */
    synchronized T get(String version) {
        T s = loaded.get(version);
        if (s != null || version == null || version.isEmpty()) {
            return s;
        }
        Long since = missingSince.get(version);
        long now = System.currentTimeMillis();
        if (since != null && now - since < RETRY_MISSING_MILLIS) {
            return null;
        }
        try {
            s = of.apply(registry.load(version));
            loaded.put(version, s);
            missingSince.remove(version);
            LOG.info("{} of model {} loaded", what, version);
            return s;
        } catch (Exception e) {
            if (missingSince.size() > 1000) {
                missingSince.clear();
            }
            missingSince.put(version, now);
            LOG.warn("no {} for model version {} ({}): {}", what, version, meanwhile, e.getMessage());
            return null;
        }
    }
}
