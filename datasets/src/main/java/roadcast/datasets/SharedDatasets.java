package roadcast.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the real data sets kept beside the project root ({@code ../shared/datasets}). They are read in place, never
 * copied. Lookup order: system property {@code roadcast.shared}, environment variable {@code ROADCAST_SHARED}, then
 * {@code shared/} in the working directory and each of its parents.
 */
public final class SharedDatasets {

    private SharedDatasets() {
    }

    /** The {@code shared/datasets/NAME} folder, if that data set is present on this machine. */
    public static Optional<Path> find(String name) {
        return root().map(r -> r.resolve("datasets").resolve(name)).filter(Files::isDirectory);
    }

    /** The {@code shared/} folder, if present. */
    public static Optional<Path> root() {
        for (String configured : new String[] {System.getProperty("roadcast.shared"), System.getenv("ROADCAST_SHARED")}) {
            if (configured != null && !configured.isBlank() && Files.isDirectory(Path.of(configured, "datasets"))) {
                return Optional.of(Path.of(configured).toAbsolutePath().normalize());
            }
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared");
            if (Files.isDirectory(candidate.resolve("datasets"))) {
                return Optional.of(candidate.normalize());
            }
        }
        return Optional.empty();
    }

    /** A message for tests and commands that skip because a data set is absent. */
    public static String absentMessage(String name) {
        return "real data set '" + name + "' not found: expected ../shared/datasets/" + name
                + " beside the project root (or -Droadcast.shared=DIR / ROADCAST_SHARED=DIR)";
    }
}
