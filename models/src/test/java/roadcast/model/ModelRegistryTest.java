package roadcast.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

class ModelRegistryTest {

    @TempDir
    Path dir;

    @Test
    void publishesVersionsAndMovesLatest() throws Exception {
        ManifoldModel model = ModelFileTest.model();
        ModelRegistry registry = new ModelRegistry(dir.resolve("models"));
        assertTrue(registry.latest().isEmpty());
        assertEquals(List.of(), registry.versions());

        String first = registry.publish(model);
        String second = registry.publish(model);
        assertTrue(first.matches("v0001-\\d{8}T\\d{6}"), first);
        assertTrue(second.startsWith("v0002-"), second);
        assertEquals(List.of(first, second), registry.versions());
        assertEquals(second, registry.latest().orElseThrow());
        assertEquals(second + "\n", Files.readString(dir.resolve("models/latest")));

        ManifoldModel loaded = registry.load(first);
        assertEquals(first, loaded.version());
        assertEquals(model.zone(0), loaded.zone(0));
        assertEquals(second, registry.loadLatest().orElseThrow().version());

        ModelCard card = new ObjectMapper().readValue(dir.resolve("models").resolve(second).resolve("model-card.json")
                .toFile(), ModelCard.class);
        assertEquals(loaded.card().withModelVersion(second), card);
        try (Stream<Path> files = Files.list(dir.resolve("models"))) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary files left");
        }
        // a third registry on the same directory continues the sequence
        assertTrue(new ModelRegistry(dir.resolve("models")).publish(model).startsWith("v0003-"));
    }

    @Test
    void cardWithMissingMetricsSurvivesJson() throws Exception {
        ModelCard card = ModelFileTest.model().card();
        ModelCard.ValidationMetrics v = card.validation();
        List<Double> withNaN = new java.util.ArrayList<>(v.rmse());
        withNaN.set(0, Double.NaN);
        ModelCard odd = new ModelCard(card.modelVersion(), card.dataset(), card.trainedFrom(), card.trainedTo(),
                card.provenance(), card.segments(), card.zones(), card.searchGrid(), card.hyperparameters(),
                new ModelCard.ValidationMetrics(v.horizonsMin(), withNaN, v.mae(), v.rmsePersistence(),
                        v.rmseHistoricalAverage(), v.pairs()), card.codeVersion(), card.payloadSha256(),
                card.createdAt());
        ObjectMapper json = new ObjectMapper();
        assertEquals(odd, json.readValue(json.writeValueAsString(odd), ModelCard.class));
    }

    @Test
    void loadRefusesUnknownOrForeignVersions() throws Exception {
        ModelRegistry registry = new ModelRegistry(dir);
        assertThrows(IllegalArgumentException.class, () -> registry.load("../etc"));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> registry.load("v0009-20260101T000000"));
        String version = registry.publish(ModelFileTest.model());
        Files.move(dir.resolve(version), dir.resolve("v0042-20260101T000000"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> registry.load("v0042-20260101T000000"));
        assertTrue(e.getMessage().contains(version), e.getMessage());
    }
}
