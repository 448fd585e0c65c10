package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import roadcast.forecast.Forecast;
import roadcast.ingest.DeadLetter;
import roadcast.model.ModelFormatException;
import roadcast.model.ModelRegistry;
import roadcast.publish.IssuedForecast;

/** Model versions arriving on the broadcast input while the job runs. */
class HotReloadTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestMiniCluster.withSlots(2);

    @TempDir
    Path tmp;

    @Test
    void newVersionIsPickedUpAndBadOnesAreRefused() throws Exception {
        SmallCity city = SmallCity.generate("h", 5, 3);
        Path registry = tmp.resolve("registry");
        int trainRows = 4 * 288;
        String v1 = city.publish(registry, trainRows, 3);
        String v2 = city.publish(registry, trainRows, 2);
        // Another network (no segment in common with the running one): refused, not a version of this network.
        String otherNetwork = SmallCity.generate("other", 5, 3).publish(registry, trainRows, 3);
        // A truncated file under a well-formed version name: refused by the model reader.
        String corrupt = "v0099-20260101T000000";
        Files.createDirectories(registry.resolve(corrupt));
        byte[] good = Files.readAllBytes(registry.resolve(v2).resolve(ModelRegistry.MODEL_FILE));
        Files.write(registry.resolve(corrupt).resolve(ModelRegistry.MODEL_FILE),
                java.util.Arrays.copyOf(good, good.length / 2));
        assertThrows(ModelFormatException.class, () -> new ModelRegistry(registry).load(corrupt));

        int from = trainRows;
        int steps = 36;
        CollectingSink<IssuedForecast> forecasts = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        JobConfig cfg = JobConfig.defaults(registry).withModelVersion(v1).withModelPoll(null).withRocksDb(false)
                .withCheckpoints(Duration.ofMillis(500), (String) null);
        // Readings at about 200/s (2 s in all); the versions arrive in the first second, the good one last.
        new ForecastJob(RecordListSource.of(city.records(from, from + steps), 200), forecasts, deadLetters, cfg)
                .withModelVersions(RecordListSource.ofStrings(List.of(otherNetwork, corrupt, v2), 5))
                .withFlinkOption("restart-strategy.type", "none")
                .execute();

        int n = city.history.segments();
        Map<Long, List<Forecast>> byStep = new TreeMap<>();
        for (IssuedForecast f : forecasts.values()) {
            byStep.computeIfAbsent(f.forecast().issuedAt(), s -> new ArrayList<>()).add(f.forecast());
        }
        assertEquals(steps, byStep.size(), "a forecast at every step");
        Map<String, String> lastVersionOfSegment = new HashMap<>();
        for (List<Forecast> step : byStep.values()) {
            assertEquals(n, step.size());
            for (Forecast f : step) {
                assertTrue(f.modelVersion().equals(v1) || f.modelVersion().equals(v2),
                        "forecast from refused model " + f.modelVersion());
                String before = lastVersionOfSegment.put(f.segment(), f.modelVersion());
                assertFalse(v2.equals(before) && v1.equals(f.modelVersion()), "went back from v2 to v1");
            }
        }
        List<Forecast> last = byStep.get(city.history.epochMillis(from + steps - 1));
        last.forEach(f -> assertEquals(v2, f.modelVersion(), "the new version is running at the end"));
        assertTrue(deadLetters.values().isEmpty());
        assertNotEquals(v1, v2);
    }

    @Test
    void registryPollNamesTheLatestVersion() throws Exception {
        Path registry = tmp.resolve("poll");
        assertEquals("", RegistryPoll.newestVersion(registry), "no registry yet");
        SmallCity city = SmallCity.generate("p", 2, 5);
        String v1 = city.publish(registry, 288, 2);
        assertEquals(v1, RegistryPoll.newestVersion(registry));
        String v2 = city.publish(registry, 288, 3);
        assertEquals(v2, RegistryPoll.newestVersion(registry));
    }
}
