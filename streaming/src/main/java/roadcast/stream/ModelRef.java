package roadcast.stream;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;

import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;

/**
 * A model version in a registry folder, small enough to ship with the job graph: operators load the model where
 * they run (the folder must be readable there: local disk for a mini-cluster, a shared mount for a cluster).
 *
 * @param registryDir registry folder
 * @param version     registry version
 */
public record ModelRef(String registryDir, String version) implements Serializable {

    public ManifoldModel load() throws IOException {
        return registry().load(version);
    }

    public ModelRegistry registry() {
        return new ModelRegistry(Path.of(registryDir));
    }

    public ModelRef withVersion(String other) {
        return new ModelRef(registryDir, other);
    }
}
