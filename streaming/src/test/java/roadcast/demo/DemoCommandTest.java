package roadcast.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import roadcast.model.ModelRegistry;
import roadcast.synthetic.CityConfig;
import roadcast.synthetic.CityGenerator;
import roadcast.synthetic.WeekProfiles;

/** The whole demo on a small generated city: broker, training, replay, job, summary JSON. */
class DemoCommandTest {

    @TempDir
    Path tmp;

    @Test
    void shortRunWritesASummaryWithForecastsForEverySegment() throws Exception {
        Path city = tmp.resolve("city");
        new CityGenerator(CityConfig.of(20, 2, 5, 3, WeekProfiles.builtIn(8, 3))).generate(city, i -> { });
        Path registry = tmp.resolve("registry");
        Path summary = tmp.resolve("summary.json");
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(new DemoCommand());
        cmd.setOut(new PrintWriter(out));
        int rc = cmd.execute("--dataset", city.toString(), "--registry", registry.toString(), "--speedup", "600",
                "--for", "20", "--every", "5", "--summary", summary.toString(), "--no-dashboard");
        assertEquals(0, rc, out.toString());
        assertTrue(new ModelRegistry(registry).latest().isPresent(), "a model was trained into the empty registry");

        JsonNode s = new ObjectMapper().readTree(summary.toFile());
        assertEquals(20, s.get("segments").asInt());
        assertEquals(20, s.get("segments_with_forecasts").asInt(), out.toString());
        assertTrue(s.get("forecasts").asLong() >= 20 * 5, "several steps forecast: " + s);
        assertEquals(0, s.get("rejected").asLong());
        double p50 = s.get("lag_ms_p50").asDouble();
        double p99 = s.get("lag_ms_p99").asDouble();
        assertTrue(p50 > 0 && p50 <= p99, s.toString());
        assertTrue(out.toString().contains("records/s") && out.toString().contains("lag p50"), out.toString());
    }
}
