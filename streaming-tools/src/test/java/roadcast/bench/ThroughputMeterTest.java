package roadcast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ThroughputMeterTest {

    @Test
    void rateIsRecordsAfterTheFirstBatchOverTheSpan() {
        ThroughputMeter m = new ThroughputMeter();
        assertTrue(Double.isNaN(m.perSecond()));
        m.add(100, 0);
        assertTrue(Double.isNaN(m.perSecond()), "one batch has no span");
        m.add(200, 1_000_000_000L);
        m.add(300, 2_000_000_000L);
        assertEquals(600, m.count());
        assertEquals(2.0, m.spanSeconds(), 1e-12);
        assertEquals(250.0, m.perSecond(), 1e-9);
        m.add(0, 9_000_000_000L);
        assertEquals(2.0, m.spanSeconds(), 1e-12, "empty batches do not stretch the span");
        m.reset();
        assertEquals(0, m.count());
    }
}
