package roadcast.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import roadcast.demo.ServingProcess;
import roadcast.history.SpeedHistory;
import roadcast.kafka.ExactlyOnceKafka;

/**
 * The serving half of a fuzz run: {@code roadcast serve} in its own JVM (rocksdbjni must not share Flink's
 * classpath) following the fuzzed input topic and the job's forecasts, watched through its HTTP API for the whole
 * run. It reports {@code follower_failures} (times {@code /health} said DOWN, did not answer, or the process ended),
 * {@code follower_degraded} (times it said DEGRADED: retrying a store or broker error), and {@code history_lost}
 * (observations stored before the fuzz that can no longer be read afterwards).
 */
final class ServingFollower implements AutoCloseable {

    private static final String KEY = "fuzz-key";

    private final ServingProcess.Running process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final Thread watcher;
    private volatile boolean watching = true;
    private int failures;
    private int degraded;
    private String lastTrouble;
    private final Map<String, Map<Long, Double>> historyBefore = new TreeMap<>();
    private String historyFrom;
    private String historyTo;
    private long historyPublished;

    private ServingFollower(ServingProcess.Running process) {
        this.process = process;
        this.watcher = new Thread(this::watch, "fuzz-serving-health");
        watcher.setDaemon(true);
        watcher.start();
    }

    static ServingFollower start(List<String> classpath, Path registry, String bootstrapServers, String forecastTopic,
                                 String speedTopic, Path work, PrintWriter out) throws Exception {
        Path log = work.resolve("serve.log");
        // Retention longer than the fuzz feed (8.7 days of steps for 100,000 records), so that no history is due
        // for deletion: any loss is then the hostile records' doing (one far-future time used to move the
        // high-water mark and sweep away everything).
        ServingProcess.Running p = new ServingProcess(registry).startFollowing(classpath, bootstrapServers,
                forecastTopic, speedTopic, KEY, "60d", work.resolve("store"), log);
        out.printf("roadcast serve following %s and %s on port %d (log %s)%n", speedTopic, forecastTopic, p.port(),
                log);
        out.flush();
        return new ServingFollower(p);
    }

    /** Every 500 ms: {@code /health} must answer UP; each stretch of anything else is counted once. */
    private void watch() {
        String previous = "UP";
        while (watching) {
            String status;
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/health"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                status = json.readTree(r.body()).path("status").asText("?");
            } catch (IOException e) {
                status = process.alive() ? "NO ANSWER" : "EXITED";
            } catch (InterruptedException e) {
                return;
            }
            if (!status.equals(previous)) {
                synchronized (this) {
                    if ("DEGRADED".equals(status)) {
                        degraded++;
                    } else if (!"UP".equals(status)) {
                        failures++;
                    }
                    if (!"UP".equals(status)) {
                        lastTrouble = status + ": " + follower();
                    }
                }
                previous = status;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Waits until the follower has stored the observations of rows [from, to) ({@code published} readings), then
     * remembers them as the history that must survive the fuzz.
     */
    void snapshotHistory(SpeedHistory h, int from, int to, long published) throws Exception {
        historyFrom = java.time.Instant.ofEpochMilli(h.epochMillis(from)).toString();
        historyTo = java.time.Instant.ofEpochMilli(h.epochMillis(to - 1)).toString();
        historyPublished = published;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Map<String, Map<Long, Double>> seen;
        do {
            seen = history(h.segmentIds());
            if (count(seen) >= published) {
                break;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        historyBefore.putAll(seen);
    }

    /** Adds the serving figures to the fuzz report, once the follower has reached the ends of the topics. */
    void report(String bootstrapServers, List<String> topics, ObjectNode report) throws Exception {
        boolean caughtUp = awaitEnds(bootstrapServers, topics, Duration.ofSeconds(120));
        Map<String, Map<Long, Double>> after = history(historyBefore.keySet().toArray(String[]::new));
        int lost = 0;
        int changed = 0;
        for (var segment : historyBefore.entrySet()) {
            Map<Long, Double> now = after.getOrDefault(segment.getKey(), Map.of());
            for (var point : segment.getValue().entrySet()) {
                Double v = now.get(point.getKey());
                if (v == null) {
                    lost++;
                } else if (!v.equals(point.getValue())) {
                    changed++;
                }
            }
        }
        watching = false;
        watcher.interrupt();
        watcher.join(5_000);
        synchronized (this) {
            if (!process.alive() && !(lastTrouble != null && lastTrouble.startsWith("EXITED"))) {
                failures++;
            }
            report.put("follower_failures", failures);
            report.put("follower_degraded", degraded);
            if (lastTrouble != null) {
                report.put("follower_trouble", lastTrouble);
            }
        }
        report.put("follower_caught_up", caughtUp);
        report.put("history_lost", lost);
        report.put("history_changed", changed);
        report.put("history_points", count(historyBefore));
        report.put("history_published", historyPublished);
        report.put("follower_status", status());
    }

    /** Observations of each segment in the history window: segment -> time (epoch ms) -> speed. */
    private Map<String, Map<Long, Double>> history(String[] segments) throws Exception {
        Map<String, Map<Long, Double>> out = new TreeMap<>();
        for (String s : segments) {
            JsonNode body = get("/api/segments/" + java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("+", "%20") + "/history?from=" + historyFrom + "&to=" + historyTo);
            Map<Long, Double> points = new HashMap<>();
            for (JsonNode o : body.path("observed")) {
                points.put(java.time.Instant.parse(o.path("time").asText()).toEpochMilli(), o.path("speed").asDouble());
            }
            out.put(s, points);
        }
        return out;
    }

    /** Whether the stored positions reach every partition's end offset (read_committed) within the timeout. */
    private boolean awaitEnds(String bootstrapServers, List<String> topics, Duration timeout) throws Exception {
        Map<String, Long> ends = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = ExactlyOnceKafka.committedReader(bootstrapServers, "fuzz-ends")) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String t : topics) {
                c.partitionsFor(t).forEach(p -> partitions.add(new TopicPartition(t, p.partition())));
            }
            c.endOffsets(partitions).forEach((tp, end) -> ends.put(tp.topic() + ":" + tp.partition(), end));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Long> stored = new HashMap<>();
            try {
                for (JsonNode p : get("/api/health").path("positions")) {
                    stored.put(p.path("topic").asText() + ":" + p.path("partition").asInt(), p.path("nextOffset").asLong());
                }
            } catch (IOException notNow) {
                // asked again below
            }
            if (ends.entrySet().stream().allMatch(e -> stored.getOrDefault(e.getKey(), -1L) >= e.getValue())) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    private String status() {
        try {
            return get("/api/health").path("status").asText();
        } catch (Exception e) {
            return process.alive() ? "NO ANSWER" : "EXITED";
        }
    }

    private String follower() {
        try {
            return get("/api/health").path("follower").asText();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + KEY)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return json.readTree(r.body());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + process.port() + path);
    }

    private static long count(Map<String, Map<Long, Double>> history) {
        return history.values().stream().mapToLong(Map::size).sum();
    }

    @Override
    public void close() throws InterruptedException {
        watching = false;
        watcher.interrupt();
        process.close();
    }
}
