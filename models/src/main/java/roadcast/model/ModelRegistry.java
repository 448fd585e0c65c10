package roadcast.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * A directory of published models: {@code <dir>/<version>/model.rcm}, {@code <dir>/<version>/model-card.json} and
 * {@code <dir>/latest} (a text file naming the newest version). Versions are {@code v<4-digit sequence>-<UTC
 * yyyyMMdd'T'HHmmss>}. Every file appears atomically (written aside, then moved), so a reader never sees half a
 * model. Publishing is serialised within this JVM.
 */
public final class ModelRegistry {

    public static final String MODEL_FILE = "model.rcm";
    public static final String CARD_FILE = "model-card.json";
    public static final String LATEST = "latest";
    private static final Pattern VERSION = Pattern.compile("v(\\d{4,})-(\\d{8}T\\d{6})");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public ModelRegistry(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Publishes under the next version and makes it the latest; returns the version. */
    public String publish(ManifoldModel model) throws IOException {
        synchronized (ModelRegistry.class) {
            Files.createDirectories(dir);
            int next = versions().stream().mapToInt(ModelRegistry::sequence).max().orElse(0) + 1;
            String version = String.format("v%04d-%s", next, ZonedDateTime.now(ZoneOffset.UTC).format(STAMP));
            ManifoldModel published = model.withVersion(version);
            Path staging = Files.createTempDirectory(dir, ".publish-");
            try {
                ModelFile.write(published, staging.resolve(MODEL_FILE));
                Files.write(staging.resolve(CARD_FILE), JSON.writeValueAsBytes(published.card()));
                Files.move(staging, dir.resolve(version), StandardCopyOption.ATOMIC_MOVE);
            } finally {
                if (Files.exists(staging)) {
                    try (Stream<Path> files = Files.list(staging)) {
                        for (Path f : files.toList()) {
                            Files.deleteIfExists(f);
                        }
                    }
                    Files.deleteIfExists(staging);
                }
            }
            Path tmp = Files.createTempFile(dir, ".latest-", ".tmp");
            Files.writeString(tmp, version + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(LATEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return version;
        }
    }

    /** The latest published version, if any. */
    public Optional<String> latest() throws IOException {
        Path latest = dir.resolve(LATEST);
        if (!Files.isRegularFile(latest)) {
            return Optional.empty();
        }
        String version = Files.readString(latest, StandardCharsets.UTF_8).trim();
        if (!VERSION.matcher(version).matches()) {
            throw new ModelFormatException(latest + ": '" + version + "' is not a model version");
        }
        return Optional.of(version);
    }

    /** The latest published model, if any. */
    public Optional<ManifoldModel> loadLatest() throws IOException {
        Optional<String> version = latest();
        return version.isPresent() ? Optional.of(load(version.get())) : Optional.empty();
    }

    public ManifoldModel load(String version) throws IOException {
        if (!VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("'" + version + "' is not a model version (v0001-20260101T120000)");
        }
        ManifoldModel model = ModelFile.read(dir.resolve(version).resolve(MODEL_FILE));
        if (!version.equals(model.version())) {
            throw new ModelFormatException(dir.resolve(version).resolve(MODEL_FILE) + " holds model version "
                    + model.version() + ", not " + version);
        }
        return model;
    }

    /** Published versions, oldest first. */
    public List<String> versions() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.filter(p -> Files.isRegularFile(p.resolve(MODEL_FILE)))
                    .map(p -> p.getFileName().toString())
                    .filter(name -> VERSION.matcher(name).matches())
                    .forEach(out::add);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.sort((a, b) -> Integer.compare(sequence(a), sequence(b)));
        return out;
    }

    private static int sequence(String version) {
        Matcher m = VERSION.matcher(version);
        if (!m.matches()) {
            throw new IllegalArgumentException(version);
        }
        return Integer.parseInt(m.group(1));
    }
}
