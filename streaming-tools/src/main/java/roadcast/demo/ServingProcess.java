package roadcast.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import roadcast.scratch.ScratchDirectory;

/**
 * Starts {@code roadcast serve} (online store, HTTP API, dashboard) as a child JVM next to the demo. A separate
 * process is not a convenience: the store's rocksdbjni and Flink's frocksdbjni use the same package and native
 * library names, so they must never share a classpath (../shared/STACK.md). The child's output is relayed with a
 * {@code [serve]} prefix; it is stopped with the demo, and by a shutdown hook on Ctrl-C.
 */
public final class ServingProcess implements DashboardLauncher {

    private static final long READY_SECONDS = 90;

    private final Path registry;
    private final Path apiKeys;

    /** @param registry model registry whose latest model gives the dashboard its segments and coordinates */
    public ServingProcess(Path registry) {
        this(registry, null);
    }

    /**
     * @param apiKeys key file handed to {@code roadcast serve --api-keys} (digests and roles, re-read on change), or
     *                null
     */
    public ServingProcess(Path registry, Path apiKeys) {
        this.registry = registry;
        this.apiKeys = apiKeys;
    }

    @Override
    public AutoCloseable start(String bootstrapServers, String forecastTopic, int port, String apiKey, PrintWriter out)
            throws Exception {
        List<String> classpath = servingClasspath();
        if (classpath == null) {
            DashboardLauncher.INSTRUCTIONS.start(bootstrapServers, forecastTopic, port, apiKey, out);
            return () -> { };
        }
        ScratchDirectory store = ScratchDirectory.create("roadcast-demo-store");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", String.join(java.io.File.pathSeparator, classpath), "roadcast.serve.ServeCommand",
                "--bootstrap-servers", bootstrapServers, "--forecast-topic", forecastTopic,
                "--port", Integer.toString(port), "--store", store.path().toString(), "--registry", registry.toString()));
        if (apiKeys != null) {
            command.add("--api-keys");
            command.add(apiKeys.toAbsolutePath().toString());
        } else if (apiKey != null) {
            command.add("--api-key");
            command.add(apiKey);
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread stopOnExit = new Thread(process::destroy, "stop-roadcast-serve");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        CountDownLatch ready = new CountDownLatch(1);
        Thread relay = new Thread(() -> relay(process, out, ready), "roadcast-serve-output");
        relay.setDaemon(true);
        relay.start();
        if (!ready.await(READY_SECONDS, TimeUnit.SECONDS) || !process.isAlive()) {
            out.println("dashboard: roadcast serve did not come up" + (process.isAlive() ? " in " + READY_SECONDS
                    + " s" : " (exit code " + process.exitValue() + ")") + "; the demo goes on without it");
            out.flush();
        }
        return () -> {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run: nothing left to remove
            }
            store.close();
        };
    }

    /** A {@code roadcast serve} child started by {@link #startFollowing}: its HTTP port, liveness and stop. */
    public static final class Running implements AutoCloseable {
        private final Process process;
        private final int port;

        Running(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        public int port() {
            return port;
        }

        public boolean alive() {
            return process.isAlive();
        }

        /** SIGTERM (the store is closed by the child's shutdown hook), then a kill after 10 s. */
        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * {@code roadcast serve} following both topics into {@code store}, on a free port, its output to {@code log}
     * (for runs such as {@code roadcast fuzz}, where every hostile record would otherwise be relayed). Waits until
     * it serves.
     *
     * @param classpath the serving module's classpath ({@link #servingClasspath()})
     * @param retention history retention in {@code roadcast serve --retention} syntax (e.g. 30d)
     */
    public Running startFollowing(List<String> classpath, String bootstrapServers, String forecastTopic,
                                  String speedTopic, String apiKey, String retention, Path store, Path log)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", String.join(java.io.File.pathSeparator, classpath), "roadcast.serve.ServeCommand",
                "--bootstrap-servers", bootstrapServers, "--forecast-topic", forecastTopic,
                "--speed-topic", speedTopic, "--port", "0", "--store", store.toString(),
                "--api-key", apiKey, "--retention", retention,
                // the retention sweep runs often, so that a hostile record that could make it delete would do so
                // within the run
                "--sweep-every", "30s"));
        if (registry != null) {
            command.add("--registry");
            command.add(registry.toAbsolutePath().toString());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        java.util.regex.Pattern ready = java.util.regex.Pattern.compile("Dashboard: http://localhost:(\\d+)/");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
        while (System.nanoTime() < deadline && process.isAlive()) {
            java.util.regex.Matcher m = ready.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return new Running(process, Integer.parseInt(m.group(1)));
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        throw new IOException("roadcast serve did not come up" + (process.isAlive() ? " in " + READY_SECONDS + " s"
                : "") + "; see " + log);
    }

    private static void relay(Process process, PrintWriter out, CountDownLatch ready) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                synchronized (out) {
                    out.println("[serve] " + line);
                    out.flush();
                }
                if (line.contains("Dashboard: http")) {
                    ready.countDown();
                }
            }
        } catch (IOException closed) {
            // the process ended
        } finally {
            ready.countDown();
        }
    }

    /** The serving module's jar and dependencies as the build wrote them, or null when it is not built. */
    public static List<String> servingClasspath() throws IOException {
        String home = System.getProperty("roadcast.home");
        if (home == null) {
            return null;
        }
        Path target = Path.of(home, "serving", "target");
        Path jar = target.resolve("serving-0.1.0-SNAPSHOT.jar");
        Path deps = target.resolve("classpath.txt");
        if (!Files.isRegularFile(jar) || !Files.isRegularFile(deps)) {
            return null;
        }
        List<String> classpath = new ArrayList<>();
        classpath.add(jar.toString());
        classpath.add(Files.readString(deps).trim());
        return classpath;
    }
}
