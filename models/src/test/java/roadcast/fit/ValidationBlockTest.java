package roadcast.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import roadcast.clean.CredibilityRules;
import roadcast.history.SpeedUnit;
import roadcast.model.ZoneModel;
import roadcast.skill.DayPeriod;
import roadcast.skill.SkillTable;
import roadcast.model.HorizonLeads;

/**
 * The validation block holds at least a whole day for the choices made per period of the day, and the band is
 * calibrated on its last {@code validationFraction} only (issue 14: PEMSD8's 20% block, 0.7 days, held no afternoon).
 */
class ValidationBlockTest {

    private static final long STEP = 300_000L;
    private static final long STEP_15 = 900_000L;
    private static final int PER_DAY = 288;
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final long FIRST = 1_420_070_400_000L; // 2015-01-01T00:00Z
    private static final TrainingConfig CFG =
            TrainingConfig.defaults("synthetic", "test", CredibilityRules.defaults(SpeedUnit.MPH));

    @Test
    void aBlockShorterThanADayIsWidenedToADayAndTheBandKeepsTheFraction() {
        // PEMSD8's training part (1025 rows of 5 min) and its nested copy (820 rows): 20% is 205 / 164 rows
        assertEquals(PER_DAY, CFG.validationRows(1025, STEP));
        assertEquals(205, CFG.bandRows(1025));
        assertEquals(PER_DAY, CFG.validationRows(820, STEP));
        assertEquals(164, CFG.bandRows(820));
        // Los-loop's (1613 rows of 5 min) and SZ-taxi's (2381 rows of 15 min) 20% are more than a day: unchanged
        assertEquals(323, CFG.validationRows(1613, STEP));
        assertEquals(CFG.bandRows(1613), CFG.validationRows(1613, STEP));
        assertEquals(476, CFG.validationRows(2381, STEP_15));
        // never more than half the rows
        assertEquals(200, CFG.validationRows(400, STEP));
    }

    /** n segments: an AR(1) walk around a daily pattern; innovations {@code loud} times larger in rows [from, to). */
    private static double[] series(int n, int steps, int from, int to, double loud, long seed) {
        Random rnd = new Random(seed);
        double[] x = new double[steps * n];
        double[] walk = new double[n];
        for (int t = 0; t < steps; t++) {
            double scale = t >= from && t < to ? loud : 1.0;
            for (int i = 0; i < n; i++) {
                walk[i] = 0.95 * walk[i] + scale * rnd.nextGaussian();
                x[t * n + i] = Math.max(1, 55 + 5 * Math.sin(2 * Math.PI * (t % PER_DAY) / PER_DAY + i) + walk[i]);
            }
        }
        return x;
    }

    @Test
    void theFitterChoosesOnADayAndTheBandComesFromTheBlocksEnd() {
        int n = 4;
        int steps = 820;
        int validationStart = steps - PER_DAY;
        int bandStart = steps - CFG.bandRows(steps);
        // loud in the part of the day-long block before the band's rows: the band must not see it
        double[] x = series(n, steps, validationStart, bandStart, 6.0, 11);
        int[] segments = {0, 1, 2, 3};
        int[] rows = ManifoldTrainer.profileRows(FIRST, steps, STEP, UTC);
        ZoneFitter.Result fit = ZoneFitter.fitZone(x, segments, rows, FIRST, STEP, UTC, HorizonLeads.consecutive(12),
                CFG);
        // the validation sums cover the whole day-long block: about a day of issue times per segment at lead 1
        long pairs = fit.validation().pairs[SkillTable.cell(0, 12, 0, DayPeriod.ALL_DAY)];
        assertTrue(pairs >= PER_DAY - 2, "issue times in the validation block: " + pairs);

        // the band's rows alone give a narrow band; the whole block's, one widened by its loud hours; the blend,
        // trend and nowcast smoothing are the same either way
        ZoneModel m = fit.model();
        BandCalibration.Result whole = BandCalibration.calibrate(m, m, m, x, FIRST, validationStart, 1.645);
        BandCalibration.Result end = BandCalibration.calibrate(m, m, m, x, FIRST, validationStart, bandStart, 1.645);
        assertArrayEquals(whole.blend(), end.blend());
        assertArrayEquals(whole.trend(), end.trend());
        assertArrayEquals(whole.nowcastSmoothing(), end.nowcastSmoothing());
        double sigmaWhole = Arrays.stream(whole.sigma(), 0, n).average().orElseThrow();
        double sigmaEnd = Arrays.stream(end.sigma(), 0, n).average().orElseThrow();
        assertTrue(sigmaEnd < 0.7 * sigmaWhole, "band sigma at lead 1: " + sigmaEnd + " against " + sigmaWhole);
        double sigmaFitted = Arrays.stream(fit.model().sigma(), 0, n).average().orElseThrow();
        assertTrue(Math.abs(sigmaFitted - sigmaEnd) < Math.abs(sigmaFitted - sigmaWhole),
                "the fitted model's band is the one of the block's end: " + sigmaFitted);
    }
}
