package roadcast.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import roadcast.clean.CredibilityRules;
import roadcast.history.SpeedUnit;
import roadcast.model.HorizonLeads;

/**
 * A network whose level moved within its training weeks (SZ-taxi's probe speeds fell by 1-20 km/h on 38 of its 40
 * roads from 11 January 2015 on, README issue 14): a profile averaging every day alike forecasts a level between the
 * old and the new at every horizon the dynamics have let go of it. The search tries recency half-lives of the profile's day weights on the validation
 * block, chooses one, and forecasts later days better than the fit that weights every day alike.
 */
class ProfileRecencyTest {

    private static final long STEP = 900_000L;
    private static final int PER_DAY = 96;
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final long FIRST = 1_420_070_400_000L; // 2015-01-01T00:00Z

    @Test
    void aLevelThatMovedWithinTheHistoryIsFollowedByARecencyWeightedProfile() {
        int n = 20;
        int days = 16;
        int trainSteps = 13 * PER_DAY;
        double[] x = shiftedProbes(n, days, 6, 23);
        TrainingConfig cfg = TrainingConfig.defaults("synthetic", "test", CredibilityRules.defaults(SpeedUnit.KMH))
                .withThreads(1);
        ZoneFitter.Result recent = fit(x, n, trainSteps, cfg);
        ZoneFitter.Result alike = fit(x, n, trainSteps, cfg.withProfileHalfLives());
        assertEquals(0.0, alike.profileHalfLifeDays());
        assertTrue(recent.profileHalfLifeDays() > 0, "chosen half-life " + recent.profileHalfLifeDays());
        double rmseRecent = HeldOutForecasts.rmse(recent, x, n, trainSteps, FIRST, STEP);
        double rmseAlike = HeldOutForecasts.rmse(alike, x, n, trainSteps, FIRST, STEP);
        assertTrue(rmseRecent < 0.997 * rmseAlike, "held-out RMSE " + rmseRecent + " with the half-life search vs "
                + rmseAlike + " with every day alike");
    }

    /** A daily pattern, probe noise, each day its own level, and each road 0-20 km/h slower from day 6 on, by an amount that changes from hour to hour. */
    private static double[] shiftedProbes(int n, int days, int shiftDay, long seed) {
        Random rnd = new Random(seed);
        double[] x = new double[days * PER_DAY * n];
        double[] dayLevel = new double[days];
        for (int d = 0; d < days; d++) {
            dayLevel[d] = 1.5 * rnd.nextGaussian();
        }
        double[][] drop = new double[24][n];
        for (double[] hour : drop) {
            for (int i = 0; i < n; i++) {
                hour[i] = 20 * rnd.nextDouble();
            }
        }
        for (int t = 0; t < days * PER_DAY; t++) {
            int day = t / PER_DAY;
            for (int i = 0; i < n; i++) {
                double daily = 6 * Math.sin(2 * Math.PI * (t % PER_DAY) / PER_DAY + 0.4 * i);
                // the drop of each road changes from hour to hour of the day: the latent state cannot carry it from
                // the issue time to the target, the profile must hold it
                double shift = day >= shiftDay ? drop[(t % PER_DAY) / 4][i] : 0;
                x[t * n + i] = Math.max(1, 30 + daily + dayLevel[day] - shift + 6 * rnd.nextGaussian());
            }
        }
        return x;
    }

    private static ZoneFitter.Result fit(double[] x, int n, int trainSteps, TrainingConfig cfg) {
        int[] segments = new int[n];
        Arrays.setAll(segments, i -> i);
        int[] rows = ManifoldTrainer.profileRows(FIRST, trainSteps, STEP, UTC);
        return ZoneFitter.fitZone(Arrays.copyOf(x, trainSteps * n), segments, rows, FIRST, STEP, UTC,
                HorizonLeads.consecutive(4), cfg);
    }
}
