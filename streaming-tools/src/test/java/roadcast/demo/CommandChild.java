package roadcast.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine;

/**
 * A roadcast command ({@code bench-stream} or {@code demo}) run in a child JVM as {@code ./roadcast} runs it, its
 * output in a log: for tests that watch a long command start and then stop it (SIGTERM, as Ctrl-C), which an
 * in-process run could not be without leaving its threads behind. Closing it kills a child still running, so a failed
 * assertion leaves no run holding ports and CPU for minutes.
 */
final class CommandChild implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final Path tmpdir;

    private CommandChild(Process process, Path log, Path tmpdir) {
        this.process = process;
        this.log = log;
        this.tmpdir = tmpdir;
    }

    /**
     * Starts {@code args} (command name first) with its own temporary directory {@code dir/tmpdir} (so that what it
     * leaves there is its own), output to {@code dir/COMMAND.log}.
     */
    static CommandChild start(Path dir, String... args) throws IOException {
        Path tmpdir = Files.createDirectories(dir.resolve("tmpdir"));
        Path log = dir.resolve(args[0] + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Djava.io.tmpdir=" + tmpdir));
        // Flink on Java 17 needs the opens this JVM was given (the surefire argLine)
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-exports")) {
                command.add(a);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new CommandChild(p, log, tmpdir);
    }

    /** The child's {@code java.io.tmpdir}. */
    Path tmpdir() {
        return tmpdir;
    }

    /** Waits (at most 90 s) until the output holds {@code marker}, and asserts it does with the child still running. */
    void awaitLogged(String marker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (process.isAlive() && System.nanoTime() < deadline && !log().contains(marker)) {
            Thread.sleep(100);
        }
        assertTrue(log().contains(marker), "no '" + marker + "' in 90 s: " + log());
        assertTrue(process.isAlive(), "ended: " + log());
    }

    /** SIGTERM, then awaits the end (at most 60 s). */
    void interrupt() throws Exception {
        assertTrue(process.isAlive(), "ended before it was interrupted: " + log());
        process.destroy();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "did not stop in 60 s after SIGTERM");
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    /** Runs one command as {@code ./roadcast} would, and exits with its code. */
    public static final class Main {
        public static void main(String[] args) {
            Object command = args[0].equals("demo") ? new DemoCommand() : new BenchStreamCommand();
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            System.exit(new CommandLine(command).execute(rest));
        }
    }
}
