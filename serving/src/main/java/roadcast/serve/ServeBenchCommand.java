package roadcast.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import roadcast.api.ApiKeys;
import roadcast.api.SegmentCatalog;
import roadcast.congestion.CongestionLevel;
import roadcast.forecast.Forecast;
import roadcast.reading.Source;
import roadcast.store.Observation;
import roadcast.store.StoreBatch;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code roadcast serve bench}: how fast the online store takes a network's stream (synced batches, as the follower
 * writes them) and how fast the API answers over it. Prints the figures and writes them as JSON.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks the online store and the HTTP API on generated forecasts; prints figures and writes JSON.")
public final class ServeBenchCommand implements Callable<Integer> {

    @Option(names = "--segments", defaultValue = "207", description = "Segments in the network (default: ${DEFAULT-VALUE}).")
    int segments;

    @Option(names = "--steps", defaultValue = "2016", description = "5-minute steps to store, 2016 = one week (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--requests", defaultValue = "300", description = "Requests per endpoint (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--out", defaultValue = "bench-serve.json", description = "JSON result file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("roadcast-bench-serve-");
        int[] horizons = {5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60};
        long t0 = 1_330_560_000_000L;
        long step = 300_000L;
        Random rnd = new Random(1);
        ObjectNode result = new ObjectMapper().createObjectNode();
        result.put("segments", segments).put("steps", steps);
        String key = "bench";
        try (ServingNode node = ServingNode.start(new ServingNode.Settings(null, "f", "s", dir.resolve("store"),
            Duration.ofDays(7), Duration.ofHours(1), 0, SegmentCatalog.empty(), ApiKeys.of(key)))) {
            long start = System.nanoTime();
            try (ProgressBar bar = new ProgressBar("storing steps", steps)) {
                for (int t = 0; t < steps; t++) {
                    // one synced batch per step and network: what the follower writes for one poll
                    StoreBatch batch = new StoreBatch();
                    for (int s = 0; s < segments; s++) {
                        String id = "seg" + s;
                        double now = 20 + 50 * rnd.nextDouble();
                        batch.add(new Observation(id, t0 + t * step, now, Source.LOOP));
                        batch.add(forecast(id, t0 + t * step, now, horizons));
                    }
                    batch.advance("f", 0, (long) (t + 1) * segments).advance("s", 0, (long) (t + 1) * segments);
                    node.ingest(batch);
                    bar.step();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long records = 2L * segments * steps;
            result.put("storeRecordsPerSecond", records / seconds);
            result.put("storeBatchesPerSecond", steps / seconds);
            result.put("storeMegabytes", size(dir) / 1e6);
            System.out.printf("store: %d records in %d synced batches, %.0f records/s, %.1f batches/s, %.1f MB on disk%n",
                records, steps, records / seconds, steps / seconds, size(dir) / 1e6);

            HttpClient http = HttpClient.newHttpClient();
            String base = "http://localhost:" + node.port();
            ObjectNode latency = result.putObject("latencyMillis");
            for (String path : new String[] {"/api/network?horizon=30", "/api/segments", "/api/segments/seg7/forecast",
                "/api/segments/seg7/history"}) {
                double[] ms = new double[requests];
                for (int i = 0; i < requests; i++) {
                    long a = System.nanoTime();
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                        .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
                    ms[i] = (System.nanoTime() - a) / 1e6;
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
                    }
                }
                Arrays.sort(ms);
                double p50 = ms[ms.length / 2];
                double p95 = ms[(int) Math.min(ms.length - 1, Math.ceil(ms.length * 0.95) - 1)];
                latency.putObject(path).put("p50", p50).put("p95", p95);
                System.out.printf("GET %-32s p50 %6.2f ms  p95 %6.2f ms%n", path, p50, p95);
            }
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
        System.out.println("wrote " + out.toAbsolutePath());
        return 0;
    }

    private static Forecast forecast(String id, long issuedAt, double now, int[] horizons) {
        int n = horizons.length;
        double[] speed = new double[n];
        double[] lower = new double[n];
        double[] upper = new double[n];
        String[] level = new String[n];
        for (int h = 0; h < n; h++) {
            speed[h] = now - 0.5 * h;
            lower[h] = speed[h] - 3;
            upper[h] = speed[h] + 3;
            level[h] = (speed[h] > 50 ? CongestionLevel.FREE : speed[h] > 30 ? CongestionLevel.LIGHT
                : CongestionLevel.SEVERE).wireName();
        }
        return new Forecast(id, issuedAt, "bench", now, false, horizons.clone(), speed, level, lower, upper);
    }

    private static long size(Path dir) throws java.io.IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
