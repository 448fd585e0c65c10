package roadcast.skill;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reliability rule on a hand-made skill table whose verdicts are known. */
class ReliabilityTest {

    private static final int SEGMENTS = 3;
    private static final int HORIZONS = 2;

    /** Sets one cell: RMSE of model, persistence, historical average and pair count. */
    private static void cell(float[][] a, int segment, int h, DayPeriod p, float model, float persistence, float ha,
                             int pairs) {
        int k = SkillTable.cell(segment, HORIZONS, h, p);
        a[0][k] = model;
        a[1][k] = persistence;
        a[2][k] = ha;
        a[3][k] = pairs;
    }

    private static SkillTable table() {
        int cells = SEGMENTS * HORIZONS * SkillTable.PERIODS;
        float[][] a = new float[4][cells];
        for (float[] x : a) {
            java.util.Arrays.fill(x, Float.NaN);
        }
        java.util.Arrays.fill(a[3], 0);
        // segment 0: beats both baselines all day (skill 1 - 4/5 = 0.2) but loses in the AM peak (1 - 6/5 = -0.2)
        cell(a, 0, 0, DayPeriod.ALL_DAY, 4, 5, 8, 500);
        cell(a, 0, 0, DayPeriod.AM_PEAK, 6, 5, 9, 100);
        // ... and at the second horizon the night cell has too few pairs: the all-day cell decides
        cell(a, 0, 1, DayPeriod.ALL_DAY, 4, 6, 5, 500);
        cell(a, 0, 1, DayPeriod.NIGHT, 9, 5, 5, 10);
        // segment 1: loses to the historical average all day (1 - 6/5 = -0.2)
        cell(a, 1, 0, DayPeriod.ALL_DAY, 6, 9, 5, 500);
        // segment 1, horizon 1: exactly as good as the better baseline: skill 0 counts as reliable
        cell(a, 1, 1, DayPeriod.ALL_DAY, 5, 5, 7, 500);
        // segment 2, horizon 0: good skill but only 12 pairs in all: not enough evidence
        cell(a, 2, 0, DayPeriod.ALL_DAY, 1, 5, 5, 12);
        return new SkillTable(SEGMENTS, HORIZONS, a[0], a[1], a[2], a[3]);
    }

    @Test
    void periodCellDecidesWhenItHasEnoughPairs() {
        SkillTable t = table();
        Reliability.Flag midday = Reliability.of(t, 0, 0, 12 * 60); // no MIDDAY pairs: all-day cell
        assertTrue(midday.reliable());
        assertEquals(0.2, midday.skill(), 1e-6);
        assertEquals(DayPeriod.ALL_DAY, midday.period());
        Reliability.Flag peak = Reliability.of(t, 0, 0, 8 * 60 + 5); // AM peak, 100 pairs: its own cell
        assertFalse(peak.reliable());
        assertEquals(-0.2, peak.skill(), 1e-6);
        assertEquals(DayPeriod.AM_PEAK, peak.period());
        assertEquals(100, peak.pairs());
    }

    @Test
    void sparsePeriodFallsBackToTheWholeDay() {
        Reliability.Flag night = Reliability.of(table(), 0, 1, 3 * 60);
        assertEquals(DayPeriod.ALL_DAY, night.period());
        assertTrue(night.reliable(), "all-day skill 1 - 4/5 = 0.2");
        assertEquals(0.2, night.skill(), 1e-6);
    }

    @Test
    void losingToABaselineOrTooFewPairsIsUnreliable() {
        SkillTable t = table();
        assertFalse(Reliability.of(t, 1, 0, 600).reliable());
        assertEquals(-0.2, Reliability.of(t, 1, 0, 600).skill(), 1e-6);
        assertTrue(Reliability.of(t, 1, 1, 600).reliable(), "skill exactly 0: as good as the better baseline");
        Reliability.Flag sparse = Reliability.of(t, 2, 0, 600);
        assertFalse(sparse.reliable());
        assertEquals(0.8, sparse.skill(), 1e-6);
        assertEquals(12, sparse.pairs());
    }

    @Test
    void noEvidenceIsUnreliableWithoutASkill() {
        SkillTable t = table();
        Reliability.Flag none = Reliability.of(t, 2, 1, 600);
        assertFalse(none.reliable());
        assertTrue(Double.isNaN(none.skill()));
        assertEquals(Reliability.Flag.NO_EVIDENCE, Reliability.of(t, 7, 0, 600), "segment outside the table");
        assertEquals(Reliability.Flag.NO_EVIDENCE, Reliability.of(t, 0, 2, 600), "horizon outside the table");
        assertEquals(Reliability.Flag.NO_EVIDENCE, Reliability.of(null, 0, 0, 600));
    }
}
