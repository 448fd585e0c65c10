package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import roadcast.forecast.Forecast;
import roadcast.forecast.ForecastJson;
import roadcast.publish.Delivery;

/**
 * {@code --delivery at-least-once}: forecasts are written as soon as they are computed (no transaction waits for a
 * checkpoint), and a failure may repeat some but loses none, and every repeat is the same record.
 */
class AtLeastOnceDeliveryTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestMiniCluster.withSlots(2);

    @TempDir
    static Path tmp;

    @RegisterExtension
    static final TestBroker BROKER = TestBroker.withTopics();

    /** Exactly-once output would appear only at the first checkpoint, an hour away: at-least-once does not wait. */
    @Test
    void forecastsAreVisibleBeforeAnyCheckpoint() throws Exception {
        BeforeAnyCheckpoint.Seen seen = BeforeAnyCheckpoint.run(BROKER, tmp, "alo-visible", 17,
                Delivery.AT_LEAST_ONCE, false, Duration.ofSeconds(40));
        assertEquals(seen.expected(), seen.distinct(),
                "every (segment, step) forecast visible to a read_committed consumer with no checkpoint yet");
    }

    /** A failure half way: every expected forecast arrives, repeats are byte-for-byte the same record. */
    @Test
    void failureRepeatsButLosesNothingAndRepeatsAreIdentical() throws Exception {
        FailOnceRestart job = FailOnceRestart.of("a", 19, tmp.resolve("registry-restart"));
        String out = "alo.restart.out";
        // 100 records/s with 1 s checkpoints: the failure comes 2.7 s in, up to a second of forecasts after the last
        // checkpoint; they were already written (at least once) and are issued again after the restore.
        job.run(BROKER, out, "alo.restart.rejected", "alo-restart", Delivery.AT_LEAST_ONCE, 0.75, 100,
                Duration.ofSeconds(1), tmp.resolve("checkpoints-restart"));
        int expected = job.expectedCount();

        List<ConsumerRecord<byte[], byte[]>> written = CommittedTopic.read(BROKER, out, expected, Duration.ofSeconds(60));
        Map<String, byte[]> first = new HashMap<>();
        int repeats = 0;
        for (ConsumerRecord<byte[], byte[]> r : written) {
            Forecast f = ForecastJson.fromBytes(r.value());
            // Key and issuedAt name the forecast: a consumer that drops repeats by them drops only identical records.
            byte[] before = first.putIfAbsent(f.segment() + "@" + f.issuedAt(), r.value());
            if (before != null) {
                repeats++;
                assertArrayEquals(before, r.value(), "a repeat of " + SmallCity.key(f) + " differs");
            }
        }
        System.out.printf("at-least-once after a failure: %d records, %d distinct, %d repeats%n", written.size(),
                first.size(), repeats);
        assertEquals(expected, first.size(), "every (segment, step) forecast arrives");
        for (Forecast e : job.backtest().values()) {
            byte[] got = first.get(e.segment() + "@" + e.issuedAt());
            assertNotNull(got, SmallCity.key(e));
            Forecast a = ForecastJson.fromBytes(got);
            assertArrayEquals(e.speed(), a.speed(), 0.005 + 1e-9, SmallCity.key(e));
        }
    }
}
