package roadcast.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Random;

import org.junit.jupiter.api.Test;

import roadcast.clean.CredibilityRules;
import roadcast.forecast.ZoneForecast;
import roadcast.forecast.ZoneForecaster;
import roadcast.forecast.ZoneState;
import roadcast.history.SpeedUnit;
import roadcast.model.HorizonLeads;
import roadcast.skill.DayPeriod;
import roadcast.skill.SkillTable;

/**
 * At 1-minute steps a model forecasts one step ahead and then every 5 minutes up to the longest horizon, not every
 * minute (issue 12): 13 horizons at 60 minutes instead of 60. Horizon index h is then leads.steps(h) steps ahead, not
 * h + 1, in the trainer's truth rows and in the kernel's target times.
 */
class SpacedHorizonsTest {

    private static final long MINUTE = 60_000L;
    private static final ZoneId UTC = ZoneId.of("UTC");

    private static TrainingConfig config(Duration step) {
        return TrainingConfig.defaults("test", "test", CredibilityRules.defaults(SpeedUnit.KMH, step));
    }

    @Test
    void oneMinuteStepsForecastTheNextStepThenEveryFiveMinutes() {
        Duration minute = Duration.ofMinutes(1);
        assertArrayEquals(new int[] {1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60},
                ManifoldTrainer.horizonsMin(minute, config(minute)));
        assertArrayEquals(new int[] {1, 5, 10, 15}, ManifoldTrainer.horizonsMin(minute,
                config(minute).withMaxHorizon(15)));
        // nothing to space below 5 minutes: every step, as before
        assertArrayEquals(new int[] {1, 2, 3}, ManifoldTrainer.horizonsMin(minute, config(minute).withMaxHorizon(3)));
        // 5- and 15-minute steps are unchanged: every step up to an hour
        Duration five = Duration.ofMinutes(5);
        assertArrayEquals(new int[] {5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60},
                ManifoldTrainer.horizonsMin(five, config(five)));
        Duration fifteen = Duration.ofMinutes(15);
        assertArrayEquals(new int[] {15, 30, 45, 60}, ManifoldTrainer.horizonsMin(fifteen, config(fifteen)));
    }

    /**
     * The detector follows an alert with its anchor's horizon at or before the steps since the anchor was issued (the
     * last one beyond the last), as min(H, max(1, s)) - 1 did for consecutive horizons; it needs a one-step horizon.
     */
    @Test
    void theDetectorReadsTheHorizonReachedAndNeedsTheOneStepLead() {
        HorizonLeads spaced = new HorizonLeads(new int[] {1, 5, 10, 15});
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3},
                java.util.stream.IntStream.range(0, 18).map(spaced::indexAtOrBefore).toArray());
        HorizonLeads every = HorizonLeads.consecutive(12);
        for (int s = 0; s < 20; s++) {
            assertEquals(Math.min(12, Math.max(1, s)) - 1, every.indexAtOrBefore(s));
        }
        assertThrows(IllegalArgumentException.class, () -> new roadcast.alerts.IncidentDetector(2, null,
                new HorizonLeads(new int[] {5, 10}), roadcast.alerts.IncidentDetector.Settings.defaults()));
    }

    /** A daily pattern of 2-hour waves, ~1 km/h a minute at its steepest, with a little noise. */
    private static double speed(int t, int i) {
        return 60 + 20 * Math.sin(2 * Math.PI * t / 120.0 + i);
    }

    /**
     * The spaced model against one fitted on the same rows with every minute up to an hour: each horizon is fitted on
     * its own (dynamics, local correction, calibration per horizon), so the spaced model's horizon at lead L must be
     * exactly the consecutive model's horizon L - 1, in its validation scores and its forecasts. Taken for h + 1 steps
     * ahead, the spaced horizon 10 min (index 2) would be the consecutive model's 3 minutes.
     */
    @Test
    void aOneMinuteModelIsScoredAndForecastsAtTheLeadsItAnnounces() {
        int n = 3;
        int days = 3;
        int steps = days * 1440;
        int[] segments = {0, 1, 2};
        double[] x = new double[steps * n];
        Random noise = new Random(7);
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) {
                x[t * n + i] = speed(t, i) + 0.05 * noise.nextGaussian();
            }
        }
        TrainingConfig cfg = config(Duration.ofMinutes(1)).withFixed(1, 1, 1.0).withSmoothing(0);
        int[] horizonsMin = ManifoldTrainer.horizonsMin(Duration.ofMinutes(1), cfg);
        HorizonLeads leads = HorizonLeads.of(horizonsMin, MINUTE);
        int[] profileRow = ManifoldTrainer.profileRows(0L, steps, MINUTE, UTC);
        ZoneFitter.Result spaced = ZoneFitter.fitZone(x, segments, profileRow, 0L, MINUTE, UTC, leads, cfg);
        ZoneFitter.Result everyMinute = ZoneFitter.fitZone(x, segments, profileRow, 0L, MINUTE, UTC,
                HorizonLeads.consecutive(60), cfg);
        assertEquals(leads, spaced.model().leads());

        // validation scored each horizon against the row leads.steps(h) on
        int horizons = leads.count();
        for (int h = 0; h < horizons; h++) {
            int same = leads.steps(h) - 1;
            for (int i = 0; i < n; i++) {
                int c = SkillTable.cell(i, horizons, h, DayPeriod.ALL_DAY);
                int e = SkillTable.cell(i, 60, same, DayPeriod.ALL_DAY);
                assertTrue(spaced.validation().pairs[c] > 0, "horizon " + horizonsMin[h] + " min scored");
                assertEquals(everyMinute.validation().pairs[e], spaced.validation().pairs[c]);
                assertEquals(everyMinute.validation().sqModel[e], spaced.validation().sqModel[c], 0.0,
                        "horizon " + horizonsMin[h] + " min, segment " + i);
            }
        }

        // the kernel forecasts each horizon at its lead: 10 minutes on, where 3 minutes on differs by km/h
        int issue = (days - 1) * 1440 + 114; // segment 0 at its steepest between 3 and 10 minutes on
        assertTrue(Math.abs(speed(issue + 10, 0) - speed(issue + 3, 0)) > 5);
        ZoneForecast a = forecastAt(spaced.model(), x, n, issue);
        ZoneForecast b = forecastAt(everyMinute.model(), x, n, issue);
        for (int h = 0; h < horizons; h++) {
            assertArrayEquals(b.speed[leads.steps(h) - 1], a.speed[h], 0.0, "horizon " + horizonsMin[h] + " min");
        }
        int h10 = 2;
        assertEquals(10, horizonsMin[h10]);
        assertTrue(Math.abs(a.speed[h10][0] - speed(issue + 10, 0))
                        < Math.abs(a.speed[h10][0] - speed(issue + 3, 0)) / 2,
                "at 10 min " + a.speed[h10][0] + ", truth " + speed(issue + 10, 0) + ", 3 min on "
                        + speed(issue + 3, 0));
    }

    private static ZoneForecast forecastAt(roadcast.model.ZoneModel model, double[] x, int n, int issue) {
        ZoneForecaster forecaster = new ZoneForecaster(model);
        ZoneState state = forecaster.newState();
        float[] row = new float[n];
        for (int t = issue - 30; t <= issue; t++) {
            for (int i = 0; i < n; i++) {
                row[i] = (float) x[t * n + i];
            }
            forecaster.observe(state, t * MINUTE, row);
        }
        ZoneForecast out = new ZoneForecast(model.horizons(), n);
        forecaster.forecast(state, out);
        return out;
    }
}
