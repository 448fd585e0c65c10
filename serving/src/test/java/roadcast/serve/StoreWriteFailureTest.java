package roadcast.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.fixtures.Http;
import roadcast.fixtures.SampleForecasts;
import roadcast.fixtures.ServeProcess;
import roadcast.fixtures.TestBroker;
import roadcast.topics.ForecastWire;

/**
 * Issue 10: a store write error ended the follower with no retry while stale data was served. Here a real RocksDB
 * write fails the way a full disk or a file-size quota fails it: the running {@code roadcast serve} process gets a
 * file-size limit of one byte ({@code prlimit --fsize}, RLIMIT_FSIZE), so every append to RocksDB's write-ahead log
 * fails with EFBIG ("File too large"). Forecasts published meanwhile must not be lost: /health turns DEGRADED, the
 * stored data is still served, and once the limit is lifted the follower stores every one of them, each once.
 * Before the store reopened itself after a failed write, RocksDB kept the failure as a fatal background error and
 * the follower stayed DEGRADED for good, retrying the same "File too large" long after the limit was lifted.
 */
class StoreWriteFailureTest {

    private static final String KEY = "disk-key";
    private static final long T0 = 1_330_588_800_000L;
    private static final int SEGMENTS = 5;

    @TempDir
    Path dir;

    @Test
    void aFailingStoreWriteIsRetriedUntilItSucceedsAndNothingIsLost() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")) || Files.isExecutable(Path.of("/bin/prlimit")),
            "prlimit (util-linux) is needed to limit the serving process's file size");
        try (TestBroker broker = new TestBroker()) {
            broker.createTopics(1, "roadcast.forecast", "roadcast.speed");
            try (ServeProcess serve = new ServeProcess(dir.resolve("serve.log"), "--bootstrap-servers",
                broker.bootstrapServers(), "--store", dir.resolve("store").toString(), "--port", "0", "--api-key", KEY);
                 KafkaProducer<String, String> producer = broker.producer()) {
                Http http = new Http(serve.port());
                publish(producer, T0);
                awaitLatest(http, T0, 60);
                awaitStatus(http, "UP", 30);

                prlimit(serve.pid(), "1:");
                long limited = System.nanoTime();
                publish(producer, T0 + 300_000L);
                JsonNode health = awaitStatus(http, "DEGRADED", 60);
                double degradedAfter = (System.nanoTime() - limited) / 1e9;
                String follower = http.json("/api/health", KEY).path("follower").asText();
                assertTrue(follower.contains("retry"), "the follower retries: " + follower);
                assertEquals(T0, latest(http, "s0"), "the stored data is still served while writes fail");
                assertTrue(serve.alive(), "the serving process survives the failed writes");

                prlimit(serve.pid(), "unlimited:");
                long lifted = System.nanoTime();
                awaitLatest(http, T0 + 300_000L, 120);
                double storedAfter = (System.nanoTime() - lifted) / 1e9;
                awaitStatus(http, "UP", 60);
                System.out.printf("store write failure (RLIMIT_FSIZE): DEGRADED %.1f s after the limit (%s); the "
                    + "forecasts of the failed writes stored %.1f s after it was lifted%n", degradedAfter, follower,
                    storedAfter);
                for (int s = 0; s < SEGMENTS; s++) {
                    assertEquals(Set.of(T0, T0 + 300_000L), issuedAts(http, "s" + s), "s" + s + ": both steps stored");
                }
                assertTrue(health.has("status"));
            }
        }
    }

    private static void publish(KafkaProducer<String, String> producer, long issuedAt) throws Exception {
        for (int s = 0; s < SEGMENTS; s++) {
            producer.send(new ProducerRecord<>("roadcast.forecast", "s" + s,
                ForecastWire.write(SampleForecasts.of("s" + s, issuedAt, 50, 0)))).get();
        }
    }

    private static void prlimit(long pid, String fsize) throws Exception {
        Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--fsize=" + fsize)
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "prlimit failed: " + out);
    }

    private static long latest(Http http, String segment) throws Exception {
        var r = http.get("/api/segments/" + segment + "/forecast", KEY);
        return r.statusCode() == 200 ? java.time.Instant.parse(Http.parse(r.body()).path("issuedAt").asText())
            .toEpochMilli() : -1;
    }

    /** The issue times of every stored forecast of the segment (history over the whole window). */
    private static Set<Long> issuedAts(Http http, String segment) throws Exception {
        JsonNode h = http.json("/api/segments/" + segment + "/history?from=" + T0 + "&to=" + (T0 + 6 * 3_600_000L), KEY);
        Set<Long> out = new TreeSet<>();
        int entries = 0;
        for (JsonNode f : h.path("forecasts")) {
            out.add(java.time.Instant.parse(f.path("issuedAt").asText()).toEpochMilli());
            entries++;
        }
        assertEquals(2 * SampleForecasts.HORIZONS.length, entries, segment + ": every horizon of both steps, once");
        return out;
    }

    private static void awaitLatest(Http http, long issuedAt, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        for (int s = 0; s < SEGMENTS; s++) {
            while (latest(http, "s" + s) != issuedAt) {
                assertTrue(System.currentTimeMillis() < deadline, "s" + s + " latest forecast is not " + issuedAt
                    + " after " + seconds + " s; health " + http.get("/api/health", KEY).body());
                Thread.sleep(200);
            }
        }
    }

    private static JsonNode awaitStatus(Http http, String status, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        JsonNode h;
        do {
            h = Http.parse(http.get("/health", null).body());
            if (h.get("status").asText().equals(status)) {
                return h;
            }
            Thread.sleep(200);
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("health stayed " + h + " instead of " + status + " for " + seconds + " s: "
            + http.get("/api/health", KEY).body());
    }
}
