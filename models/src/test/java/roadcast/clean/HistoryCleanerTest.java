package roadcast.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Random;
import org.junit.jupiter.api.Test;
import roadcast.history.SpeedHistory;
import roadcast.history.SpeedUnit;

class HistoryCleanerTest {

    private static final CredibilityRules MPH = CredibilityRules.defaults(SpeedUnit.MPH);

    private static SpeedHistory history(float[][] speed) {
        String[] ids = new String[speed[0].length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "s" + i;
        }
        return new SpeedHistory(ids, LocalDateTime.of(2024, 1, 1, 0, 0), Duration.ofMinutes(5),
                ZoneId.of("UTC"), SpeedUnit.MPH, speed, null, null);
    }

    /** A smooth noisy series around 55 mph with a seeded generator. */
    private static float[] smooth(int steps, long seed) {
        Random random = new Random(seed);
        float[] x = new float[steps];
        for (int t = 0; t < steps; t++) {
            x[t] = (float) (55 + 8 * Math.sin(t / 30.0) + random.nextGaussian());
        }
        return x;
    }

    private static float[][] columns(float[]... cols) {
        float[][] m = new float[cols[0].length][cols.length];
        for (int t = 0; t < m.length; t++) {
            for (int i = 0; i < cols.length; i++) {
                m[t][i] = cols[i][t];
            }
        }
        return m;
    }

    @Test
    void rejectsEachKindOfBadValueAndKeepsTheRest() {
        float[] x = smooth(200, 1);
        x[10] = Float.NaN;
        x[20] = 0f;          // "no probe"
        x[30] = 120f;        // above 90 mph
        x[40] = 0.5f;        // below 1 mph
        x[60] = 5f;          // one-step dip far from the median of its three predecessors
        for (int t = 100; t < 100 + 20; t++) {
            x[t] = 42.5f;    // frozen for 20 steps: stuck from the 12th on
        }
        float[] original = x.clone();
        CleaningResult result = HistoryCleaner.clean(history(columns(x)), MPH);
        CleaningReport report = result.report();

        assertEquals(2, report.count(Verdict.MISSING));
        assertEquals(2, report.count(Verdict.OUT_OF_RANGE));
        assertEquals(1, report.count(Verdict.SPIKE));
        assertEquals(20 - MPH.stuckSteps() + 1, report.count(Verdict.STUCK));
        assertEquals(200, report.cells());
        assertEquals(200 - 2 - 2 - 1 - 9, report.count(Verdict.OK));

        float[][] cleaned = result.cleaned().speed();
        for (int t : new int[] {10, 20, 30, 40, 60, 111, 119}) {
            assertTrue(Float.isNaN(cleaned[t][0]), "row " + t + " should be rejected");
        }
        assertEquals(42.5f, cleaned[110][0], "the first 11 repeats are still believed");
        assertEquals(original[61], cleaned[61][0]);
        // the input is left untouched by clean()
        assertEquals(120f, x[30]);
        assertEquals(0, report.count(0, Verdict.SPIKE) - 1);
        assertTrue(report.toString().contains("STUCK"), report.toString());
        assertTrue(report.toString().contains("worst segment s0"), report.toString());
    }

    @Test
    void cleanSeriesPassesUntouched() {
        float[] a = smooth(500, 2);
        float[] b = smooth(500, 3);
        CleaningResult result = HistoryCleaner.clean(history(columns(a, b)), MPH);
        assertEquals(0, result.report().rejected());
        assertEquals(1000, result.report().count(Verdict.OK));
        for (int t = 0; t < 500; t++) {
            assertEquals(a[t], result.cleaned().speed()[t][0]);
        }
    }

    @Test
    void aLevelShiftIsAcceptedAfterTwoReadings() {
        float[] x = new float[40];
        for (int t = 0; t < 40; t++) {
            x[t] = t < 20 ? 65f + (t % 3) : 12f + (t % 2);
        }
        CleaningResult result = HistoryCleaner.clean(history(columns(x)), MPH);
        assertEquals(2, result.report().count(Verdict.SPIKE));
        assertFalse(Float.isNaN(result.cleaned().speed()[22][0]));
    }

    @Test
    void aFlatRunAtTheSegmentsHighestSpeedIsACapNotAFreeze() {
        float[] x = new float[100];
        for (int t = 0; t < 100; t++) {
            x[t] = t < 30 ? 60f + (t % 5) : t < 70 ? 70f : 55f + (t % 3);
        }
        CleaningResult capped = HistoryCleaner.clean(history(columns(x)), MPH);
        assertEquals(0, capped.report().count(Verdict.STUCK), capped.report().toString());
        x[10] = 75f; // the segment once went faster: 70 is no longer its cap
        CleaningResult frozen = HistoryCleaner.clean(history(columns(x)), MPH);
        assertEquals(40 - MPH.stuckSteps() + 1, frozen.report().count(Verdict.STUCK));
    }

    @Test
    void zerosAreValuesWhenTheConventionSaysSo() {
        float[] x = smooth(50, 4);
        x[5] = 0f;
        CredibilityRules zerosAreSpeeds = MPH.withZeroIsMissing(false);
        assertEquals(1, HistoryCleaner.clean(history(columns(x)), zerosAreSpeeds).report().count(Verdict.OUT_OF_RANGE));
        assertEquals(1, HistoryCleaner.clean(history(columns(x)), MPH).report().count(Verdict.MISSING));
    }

    @Test
    void stuckStepsScaleWithTheStep() {
        assertEquals(12, CredibilityRules.defaults(SpeedUnit.MPH, Duration.ofMinutes(5)).stuckSteps());
        assertEquals(4, CredibilityRules.defaults(SpeedUnit.KMH, Duration.ofMinutes(15)).stuckSteps());
        assertEquals(60, CredibilityRules.defaults(SpeedUnit.KMH, Duration.ofMinutes(1)).stuckSteps());
        // the jump is the same physical speed in both units
        assertEquals(SpeedUnit.MPH.toKmh(MPH.maxJump()), CredibilityRules.defaults(SpeedUnit.KMH).maxJump(), 1e-9);
    }

    @Test
    void streamAndHistoryGiveTheSameVerdicts() {
        Random random = new Random(7);
        int steps = 3000;
        float[] x = smooth(steps, 5);
        for (int k = 0; k < 150; k++) {
            int t = random.nextInt(steps);
            switch (k % 5) {
                case 0 -> x[t] = Float.NaN;
                case 1 -> x[t] = 0f;
                case 2 -> x[t] = (float) (100 + 50 * random.nextDouble());
                case 3 -> x[t] = (float) (2 + 5 * random.nextDouble());
                default -> {
                    int len = 5 + random.nextInt(20);
                    for (int j = t; j < Math.min(steps, t + len); j++) {
                        x[j] = 47.25f;
                    }
                }
            }
        }
        CleaningResult result = HistoryCleaner.clean(history(columns(x)), MPH);
        ReadingCheck check = new ReadingCheck(MPH);
        SegmentTrack track = new SegmentTrack();
        long[] streamCounts = new long[Verdict.values().length];
        long start = 1_700_000_000_000L;
        for (int t = 0; t < steps; t++) {
            long time = start + t * 300_000L;
            Verdict v = Float.isNaN(x[t]) ? Verdict.MISSING : check.check(track, time, x[t], time);
            streamCounts[v.ordinal()]++;
            boolean keptByHistory = !Float.isNaN(result.cleaned().speed()[t][0]);
            assertEquals(v == Verdict.OK, keptByHistory, "row " + t + " value " + x[t] + " verdict " + v);
        }
        for (Verdict v : Verdict.values()) {
            assertEquals(result.report().count(v), streamCounts[v.ordinal()], v.name());
        }
        assertTrue(result.report().count(Verdict.STUCK) > 0);
        assertTrue(result.report().count(Verdict.SPIKE) > 0);
    }
}
