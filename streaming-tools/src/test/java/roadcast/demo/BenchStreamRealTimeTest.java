package roadcast.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale command ({@code bench-stream --step 1 --speedup 1 --minutes M}, no --spread) measures a city in
 * real time: its live job is fed as a live city's sensors send, each at its own moment in the minute, and closes its
 * zones by the feed's schedule. Before, the same command sent each minute's readings in one burst, so its lag was the
 * time to read 200,000 readings at once, not the lag of a feed of about 3,300 readings/s. A whole run takes minutes at
 * real time: the test watches its live job start and kills it (its files are in the test's temporary directory).
 */
class BenchStreamRealTimeTest {

    @TempDir
    Path tmp;

    @Test
    void aRealTimeRunFeedsEverySensorAtItsOwnPhaseAndClosesOnSchedule() throws Exception {
        Path tmpdir = Files.createDirectories(tmp.resolve("tmpdir"));
        try (CommandChild bench = CommandChild.start(tmpdir, tmp.resolve("bench.log"), "bench-stream", "--segments",
                "20", "--step", "5", "--minutes", "1", "--speedup", "1", "--train-days", "1", "--max-horizon", "15",
                "--json", tmp.resolve("bench.json").toString())) {
            bench.awaitLogged("live job running:");
            assertTrue(bench.log().contains("live job running: feed sensor-phase at 1.0x real time, close on schedule "
                    + "200 ms, after quiet 500 ms"), bench.log());
            // The warm-up's two steps are sent as the feed is, over two steps (5-minute steps here: the default
            // depends on the speed, not the step, and they train faster): a burst's 40 readings and their forecasts
            // took a second or two.
            Thread.sleep(3000);
            assertFalse(bench.log().contains("live warm-up:"), "the warm-up was sent at once: " + bench.log());
        }
    }
}
