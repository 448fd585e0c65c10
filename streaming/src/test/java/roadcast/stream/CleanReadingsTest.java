package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import roadcast.clean.Verdict;
import roadcast.ingest.RejectReason;

class CleanReadingsTest {

    @Test
    void everyRejectingVerdictHasItsOwnReason() {
        Set<RejectReason> used = EnumSet.noneOf(RejectReason.class);
        for (Verdict v : Verdict.values()) {
            if (v.accepted()) {
                assertThrows(IllegalArgumentException.class, () -> CleanReadings.reasonOf(v));
            } else {
                assertTrue(used.add(CleanReadings.reasonOf(v)), v + " shares its reason with another verdict");
            }
        }
        assertEquals(RejectReason.STUCK, CleanReadings.reasonOf(Verdict.STUCK));
        assertEquals(RejectReason.SPIKE, CleanReadings.reasonOf(Verdict.SPIKE));
    }
}
