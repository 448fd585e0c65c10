package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import roadcast.ingest.DeadLetter;
import roadcast.kafka.RawRecord;
import roadcast.publish.IssuedForecast;

/**
 * Event times that overflow step arithmetic (Long.MIN_VALUE, Long.MAX_VALUE), times before 1970 and readings years
 * ahead (also with the future check off, as replays run) must be dead-lettered with a reason, and must not open a
 * bogus step that closes every open step and leaves the zone refusing everything as too late.
 */
class HostileTimesTest {

    static final int TRAIN_ROWS = 2 * 288;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestMiniCluster.withSlots(2);

    @TempDir
    static Path tmp;

    static SmallCity city;
    static Path registry;

    @BeforeAll
    static void trainModel() throws Exception {
        city = SmallCity.generate("t", 3, 5);
        registry = tmp.resolve("registry");
        city.publish(registry, TRAIN_ROWS, 3);
    }

    @ParameterizedTest(name = "future check: {0}")
    @ValueSource(booleans = {true, false})
    void extremeTimesAreDeadLetteredAndEveryStepIsStillForecast(boolean futureCheck) throws Exception {
        int steps = 8;
        int n = city.history.segments();
        String s = city.history.segmentIds()[1];
        Instant lastStep = Instant.ofEpochMilli(city.history.epochMillis(TRAIN_ROWS + steps - 1));
        // payload -> the reason it must be refused with
        Map<String, String> hostile = new LinkedHashMap<>();
        hostile.put("{\"segment\":\"" + s + "\",\"time\":" + Long.MIN_VALUE + ",\"speed\":50}", "TIME_OUT_OF_RANGE");
        hostile.put("{\"segment\":\"" + s + "\",\"time\":" + Long.MAX_VALUE + ",\"speed\":50}", "TIME_OUT_OF_RANGE");
        hostile.put("{\"segment\":\"" + s + "\",\"time\":-1,\"speed\":50}", "TIME_OUT_OF_RANGE");
        hostile.put("{\"segment\":\"" + s + "\",\"time\":\"1969-07-20T20:17:00Z\",\"speed\":50}", "TIME_OUT_OF_RANGE");
        hostile.put("{\"segment\":\"" + s + "\",\"time\":\"9999-12-31T23:59:59Z\",\"speed\":50}", "TIME_OUT_OF_RANGE");
        // Two days ahead of the wall clock (beyond the future check) and years after the newest reading (beyond the
        // bound that holds without the future check).
        Instant ahead = Instant.now().plus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        assertTrue(ahead.isAfter(lastStep.plus(Duration.ofDays(367))));
        hostile.put("{\"segment\":\"" + s + "\",\"time\":\"" + ahead + "\",\"speed\":50}",
                "TOO_FAR_IN_FUTURE");

        List<RawRecord> clean = city.records(TRAIN_ROWS, TRAIN_ROWS + steps);
        List<RawRecord> input = new ArrayList<>();
        long offset = 500_000;
        for (int k = 0; k < clean.size(); k++) {
            input.add(clean.get(k));
            if (k == 2 * n + 3) { // in the middle of the third step, with three steps open or closing
                for (String payload : hostile.keySet()) {
                    input.add(SmallCity.record(s, payload, offset++));
                }
            }
        }
        CollectingSink<IssuedForecast> forecasts = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        JobConfig cfg = JobConfig.defaults(registry).withModelPoll(null)
                .withCheckpoints(Duration.ofMillis(500), tmp.resolve("checkpoints-" + futureCheck));
        new ForecastJob(RecordListSource.of(input), forecasts, deadLetters, cfg)
                .withFlinkOption("restart-strategy.type", "none").withFutureCheck(futureCheck).execute();

        Map<String, String> refused = new HashMap<>();
        for (DeadLetter d : deadLetters.values()) {
            refused.put(d.payload(), d.reason().name());
            assertTrue(!d.detail().isBlank(), "no detail: " + d);
        }
        assertEquals(hostile, refused, "each hostile time refused with its reason, and nothing else refused");
        Map<Long, Integer> perStep = new TreeMap<>();
        for (IssuedForecast f : forecasts.values()) {
            perStep.merge(f.forecast().issuedAt(), 1, Integer::sum);
        }
        Map<Long, Integer> expected = new TreeMap<>();
        for (int t = 0; t < steps; t++) {
            expected.put(city.history.epochMillis(TRAIN_ROWS + t), n);
        }
        assertEquals(expected, perStep, "every segment forecast once at every step");
    }
}
