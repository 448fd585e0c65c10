package roadcast.demo;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.synthetic.CityConfig;
import roadcast.synthetic.CityGenerator;
import roadcast.synthetic.WeekProfiles;

/**
 * {@code bench-stream} and the demo leave no {@code roadcast-*} directory in the temporary directory when they are
 * interrupted (SIGTERM, as Ctrl-C): 256 were found in /tmp, the 200,000-segment benchmark's 1.1 GB each. Each command
 * runs in a child JVM whose {@code java.io.tmpdir} is the test's own, so other runs on the machine do not count.
 * Flink's own files there (its mini cluster's, RocksDB's native library) are Flink's and not looked at. The normal
 * end (the directories closed by try-with-resources) is {@code ScratchDirectoryTest}'s: a whole bench-stream run
 * takes a minute.
 */
class ScratchDirectoriesTest {

    @TempDir
    Path tmp;

    @Test
    void benchStreamDeletesItsDirectoriesWhenInterrupted() throws Exception {
        // long enough to be interrupted in the middle: real time, 30 minutes
        try (CommandChild bench = CommandChild.start(tmp, "bench-stream", "--segments", "20", "--step", "5",
                "--minutes", "30", "--speedup", "1", "--train-days", "1", "--max-horizon", "15", "--json",
                tmp.resolve("bench.json").toString())) {
            // the live job has completed a checkpoint: the city, the model and the job's checkpoints are on disk
            interruptOnceLogged(bench, "live job running:");
            assertNothingLeft(bench, "an interrupted bench-stream");
        }
    }

    @Test
    void theDemoDeletesItsDirectoriesWhenInterrupted() throws Exception {
        Path city = tmp.resolve("city");
        new CityGenerator(CityConfig.of(20, 2, 5, 3, WeekProfiles.builtIn(8, 3))).generate(city, i -> { });
        try (CommandChild demo = CommandChild.start(tmp, "demo", "--dataset", city.toString(), "--registry",
                tmp.resolve("registry").toString(), "--speedup", "60", "--for", "600", "--no-dashboard")) {
            // the replay has started: the broker's log and the job's checkpoints are on disk
            interruptOnceLogged(demo, "replaying ");
            assertNothingLeft(demo, "an interrupted demo");
        }
    }

    /** SIGTERM to {@code child} a second after its output holds {@code marker}, then awaits its end. */
    private static void interruptOnceLogged(CommandChild child, String marker) throws Exception {
        child.awaitLogged(marker);
        Thread.sleep(1000);
        child.interrupt();
    }

    /**
     * Asserts {@code child} left no directory of its own; if it did, the message lists what is in it (with each file's
     * age) and the child's output, as the test's temporary directory, the child's log with it, is deleted after.
     */
    private static void assertNothingLeft(CommandChild child, String what) throws IOException {
        List<Path> left = ours(child.tmpdir());
        if (left.isEmpty()) {
            return;
        }
        StringBuilder found = new StringBuilder();
        long now = System.currentTimeMillis();
        for (Path dir : left) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.limit(60).forEach(p -> found.append("\n  ").append(child.tmpdir().relativize(p))
                        .append(" (").append(now - p.toFile().lastModified()).append(" ms old)"));
            }
        }
        fail("left behind by " + what + ":" + found + "\n--- its output ---\n" + child.log());
    }

    /** The {@code roadcast-*} entries of {@code tmpdir}, but for the shared RocksDB directory. */
    private static List<Path> ours(Path tmpdir) throws IOException {
        try (Stream<Path> list = Files.list(tmpdir)) {
            // roadcast-rocksdb is every job's RocksDB working directory (ForecastJob), shared by the runs on the
            // machine and emptied by Flink as each job's state backend closes: not a run's own
            return list.filter(f -> f.getFileName().toString().startsWith("roadcast-")
                    && !f.getFileName().toString().equals("roadcast-rocksdb")).sorted().toList();
        }
    }
}
