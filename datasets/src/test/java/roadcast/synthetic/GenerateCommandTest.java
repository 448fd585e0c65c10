package roadcast.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import roadcast.datasets.DatasetLoader;

class GenerateCommandTest {

    @TempDir
    Path dir;

    @Test
    void generatesWithTheGivenOptions() {
        Path out = dir.resolve("city");
        int code = new CommandLine(new GenerateCommand()).execute("--segments", "50", "--days", "1", "--step", "15",
                "--seed", "9", "--built-in-profiles", "--out", out.toString());
        assertEquals(0, code);
        var d = DatasetLoader.load(out);
        assertEquals(50, d.history().segments());
        assertEquals(96, d.history().steps());
    }

    @Test
    void aStepThatDoesNotDivideAWeekIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new GenerateCommand()).setErr(new PrintWriter(err));
        int code = cli.execute("--step", "11", "--out", dir.resolve("x").toString());
        assertEquals(2, code, "picocli's usage-error exit code");
        assertTrue(err.toString().contains("step must be"), err.toString());
        assertTrue(!Files.exists(dir.resolve("x").resolve("speed.csv.gz")));
    }

    @Test
    void helpExplainsEveryOption() {
        String help = new CommandLine(new GenerateCommand()).getUsageMessage();
        for (String option : new String[] {"--segments", "--days", "--step", "--seed", "--out", "--start"}) {
            assertTrue(help.contains(option), option);
        }
    }
}
