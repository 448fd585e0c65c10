package roadcast.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;
import roadcast.fixture.FeedFixture;

/** {@code roadcast benchmark --protocol sources} on a simulated city whose truth is known, re-scored here. */
class SourcesBenchmarkTest {

    @TempDir
    Path tmp;

    @Test
    void everyRoadIsForecastAndThePredictionsRescoreToTheJson() throws Exception {
        FeedFixture fixture = new FeedFixture(6, 3, 11L);
        Path dir = fixture.write(tmp.resolve("city"), true, 12L, false);
        // a road with probes made dark: every feed row of it dropped, only kriging covers it
        Path darkFile = Files.writeString(tmp.resolve("dark.csv"), "segment\n" + fixture.truth.id(4) + "\n");
        Path json = tmp.resolve("out.json");
        Path predictions = tmp.resolve("pred.csv.gz");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new BenchmarkCommand());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute("--dataset", dir.toString(), "--protocol", "sources", "--sources",
                "loop,floating_car", "--dark", darkFile.toString(), "--json", json.toString(), "--predictions", predictions.toString(), "--quiet",
                "--rank", "3", "--order", "1", "--lambda", "1");
        assertEquals(0, exit, out + "\n" + err);
        JsonNode block = new ObjectMapper().readTree(json.toFile()).get("blocks").get(0);
        assertEquals("loop+floating_car", block.get("sources").asText());
        assertEquals(2, block.get("segments").get("loop").asInt(), "roads 0 and 3 have loops");
        assertEquals(3, block.get("segments").get("probes_only").asInt());
        assertEquals(1, block.get("segments").get("dark").asInt(), "the dark road");
        assertEquals(1, block.get("dark_segments").asInt());
        int trainRows = block.get("train_rows").asInt();
        int steps = block.get("steps").asInt();
        assertEquals((int) Math.floor(0.8 * 3 * 288), trainRows);

        // the truth file read here with nothing from Roadcast
        Map<String, Map<String, Double>> truth = new HashMap<>();
        String[] ids;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(dir.resolve("speed.csv.gz"))), StandardCharsets.UTF_8))) {
            ids = r.readLine().split(",", -1);
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(",", -1);
                Map<String, Double> row = new HashMap<>();
                for (int c = 1; c < f.length; c++) {
                    if (!f[c].isEmpty()) {
                        row.put(ids[c], Double.parseDouble(f[c]));
                    }
                }
                truth.put(f[0], row);
            }
        }
        java.time.format.DateTimeFormatter iso = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
        double[] sumAbs = new double[13];
        long[] pairs = new long[13];
        Set<String> roads = new HashSet<>();
        long lines = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(predictions)), StandardCharsets.UTF_8))) {
            assertEquals(SourcesBenchmark.HEADER, r.readLine());
            String line;
            while ((line = r.readLine()) != null) {
                lines++;
                String[] f = line.split(",", -1);
                int horizon = Integer.parseInt(f[2]);
                roads.add(f[3]);
                String target = iso.format(java.time.LocalDateTime.parse(f[1]).plusMinutes(horizon));
                Map<String, Double> row = truth.get(target);
                Double y = row == null ? null : row.get(f[3]);
                if (y != null) {
                    sumAbs[horizon / 5] += Math.abs(y - Double.parseDouble(f[4]));
                    pairs[horizon / 5]++;
                }
            }
        }
        assertEquals(6, roads.size(), "every road of sensors.csv, the dark one included");
        assertTrue(roads.contains(fixture.truth.id(4)));
        assertEquals((long) (steps - trainRows) * 13 * 6, lines, "horizon 0 and 5..60 at every test step");
        JsonNode results = block.get("results");
        for (int h = 0; h < 13; h++) {
            JsonNode model = results.get(h).get("overall").get("model");
            assertEquals(h * 5, results.get(h).get("horizon_min").asInt());
            assertEquals(model.get("pairs").asLong(), pairs[h], "pairs at " + h * 5 + " min");
            assertEquals(model.get("mae").asDouble(), sumAbs[h] / pairs[h], 1e-3, "MAE at " + h * 5 + " min");
        }
        // the fusion corrects the loops' bias that feed persistence carries
        for (int h : new int[] {0, 12}) {
            JsonNode loop = results.get(h).get("loop");
            assertTrue(loop.get("model").get("mae").asDouble() < loop.get("feed_persistence").get("mae").asDouble(),
                    "roads with a loop at " + h * 5 + " min: " + loop);
        }
        assertTrue(block.get("fusion").get("reference").asText().equals("FLOATING_CAR"));
    }
}
