package roadcast.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * A short {@code roadcast fuzz}: hostile records through the running job (embedded broker, mini-cluster). Every record
 * is accepted or dead-lettered with a reason, the job does not restart, and it forecasts the clean steps at the end.
 */
class FuzzTest {

    @Test
    void everyHostileRecordIsAccountedForAndTheJobGoesOn() throws Exception {
        Set<Path> before = fuzzDirectories();
        ObjectNode r = FuzzRun.run(4000, 7, 20, Duration.ofSeconds(45), new PrintWriter(System.out, true));
        // its city, registry and checkpoints are deleted when the run ends (they were left in the temp directory)
        Set<Path> left = fuzzDirectories();
        left.removeAll(before);
        assertEquals(Set.of(), left, "work directories left by the run");
        String report = r.toPrettyString();
        assertEquals(4000, r.get("records").asInt(), report);
        assertEquals(0, r.get("unaccounted").asInt(), report);
        assertEquals(0, r.get("accepted_and_rejected").asInt(), report);
        assertEquals(4000, r.get("accepted").asInt() + r.get("rejected").asInt(), report);
        assertEquals(0, r.get("job_restarts").asInt(), report);
        assertEquals("RUNNING", r.get("job_status").asText(), report);
        // Six clean steps at the end; event time closes the first three of them (10 min lateness at 5-min steps).
        assertTrue(r.get("forecasts_after").asInt() >= 3 * 20, report);
        assertTrue(r.get("largest_dead_letter_bytes").asInt() < 512 * 1024, report);
        JsonNode byKind = r.get("by_kind");
        for (String never : List.of("INVALID_JSON", "INVALID_UTF8", "DEEP_NESTING", "HUGE_TEXT", "BINARY",
                "EXTREME_TIME", "ODD_ID", "FAR_FUTURE", "FAR_PAST", "DUPLICATE")) {
            JsonNode k = byKind.get(never);
            assertTrue(k != null && k.get("records").asInt() > 0, never + " was sent: " + report);
            assertFalse(k.has("ACCEPTED"), never + " records accepted: " + report);
        }
        assertTrue(byKind.get("FLOOD").has("TOO_MANY_READINGS"), "a flooded segment is cut off: " + report);
        JsonNode valid = byKind.get("VALID");
        assertTrue(valid.get("ACCEPTED").asInt() >= 0.99 * valid.get("records").asInt(), "valid readings: " + report);
    }

    private static Set<Path> fuzzDirectories() throws IOException {
        try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return all.filter(p -> p.getFileName().toString().startsWith("roadcast-fuzz"))
                .collect(Collectors.toCollection(java.util.HashSet::new));
        }
    }
}
