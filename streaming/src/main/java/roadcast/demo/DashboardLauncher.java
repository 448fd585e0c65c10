package roadcast.demo;

import java.io.PrintWriter;

/**
 * Starts the dashboard (the serving module, in its own JVM) next to a running demo. The lead wires the real
 * launcher (a separate process, so that the online store's RocksDB never shares a classpath with Flink's); until then
 * {@link #INSTRUCTIONS} only prints how to start it by hand.
 */
@FunctionalInterface
public interface DashboardLauncher {

    /**
     * @param bootstrapServers broker the demo runs
     * @param forecastTopic    topic the dashboard should read
     * @param port             HTTP port
     * @param apiKey           API key to require, or null
     * @return a handle that stops the dashboard
     */
    AutoCloseable start(String bootstrapServers, String forecastTopic, int port, String apiKey, PrintWriter out)
            throws Exception;

    // TODO(lead): replace with a launcher that starts `roadcast serve` as a child process.
    DashboardLauncher INSTRUCTIONS = (bootstrap, topic, port, apiKey, out) -> {
        out.printf("dashboard: start it in another terminal with: roadcast serve --bootstrap-servers %s "
                + "--forecast-topic %s --port %d%s%n", bootstrap, topic, port, apiKey == null ? "" : " --api-key ...");
        return () -> { };
    };
}
