package roadcast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** bench-stream reports why checkpoints failed, from the history of Flink's checkpoint statistics. */
class CheckpointStatsTest {

    @Test
    void failedCheckpointsAreCountedByReason() throws Exception {
        // The shape of GET /jobs/<id>/checkpoints (Flink 2.2), trimmed to the fields read.
        String body = """
                {"counts":{"completed":3,"failed":5},
                 "summary":{"end_to_end_duration":{"p50":40,"p99":900,"max":1200}},
                 "latest":{"completed":{"state_size":2400000,"checkpointed_size":120000}},
                 "history":[
                   {"id":6,"status":"FAILED","failure_message":"org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint expired before completing.\\n\\tat org.apache..."},
                   {"id":5,"status":"COMPLETED"},
                   {"id":4,"status":"FAILED","failure_message":"org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint expired before completing."},
                   {"id":3,"status":"FAILED"},
                   {"id":2,"status":"IN_PROGRESS"}]}
                """;
        CheckpointStats s = CheckpointStats.parse(body);
        assertEquals(3, s.completed());
        assertEquals(5, s.failed());
        assertEquals(900, s.durationMsP99());
        assertEquals(2_400_000, s.stateBytes());
        assertEquals(Map.of(
                "org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint expired before completing.", 2L,
                "(no message)", 1L,
                CheckpointStats.NOT_STARTED, 2L), s.failureReasons());
    }
}
