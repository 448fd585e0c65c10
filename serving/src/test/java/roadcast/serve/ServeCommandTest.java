package roadcast.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServeCommandTest {

    @TempDir
    Path dir;

    @Test
    void helpExplainsEveryOption() {
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(new ServeCommand());
        cmd.setOut(new PrintWriter(out));
        assertEquals(0, cmd.execute("--help"));
        for (String option : new String[] {"--bootstrap-servers", "--store", "--port", "--registry", "--segments",
            "--api-key", "--api-keys", "--retention", "localhost:9092", "7d", "--max-stream-clients", "purge", "admin",
            "--alerts-settings", "detectorSettings"}) {
            assertTrue(out.toString().contains(option), option + " missing from --help:\n" + out);
        }
    }

    @Test
    void badKeyFileIsAClearErrorNotAStackTrace() throws Exception {
        Path keys = dir.resolve("keys");
        Files.writeString(keys, "not-a-digest\n");
        StringWriter err = new StringWriter();
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(buffer, true));
        try {
            CommandLine cmd = new CommandLine(new ServeCommand());
            cmd.setErr(new PrintWriter(err));
            assertEquals(2, cmd.execute("--no-kafka", "--store", dir.resolve("s").toString(), "--api-keys",
                keys.toString()));
        } finally {
            System.setErr(saved);
        }
        assertTrue(buffer.toString().contains(keys + ":1:"), buffer.toString());
        assertTrue(!buffer.toString().contains("\tat "), "no stack trace: " + buffer);
    }

    /** A detector setting that does not parse stops the start with the bad part named, before the store opens. */
    @Test
    void badAlertsSettingsIsAClearStartupError() {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(buffer, true));
        try {
            assertEquals(2, new CommandLine(new ServeCommand()).execute("--no-kafka", "--store",
                dir.resolve("s").toString(), "--alerts-settings", "persist=3 depth=0.7"));
        } finally {
            System.setErr(saved);
        }
        assertTrue(buffer.toString().contains("--alerts-settings: unknown key 'depth'"), buffer.toString());
        assertTrue(!buffer.toString().contains("\tat "), "no stack trace: " + buffer);
        assertTrue(!Files.exists(dir.resolve("s")), "no store opened for a node that cannot start");
    }

    @Test
    void retentionReadsOperatorDurations() {
        assertEquals(Duration.ofDays(7), DurationConverter.parse("7d"));
        assertEquals(Duration.ofHours(12), DurationConverter.parse("12h"));
        assertEquals(Duration.ofMinutes(30), DurationConverter.parse("30M"));
        assertEquals(Duration.ofDays(2), DurationConverter.parse("P2D"));
        assertThrows(IllegalArgumentException.class, () -> DurationConverter.parse("soon"));
    }
}
