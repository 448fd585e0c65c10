package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import roadcast.forecast.Forecast;
import roadcast.ingest.DeadLetter;
import roadcast.publish.IssuedForecast;

/**
 * forecastOnEveryUpdate: each accepted reading re-issues its zone's forecasts for the open step from a copy of the
 * state, and the state itself only moves when the step closes, so the last forecast of every (segment, step) is
 * still the backtest's.
 */
class ProvisionalForecastTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(1)
                    .setConfiguration(new Configuration())
                    .build());

    @TempDir
    static Path tmp;

    @Test
    void everyReadingReissuesItsZoneAndTheLastForecastOfAStepIsTheBacktests() throws Exception {
        SmallCity city = SmallCity.generate("p", 5, 11);
        Path registry = tmp.resolve("registry");
        int from = 4 * 288;
        int to = from + 12;
        String version = city.publish(registry, from, 3);
        CollectingSink<IssuedForecast> forecasts = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        JobConfig cfg = JobConfig.defaults(registry).withModelPoll(null)
                .withCheckpoints(Duration.ofMillis(500), tmp.resolve("checkpoints")).withForecastOnEveryUpdate(true);
        new ForecastJob(RecordListSource.of(city.records(from, to)), forecasts, deadLetters, cfg)
                .withFlinkOption("restart-strategy.type", "none").execute();

        SmallCity.Backtest backtest = city.backtest(registry, version, from, to);
        Map<String, Forecast> last = new LinkedHashMap<>();
        Map<String, Integer> issued = new HashMap<>();
        List<IssuedForecast> all = forecasts.values();
        for (IssuedForecast f : all) {
            last.put(SmallCity.key(f.forecast()), f.forecast());
            issued.merge(SmallCity.key(f.forecast()), 1, Integer::sum);
        }
        int n = city.history.segments();
        assertEquals(backtest.forecasts().keySet(), last.keySet(), "every segment of every step");
        // A zone of z segments re-issues z forecasts per accepted reading, plus once when the step closes.
        assertTrue(all.size() > 2 * n * (to - from), "provisional forecasts: " + all.size());
        assertTrue(issued.values().stream().allMatch(c -> c >= 2), "each forecast was provisional first");
        for (Forecast e : backtest.forecasts().values()) {
            Forecast a = last.get(SmallCity.key(e));
            assertArrayEquals(e.speed(), a.speed(), 1e-9, SmallCity.key(e));
            assertArrayEquals(e.upper(), a.upper(), 1e-9, SmallCity.key(e));
        }
        assertEquals(backtest.refused(), deadLetters.values().size(), "refusals: " + deadLetters.values());
    }
}
