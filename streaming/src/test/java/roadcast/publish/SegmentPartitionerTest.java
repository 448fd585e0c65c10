package roadcast.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Forecasts spread over the publishing subtasks by segment: every subtask gets a fair share of a city's segments
 * (else one producer would bound the job again), and a segment always goes to the same one.
 */
class SegmentPartitionerTest {

    private static void assertSpread(String what, int segments, int subtasks, java.util.function.IntFunction<String> id) {
        SegmentPartitioner p = new SegmentPartitioner();
        int[] count = new int[subtasks];
        for (int i = 0; i < segments; i++) {
            String s = id.apply(i);
            int to = p.partition(s, subtasks);
            assertTrue(to >= 0 && to < subtasks, s + " -> " + to);
            assertEquals(to, p.partition(new String(s), subtasks), "the same segment, the same subtask");
            count[to]++;
        }
        double fair = (double) segments / subtasks;
        for (int t = 0; t < subtasks; t++) {
            assertTrue(Math.abs(count[t] - fair) < 0.1 * fair, what + ": subtask " + t + " of " + subtasks + " gets "
                    + count[t] + " of " + segments + " segments (fair share " + fair + ")");
        }
    }

    @Test
    void generatedCityIdsSpreadEvenly() {
        for (int subtasks : new int[]{2, 3, 4, 8}) {
            assertSpread("S%05d ids", 20_000, subtasks, i -> String.format("S%05d", i));
        }
    }

    @Test
    void sensorNumberIdsSpreadEvenly() {
        // PeMS-style sensor numbers (400001, ...) and small consecutive numbers (PEMSD8's 0..169, a few hundred).
        for (int subtasks : new int[]{2, 4}) {
            assertSpread("400000+i", 2_000, subtasks, i -> Integer.toString(400_000 + i));
            assertSpread("0..n", 800, subtasks, Integer::toString);
        }
    }
}
