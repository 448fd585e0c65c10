package roadcast.api;

import io.javalin.http.sse.SseClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.forecast.Forecast;
import roadcast.topics.ForecastWire;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Server-sent events of newly stored forecasts, published only after the store write is durable.
 *
 * <p>Each client has its own bounded queue and its own sender thread: publishing never blocks (a full queue drops
 * that client, which reconnects and resumes), and a slow client holds up nobody but itself. The number of clients is
 * capped (503 beyond). A comment every heartbeat keeps proxies from closing an idle stream and finds dead peers.
 * Every event has an id {@code BOOT.SEQ}; a client reconnecting with {@code Last-Event-ID} from this process gets
 * the events it missed while they are still in the replay buffer, otherwise an {@code event: reset} telling it to
 * reload.
 */
public final class ForecastStream implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ForecastStream.class);

    /** Limits of the stream; defaults suit a command centre with a few dozen screens. */
    public record Limits(int maxClients, int queuePerClient, int replayEvents, Duration heartbeat) {
        public static Limits defaults() {
            return new Limits(100, 10_000, 20_000, Duration.ofSeconds(15));
        }
    }

    private record Event(long seq, String name, String data) {
    }

    private final class Client {
        final SseClient sse;
        final String authorization;
        final BlockingQueue<Event> queue;
        volatile boolean open = true;

        Client(SseClient sse, String authorization) {
            this.sse = sse;
            this.authorization = authorization;
            this.queue = new ArrayBlockingQueue<>(limits.queuePerClient());
        }

        void offer(Event e) {
            if (open && !queue.offer(e)) {
                LOG.info("dropping a stream client that fell {} events behind", limits.queuePerClient());
                metrics.sseClientDropped();
                drop();
            }
        }

        void drop() {
            open = false;
            clients.remove(this);
            queue.clear();
            queue.offer(CLOSE);
        }

        void sendLoop() {
            try {
                while (open) {
                    Event e = queue.take();
                    if (e == CLOSE) {
                        break;
                    }
                    if (e.name() == null) {
                        sse.sendComment(e.data());
                    } else {
                        sse.sendEvent(e.name(), e.data(), e.seq() < 0 ? null : boot + "." + e.seq());
                        metrics.sseEventSent();
                    }
                    if (sse.terminated()) {
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.debug("stream client gone: {}", e.getMessage());
            } finally {
                open = false;
                clients.remove(this);
                sse.close();
            }
        }
    }

    private static final Event CLOSE = new Event(-1, "close", "");

    private final Limits limits;
    private final ServeMetrics metrics;
    private final String boot = Long.toString(System.currentTimeMillis(), 36);
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final ArrayDeque<Event> replay = new ArrayDeque<>();
    private long seq;
    private final ExecutorService senders = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sse-sender");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sse-heartbeat");
        t.setDaemon(true);
        return t;
    });

    public ForecastStream(ServeMetrics metrics) {
        this(metrics, Limits.defaults());
    }

    public ForecastStream(ServeMetrics metrics, Limits limits) {
        this.metrics = metrics;
        this.limits = limits;
        metrics.gauge("roadcast_serve_sse_clients", clients::size);
        long every = limits.heartbeat().toMillis();
        heartbeat.scheduleAtFixedRate(() -> {
            Event beat = new Event(-1, null, "heartbeat");
            clients.forEach(c -> c.offer(beat));
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** True when another client may connect; checked before the stream's headers are sent, to answer 503. */
    boolean hasRoom() {
        return clients.size() < limits.maxClients();
    }

    void connect(SseClient sse) {
        String auth = sse.ctx().header("Authorization");
        String lastEventId = sse.ctx().header("Last-Event-ID");
        Client client = new Client(sse, auth);
        sse.keepAlive();
        sse.onClose(() -> {
            client.open = false;
            clients.remove(client);
            client.queue.offer(CLOSE);
        });
        client.offer(new Event(-1, null, "connected"));
        synchronized (replay) {
            // registered and caught up under the same lock as publish: no event is missed or sent twice
            if (lastEventId != null && !lastEventId.isBlank()) {
                resume(client, lastEventId.trim());
            }
            clients.add(client);
        }
        senders.execute(client::sendLoop);
    }

    private void resume(Client client, String lastEventId) {
        int dot = lastEventId.lastIndexOf('.');
        long last = -1;
        if (dot > 0 && lastEventId.substring(0, dot).equals(boot)) {
            try {
                last = Long.parseLong(lastEventId.substring(dot + 1));
            } catch (NumberFormatException e) {
                last = -1;
            }
        }
        Event oldest = replay.peekFirst();
        if (last < 0 || last > seq || (oldest != null && last < oldest.seq() - 1)) {
            // another process, a malformed id or events already gone: the client must reload what it shows
            client.offer(new Event(-1, "reset", "{\"reason\":\"cannot resume from " + jsonSafe(lastEventId) + "\"}"));
            return;
        }
        for (Event e : replay) {
            if (e.seq() > last) {
                client.offer(e);
            }
        }
    }

    private static String jsonSafe(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) : s;
        return t.replaceAll("[^A-Za-z0-9._-]", "?");
    }

    public int clientCount() {
        return clients.size();
    }

    /** Hands the forecasts to every client's queue; never blocks on a client. */
    public void publish(List<Forecast> forecasts) {
        List<Event> events = new ArrayList<>(forecasts.size());
        synchronized (replay) {
            for (Forecast f : forecasts) {
                Event e = new Event(++seq, "forecast", ForecastWire.write(f));
                events.add(e);
                replay.addLast(e);
                if (replay.size() > limits.replayEvents()) {
                    replay.removeFirst();
                }
            }
            for (Client c : clients) {
                for (Event e : events) {
                    c.offer(e);
                }
            }
        }
    }

    /** Closes the streams whose key no longer passes, e.g. after a key was removed from the key file. */
    public int closeWhere(Predicate<String> authorizationRevoked) {
        int closed = 0;
        for (Iterator<Client> it = clients.iterator(); it.hasNext(); ) {
            Client c = it.next();
            if (authorizationRevoked.test(c.authorization)) {
                c.drop();
                closed++;
            }
        }
        return closed;
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        for (Client c : clients) {
            c.drop();
        }
        senders.shutdown();
        try {
            senders.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        senders.shutdownNow();
        clients.clear();
    }
}
