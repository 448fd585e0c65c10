package roadcast.alerts;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The detector on hand-made replays: a chain of three segments a(0) -> b(1) -> c(2) (traffic flows to c), the model
 * always expecting 60 km/h with a band down to 50.
 */
class IncidentDetectorTest {

    static final long STEP = 300_000L;
    static final int H = 12;
    static final int[][] DOWNSTREAM = {{1}, {2}, {}};

    /** Replays rows of observed speeds; the forecast issued each step expects 60 (lower 50) everywhere. */
    static List<IncidentAlert> replay(float[][] rows) {
        IncidentDetector d = new IncidentDetector(3, DOWNSTREAM, H, IncidentDetector.Settings.defaults());
        double[][] speed = new double[H][3];
        double[][] lower = new double[H][3];
        for (double[] r : speed) {
            Arrays.fill(r, 60);
        }
        for (double[] r : lower) {
            Arrays.fill(r, 50);
        }
        List<IncidentAlert> alerts = new ArrayList<>();
        for (int t = 0; t < rows.length; t++) {
            d.step(t * STEP, rows[t], t == 0 ? null : speed, t == 0 ? null : lower, (t - 1) * STEP, STEP, alerts);
        }
        alerts.addAll(d.open());
        return alerts;
    }

    static float[][] normal(int steps) {
        float[][] rows = new float[steps][3];
        for (float[] r : rows) {
            Arrays.fill(r, 60);
        }
        return rows;
    }

    @Test
    void suddenBreakdownIsAlertedAfterTwoStepsAndClearedWhenSpeedsReturn() {
        float[][] rows = normal(30);
        for (int t = 10; t < 18; t++) {
            rows[t][2] = 20; // c breaks down at step 10 for 8 steps
        }
        List<IncidentAlert> alerts = replay(rows);
        assertEquals(1, alerts.size(), alerts.toString());
        IncidentAlert a = alerts.get(0);
        assertEquals(2, a.segment());
        assertEquals(10 * STEP, a.startMillis(), "start = onset");
        assertEquals(11 * STEP, a.detectedMillis(), "alert after two steps below");
        assertEquals(18 * STEP, a.clearedMillis(), "cleared at the first of two steps back to normal");
        assertEquals(1 - 20 / 60.0, a.severity(), 1e-9);
    }

    @Test
    void theQueueSpillingBackUpstreamIsNotASecondIncident() {
        float[][] rows = normal(30);
        for (int t = 10; t < 20; t++) {
            rows[t][2] = 15;
            if (t >= 11) {
                rows[t][1] = 25; // b one step later: c's queue
            }
            if (t >= 12) {
                rows[t][0] = 30;
            }
        }
        List<IncidentAlert> alerts = replay(rows);
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals(2, alerts.get(0).segment());
    }

    @Test
    void noIncidentNoAlert() {
        float[][] rows = normal(60);
        // a peak deeper than expected that comes on slowly (2 km/h a step) and a one-step dip: no breakdown
        for (int t = 10; t < 40; t++) {
            rows[t][0] = Math.max(20, 60 - 2 * (t - 10));
        }
        rows[45][1] = 10;
        // a missing reading keeps the state, it does not clear or raise anything
        rows[46][1] = Float.NaN;
        assertTrue(replay(rows).isEmpty(), replay(rows).toString());
    }

    @Test
    void alertStillOpenAtTheEndIsReportedOpen() {
        float[][] rows = normal(20);
        for (int t = 15; t < 20; t++) {
            rows[t][1] = 12;
        }
        List<IncidentAlert> alerts = replay(rows);
        assertEquals(1, alerts.size());
        assertTrue(alerts.get(0).open());
        assertEquals(15 * STEP, alerts.get(0).startMillis());
    }
}
