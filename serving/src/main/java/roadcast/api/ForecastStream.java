package roadcast.api;

import io.javalin.http.sse.SseClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.forecast.Forecast;
import roadcast.topics.ForecastWire;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Server-sent events of newly stored forecasts. Sending runs on its own thread so that a slow client never holds up
 * the topic follower; events are only published after the store write is durable.
 */
public final class ForecastStream implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ForecastStream.class);

    private final Set<SseClient> clients = new CopyOnWriteArraySet<>();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sse-sender");
        t.setDaemon(true);
        return t;
    });
    private final ServeMetrics metrics;

    public ForecastStream(ServeMetrics metrics) {
        this.metrics = metrics;
        metrics.gauge("roadcast_serve_sse_clients", () -> clients.size());
    }

    void connect(SseClient client) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        clients.add(client);
        client.sendComment("connected");
    }

    public int clientCount() {
        return clients.size();
    }

    public void publish(List<Forecast> forecasts) {
        if (clients.isEmpty()) {
            return;
        }
        List<String> events = forecasts.stream().map(ForecastWire::write).toList();
        sender.execute(() -> {
            for (SseClient client : clients) {
                try {
                    for (String e : events) {
                        client.sendEvent("forecast", e);
                        metrics.sseEventSent();
                    }
                } catch (RuntimeException e) {
                    LOG.debug("dropping stream client: {}", e.getMessage());
                    clients.remove(client);
                }
            }
        });
    }

    @Override
    public void close() {
        sender.shutdownNow();
        try {
            sender.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SseClient c : clients) {
            c.close();
        }
        clients.clear();
    }
}
