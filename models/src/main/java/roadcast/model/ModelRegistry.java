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
 * <p>Candidates the promotion gate refused are kept aside under {@code <dir>/refused/<version>/} (the model, its card
 * with the verdict, and {@code gate-report.json}); they never become {@code latest}. Published and refused versions
 * share one sequence, so a version names one model.
 */
public final class ModelRegistry {

    public static final String MODEL_FILE = "model.rcm";
    public static final String CARD_FILE = "model-card.json";
    public static final String LATEST = "latest";
    public static final String REFUSED = "refused";
    public static final String GATE_REPORT = "gate-report.json";
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
            String version = nextVersion();
            write(model.withVersion(version), dir, version, null);
            Path tmp = Files.createTempFile(dir, ".latest-", ".tmp");
            Files.writeString(tmp, version + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(LATEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return version;
        }
    }

    /**
     * Keeps a refused candidate aside under {@code refused/<version>/} with the gate's report; {@code latest} does
     * not move. Returns the version it was given.
     */
    public String setAside(ManifoldModel model, byte[] gateReportJson) throws IOException {
        synchronized (ModelRegistry.class) {
            Path refused = dir.resolve(REFUSED);
            Files.createDirectories(refused);
            String version = nextVersion();
            write(model.withVersion(version), refused, version, gateReportJson);
            return version;
        }
    }

    /** Refused candidates kept aside, oldest first. */
    public List<String> refused() throws IOException {
        return listVersions(dir.resolve(REFUSED));
    }

    /** A refused candidate. */
    public ManifoldModel loadRefused(String version) throws IOException {
        if (!VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("'" + version + "' is not a model version (v0001-20260101T120000)");
        }
        return ModelFile.read(dir.resolve(REFUSED).resolve(version).resolve(MODEL_FILE));
    }

    /**
     * The highest zone id any model of this registry ever gave, published or refused (from their cards; -1 when
     * none): a new zone's id goes above it, so one id names one set of segments across the whole registry.
     */
    public int zoneIdHighWater() throws IOException {
        int max = -1;
        List<Path> cards = new ArrayList<>();
        for (String v : versions()) {
            cards.add(dir.resolve(v).resolve(CARD_FILE));
        }
        for (String v : refused()) {
            cards.add(dir.resolve(REFUSED).resolve(v).resolve(CARD_FILE));
        }
        for (Path card : cards) {
            if (!Files.isRegularFile(card)) {
                continue;
            }
            ModelCard c = JSON.readValue(card.toFile(), ModelCard.class);
            max = Math.max(max, c.zoning() != null ? c.zoning().idHighWater() : c.zones() - 1);
        }
        return max;
    }

    private String nextVersion() throws IOException {
        int next = Math.max(versions().stream().mapToInt(ModelRegistry::sequence).max().orElse(0),
                refused().stream().mapToInt(ModelRegistry::sequence).max().orElse(0)) + 1;
        return String.format("v%04d-%s", next, ZonedDateTime.now(ZoneOffset.UTC).format(STAMP));
    }

    /** Writes a version folder atomically: staged beside it, then moved into place. */
    private static void write(ManifoldModel model, Path parent, String version, byte[] report) throws IOException {
        Path staging = Files.createTempDirectory(parent, ".publish-");
        try {
            ModelFile.write(model, staging.resolve(MODEL_FILE));
            Files.write(staging.resolve(CARD_FILE), JSON.writeValueAsBytes(model.card()));
            if (report != null) {
                Files.write(staging.resolve(GATE_REPORT), report);
            }
            Files.move(staging, parent.resolve(version), StandardCopyOption.ATOMIC_MOVE);
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
        return listVersions(dir);
    }

    private static List<String> listVersions(Path dir) throws IOException {
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
