package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import roadcast.forecast.Forecast;
import roadcast.ingest.DeadLetter;
import roadcast.kafka.RawRecord;
import roadcast.publish.IssuedForecast;

/**
 * Issue 10 (chaos: 45,118 forecasts differing from the backtest after recoveries): two input partitions read at
 * different speeds, as after a recovery when one partition's backlog comes in large fetches. With event time assigned
 * after parsing, the fast partition opened more steps than a zone keeps ({@link ZoneMemory#MAX_OPEN_STEPS}), the
 * oldest were closed early and the slow partition's readings for them refused as TOO_LATE. With event time per split
 * and watermark alignment the fast partition is paused instead, and the output equals the backtest.
 */
class PartitionSkewTest {

    static final int TRAIN_ROWS = 4 * 288;
    /** More steps than a zone keeps open. */
    static final int STEPS = 80;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestMiniCluster.withSlots(2);

    @TempDir
    static Path tmp;

    static SmallCity city;
    static Path registry;
    static String version;

    @BeforeAll
    static void trainModel() throws Exception {
        city = SmallCity.generate("k", 5, 11);
        registry = tmp.resolve("registry");
        version = city.publish(registry, TRAIN_ROWS, 3);
    }

    /**
     * Record i of the list, read slowly in the second half (partition 1): the two halves are the two splits of the
     * source at parallelism 2, so partition 0 runs ahead unless something holds it back.
     */
    static final class SkewedReplay implements GeneratorFunction<Long, RawRecord> {
        private static final long serialVersionUID = 1L;
        private final GeneratorFunction<Long, RawRecord> records;
        private final long half;

        SkewedReplay(List<RawRecord> records) {
            this.records = RecordListSource.generator(records);
            this.half = records.size() / 2;
        }

        @Override
        public RawRecord map(Long index) throws Exception {
            // Fast partition 1 ms a record, slow 5 ms: without alignment the fast one ends 60+ steps ahead.
            LockSupport.parkNanos(index < half ? 1_000_000L : 5_000_000L);
            return records.map(index);
        }
    }

    @Test
    void aFastPartitionDoesNotMakeTheOtherLate() throws Exception {
        int from = TRAIN_ROWS;
        int to = from + STEPS;
        int n = city.history.segments();
        List<RawRecord> p0 = new ArrayList<>();
        List<RawRecord> p1 = new ArrayList<>();
        for (RawRecord r : city.records(from, to)) {
            int segment = Integer.parseInt(new String(r.key, java.nio.charset.StandardCharsets.UTF_8).substring(1));
            if (segment % 2 == 0) {
                r.partition = 0;
                p0.add(r);
            } else {
                r.partition = 1;
                p1.add(r);
            }
        }
        assertEquals(p0.size(), p1.size(), "halves of equal size: one split each at parallelism 2");
        List<RawRecord> input = new ArrayList<>(p0);
        input.addAll(p1);

        CollectingSink<IssuedForecast> forecasts = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        JobConfig cfg = JobConfig.defaults(registry).withModelPoll(null).withParallelism(2)
                .withCheckpoints(Duration.ofMillis(500), tmp.resolve("checkpoints"));
        new ForecastJob(new DataGeneratorSource<>(new SkewedReplay(input), input.size(),
                TypeInformation.of(RawRecord.class)), forecasts, deadLetters, cfg)
                .withFlinkOption("restart-strategy.type", "none")
                .execute();

        List<DeadLetter> letters = new ArrayList<>(deadLetters.values());
        SmallCity.Backtest offline = city.backtest(registry, version, from, to);
        assertEquals(offline.refused(), letters.size(), "refused only what the backtest refuses: "
                + letters.subList(0, Math.min(3, letters.size())));
        Map<String, Forecast> actual = new HashMap<>();
        for (IssuedForecast issued : forecasts.values()) {
            assertNull(actual.put(SmallCity.key(issued.forecast()), issued.forecast()),
                    "forecast issued twice: " + SmallCity.key(issued.forecast()));
        }
        Map<String, Forecast> expected = offline.forecasts();
        assertEquals(n * STEPS, expected.size());
        assertEquals(expected.keySet(), actual.keySet(), "one forecast per segment per step");
        for (Forecast e : expected.values()) {
            Forecast a = actual.get(SmallCity.key(e));
            assertEquals(e.observedSpeed(), a.observedSpeed(), 0.0, SmallCity.key(e));
            assertArrayEquals(e.speed(), a.speed(), 1e-9, SmallCity.key(e));
        }
    }
}
