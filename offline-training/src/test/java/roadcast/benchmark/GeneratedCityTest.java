package roadcast.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine;
import roadcast.model.ModelRegistry;
import roadcast.synthetic.GenerateCommand;
import roadcast.train.TrainCommand;

/** train, benchmark and bench-forecast end to end on a city made by {@code roadcast generate}. */
class GeneratedCityTest {

    @TempDir
    static Path shared;
    private static Path city;

    @BeforeAll
    static void generate() {
        city = shared.resolve("city");
        int exit = new CommandLine(new GenerateCommand()).execute("--segments", "300", "--days", "4", "--step", "5",
                "--seed", "5", "--out", city.toString(), "--built-in-profiles");
        assertEquals(0, exit, "generator");
    }

    private static int run(Object command, StringWriter out, StringWriter err, String... args) {
        CommandLine cmd = new CommandLine(command);
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        return cmd.execute(args);
    }

    @Test
    void trainAndBenchmarkOnAGeneratedCity(@TempDir Path tmp) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path registry = tmp.resolve("registry");
        assertEquals(0, run(new TrainCommand(), out, err, "--dataset", city.toString(), "--registry",
                registry.toString(), "--rank", "5", "--order", "2", "--lambda", "1", "--quiet"), err.toString());
        assertEquals(300, new ModelRegistry(registry).loadLatest().orElseThrow().network().size());

        Path json = tmp.resolve("bench.json");
        assertEquals(0, run(new BenchmarkCommand(), out, err, "--dataset", city.toString(), "--json", json.toString(),
                "--rank", "5", "--order", "2", "--lambda", "1", "--quiet"), err.toString());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(300, root.get("segments").asInt());
        double model60 = Double.NaN;
        double persistence60 = Double.NaN;
        for (JsonNode row : root.get("results")) {
            if (row.get("horizon_min").asInt() == 60) {
                double rmse = row.get("rmse").asDouble();
                switch (row.get("model").asText()) {
                    case "model" -> model60 = rmse;
                    case "persistence" -> persistence60 = rmse;
                    default -> { }
                }
            }
        }
        assertTrue(model60 < persistence60, "model " + model60 + " vs persistence " + persistence60);
    }

    @Test
    void benchForecastTimesTheWholeNetworkForecast(@TempDir Path tmp) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path json = tmp.resolve("bf.json");
        Path kept = tmp.resolve("kept-city");
        assertEquals(0, run(new BenchForecastCommand(), out, err, "--segments", "120", "--days", "3", "--warmup",
                "20", "--issues", "100", "--rank", "3", "--order", "1", "--lambda", "1", "--json", json.toString(),
                "--keep", kept.toString(), "--quiet"), err.toString());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(120, root.get("segments").asInt());
        assertEquals(100, root.get("timed_issues").asInt());
        assertTrue(root.get("zones").asInt() >= 1);
        assertEquals(12, root.get("horizons").asInt());
        double median = root.get("forecast_ms_median").asDouble();
        assertTrue(median > 0 && root.get("forecast_ms_p99").asDouble() >= median, root.toString());
        assertTrue(root.get("train_seconds").asDouble() > 0);
        assertTrue(root.get("peak_heap_mb").asDouble() > 0);
        assertEquals(3 * 288 - 120, root.get("train_rows").asInt());
        assertTrue(Files.exists(kept.resolve("speed.csv.gz")), "--keep keeps the generated city");
        assertTrue(out.toString().contains("whole-network forecast"), out.toString());

        StringWriter badErr = new StringWriter();
        assertEquals(2, run(new BenchForecastCommand(), new StringWriter(), badErr, "--segments", "1", "--json",
                tmp.resolve("x.json").toString()));
        assertTrue(badErr.toString().contains("--segments"), badErr.toString());
        assertEquals(2, run(new BenchForecastCommand(), new StringWriter(), badErr, "--days", "3", "--issues",
                "5000", "--segments", "10", "--json", tmp.resolve("x.json").toString(), "--quiet"));
        assertTrue(badErr.toString().contains("more --days"), badErr.toString());
        assertTrue(Files.notExists(tmp.resolve("x.json")));
    }
}
