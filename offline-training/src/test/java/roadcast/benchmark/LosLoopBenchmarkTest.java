package roadcast.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import roadcast.datasets.SharedDatasets;

/** The real T-GCN benchmark on Los-loop (skipped where ../shared is absent). */
class LosLoopBenchmarkTest {

    @Test
    void modelBeatsPersistenceAtSixtyMinutesUnderTheTgcnProtocol(@TempDir Path tmp) throws IOException {
        Optional<Path> losLoop = SharedDatasets.find("los-loop");
        Assumptions.assumeTrue(losLoop.isPresent(), SharedDatasets.absentMessage("los-loop"));
        Path json = tmp.resolve("los-loop.json");
        roadcast.fixture.CommandRun r = BenchmarkCommandTest.run("--dataset", losLoop.get().toString(), "--protocol",
                "tgcn", "--json", json.toString(), "--quiet");
        assertEquals(0, r.exit(), r.err() + r.out());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(207, root.get("segments").asInt());
        assertEquals(1612, root.get("train_rows").asInt());
        double model60 = Double.NaN;
        double persistence60 = Double.NaN;
        double modelLevel30 = Double.NaN;
        double persistenceLevel30 = Double.NaN;
        for (JsonNode row : root.get("results")) {
            if (row.get("horizon_min").asInt() == 30) {
                if (row.get("model").asText().equals("model")) {
                    modelLevel30 = row.get("level_accuracy").asDouble();
                } else if (row.get("model").asText().equals("persistence")) {
                    persistenceLevel30 = row.get("level_accuracy").asDouble();
                }
            }
            if (row.get("horizon_min").asInt() == 60) {
                if (row.get("model").asText().equals("model")) {
                    model60 = row.get("rmse").asDouble();
                } else if (row.get("model").asText().equals("persistence")) {
                    persistence60 = row.get("rmse").asDouble();
                }
            }
            // Los-loop has no missing values and T-GCN masks nothing: every pair is scored
            assertEquals(0, row.get("skipped").asLong(), row.toString());
            // levels are scored at the horizon's own lead step only: one target per segment and issue time
            if (row.get("horizon_min").asInt() > 5) {
                assertTrue(row.get("level_pairs").asLong() > 0
                        && row.get("level_pairs").asLong() < row.get("pairs").asLong(), row.toString());
            }
        }
        assertTrue(model60 < persistence60, "model RMSE " + model60 + " vs persistence " + persistence60 + " at 60 min");
        // issue 13: congestion levels at 30 min forecast better than "the level now persists"
        assertTrue(modelLevel30 > persistenceLevel30, "level accuracy at 30 min " + modelLevel30 + " vs level persists "
                + persistenceLevel30);
    }
}
