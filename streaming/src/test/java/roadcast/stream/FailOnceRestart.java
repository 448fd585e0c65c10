package roadcast.stream;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import roadcast.forecast.Forecast;
import roadcast.kafka.RawRecord;
import roadcast.publish.Delivery;
import roadcast.publish.KafkaOutputs;

/**
 * The restart tests' fixture: a small city with a model trained on its first four days, and a forecast job over the
 * next {@link #STEPS} steps whose source throws once part-way; the job restarts from its last completed checkpoint
 * (fixed delay, at most twice) and runs to the end of the replay, writing to the test class's broker.
 */
final class FailOnceRestart {

    /** Training rows; the replay starts here. */
    static final int FROM = 4 * 288;
    static final int STEPS = 30;

    /** Runs whose failure was thrown (the source is a copy of the generator, so the flag lives outside it). */
    private static final Set<String> FAILED = ConcurrentHashMap.newKeySet();

    final SmallCity city;
    final Path registry;
    final String version;

    private FailOnceRestart(SmallCity city, Path registry, String version) {
        this.city = city;
        this.registry = registry;
        this.version = version;
    }

    /** Five days of a 12-segment city ({@code prefix + i}), its model published to {@code registry}. */
    static FailOnceRestart of(String prefix, long seed, Path registry) throws java.io.IOException {
        SmallCity city = SmallCity.generate(prefix, 5, seed);
        return new FailOnceRestart(city, registry, city.publish(registry, FROM, 3));
    }

    /** Forecasts the job must issue: one per segment per step. */
    int expectedCount() {
        return city.history.segments() * STEPS;
    }

    /** The backtest's forecasts of the replayed steps. */
    Map<String, Forecast> backtest() throws java.io.IOException {
        return city.backtest(registry, version, FROM, FROM + STEPS).forecasts();
    }

    /**
     * Runs the job to the end of the replay (returns when it has finished): the records at {@code perSecond}, a
     * failure at the record {@code failAt} of the way through, checkpoints every {@code checkpointInterval}; forecasts
     * and dead letters to the topics {@code out} and {@code rejected} (created here), transactional ids from
     * {@code group}. Throws if the failure was not injected.
     */
    void run(TestBroker broker, String out, String rejected, String group, Delivery delivery, double failAt,
             double perSecond, Duration checkpointInterval, Path checkpoints) throws Exception {
        broker.createTopics(out, rejected);
        List<RawRecord> records = city.records(FROM, FROM + STEPS);
        int failAtRecord = (int) (records.size() * failAt);
        String run = group + "@" + System.nanoTime();
        GeneratorFunction<Long, RawRecord> replay = RecordListSource.generator(records);
        GeneratorFunction<Long, RawRecord> failing = i -> {
            if (i == failAtRecord && FAILED.add(run)) {
                throw new IllegalStateException("injected failure at record " + i);
            }
            return replay.map(i);
        };
        var source = new DataGeneratorSource<>(failing, records.size(), RateLimiterStrategy.perSecond(perSecond),
                TypeInformation.of(RawRecord.class));
        JobConfig cfg = JobConfig.defaults(registry).withModelPoll(null).withCheckpoints(checkpointInterval, checkpoints);
        new ForecastJob(source, KafkaOutputs.forecasts(broker.bootstrapServers(), out, group, delivery),
                KafkaOutputs.deadLetters(broker.bootstrapServers(), rejected, group), cfg)
                .withFlinkOption("restart-strategy.type", "fixed-delay")
                .withFlinkOption("restart-strategy.fixed-delay.attempts", "2")
                .withFlinkOption("restart-strategy.fixed-delay.delay", "100 ms")
                .execute();
        if (!FAILED.contains(run)) {
            throw new AssertionError("the failure was not injected");
        }
    }
}
