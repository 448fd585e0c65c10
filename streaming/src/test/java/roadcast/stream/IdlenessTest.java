package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import roadcast.ingest.DeadLetter;
import roadcast.kafka.RawRecord;
import roadcast.publish.IssuedForecast;

/** A feed that pauses for longer than the idleness time must go on being forecast after the pause. */
class IdlenessTest {

    static final int TRAIN_ROWS = 2 * 288;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestMiniCluster.withSlots(2);

    @TempDir
    static Path tmp;

    static SmallCity city;
    static Path registry;

    @BeforeAll
    static void trainModel() throws Exception {
        city = SmallCity.generate("idle", 3, 11);
        registry = tmp.resolve("registry");
        city.publish(registry, TRAIN_ROWS, 3);
    }

    /**
     * Lets records through at once except record {@code pauseBefore}, which waits {@code pauseMillis}. The wait is a
     * future, not a sleep, so the task thread stays free and the periodic watermark check sees the input idle.
     */
    private static final class PauseOnce implements RateLimiterStrategy<NumberSequenceSource.NumberSequenceSplit> {
        private static final long serialVersionUID = 1L;
        private final long pauseBefore;
        private final long pauseMillis;

        PauseOnce(long pauseBefore, long pauseMillis) {
            this.pauseBefore = pauseBefore;
            this.pauseMillis = pauseMillis;
        }

        @Override
        public RateLimiter<NumberSequenceSource.NumberSequenceSplit> createRateLimiter(int parallelism) {
            return new RateLimiter<>() {
                private long acquired;

                @Override
                public CompletionStage<Void> acquire(int requestSize) {
                    long before = acquired;
                    acquired += requestSize;
                    if (before <= pauseBefore && pauseBefore < acquired) {
                        return CompletableFuture.runAsync(() -> { },
                                CompletableFuture.delayedExecutor(pauseMillis, TimeUnit.MILLISECONDS));
                    }
                    return CompletableFuture.completedFuture(null);
                }
            };
        }
    }

    private Map<Long, Integer> forecastsPerStep(List<RawRecord> input, long pauseBefore, JobConfig cfg,
                                                CollectingSink<DeadLetter> deadLetters) throws Exception {
        CollectingSink<IssuedForecast> forecasts = new CollectingSink<>();
        var source = new DataGeneratorSource<>(RecordListSource.generator(input), input.size(),
                new PauseOnce(pauseBefore, 1500), TypeInformation.of(RawRecord.class));
        new ForecastJob(source, forecasts, deadLetters, cfg).withFlinkOption("restart-strategy.type", "none")
                .withFutureCheck(false).execute();
        Map<Long, Integer> perStep = new TreeMap<>();
        for (IssuedForecast f : forecasts.values()) {
            perStep.merge(f.forecast().issuedAt(), 1, Integer::sum);
        }
        return perStep;
    }

    @Test
    void pauseLongerThanIdlenessMidStepLosesNothing() throws Exception {
        int steps = 8;
        int n = city.history.segments();
        List<RawRecord> input = city.records(TRAIN_ROWS, TRAIN_ROWS + steps);
        // The pause falls in the middle of step 4: after it, readings of the same event time as before it.
        long pauseBefore = 4L * n + n / 2;
        for (boolean closeWhenComplete : new boolean[] {false, true}) {
            JobConfig cfg = JobConfig.defaults(registry).withModelPoll(null)
                    .withCheckpoints(Duration.ofMillis(200), tmp.resolve("checkpoints-" + closeWhenComplete))
                    .withEventTime(Duration.ZERO, Duration.ofMillis(300), null, null)
                    .withCloseWhenComplete(closeWhenComplete);
            CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
            Map<Long, Integer> perStep = forecastsPerStep(input, pauseBefore, cfg, deadLetters);
            assertTrue(deadLetters.values().isEmpty(), deadLetters.values().size() + " readings refused after the pause, "
                    + "first: " + (deadLetters.values().isEmpty() ? "" : deadLetters.values().get(0)));
            assertEquals(steps, perStep.size(), "steps forecast: " + perStep);
            Map<Long, Integer> expected = new HashMap<>();
            for (int t = 0; t < steps; t++) {
                expected.put(city.history.epochMillis(TRAIN_ROWS + t), n);
            }
            assertEquals(expected, new HashMap<>(perStep), "close when complete: " + closeWhenComplete);
        }
    }
}
