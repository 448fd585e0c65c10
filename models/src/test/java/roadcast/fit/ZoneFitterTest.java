package roadcast.fit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import roadcast.clean.CredibilityRules;
import roadcast.history.SpeedUnit;
import roadcast.model.HorizonLeads;

class ZoneFitterTest {

    /** Before the check, a zone without a single reading was "fitted" to forecast 0 for every segment. */
    @Test
    void aZoneWithoutAnyReadingIsRefusedNotFittedToZeros() {
        long step = 300_000L;
        int steps = 3 * 288;
        int[] segments = {0, 1, 2};
        double[] x = new double[steps * segments.length];
        Arrays.fill(x, Double.NaN);
        TrainingConfig cfg = TrainingConfig.defaults("test", "test",
                CredibilityRules.defaults(SpeedUnit.MPH, Duration.ofMillis(step)));
        ZoneId utc = ZoneId.of("UTC");
        int[] profileRow = ManifoldTrainer.profileRows(0L, steps, step, utc);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ZoneFitter.fitZone(x, segments, profileRow, 0L, step, utc, HorizonLeads.consecutive(12), cfg));
        assertTrue(e.getMessage().contains("no credible reading"), e.getMessage());
    }
}
