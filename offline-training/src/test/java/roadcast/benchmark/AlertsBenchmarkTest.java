package roadcast.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import roadcast.synthetic.GenerateCommand;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code roadcast benchmark --protocol alerts} on a generated city with injected incidents ({@code events.csv}). */
class AlertsBenchmarkTest {

    private static int run(Object command, StringWriter out, StringWriter err, String... args) {
        CommandLine cmd = new CommandLine(command);
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        return cmd.execute(args);
    }

    @Test
    void alertsAreScoredAgainstTheInjectedIncidents(@TempDir Path tmp) throws Exception {
        Path city = tmp.resolve("city");
        assertEquals(0, new CommandLine(new GenerateCommand()).execute("--segments", "600", "--days", "4", "--step",
            "5", "--seed", "11", "--out", city.toString(), "--built-in-profiles"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path json = tmp.resolve("alerts.json");
        assertEquals(0, run(new BenchmarkCommand(), out, err, "--dataset", city.toString(), "--protocol", "alerts",
            "--json", json.toString(), "--rank", "5", "--order", "2", "--lambda", "1", "--quiet"), err.toString());
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        for (String field : new String[] {"incidents", "alerts", "precision", "recall", "detection_delay_min_median",
            "false_alerts_per_day"}) {
            assertTrue(r.has(field), field + " in " + r);
        }
        int incidents = r.get("incidents").asInt();
        assertTrue(incidents >= 5, "the test part holds injected incidents: " + r);
        assertTrue(r.get("recall").asDouble() >= 0.6, "most injected incidents found: " + r);
        assertTrue(r.get("detection_delay_min_median").asDouble() <= 10, "found within 10 minutes: " + r);
        assertTrue(r.get("precision").asDouble() > 0, r.toString());
        assertTrue(out.toString().contains("protocol alerts"), out.toString());

        // no ground truth: a clear refusal, not a crash
        Files.delete(city.resolve("events.csv"));
        StringWriter err2 = new StringWriter();
        assertEquals(2, run(new BenchmarkCommand(), new StringWriter(), err2, "--dataset", city.toString(),
            "--protocol", "alerts", "--json", json.toString(), "--rank", "5", "--order", "2", "--lambda", "1",
            "--quiet"));
        assertTrue(err2.toString().contains("events.csv is missing"), err2.toString());
    }
}
