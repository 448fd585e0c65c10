package roadcast.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import roadcast.fixture.CityFixture;
import roadcast.fixture.CommandRun;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;

class TrainCommandTest {

    private static CityFixture city;
    private static Path cityDir;

    @TempDir
    static Path shared;

    @BeforeAll
    static void writeCity() throws IOException {
        city = new CityFixture(30, 6, 5, 3L);
        cityDir = city.write(shared.resolve("train-city"));
    }

    private static CommandRun run(String... args) {
        return CommandRun.of(new TrainCommand(), args);
    }

    @Test
    void trainsUntilATimeAndPublishesALoadableVersionWithASummary(@TempDir Path tmp) throws IOException {
        Path registry = tmp.resolve("registry");
        CommandRun first = run("--dataset", cityDir.toString(), "--registry", registry.toString(), "--until",
                "2024-01-05T00:00", "--max-zone-size", "16", "--quiet");
        assertEquals(0, first.exit(), first.err() + first.out());
        ModelRegistry models = new ModelRegistry(registry);
        List<String> versions = models.versions();
        assertEquals(1, versions.size());
        String version = versions.get(0);
        assertTrue(first.out().contains("published model " + version), first.out());
        for (String expected : new String[] {"zones:", "hyperparameters", "validation RMSE per horizon", "skill",
                "trained on 1152 rows", "cleaned"}) {
            assertTrue(first.out().contains(expected), "summary lacks '" + expected + "':\n" + first.out());
        }
        ManifoldModel model = models.load(version);
        assertEquals(30, model.network().size());
        assertTrue(model.zoneCount() >= 2, "30 segments in zones of at most 16");
        for (int z = 0; z < model.zoneCount(); z++) {
            assertTrue(model.zone(z).size() <= 16);
        }
        assertTrue(model.card().trainedTo().startsWith("2024-01-04T23:55"), model.card().trainedTo());

        CommandRun second = run("--dataset", cityDir.toString(), "--registry", registry.toString(), "--rank", "3",
                "--order", "1", "--lambda", "1", "--quiet");
        assertEquals(0, second.exit(), second.err());
        assertEquals(2, models.versions().size());
        assertEquals(models.versions().get(1), models.latest().orElseThrow());
        assertTrue(second.out().contains("r=3 p=1 lambda=1.0"), second.out());
    }

    /** Issue 13: {@code --max-horizon 120} makes a model that forecasts every 5-min step up to two hours. */
    @Test
    void maxHorizonSetsTheLongestForecastAndBadOnesAreRefused(@TempDir Path tmp) throws IOException {
        Path registry = tmp.resolve("registry");
        CommandRun r = run("--dataset", cityDir.toString(), "--registry", registry.toString(), "--max-horizon", "120",
                "--max-zone-size", "16", "--rank", "3", "--order", "1", "--lambda", "1", "--quiet");
        assertEquals(0, r.exit(), r.err() + r.out());
        ManifoldModel model = new ModelRegistry(registry).loadLatest().orElseThrow();
        assertEquals(24, model.horizonsMin().length);
        assertEquals(120, model.horizonsMin()[23]);
        assertTrue(r.out().contains("120 min"), r.out());

        for (String bad : new String[] {"2", "0", "1441"}) {
            CommandRun refused = run("--dataset", cityDir.toString(), "--registry", tmp.resolve("other").toString(),
                    "--max-horizon", bad, "--quiet");
            assertEquals(2, refused.exit(), bad);
            assertTrue(refused.err().contains("--max-horizon " + bad), refused.err());
        }
    }

    @Test
    void badArgumentsGiveAClearMessageAndNonZeroExit(@TempDir Path tmp) {
        Path registry = tmp.resolve("registry");
        CommandRun badTime = run("--dataset", cityDir.toString(), "--registry", registry.toString(), "--until",
                "yesterday");
        assertEquals(2, badTime.exit());
        assertTrue(badTime.err().contains("yesterday"), badTime.err());

        CommandRun tooEarly = run("--dataset", cityDir.toString(), "--registry", registry.toString(), "--until",
                "2024-01-01T06:00");
        assertEquals(2, tooEarly.exit());
        assertTrue(tooEarly.err().contains("two days"), tooEarly.err());

        CommandRun badRank = run("--dataset", cityDir.toString(), "--registry", registry.toString(), "--rank", "0");
        assertEquals(2, badRank.exit());
        assertTrue(badRank.err().contains("rank"), badRank.err());

        CommandRun noData = run("--dataset", tmp.resolve("nowhere").toString(), "--registry", registry.toString());
        assertEquals(2, noData.exit());
        assertTrue(noData.err().contains("nowhere"), noData.err());

        CommandRun typo = run("--dataset", cityDir.toString(), "--max-zone-size", "many");
        assertEquals(2, typo.exit());
        assertTrue(typo.err().contains("--max-zone-size"), typo.err());
        assertFalse(Files.exists(registry.resolve("latest")), "nothing published on bad input");
    }

    /**
     * Issue 8, network files: sensors.csv lists a road without a speed column that can be placed (coordinates) and
     * one with neither coordinates nor an edge to any observed segment; the first is forecast by kriging, the second
     * excluded with a warning and counted, by id, in the model card (file and registry card) and the summary.
     */
    @Test
    void roadsWithoutHistoryAreExtendedAndAnUnplaceableOneIsCountedInTheCard(@TempDir Path tmp) throws IOException {
        Path dir = new CityFixture(16, 3, 5, 5L).write(tmp.resolve("city"));
        java.nio.file.Files.writeString(dir.resolve("sensors.csv"), "side-road,34.0075,-118.001\nghost-road,,\n",
                java.nio.file.StandardOpenOption.APPEND);
        Path registry = tmp.resolve("registry");
        CommandRun r = run("--dataset", dir.toString(), "--registry", registry.toString(), "--max-zone-size", "8",
                "--quiet");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("coverage: 1 roads without history forecast by kriging; 1 excluded")
                && r.out().contains("ghost-road"), r.out());
        ModelRegistry models = new ModelRegistry(registry);
        String version = models.versions().get(0);
        roadcast.model.ManifoldModel model = models.load(version);
        assertEquals(java.util.List.of("side-road"), model.kriging().segments().stream().map(s -> s.id()).toList());
        roadcast.model.ModelCard.CoverageCard card = model.card().coverage();
        assertEquals(new roadcast.model.ModelCard.CoverageCard(1, 1, java.util.List.of("ghost-road")), card);
        com.fasterxml.jackson.databind.JsonNode onDisk = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                registry.resolve(version).resolve(ModelRegistry.CARD_FILE).toFile()).get("coverage");
        assertEquals(1, onDisk.get("excluded").asInt(), onDisk.toString());
        assertEquals("ghost-road", onDisk.get("excludedIds").get(0).asText());
    }
}
