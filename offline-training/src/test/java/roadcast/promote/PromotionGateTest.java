package roadcast.promote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.datasets.SharedDatasets;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.fixture.CorruptedCopy;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;
import roadcast.train.TrainingOptions;

/**
 * The promotion gate on real data: a model of Los-loop's first five days is in service; a retrain on the whole
 * week is published, while the same week delivered in km/h as mph, or with its ids mixed up and its clock three
 * hours off, is refused and kept aside with a report, and latest stays. {@code force} publishes a refused one.
 */
class PromotionGateTest {

    @TempDir
    static Path tmp;

    private static Path los;
    private static Path kmh;
    private static Path mixed;

    @BeforeAll
    static void copies() throws Exception {
        Optional<Path> dir = SharedDatasets.find("los-loop");
        Assumptions.assumeTrue(dir.isPresent(), SharedDatasets.absentMessage("los-loop"));
        los = dir.get();
        kmh = CorruptedCopy.scaled(los, tmp.resolve("los-kmh"), 1.609);
        mixed = CorruptedCopy.permutedAndShifted(los, tmp.resolve("los-mixed"), 11, 36);
    }

    private static TrainingConfig config(Dataset data) {
        return new TrainingOptions().toConfig(data).withFixed(5, 2, 1.0).withSmoothing(10).withMaxZoneSize(64);
    }

    /** A registry whose latest model was trained on Los-loop's first five days. */
    private static Path registryWithFiveDays(Path dir) throws Exception {
        Dataset real = DatasetLoader.load(los);
        Promotion.Result first = Promotion.run(new Promotion.Request(real, 5 * 288, config(real), dir,
                GateThresholds.defaults(), false, java.time.Duration.ofDays(1)), ProgressListener.NONE);
        assertEquals(Promotion.Status.FIRST, first.status());
        return dir;
    }

    private static Promotion.Result retrain(Path data, Path registry, boolean force) throws Exception {
        Dataset d = DatasetLoader.load(data);
        return Promotion.run(Promotion.Request.of(d, config(d), registry, force), ProgressListener.NONE);
    }

    private static void assertRefusedAndKeptAside(Promotion.Result r, Path registry, String latestBefore,
                                                  String expectedCheck) throws Exception {
        System.out.println(r.status() + " " + r.reasons() + " " + r.decision().checks());
        assertEquals(Promotion.Status.REFUSED, r.status(), r.reasons().toString());
        ModelRegistry models = new ModelRegistry(registry);
        assertEquals(latestBefore, models.latest().orElseThrow(), "latest must not move");
        assertFalse(models.versions().contains(r.version()));
        assertTrue(models.refused().contains(r.version()));
        Path report = registry.resolve("refused").resolve(r.version()).resolve("gate-report.json");
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertEquals("refused", json.get("verdict").asText());
        boolean found = false;
        for (JsonNode check : json.get("checks")) {
            if (check.get("name").asText().equals(expectedCheck)) {
                assertFalse(check.get("passed").asBoolean(), expectedCheck + " should fail: " + check);
                found = true;
            }
        }
        assertTrue(found, "no " + expectedCheck + " check in " + json);
        ManifoldModel aside = models.loadRefused(r.version());
        assertEquals("refused", aside.card().gate().verdict());
    }

    @Test
    void refusesSpeedsInTheWrongUnit(@TempDir Path dir) throws Exception {
        Path registry = registryWithFiveDays(dir.resolve("registry"));
        String before = new ModelRegistry(registry).latest().orElseThrow();
        assertRefusedAndKeptAside(retrain(kmh, registry, false), registry, before, "drifted_share");
    }

    /** Six good days and a newest day in km/h: the month hides it, the held-out day alone does not. */
    @Test
    void refusesANewestDayInTheWrongUnit(@TempDir Path dir) throws Exception {
        Path registry = registryWithFiveDays(dir.resolve("registry"));
        String before = new ModelRegistry(registry).latest().orElseThrow();
        Path lastDayKmh = CorruptedCopy.scaled(los, dir.resolve("los-last-day-kmh"), 1.609, 6 * 288);
        assertRefusedAndKeptAside(retrain(lastDayKmh, registry, false), registry, before,
                "held_out_rejected_share");
    }

    @Test
    void refusesIdsMixedUpAndShiftedInTime(@TempDir Path dir) throws Exception {
        Path registry = registryWithFiveDays(dir.resolve("registry"));
        String before = new ModelRegistry(registry).latest().orElseThrow();
        assertRefusedAndKeptAside(retrain(mixed, registry, false), registry, before, "drifted_share");
    }

    @Test
    void publishesTheRealWeekAndForcePublishesARefusedOne(@TempDir Path dir) throws Exception {
        Path registry = registryWithFiveDays(dir.resolve("registry"));
        ModelRegistry models = new ModelRegistry(registry);
        Promotion.Result refused = retrain(kmh, registry, false);
        assertEquals(Promotion.Status.REFUSED, refused.status());
        int refusedHighWater = refused.model().card().zoning().idHighWater();

        Promotion.Result real = retrain(los, registry, false);
        assertEquals(Promotion.Status.PUBLISHED, real.status(), real.reasons().toString());
        assertEquals(real.version(), models.latest().orElseThrow());
        ManifoldModel published = models.load(real.version());
        assertEquals("published", published.card().gate().verdict());
        assertTrue(published.card().gate().checks().stream().allMatch(c -> c.passed()));
        assertTrue(published.card().zoning().anchoredTo() != null);
        for (int id : published.card().zoning().changes().created()) {
            assertTrue(id > refusedHighWater, "new zone id " + id + " was used by the refused candidate (up to "
                    + refusedHighWater + ")");
        }

        Promotion.Result forced = retrain(kmh, registry, true);
        assertEquals(Promotion.Status.FORCED, forced.status());
        assertFalse(forced.reasons().isEmpty());
        assertEquals(forced.version(), models.latest().orElseThrow(), "--force moves latest");
        assertEquals("forced", models.load(forced.version()).card().gate().verdict());
        assertTrue(Files.isDirectory(registry.resolve(forced.version())));

        // what an analyst reads in the morning: every version, refused ones too, with verdicts
        Path json = dir.resolve("models.json");
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cmd = new picocli.CommandLine(new roadcast.review.ModelsCommand());
        cmd.setOut(new java.io.PrintWriter(out));
        assertEquals(0, cmd.execute("--registry", registry.toString(), "--json", json.toString()));
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(forced.version(), doc.get("latest").asText());
        JsonNode versions = doc.get("versions");
        assertEquals(4, versions.size(), doc.toString());
        String[] expected = {"published", "refused", "published", "forced"};
        for (int k = 0; k < 4; k++) {
            assertEquals(expected[k], versions.get(k).get("status").asText(), versions.get(k).toString());
            assertEquals(64, versions.get(k).get("zoningFingerprint").asText().length());
        }
        assertTrue(versions.get(1).get("reasons").size() > 0);
        assertTrue(versions.get(2).get("heldOutMaeRatio").asDouble() < 1.05);
        assertTrue(out.toString().contains(refused.version() + "  refused"), out.toString());
    }
}
