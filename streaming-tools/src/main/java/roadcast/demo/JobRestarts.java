package roadcast.demo;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How many times a job on the local mini-cluster has restarted: its {@code numRestarts} metric from the cluster's
 * REST API (the demo pins the REST port with {@code rest.port}, since the local environment does not hand out its
 * cluster).
 */
final class JobRestarts {

    private JobRestarts() {
    }

    /** A port free now, for {@code rest.port}. */
    static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The job's {@code numRestarts}, -1 when the REST API does not answer it. */
    static long of(int restPort, String jobId) {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            URI uri = URI.create("http://localhost:" + restPort + "/jobs/" + jobId + "/metrics?get=numRestarts");
            // The metric fetcher fills its cache on the first request: ask until a value comes back.
            for (int attempt = 0; attempt < 20; attempt++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET()
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    JsonNode metrics = new ObjectMapper().readTree(r.body());
                    for (JsonNode m : metrics) {
                        if ("numRestarts".equals(m.path("id").asText())) {
                            return Long.parseLong(m.path("value").asText());
                        }
                    }
                }
                Thread.sleep(250);
            }
        } catch (Exception e) {
            // not measured
        }
        return -1;
    }
}
