package roadcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import roadcast.reading.Source;
import roadcast.reading.SpeedReading;

class ReadingRulesTest {

    @Test
    void tooLateBehindWatermarkByMoreThanTheLateness() {
        long wm = 1_000_000;
        assertTrue(ReadingRules.tooLate(wm - 60_000, wm, 60_000).isEmpty(), "exactly the allowed lateness");
        assertEquals(RejectReason.TOO_LATE, ReadingRules.tooLate(wm - 60_001, wm, 60_000).orElseThrow().reason());
        assertTrue(ReadingRules.tooLate(wm + 5, wm, 0).isEmpty(), "ahead of the watermark");
        assertTrue(ReadingRules.tooLate(Long.MIN_VALUE, Long.MIN_VALUE, 0).isEmpty(), "no watermark yet");
        assertEquals(RejectReason.TOO_LATE, ReadingRules.tooLate(Long.MIN_VALUE + 1, Long.MAX_VALUE, 60_000)
                .orElseThrow().reason(), "saturated arithmetic");
        assertTrue(ReadingRules.tooLate(0, 10, Long.MAX_VALUE).isEmpty(), "infinite lateness accepts all");
    }

    @Test
    void tooFarInFuture() {
        assertTrue(ReadingRules.tooFarInFuture(1_000, 0, 1_000).isEmpty());
        assertEquals(RejectReason.TOO_FAR_IN_FUTURE, ReadingRules.tooFarInFuture(1_001, 0, 1_000).orElseThrow().reason());
        assertTrue(ReadingRules.tooFarInFuture(Long.MAX_VALUE, 0, Long.MAX_VALUE).isEmpty(), "no limit");
    }

    @Test
    void duplicateSameSegmentTimeAndSource() {
        SeenReadings seen = new SeenReadings();
        SpeedReading a = new SpeedReading("42", 300_000, 50, Double.NaN, Double.NaN, Source.LOOP);
        assertTrue(ReadingRules.duplicate(seen, a).isEmpty());
        var dup = ReadingRules.duplicate(seen, new SpeedReading("42", 300_000, 51, 3, Double.NaN, Source.LOOP));
        assertEquals(RejectReason.DUPLICATE, dup.orElseThrow().reason(), "same time and source, other values");
        assertTrue(dup.get().detail().contains("42"), dup.get().detail());
        assertTrue(ReadingRules.duplicate(seen, new SpeedReading("42", 300_000, 50, Double.NaN, Double.NaN,
                Source.FLOATING_CAR)).isEmpty(), "another source at the same time is fused, not a duplicate");
        assertTrue(ReadingRules.duplicate(seen, new SpeedReading("42", 600_000, 50, Double.NaN, Double.NaN,
                Source.LOOP)).isEmpty(), "next step");
        assertEquals(3, seen.size);
    }

    @Test
    void ringBufferForgetsOldestBeyondCapacity() {
        SeenReadings seen = new SeenReadings(4);
        for (int t = 0; t < 6; t++) {
            assertTrue(seen.remember(t, Source.LOOP));
        }
        assertEquals(4, seen.size);
        assertFalse(seen.contains(0, Source.LOOP), "evicted");
        assertFalse(seen.contains(1, Source.LOOP), "evicted");
        for (int t = 2; t < 6; t++) {
            assertTrue(seen.contains(t, Source.LOOP));
            assertFalse(seen.remember(t, Source.LOOP));
        }
        assertFalse(seen.contains(2, Source.CELLULAR));
    }
}
