package roadcast.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;
import roadcast.fixture.CityFixture;
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

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new TrainCommand());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void trainsUntilATimeAndPublishesALoadableVersionWithASummary(@TempDir Path tmp) throws IOException {
        Path registry = tmp.resolve("registry");
        Run first = run("--dataset", cityDir.toString(), "--registry", registry.toString(), "--until",
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

        Run second = run("--dataset", cityDir.toString(), "--registry", registry.toString(), "--rank", "3",
                "--order", "1", "--lambda", "1", "--quiet");
        assertEquals(0, second.exit(), second.err());
        assertEquals(2, models.versions().size());
        assertEquals(models.versions().get(1), models.latest().orElseThrow());
        assertTrue(second.out().contains("r=3 p=1 lambda=1.0"), second.out());
    }

    @Test
    void badArgumentsGiveAClearMessageAndNonZeroExit(@TempDir Path tmp) {
        Path registry = tmp.resolve("registry");
        Run badTime = run("--dataset", cityDir.toString(), "--registry", registry.toString(), "--until", "yesterday");
        assertEquals(2, badTime.exit());
        assertTrue(badTime.err().contains("yesterday"), badTime.err());

        Run tooEarly = run("--dataset", cityDir.toString(), "--registry", registry.toString(), "--until",
                "2024-01-01T06:00");
        assertEquals(2, tooEarly.exit());
        assertTrue(tooEarly.err().contains("two days"), tooEarly.err());

        Run badRank = run("--dataset", cityDir.toString(), "--registry", registry.toString(), "--rank", "0");
        assertEquals(2, badRank.exit());
        assertTrue(badRank.err().contains("rank"), badRank.err());

        Run noData = run("--dataset", tmp.resolve("nowhere").toString(), "--registry", registry.toString());
        assertEquals(2, noData.exit());
        assertTrue(noData.err().contains("nowhere"), noData.err());

        Run typo = run("--dataset", cityDir.toString(), "--max-zone-size", "many");
        assertEquals(2, typo.exit());
        assertTrue(typo.err().contains("--max-zone-size"), typo.err());
        assertFalse(Files.exists(registry.resolve("latest")), "nothing published on bad input");
    }
}
