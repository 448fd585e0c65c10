package roadcast.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue's scale command as written ({@code bench-stream --segments 200000 --step 1 --speedup 1 --minutes 5}, no
 * other option), on 20 segments: it measures a city in real time, forecast one minute and then every 5 minutes up to
 * an hour (13 horizons; every minute, 60 of them, before). Its live job is fed as a live city's sensors send,
 * each at its own moment in the minute, and closes its zones by the feed's schedule; its model is trained on one day
 * of the 1-minute city. Before, the same command sent each minute's readings in one burst (its lag was the time to
 * read 200,000 readings at once, not the lag of a feed of about 3,300 readings/s) and trained on three days (4,320
 * rows: at 200,000 segments a 12 GB heap filled before the training ended). A whole run takes minutes at real time: the test watches its live
 * job start and kills it (its files are in the test's temporary directory).
 */
class BenchStreamRealTimeTest {

    @TempDir
    Path tmp;

    @Test
    void theIssuesCommandFeedsALiveCityAndTrainsOnADay() throws Exception {
        try (CommandChild bench = CommandChild.start(tmp, "bench-stream", "--segments", "20", "--step", "1",
                "--speedup", "1", "--minutes", "1", "--json", tmp.resolve("b.json").toString())) {
            bench.awaitLogged("live job running:");
            String log = bench.log();
            assertTrue(log.contains("generating a city of 20 segments, 2 days of 1-minute steps"), log);
            assertTrue(log.contains("training on 1440 rows, horizons [1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, "
                    + "60] min"), log);
            assertTrue(log.contains("live job running: feed sensor-phase at 1.0x real time, close on schedule 200 ms, "
                    + "after quiet 500 ms"), log);
            // The warm-up's two steps are sent as the feed is, over two minutes: a burst's 40 readings and their
            // forecasts took a second or two.
            Thread.sleep(3000);
            assertFalse(bench.log().contains("live warm-up:"), "the warm-up was sent at once: " + bench.log());
        }
    }
}
