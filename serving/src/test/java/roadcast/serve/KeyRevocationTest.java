package roadcast.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.api.ApiKeys;
import roadcast.fixtures.Http;
import roadcast.fixtures.ServeProcess;
import roadcast.fixtures.SseReader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10: keys were read once, so revoking one needed a restart, and every key could read raw dead letters. A real
 * {@code roadcast serve} process with {@code --api-keys FILE}: a key removed from the file stops working within
 * 15 s, its open stream is closed, and only admin keys read dead letters.
 */
class KeyRevocationTest {

    @TempDir
    Path dir;

    @Test
    void aKeyRemovedFromTheFileStopsWorkingWithinSecondsWithoutRestart() throws Exception {
        Path keys = dir.resolve("keys.txt");
        Files.writeString(keys, "# operators\n" + ApiKeys.sha256Hex("admin-key") + " admin\n"
            + ApiKeys.sha256Hex("screen-key") + "\n");
        try (ServeProcess serve = new ServeProcess(dir.resolve("serve.log"), "--no-kafka", "--store",
            dir.resolve("store").toString(), "--port", "0", "--api-keys", keys.toString())) {
            Http http = new Http(serve.port());
            assertEquals(200, http.get("/api/segments", "screen-key").statusCode());
            assertEquals(403, http.get("/api/dead-letters", "screen-key").statusCode(), "read keys see no payloads");
            assertEquals(200, http.get("/api/dead-letters", "admin-key").statusCode());
            assertEquals(401, http.get("/api/segments", "someone-else").statusCode());

            try (SseReader stream = new SseReader(http, "screen-key", null)) {
                assertNotNull(stream.await(": connected", Duration.ofSeconds(10)));
                long revoked = System.nanoTime();
                Files.writeString(keys, ApiKeys.sha256Hex("admin-key") + " admin\n");
                long refusedAfter = -1;
                while (System.nanoTime() - revoked < Duration.ofSeconds(15).toNanos()) {
                    if (http.get("/api/segments", "screen-key").statusCode() == 401) {
                        refusedAfter = System.nanoTime() - revoked;
                        break;
                    }
                    Thread.sleep(50);
                }
                assertTrue(refusedAfter >= 0, "the removed key still worked 15 s after it left the key file");
                String end = stream.await("<closed>", Duration.ofSeconds(15));
                long closedAfter = System.nanoTime() - revoked;
                assertEquals(SseReader.CLOSED, end, "the revoked key's stream stayed open");
                System.out.printf("key revocation: refused after %.2f s, stream closed after %.2f s%n",
                    refusedAfter / 1e9, closedAfter / 1e9);
                assertEquals(200, http.get("/api/segments", "admin-key").statusCode(), "the other key still works");
                // a roles change applies the same way
                Files.writeString(keys, ApiKeys.sha256Hex("admin-key") + " read\n");
                long deadline = System.currentTimeMillis() + 15_000;
                while (http.get("/api/dead-letters", "admin-key").statusCode() != 403) {
                    assertTrue(System.currentTimeMillis() < deadline, "demotion to read not applied");
                    Thread.sleep(50);
                }
            }
        }
    }
}
