package roadcast.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import roadcast.fixture.CityFixture;
import roadcast.fixture.CommandRun;

class BenchmarkCommandTest {

    private static final int SEGMENTS = 40;
    private static final int DAYS = 8;
    private static CityFixture city;
    private static Path cityDir;

    @TempDir
    static Path shared;

    @BeforeAll
    static void writeCity() throws IOException {
        city = new CityFixture(SEGMENTS, DAYS, 5, 11L);
        cityDir = city.write(shared.resolve("fixture-city"));
    }

    static CommandRun run(String... args) {
        return CommandRun.of(new BenchmarkCommand(), args);
    }

    @Test
    void tgcnBenchmarkWritesFiguresPredictionsThatRescoreToThemAndPlots(@TempDir Path tmp) throws IOException {
        Path json = tmp.resolve("out/bench.json");
        Path predictions = tmp.resolve("out/predictions.csv.gz");
        Path report = tmp.resolve("report");
        CommandRun r = run("--dataset", cityDir.toString(), "--protocol", "tgcn", "--json", json.toString(),
                "--predictions", predictions.toString(), "--report", report.toString(), "--quiet");
        assertEquals(0, r.exit(), r.err() + r.out());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals("fixture-city", root.get("dataset").asText());
        assertEquals("tgcn", root.get("protocol").asText());
        assertTrue(root.get("train_seconds").asDouble() > 0);
        assertTrue(root.get("forecast_ms_median").asDouble() > 0);
        int steps = city.steps;
        int trainRows = (int) Math.floor(0.8 * steps);
        assertEquals(trainRows, root.get("train_rows").asInt());
        JsonNode results = root.get("results");
        assertEquals(3 * 4, results.size(), "3 predictors x 4 horizons");
        Map<String, JsonNode> byKey = new HashMap<>();
        for (JsonNode row : results) {
            byKey.put(row.get("model").asText() + "@" + row.get("horizon_min").asInt(), row);
            assertFalse(row.has("mape"), "T-GCN reports no MAPE");
            for (String f : new String[] {"rmse", "mae", "accuracy", "r2", "var"}) {
                assertTrue(row.get(f).isNumber(), f + " of " + row);
            }
        }
        assertTrue(byKey.get("model@60").get("rmse").asDouble() < byKey.get("persistence@60").get("rmse").asDouble(),
                "model beats persistence at 60 min on a city with a daily pattern");
        assertTrue(r.out().contains("historical_average"), r.out());

        // every test forecast is in the file: issues from train_end + 11 to T - 1 - 3, leads up to the data's end
        Map<String, Integer> column = new HashMap<>();
        for (int i = 0; i < SEGMENTS; i++) {
            column.put(city.id(i), i);
        }
        int firstIssue = trainRows + 11;
        int lastIssue = steps - 1 - 3;
        long expectedRows = 0;
        for (int t = firstIssue; t <= lastIssue; t++) {
            expectedRows += (long) Math.min(12, steps - 1 - t) * SEGMENTS;
        }
        // re-score independently: pooled over leads 1..H for issues t <= T - 1 - H
        int[] horizons = {15, 30, 45, 60};
        double[] sq = new double[4];
        double[] abs = new double[4];
        double[] y2 = new double[4];
        long[] pairs = new long[4];
        long[] inside = new long[4];
        double[] leadSq = new double[12];
        long[] leadPairs = new long[12];
        long rows = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(predictions)), StandardCharsets.UTF_8))) {
            assertEquals("issued_at,horizon_min,segment,predicted,lower,upper", in.readLine());
            String line;
            while ((line = in.readLine()) != null) {
                rows++;
                String[] f = line.split(",");
                int issue = (int) (Duration.between(CityFixture.START, LocalDateTime.parse(f[0])).toMinutes() / 5);
                int lead = Integer.parseInt(f[1]) / 5;
                int seg = column.get(f[2]);
                double predicted = Double.parseDouble(f[3]);
                double lower = Double.parseDouble(f[4]);
                double upper = Double.parseDouble(f[5]);
                assertTrue(lower <= predicted && predicted <= upper && lower >= 0, line);
                double actual = city.speed[issue + lead][seg];
                if (!Double.isNaN(actual) && issue <= lastIssue) {
                    leadSq[lead - 1] += (actual - predicted) * (actual - predicted);
                    leadPairs[lead - 1]++;
                }
                for (int h = 0; h < 4; h++) {
                    int hs = horizons[h] / 5;
                    if (lead <= hs && issue <= steps - 1 - hs && !Double.isNaN(actual)) {
                        double e = actual - predicted;
                        sq[h] += e * e;
                        abs[h] += Math.abs(e);
                        y2[h] += actual * actual;
                        pairs[h]++;
                        // the file has 4 decimals: a target within 1e-4 of a band edge cannot be told apart
                        if (actual >= lower - 1e-4 && actual <= upper + 1e-4) {
                            inside[h]++;
                        }
                    }
                }
            }
        }
        assertEquals(expectedRows, rows);
        for (int h = 0; h < 4; h++) {
            JsonNode row = byKey.get("model@" + horizons[h]);
            assertEquals(row.get("pairs").asLong(), pairs[h], "pairs at " + horizons[h]);
            assertEquals(row.get("rmse").asDouble(), Math.sqrt(sq[h] / pairs[h]), 1e-3, "RMSE at " + horizons[h]);
            assertEquals(row.get("mae").asDouble(), abs[h] / pairs[h], 1e-3, "MAE at " + horizons[h]);
            assertEquals(row.get("accuracy").asDouble(), 1 - Math.sqrt(sq[h]) / Math.sqrt(y2[h]), 1e-5);
            assertEquals(row.get("band_coverage").asDouble(), (double) inside[h] / pairs[h], 2e-3,
                    "band coverage at " + horizons[h]);
            for (String baseline : new String[] {"persistence", "historical_average"}) {
                JsonNode b = byKey.get(baseline + "@" + horizons[h]);
                assertEquals(pairs[h], b.get("pairs").asLong(), baseline + " scored on the model's pairs");
                assertTrue(b.get("mae").isNumber());
                assertFalse(b.has("band_coverage"), "baselines have no band");
            }
        }
        JsonNode byLead = root.get("by_lead");
        assertEquals(3 * 12, byLead.size(), "3 predictors x 12 lead steps");
        for (JsonNode row : byLead) {
            if (row.get("model").asText().equals("model")) {
                int k = row.get("lead_min").asInt() / 5;
                assertEquals(leadPairs[k - 1], row.get("pairs").asLong(), "pairs at lead " + k);
                assertEquals(Math.sqrt(leadSq[k - 1] / leadPairs[k - 1]), row.get("rmse").asDouble(), 1e-3);
                assertTrue(row.get("band_coverage").asDouble() > 0.5, row.toString());
            }
        }
        assertTrue(Files.size(report.resolve("rmse_by_horizon.png")) > 1000);
        assertTrue(Files.size(report.resolve("mae_by_horizon.png")) > 1000);
        try (var files = Files.list(report)) {
            assertEquals(2 + 3 * 2, files.filter(p -> p.toString().endsWith(".png")).count(),
                    "two error plots and 3 segments x 2 leads");
        }
    }

    @Test
    void standardBenchmarkScoresSingleStepsWithMape(@TempDir Path tmp) throws IOException {
        Path json = tmp.resolve("std.json");
        Path predictions = tmp.resolve("std.csv.gz");
        CommandRun r = run("--dataset", cityDir.toString(), "--protocol", "standard", "--json", json.toString(),
                "--predictions", predictions.toString(), "--rank", "3", "--order", "1", "--lambda", "1", "--quiet");
        assertEquals(0, r.exit(), r.err() + r.out());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals("standard", root.get("protocol").asText());
        assertEquals(3 * 3, root.get("results").size());
        int steps = city.steps;
        int windows = steps - 12 - 11;
        int testWindows = (int) Math.round(0.2 * windows);
        int firstIssue = steps - 12 - testWindows;
        assertEquals(firstIssue, root.get("first_issue_row").asInt());
        Map<String, Integer> column = new HashMap<>();
        for (int i = 0; i < SEGMENTS; i++) {
            column.put(city.id(i), i);
        }
        double sq = 0;
        double ape = 0;
        long n = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(predictions)), StandardCharsets.UTF_8))) {
            in.readLine();
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split(",");
                if (!f[1].equals("30")) {
                    continue;
                }
                int issue = (int) (Duration.between(CityFixture.START, LocalDateTime.parse(f[0])).toMinutes() / 5);
                double actual = city.speed[issue + 6][column.get(f[2])];
                if (Double.isNaN(actual) || actual == 0) {
                    continue;
                }
                double e = actual - Double.parseDouble(f[3]);
                sq += e * e;
                ape += Math.abs(e / actual);
                n++;
            }
        }
        for (JsonNode row : root.get("results")) {
            assertTrue(row.get("mape").isNumber(), row.toString());
            if (row.get("model").asText().equals("model") && row.get("horizon_min").asInt() == 30) {
                assertEquals((long) testWindows * SEGMENTS - row.get("skipped").asLong(), row.get("pairs").asLong());
                assertEquals(row.get("pairs").asLong(), n);
                assertEquals(row.get("rmse").asDouble(), Math.sqrt(sq / n), 1e-3);
                assertEquals(row.get("mape").asDouble(), ape / n, 1e-4);
            }
        }
    }

    /** Issue 13, longer horizons: {@code --max-horizon 120} trains a two-hour model and reports 90 and 120 min too. */
    @Test
    void longerHorizonsAreTrainedAndReported(@TempDir Path tmp) throws IOException {
        Path json = tmp.resolve("long.json");
        CommandRun r = run("--dataset", cityDir.toString(), "--json", json.toString(), "--max-horizon", "120",
                "--rank", "3", "--order", "1", "--lambda", "1", "--quiet");
        assertEquals(0, r.exit(), r.err() + r.out());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        java.util.Set<Integer> horizons = new java.util.TreeSet<>();
        for (JsonNode row : root.get("results")) {
            horizons.add(row.get("horizon_min").asInt());
            if (row.get("model").asText().equals("model") && row.get("horizon_min").asInt() == 120) {
                assertTrue(row.get("pairs").asLong() > 0 && row.get("rmse").isNumber(), row.toString());
            }
        }
        assertEquals(java.util.Set.of(15, 30, 45, 60, 90, 120), horizons);
        long modelLeads = 0;
        for (JsonNode row : root.get("by_lead")) {
            if (row.get("model").asText().equals("model")) {
                modelLeads++;
            }
        }
        assertEquals(24, modelLeads, "every 5-min lead up to 120 min");
        assertTrue(r.out().contains(" 120 min"), r.out());

        CommandRun tooShort = run("--dataset", cityDir.toString(), "--json", tmp.resolve("x.json").toString(),
                "--max-horizon", "10", "--quiet");
        assertEquals(2, tooShort.exit());
        assertTrue(tooShort.err().contains("15 minutes"), tooShort.err());
    }

    @Test
    void badArgumentsGiveAClearMessageAndNonZeroExit(@TempDir Path tmp) {
        CommandRun unknownProtocol = run("--dataset", cityDir.toString(), "--protocol", "lstm", "--json",
                tmp.resolve("x.json").toString());
        assertEquals(2, unknownProtocol.exit());
        assertTrue(unknownProtocol.err().contains("tgcn or standard"), unknownProtocol.err());

        Path missing = tmp.resolve("no-such-dataset");
        CommandRun noData = run("--dataset", missing.toString(), "--json", tmp.resolve("x.json").toString());
        assertNotEquals(0, noData.exit());
        assertTrue(noData.err().contains("no-such-dataset"), noData.err());

        CommandRun notGz = run("--dataset", cityDir.toString(), "--predictions", tmp.resolve("p.csv").toString());
        assertEquals(2, notGz.exit());
        assertTrue(notGz.err().contains(".gz"), notGz.err());

        CommandRun noDataset = run("--protocol", "tgcn");
        assertEquals(2, noDataset.exit());
        assertTrue(noDataset.err().contains("--dataset"), noDataset.err());
        assertFalse(Files.exists(tmp.resolve("x.json")), "no figures written on bad input");
    }
}
