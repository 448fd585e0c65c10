package roadcast.review;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import roadcast.model.ManifoldModel;
import roadcast.model.ModelCard;
import roadcast.model.ModelRegistry;
import roadcast.model.ZoningRecord;

/** {@code roadcast models}: what a registry holds, as an analyst checks it in the morning. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"Lists a model registry: every published version and every candidate the promotion gate "
                + "refused (kept under refused/), oldest first, with the data window, zones, zoning fingerprint "
                + "and what changed against the anchor, the gate's verdict and reasons, and validation skill "
                + "(held-out MAE against the service's; the trainer's 60-min validation RMSE)."})
public final class ModelsCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--registry", required = true, paramLabel = "DIR", description = "Model registry.")
    Path registry;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the listing as JSON (default: none).")
    Path json;

    /**
     * One row of the listing.
     *
     * @param status latest, published, forced or refused
     */
    public record Entry(String version, String status, boolean latest, String dataset, String trainedFrom,
                        String trainedTo, int segments, int zones, String zoningFingerprint, String anchoredTo,
                        ModelCard.ZoningChanges zoningChanges, String gateVerdict, String comparedWith,
                        String heldOut, List<String> reasons, Double heldOutMaeRatio, Double validationRmse60,
                        String createdAt) {
    }

    /** Every version of a registry, published and refused, by sequence. */
    public static List<Entry> list(Path registry) throws IOException {
        ModelRegistry models = new ModelRegistry(registry);
        Optional<String> latest = models.latest();
        List<Entry> entries = new ArrayList<>();
        for (String v : models.versions()) {
            entries.add(entry(models.dir().resolve(v), v, false, latest.map(v::equals).orElse(false)));
        }
        for (String v : models.refused()) {
            entries.add(entry(models.dir().resolve(ModelRegistry.REFUSED).resolve(v), v, true, false));
        }
        entries.sort((a, b) -> a.version().compareTo(b.version()));
        return entries;
    }

    private static Entry entry(Path dir, String version, boolean refused, boolean latest) throws IOException {
        ModelCard card;
        String fingerprint;
        Path cardFile = dir.resolve(ModelRegistry.CARD_FILE);
        if (Files.isRegularFile(cardFile)) {
            card = JSON.readValue(cardFile.toFile(), ModelCard.class);
        } else {
            card = null;
        }
        if (card == null || card.zoning() == null) {
            // cards written before zoning records: the model file knows its zones
            ManifoldModel model = roadcast.model.ModelFile.read(dir.resolve(ModelRegistry.MODEL_FILE));
            card = model.card();
            fingerprint = ZoningRecord.fingerprint(model);
        } else {
            fingerprint = card.zoning().fingerprint();
        }
        ModelCard.GateVerdict gate = card.gate();
        Double ratio = null;
        if (gate != null) {
            ratio = gate.checks().stream().filter(c -> c.name().equals("mae_ratio")).map(ModelCard.GateCheck::value)
                    .findFirst().orElse(null);
        }
        Double rmse60 = null;
        ModelCard.ValidationMetrics v = card.validation();
        if (v != null && v.horizonsMin() != null && !v.horizonsMin().isEmpty()) {
            rmse60 = v.rmse().get(v.rmse().size() - 1);
        }
        String status = refused ? "refused" : gate != null && "forced".equals(gate.verdict()) ? "forced" : "published";
        return new Entry(version, status, latest, card.dataset(), card.trainedFrom(), card.trainedTo(),
                card.segments(), card.zones(), fingerprint,
                card.zoning() == null ? null : card.zoning().anchoredTo(),
                card.zoning() == null ? null : card.zoning().changes(), gate == null ? null : gate.verdict(),
                gate == null ? null : gate.comparedWith(), gate == null ? null : gate.heldOut(),
                gate == null ? List.of() : gate.reasons(), ratio, rmse60, card.createdAt());
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(registry)) {
            err.println("models: " + registry + " is not a directory (a model registry written by roadcast train)");
            return 2;
        }
        List<Entry> entries = list(registry);
        Optional<String> latest = new ModelRegistry(registry).latest();
        out.printf(Locale.ROOT, "registry %s: %d published, %d refused, latest %s%n", registry.toAbsolutePath()
                        .normalize(), entries.stream().filter(e -> !e.status().equals("refused")).count(),
                entries.stream().filter(e -> e.status().equals("refused")).count(), latest.orElse("none"));
        out.printf(Locale.ROOT, "%-22s %-10s %-33s %5s %5s %-12s %-14s %-9s %9s %8s%n", "version", "status",
                "data window (local)", "segs", "zones", "zoning", "zones kept/new", "gate", "MAE ratio", "RMSE60");
        for (Entry e : entries) {
            String changes = e.zoningChanges() == null ? "fresh" : e.zoningChanges().kept().size() + "/"
                    + e.zoningChanges().created().size();
            out.printf(Locale.ROOT, "%-22s %-10s %-33s %5d %5d %-12s %-14s %-9s %9s %8s%n", e.version(),
                    e.status() + (e.latest() ? "*" : ""), window(e), e.segments(), e.zones(),
                    e.zoningFingerprint().substring(0, 12), changes, e.gateVerdict() == null ? "-" : e.gateVerdict(),
                    e.heldOutMaeRatio() == null ? "-" : String.format(Locale.ROOT, "%.3f", e.heldOutMaeRatio()),
                    e.validationRmse60() == null ? "-" : String.format(Locale.ROOT, "%.3f", e.validationRmse60()));
            for (String reason : e.reasons()) {
                out.println("    " + reason);
            }
        }
        out.println("* = latest (what the stream and the dashboard use). MAE ratio: candidate / service on the "
                + "held-out day; RMSE60: trainer's validation RMSE at the last horizon.");
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("registry", registry.toAbsolutePath().normalize().toString());
            doc.put("latest", latest.orElse(null));
            doc.put("versions", entries);
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            JSON.writeValue(json.toFile(), doc);
            out.println("wrote " + json);
        }
        out.flush();
        return 0;
    }

    private static String window(Entry e) {
        return shorten(e.trainedFrom()) + ".." + shorten(e.trainedTo());
    }

    /** "2012-03-01T00:00 America/Los_Angeles" -> "2012-03-01T00:00". */
    private static String shorten(String time) {
        if (time == null) {
            return "?";
        }
        int space = time.indexOf(' ');
        String t = space < 0 ? time : time.substring(0, space);
        return t.length() > 16 ? t.substring(0, 16) : t;
    }
}
