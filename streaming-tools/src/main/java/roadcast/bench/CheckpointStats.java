package roadcast.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A job's checkpoint statistics from the Flink REST API ({@code GET /jobs/<id>/checkpoints}), as a benchmark or the
 * demo reads them from a local mini-cluster whose REST port it pinned ({@code rest.port}).
 *
 * @param completed          checkpoints completed so far
 * @param failed             checkpoints failed so far
 * @param durationMsP50      end-to-end duration of the completed ones, median (Flink's summary over all of them)
 * @param durationMsP99      same, 99th percentile
 * @param durationMsMax      same, maximum
 * @param stateBytes         full state size of the latest completed checkpoint
 * @param checkpointedBytes  bytes the latest completed checkpoint wrote (smaller than the state when incremental)
 * @param failureReasons     why the failed checkpoints in Flink's history failed: first line of the failure message
 *                           -> count (the history holds the last {@link #HISTORY_OPTION} checkpoints)
 */
public record CheckpointStats(long completed, long failed, double durationMsP50, double durationMsP99,
                              double durationMsMax, long stateBytes, long checkpointedBytes,
                              Map<String, Long> failureReasons) {

    /**
     * The Flink option of how many checkpoints the REST API's history keeps (default 10): a benchmark sets it high
     * enough ({@link #HISTORY_SIZE}) that every failed checkpoint of a run is in it, with its reason.
     */
    public static final String HISTORY_OPTION = "web.checkpoints.history";
    public static final int HISTORY_SIZE = 100_000;
    /** The reason given to failed checkpoints without a history entry (never triggered). */
    public static final String NOT_STARTED = "(no history entry: failed when triggered, before it started)";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The statistics now; {@code null} when the REST API does not answer (job not running yet). */
    public static CheckpointStats of(int restPort, String jobId) {
        try {
            URI uri = URI.create("http://localhost:" + restPort + "/jobs/" + jobId + "/checkpoints");
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return null;
            }
            return parse(r.body());
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The statistics in an answer of {@code GET /jobs/<id>/checkpoints}. */
    static CheckpointStats parse(String body) throws java.io.IOException {
        JsonNode root = new ObjectMapper().readTree(body);
        JsonNode counts = root.path("counts");
        JsonNode duration = root.path("summary").path("end_to_end_duration");
        JsonNode latest = root.path("latest").path("completed");
        Map<String, Long> reasons = new TreeMap<>();
        for (JsonNode c : root.path("history")) {
            if ("FAILED".equals(c.path("status").asText())) {
                reasons.merge(reason(c.path("failure_message").asText("")), 1L, Long::sum);
            }
        }
        long failed = counts.path("failed").asLong();
        long explained = reasons.values().stream().mapToLong(Long::longValue).sum();
        if (explained < failed) {
            // Flink counts a checkpoint that could not even be triggered (a task not running yet, the coordinator
            // shutting down) as failed but keeps no history entry for it.
            reasons.put(NOT_STARTED, failed - explained);
        }
        return new CheckpointStats(counts.path("completed").asLong(), failed,
                duration.path("p50").asDouble(Double.NaN), duration.path("p99").asDouble(Double.NaN),
                duration.path("max").asDouble(Double.NaN), latest.path("state_size").asLong(),
                latest.path("checkpointed_size").asLong(), reasons);
    }

    /** The first line of a failure message (the exception and its text, not the stack), at most 300 characters. */
    static String reason(String failureMessage) {
        String line = failureMessage.isBlank() ? "(no message)" : failureMessage.strip().lines().findFirst().orElse("");
        return line.length() <= 300 ? line : line.substring(0, 300) + "...";
    }

    /**
     * Waits until the job has completed at least {@code count} checkpoints: its sources and sinks are then up, its
     * first transaction committed and its state backend written once, so the first records do not pay for that.
     *
     * @return the statistics then, or null when the timeout passed first
     */
    public static CheckpointStats await(int restPort, String jobId, long count, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            CheckpointStats s = of(restPort, jobId);
            if (s != null && s.completed() >= count) {
                return s;
            }
            Thread.sleep(100);
        }
        return null;
    }
}
