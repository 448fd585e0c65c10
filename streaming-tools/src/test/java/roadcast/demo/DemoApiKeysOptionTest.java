package roadcast.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code roadcast demo --api-keys FILE}: the dashboard's key file, refused with --api-key or when unreadable. */
class DemoApiKeysOptionTest {

    @TempDir
    Path dir;

    private static int run(StringWriter err, String... args) {
        CommandLine cmd = new CommandLine(new DemoCommand());
        cmd.setErr(new PrintWriter(err, true));
        cmd.setOut(new PrintWriter(new StringWriter(), true));
        return cmd.execute(args);
    }

    @Test
    void keyFileIsCheckedBeforeAnythingStarts() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "--api-key", "k", "--api-keys", dir.resolve("keys.txt").toString()));
        assertTrue(err.toString().contains("--api-key or --api-keys, not both"), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(2, run(err2, "--api-keys", dir.resolve("missing.txt").toString()));
        assertTrue(err2.toString().contains("cannot read"), err2.toString());
        StringWriter help = new StringWriter();
        CommandLine cmd = new CommandLine(new DemoCommand());
        cmd.setOut(new PrintWriter(help, true));
        cmd.execute("--help");
        assertTrue(help.toString().contains("--api-keys=FILE"), help.toString());
    }
}
