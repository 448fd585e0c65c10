package roadcast.manifold;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The profile fitted with recency weights (issue 14): what the weights are, and that they move the profile. */
class PeriodicProfileRecencyTest {

    private static final int SLOTS = 24;
    private static final long STEP = LocalClock.DAY_MILLIS / SLOTS;

    @Test
    void weightsHalveEveryHalfLifeBackFromTheLastRow() {
        double[] w = PeriodicProfile.recencyWeights(3 * SLOTS, STEP, 1.0);
        assertEquals(1.0, w[3 * SLOTS - 1], 0);
        assertEquals(0.5, w[2 * SLOTS - 1], 1e-12);
        assertEquals(0.25, w[SLOTS - 1], 1e-12);
        assertNull(PeriodicProfile.recencyWeights(10, STEP, 0), "half-life 0: every row once");
        assertThrows(IllegalArgumentException.class, () -> PeriodicProfile.recencyWeights(10, STEP, -1));
    }

    @Test
    void unitWeightsGiveTheUnweightedProfileAndDeviationsBitForBit() {
        int n = 3;
        int days = 5;
        double[] x = series(n, days, 0, 7);
        int[] rows = rows(days);
        double[] ones = new double[x.length / n];
        Arrays.fill(ones, 1.0);
        int to = (days - 1) * SLOTS;
        double[] plain = PeriodicProfile.fit(x, n, rows, SLOTS, 0, to, 2.0);
        assertArrayEquals(plain, PeriodicProfile.fit(x, n, rows, SLOTS, 0, to, 2.0, ones), 0);
        ProfileSteps steps = ProfileSteps.exact(rows, SLOTS);
        assertArrayEquals(PeriodicProfile.crossFittedDeviations(x, n, steps, SLOTS, 0, to, 2.0, 1, plain),
                PeriodicProfile.crossFittedDeviations(x, n, steps, SLOTS, 0, to, 2.0, 1, plain, ones), 0);
    }

    @Test
    void aShortHalfLifeFollowsALevelThatMovedWithinTheHistory() {
        int n = 2;
        int days = 14;
        // the level falls by 8 from day 9 on (as SZ-taxi's probes did on 11 January 2015)
        double[] x = series(n, days, 8, 11);
        int[] rows = rows(days);
        int to = days * SLOTS;
        double recent = mean(x, n, 9 * SLOTS, to);
        double alike = mean(PeriodicProfile.fit(x, n, rows, SLOTS, 0, to, 2.0), n, 0, 2 * SLOTS);
        double[] w = PeriodicProfile.recencyWeights(to, STEP, 1.0);
        double[] profile = PeriodicProfile.fit(x, n, rows, SLOTS, 0, to, 2.0, w);
        double weighted = mean(profile, n, 0, 2 * SLOTS);
        assertTrue(Math.abs(alike - recent) > 2, "all days alike: " + alike + " against the recent " + recent);
        assertTrue(Math.abs(weighted - recent) < 0.5, "half-life 1 day: " + weighted + " against the recent "
                + recent);
        // a day left out of a weighted fit is compared with the other days' weighted profile: the recent days'
        // deviations stay small, the old days' carry the shift
        double[] d = PeriodicProfile.crossFittedDeviations(x, n, ProfileSteps.exact(rows, SLOTS), SLOTS, 0, to, 2.0,
                0, profile, w);
        assertTrue(Math.abs(mean(d, n, 12 * SLOTS, to)) < 1, "recent deviations " + mean(d, n, 12 * SLOTS, to));
        assertTrue(mean(d, n, 0, 3 * SLOTS) > 6, "old deviations " + mean(d, n, 0, 3 * SLOTS));
    }

    /** A daily pattern plus noise, minus {@code drop} from day 9 on. Day 0 is a Thursday (1970-01-01). */
    private static double[] series(int n, int days, double drop, long seed) {
        Random rnd = new Random(seed);
        double[] x = new double[days * SLOTS * n];
        for (int t = 0; t < days * SLOTS; t++) {
            for (int i = 0; i < n; i++) {
                x[t * n + i] = 40 + 6 * Math.sin(2 * Math.PI * (t % SLOTS) / SLOTS + i) + rnd.nextGaussian()
                        - (t >= 9 * SLOTS ? drop : 0);
            }
        }
        return x;
    }

    private static int[] rows(int days) {
        LocalClock clock = new LocalClock(java.time.ZoneOffset.UTC, STEP);
        int[] rows = new int[days * SLOTS];
        for (int t = 0; t < rows.length; t++) {
            rows[t] = clock.profileRow(t * STEP);
        }
        return rows;
    }

    private static double mean(double[] v, int n, int fromRow, int toRow) {
        double s = 0;
        int c = 0;
        for (int k = fromRow * n; k < toRow * n; k++) {
            if (!Double.isNaN(v[k])) {
                s += v[k];
                c++;
            }
        }
        return s / c;
    }
}
