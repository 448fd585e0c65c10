package roadcast.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.synthetic.CityConfig;
import roadcast.synthetic.CityGenerator;
import roadcast.synthetic.WeekProfiles;
import roadcast.trainjob.FlinkClusterTrainer;

/**
 * A short {@code roadcast chaos}: a real standalone cluster (JobManager and two TaskManagers in their own JVMs), the
 * job jar submitted with {@code flink run}, a TaskManager killed with SIGKILL while readings arrive; the committed
 * output equals the offline backtest, each forecast once. One kill keeps CI within its time; the ten-kill run is the
 * command {@code roadcast chaos --kills 10}, measured in the README. Runs in the package phase (it needs the job jar), like
 * the streaming module's {@code StandaloneClusterTest}.
 */
class ChaosTest {

    @TempDir
    Path tmp;

    @Test
    void aTaskManagerKillLosesNothingAndDuplicatesNothing() throws Exception {
        Path jar = FlinkClusterTrainer.jobJar();
        Path city = tmp.resolve("city");
        new CityGenerator(CityConfig.of(16, 4, 5, 5, WeekProfiles.sharedOrBuiltIn(5))).generate(city, i -> { });
        Dataset data = DatasetLoader.load(city);
        ObjectNode r = ChaosRun.run(data, new ChaosRun.Options(2, 1, 3, 0.3, Duration.ofMillis(500),
                Duration.ofMinutes(2), 50, jar, false), new PrintWriter(System.out, true));
        String report = r.toPrettyString();
        System.out.println(report);
        assertEquals(1, r.get("kills").asInt(), report);
        assertEquals(1, r.get("recoveries").asInt(), report);
        assertTrue(r.get("restores").asInt() >= 1, "the job restored a checkpoint after the kill: " + report);
        // 50 steps, the last four of which event time need not close, 16 segments each.
        assertTrue(r.get("forecasts_expected").asInt() >= 46 * 16, report);
        assertEquals(0, r.get("lost").asInt(), report);
        assertEquals(0, r.get("duplicated").asInt(), report);
        assertEquals(0, r.get("mismatched").asInt(), report);
        assertTrue(r.get("max_recovery_s").asDouble() > 0, report);
        assertEquals(0, r.get("jobmanager_kills").asInt(), report);
        assertEquals("RUNNING", r.get("job_state").asText(), report);
    }
}
