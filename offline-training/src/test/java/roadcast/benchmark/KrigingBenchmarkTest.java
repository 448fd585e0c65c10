package roadcast.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.fixture.CityFixture;
import roadcast.fixture.CommandRun;

/**
 * Kriging on a generated city whose hidden segments' speeds the generator knows: {@code benchmark --protocol
 * kriging} through its command line, the estimates beat the kNN baseline, and the predictions file re-scored here
 * gives the JSON's figures.
 * <p>
 * The city is {@link CityFixture}'s corridor, whose congestion moves smoothly along the road, so neighbours carry
 * information about a missing segment. ({@code roadcast generate}'s city draws every segment's week profile from
 * a different METR-LA sensor, independently of its neighbours: there, kriging and kNN both stay near the network
 * mean - measured 15.0 / 14.1 / 15.4 mph MAE now for model / kNN / network mean on 30 random hidden segments of a
 * 120-segment city - so it cannot show what kriging adds.)
 */
class KrigingBenchmarkTest {

    private static final int SEGMENTS = 60;
    private static Path cityDir;
    private static Path hiddenFile;
    private static Dataset city;
    private static List<String> hidden;

    @TempDir
    static Path dir;

    @BeforeAll
    static void generate() throws IOException {
        cityDir = new CityFixture(SEGMENTS, 8, 5, 11L).write(dir.resolve("city"));
        city = DatasetLoader.load(cityDir);
        hidden = new ArrayList<>();
        StringBuilder csv = new StringBuilder("segment\n");
        for (int i = 2; i < SEGMENTS; i += 4) {
            String id = city.network().segment(i).id();
            hidden.add(id);
            csv.append(id).append('\n');
        }
        hiddenFile = Files.writeString(dir.resolve("hidden.csv"), csv.toString());
    }

    static CommandRun run(String... args) {
        return CommandRun.of(new BenchmarkCommand(), args);
    }

    @Test
    void hiddenSegmentsAreEstimatedBetterThanKnnAndThePredictionsRescoreToTheJson() throws IOException {
        Path json = dir.resolve("k.json");
        Path predictions = dir.resolve("k.csv.gz");
        CommandRun r = run("--dataset", cityDir.toString(), "--protocol", "kriging", "--hidden", hiddenFile.toString(),
                "--json", json.toString(), "--predictions", predictions.toString(), "--quiet");
        assertEquals(0, r.exit(), r.err() + r.out());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(hidden.size(), root.get("covered_segments").asInt());
        assertEquals(0, root.get("not_covered").size());
        JsonNode results = root.get("results");
        assertEquals(13, results.size(), "now and 12 horizons");
        for (JsonNode row : results) {
            double model = row.get("model").get("mae").asDouble();
            double knn = row.get("kriged_persistence").get("mae").asDouble();
            double mean = row.get("network_mean_persistence").get("mae").asDouble();
            assertTrue(model < Math.min(knn, mean), "horizon " + row.get("horizon_min") + ": model " + model
                    + " vs kNN " + knn + ", network mean " + mean);
            // a margin over network-mean persistence, not just a win: measured 0.233x now, 0.437x at 5 min, rising to
            // 0.840x at 60 min (this fixture, seed 11); asserted with room: <= 0.35x now, <= 0.9x at every horizon
            double limit = row.get("horizon_min").asInt() == 0 ? 0.35 : 0.9;
            assertTrue(model <= limit * mean, "horizon " + row.get("horizon_min") + ": model " + model
                    + " is not below " + limit + " x network mean " + mean);
        }

        // re-score the file: every test step x (now + 12 horizons) x hidden segment, scored where the target exists
        int steps = city.history().steps();
        int trainRows = root.get("train_rows").asInt();
        assertEquals((int) Math.floor(0.8 * steps), trainRows);
        Map<String, Integer> column = new HashMap<>();
        for (String id : hidden) {
            column.put(id, city.network().indexOf(id).orElseThrow());
        }
        DateTimeFormatter iso = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
        LocalDateTime start = city.history().start();
        double[] abs = new double[13];
        double[] sq = new double[13];
        long[] pairs = new long[13];
        long rows = 0;
        long inside = 0;
        Set<String> seen = new HashSet<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(predictions)), StandardCharsets.UTF_8))) {
            assertEquals(KrigingBenchmark.HEADER, in.readLine());
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split(",");
                int issue = (int) (java.time.Duration.between(start, LocalDateTime.parse(f[0], iso)).toMinutes() / 5);
                int h = Integer.parseInt(f[1]) / 5;
                double predicted = Double.parseDouble(f[3]);
                double lower = Double.parseDouble(f[4]);
                double upper = Double.parseDouble(f[5]);
                assertTrue(lower < predicted && predicted < upper, line);
                seen.add(f[2]);
                rows++;
                double y = issue + h < steps ? city.history().speed()[issue + h][column.get(f[2])] : Double.NaN;
                // scored as the JSON says: targets that exist, missing (NaN) and zero speeds masked
                if (!Double.isNaN(y) && y != 0) {
                    abs[h] += Math.abs(y - predicted);
                    sq[h] += (y - predicted) * (y - predicted);
                    pairs[h]++;
                    if (y >= lower && y <= upper) {
                        inside++;
                    }
                }
            }
        }
        assertEquals(new HashSet<>(hidden), seen, "every hidden segment has estimates");
        assertEquals((long) (steps - trainRows) * 13 * hidden.size(), rows);
        assertEquals(rows, root.get("predictions_rows").asLong());
        for (int h = 0; h < 13; h++) {
            JsonNode model = results.get(h).get("model");
            assertEquals(h * 5, results.get(h).get("horizon_min").asInt());
            assertEquals(model.get("pairs").asLong(), pairs[h]);
            assertEquals(model.get("mae").asDouble(), abs[h] / pairs[h], 1e-4, "MAE at " + h * 5 + " min");
            assertEquals(model.get("rmse").asDouble(), Math.sqrt(sq[h] / pairs[h]), 1e-4, "RMSE at " + h * 5 + " min");
        }
        long scored = java.util.Arrays.stream(pairs).sum();
        // the bands are calibrated on masked segments of the training part, where the zone model is in-sample:
        // they hold most points, not quite 90%
        assertTrue(inside > 0.65 * scored, "90% bands calibrated on masked segments hold " + inside + " of " + scored);
    }

    @Test
    void unknownHiddenSegmentIsNamed() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.csv"), "segment\n" + hidden.get(0) + "\nno-such-road\n");
        CommandRun r = run("--dataset", cityDir.toString(), "--protocol", "kriging", "--hidden", bad.toString(),
                "--json", dir.resolve("bad.json").toString(), "--quiet");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("'no-such-road'") && r.err().contains("line 3"), r.err());
        CommandRun missing = run("--dataset", cityDir.toString(), "--protocol", "kriging", "--json",
                dir.resolve("m.json").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("--hidden"), missing.err());
    }
}
