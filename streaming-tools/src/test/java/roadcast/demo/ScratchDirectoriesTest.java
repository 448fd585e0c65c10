package roadcast.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
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

    private final List<Process> started = new ArrayList<>();

    /** A child a failed assertion left running would hold its ports and CPU for minutes. */
    @AfterEach
    void stopChildren() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void benchStreamDeletesItsDirectoriesWhenInterrupted() throws Exception {
        Path tmpdir = Files.createDirectories(tmp.resolve("tmpdir"));
        // long enough to be interrupted in the middle: real time, 30 minutes
        Process p = child(tmpdir, tmp.resolve("bench.log"), "bench-stream", "--segments", "20", "--step", "5",
                "--minutes", "30", "--speedup", "1", "--train-days", "1", "--max-horizon", "15",
                "--json", tmp.resolve("bench.json").toString());
        // the live run has started: the city, the model and the job's checkpoints are on disk
        interruptOnceLogged(p, "live warm-up:", tmp.resolve("bench.log"));
        assertEquals(List.of(), ours(tmpdir), "left behind by an interrupted bench-stream");
    }

    @Test
    void theDemoDeletesItsDirectoriesWhenInterrupted() throws Exception {
        Path city = tmp.resolve("city");
        new CityGenerator(CityConfig.of(20, 2, 5, 3, WeekProfiles.builtIn(8, 3))).generate(city, i -> { });
        Path tmpdir = Files.createDirectories(tmp.resolve("tmpdir"));
        Process p = child(tmpdir, tmp.resolve("demo.log"), "demo", "--dataset", city.toString(), "--registry",
                tmp.resolve("registry").toString(), "--speedup", "60", "--for", "600", "--no-dashboard");
        // the replay has started: the broker's log and the job's checkpoints are on disk
        interruptOnceLogged(p, "replaying ", tmp.resolve("demo.log"));
        assertEquals(List.of(), ours(tmpdir), "left behind by an interrupted demo");
    }

    /** SIGTERM to {@code p} a second after its output holds {@code marker}, then awaits its end. */
    private static void interruptOnceLogged(Process p, String marker, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (p.isAlive() && System.nanoTime() < deadline && !Files.readString(log).contains(marker)) {
            Thread.sleep(100);
        }
        Thread.sleep(1000);
        assertTrue(p.isAlive(), "ended before it was interrupted: " + Files.readString(log));
        assertTrue(Files.readString(log).contains(marker), "no '" + marker + "' in 90 s: " + Files.readString(log));
        p.destroy();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not stop in 60 s after SIGTERM");
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

    /** A child JVM running {@link Child} with {@code args}, its temporary directory {@code tmpdir}. */
    private Process child(Path tmpdir, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Djava.io.tmpdir=" + tmpdir));
        // Flink on Java 17 needs the opens this JVM was given (the surefire argLine)
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-exports")) {
                command.add(a);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }

    /** Runs one command as {@code ./roadcast} would, and exits with its code. */
    public static final class Child {
        public static void main(String[] args) {
            Object command = args[0].equals("demo") ? new DemoCommand() : new BenchStreamCommand();
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            System.exit(new CommandLine(command).execute(rest));
        }
    }
}
