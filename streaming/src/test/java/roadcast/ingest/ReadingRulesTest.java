package roadcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReadingRulesTest {

    @Test
    void tooFarInFuture() {
        assertTrue(ReadingRules.tooFarInFuture(1_000, 0, 1_000).isEmpty(), "exactly the allowed lead");
        var rejection = ReadingRules.tooFarInFuture(1_001, 0, 1_000).orElseThrow();
        assertEquals(RejectReason.TOO_FAR_IN_FUTURE, rejection.reason());
        assertTrue(rejection.detail().contains("1000 ms ahead"), rejection.detail());
        assertTrue(ReadingRules.tooFarInFuture(Long.MAX_VALUE, 0, Long.MAX_VALUE).isEmpty(), "no limit");
    }

    @Test
    void extremeTimesSaturateInsteadOfOverflowing() {
        // reference + lead would overflow to a negative limit and refuse everything; saturated, it refuses nothing.
        assertTrue(ReadingRules.tooFarInFuture(Long.MAX_VALUE, Long.MAX_VALUE - 5, 10).isEmpty());
        // And at the other end a reference at the start of time still refuses a reading of today.
        assertEquals(RejectReason.TOO_FAR_IN_FUTURE,
                ReadingRules.tooFarInFuture(0, Long.MIN_VALUE + 5, 10).orElseThrow().reason());
    }
}
