package roadcast.demo;

import java.io.PrintWriter;

/**
 * Starts the dashboard (the serving module, in its own JVM) next to a running demo: {@link ServingProcess}, or
 * {@link #INSTRUCTIONS} where the serving module is not built (it prints how to start it by hand).
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

    DashboardLauncher INSTRUCTIONS = (bootstrap, topic, port, apiKey, out) -> {
        out.printf("dashboard: start it in another terminal with: roadcast serve --bootstrap-servers %s "
                + "--forecast-topic %s --port %d%s%n", bootstrap, topic, port, apiKey == null ? "" : " --api-key ...");
        return () -> { };
    };
}
