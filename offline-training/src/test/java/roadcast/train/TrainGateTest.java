package roadcast.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;
import roadcast.datasets.SharedDatasets;
import roadcast.fixture.CorruptedCopy;
import roadcast.model.ModelRegistry;

/**
 * The defect of issue 9 at the command line: {@code roadcast train} on a broken copy of Los-loop (km/h delivered as
 * mph) while a model is in service must not publish (before the gate it did, and latest moved to the broken model).
 */
class TrainGateTest {

    private static int train(String... args) {
        CommandLine cmd = new CommandLine(new TrainCommand());
        cmd.setOut(new PrintWriter(new StringWriter()));
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        System.out.println(err);
        return exit;
    }

    @Test
    void brokenUnitIsNotPublishedAndLatestStays(@TempDir Path tmp) throws Exception {
        Optional<Path> los = SharedDatasets.find("los-loop");
        Assumptions.assumeTrue(los.isPresent(), SharedDatasets.absentMessage("los-loop"));
        Path kmh = CorruptedCopy.scaled(los.get(), tmp.resolve("los-kmh"), 1.609);
        Path registry = tmp.resolve("registry");
        assertEquals(0, train("--dataset", los.get().toString(), "--until", "2012-03-06T00:00", "--registry",
                registry.toString(), "--rank", "5", "--order", "2", "--lambda", "1", "--quiet"));
        String inService = new ModelRegistry(registry).latest().orElseThrow();
        int exit = train("--dataset", kmh.toString(), "--registry", registry.toString(), "--rank", "5", "--order",
                "2", "--lambda", "1", "--quiet");
        assertNotEquals(0, exit, "a model trained on km/h read as mph was published");
        assertEquals(inService, new ModelRegistry(registry).latest().orElseThrow(), "latest moved");
    }
}
