package roadcast.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import roadcast.clean.CredibilityRules;
import roadcast.forecast.NetworkForecast;
import roadcast.forecast.NetworkForecaster;
import roadcast.history.SpeedHistory;
import roadcast.history.SpeedUnit;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelFile;
import roadcast.testdata.SyntheticCity;
import roadcast.model.HorizonLeads;

/**
 * At one-minute steps the profile is kept on five-minute slots interpolated to the minute ({@link
 * roadcast.manifold.ProfileGrid}): a fifth of the values, about the same accuracy.
 */
class CoarseProfileTest {

    private static final Duration STEP = Duration.ofMinutes(1);
    private static final ZoneId LA = ZoneId.of("America/Los_Angeles");
    private static final long FIVE_MINUTES = 300_000L;

    private static TrainingConfig config() {
        return TrainingConfig.defaults("synthetic", "test fixture", CredibilityRules.defaults(SpeedUnit.MPH, STEP))
                .withFixed(2, 1, 1.0).withSmoothing(10).withMaxHorizon(10);
    }

    @Test
    void fiveMinuteSlotsForecastTheValidationBlockAsWellAsOneMinuteSlots() {
        int n = 10;
        SpeedHistory h = SyntheticCity.generate(n, 3 * 1440, 2, 5, 0.03, LA, STEP).history();
        int steps = h.steps();
        int[] segments = new int[n];
        java.util.Arrays.setAll(segments, i -> i);
        double[] x = new double[steps * n];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) {
                x[t * n + i] = h.speed()[t][i];
            }
        }
        long first = h.epochMillis(0);
        int[] rows = ManifoldTrainer.profileRows(first, steps, STEP.toMillis(), LA);
        ZoneFitter.Result coarse = ZoneFitter.fitZone(x, segments, rows, first, STEP.toMillis(), LA,
                HorizonLeads.consecutive(10), config());
        ZoneFitter.Result fine = ZoneFitter.fitZone(x, segments, rows, first, STEP.toMillis(), LA,
                HorizonLeads.consecutive(10), config(), STEP.toMillis());
        assertEquals(FIVE_MINUTES, coarse.model().profileSlotMillis(), "the default at one-minute steps");
        assertEquals(2 * 288 * n, coarse.model().profile().length);
        assertEquals(2 * 1440 * n, fine.model().profile().length);
        double ratio = coarse.validationRmse() / fine.validationRmse();
        System.out.printf("validation RMSE: 5-minute slots %.4f, 1-minute slots %.4f (ratio %.4f)%n",
                coarse.validationRmse(), fine.validationRmse(), ratio);
        assertTrue(Double.isFinite(ratio) && ratio < 1.01,
                "five-minute slots within 1 % of one-minute slots on validation, got " + ratio);
    }

    @Test
    void aModelOfOneMinuteStepsWritesItsFiveMinuteProfileAndReadsBackTheSameForecasts(@TempDir Path dir)
            throws Exception {
        SyntheticCity city = SyntheticCity.generate(24, 3 * 1440, 2, 9, 0.03, LA, STEP);
        SpeedHistory h = city.history();
        ManifoldModel model = ManifoldTrainer.fit(h.rows(0, 2 * 1440), city.network(),
                config().withMaxZoneSize(12), ProgressListener.NONE);
        assertTrue(model.zoneCount() > 1);
        Path file = dir.resolve("one-minute.rcm");
        ModelFile.write(model, file);
        ManifoldModel back = ModelFile.read(file);
        for (int z = 0; z < model.zoneCount(); z++) {
            assertEquals(FIVE_MINUTES, back.zone(z).profileSlotMillis());
            assertEquals(model.zone(z), back.zone(z));
        }
        // the profile is a fifth of the one-minute one: 2 x 288 float64 per segment
        long profileBytes = 2L * 288 * 8 * model.network().size();
        long oneMinuteProfileBytes = 5 * profileBytes;
        assertTrue(Files.size(file) < oneMinuteProfileBytes, "file of " + Files.size(file) + " bytes");
        NetworkForecaster a = new NetworkForecaster(model);
        NetworkForecaster b = new NetworkForecaster(back);
        NetworkForecast fa = a.newForecast();
        NetworkForecast fb = b.newForecast();
        for (int t = 2 * 1440; t < 2 * 1440 + 90; t++) {
            a.observe(h.epochMillis(t), h.speed()[t]);
            b.observe(h.epochMillis(t), h.speed()[t]);
        }
        a.forecast(fa);
        b.forecast(fb);
        double sq = 0;
        int count = 0;
        for (int hz = 0; hz < model.horizonsMin().length; hz++) {
            for (int s = 0; s < model.network().size(); s++) {
                assertEquals(fa.speed(hz, s), fb.speed(hz, s));
                float y = h.speed()[2 * 1440 + 90 + hz][s];
                if (!Float.isNaN(y)) {
                    sq += (fa.speed(hz, s) - y) * (fa.speed(hz, s) - y);
                    count++;
                }
            }
        }
        // forecasts of the synthetic city (noise sd about 1 mph, AR deviations of a few mph), not the profile's zeros
        double rmse = Math.sqrt(sq / count);
        assertTrue(rmse < 8, "RMSE " + rmse);
    }
}
