package roadcast.kriging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import roadcast.clean.CredibilityRules;
import roadcast.fit.ManifoldTrainer;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.forecast.NetworkForecast;
import roadcast.forecast.NetworkForecaster;
import roadcast.history.SpeedHistory;
import roadcast.history.SpeedUnit;
import roadcast.model.ManifoldModel;
import roadcast.network.CoverageNetwork;
import roadcast.testdata.SyntheticCity;

/**
 * The fit checks the level features forward in time: fitted on the training rows before the calibration replay and
 * scored on the replay's masked segments. Here every other road runs 15 mph faster until the replay begins and not
 * after, so a road's level (its training mean) says more about the early days than about the latest ones: the
 * features are left out, and the layer still estimates every extended segment. (KrigingModelTest's city, without
 * the shift, keeps them.)
 */
class LevelFeatureCheckTest {

    private static final int TRAIN = 2 * 288;

    @Test
    void levelFeaturesThatDoNotHoldOnTheLatestTrainingDaysAreLeftOut() {
        SyntheticCity city = SyntheticCity.generate(30, TRAIN + 20, 2, 21);
        CoverageNetwork coverage = CoverageNetwork.of(city.network().segments(), List.of(), city.network().links())
                .hide(List.of("s5", "s17"));
        KrigingConfig kc = new KrigingConfig(5, new int[] {4}, new double[] {1}, new double[] {0.1}, 0.2,
                0.9, 1L, 1_000_000L);
        // the replay is the last calibrationFraction of the training rows; the shift ends where it begins
        int replayStart = TRAIN - (int) Math.round(kc.calibrationFraction() * TRAIN);
        SpeedHistory observed = KrigingModelTest.observedHistory(city, coverage,
                (t, c, v) -> c % 2 == 1 && t < replayStart ? v + 15 : v);
        TrainingConfig cfg = TrainingConfig.defaults("synthetic", "test fixture",
                CredibilityRules.defaults(SpeedUnit.MPH)).withFixed(3, 2, 1.0).withMaxZoneSize(12);
        ManifoldModel base = ManifoldTrainer.fit(observed.rows(0, TRAIN), coverage.observed(), cfg,
                ProgressListener.NONE);
        ManifoldModel model = base.withKriging(Kriging.fit(base, observed.rows(0, TRAIN), coverage, kc));

        KrigingModel k = model.kriging();
        assertEquals(SegmentLevel.COUNT, k.levels(), "the layer keeps the features' slots (format 4)");
        assertFalse(k.usesLevelFeatures(), "level coefficients 0 in every row");
        int f = k.featureCount();
        boolean regression = false;
        for (int j = 0; j < f - k.levels(); j++) {
            regression |= k.beta()[j] != 0;
        }
        assertTrue(regression || Double.isInfinite(k.lambda()), "the rest of the regression is still fitted");

        NetworkForecaster forecaster = new NetworkForecaster(model);
        NetworkForecast fc = forecaster.newForecast();
        NetworkKriging layer = new NetworkKriging(model);
        ExtendedForecast out = layer.newForecast();
        for (int t = TRAIN - 20; t < TRAIN + 10; t++) {
            forecaster.observe(observed.epochMillis(t), observed.speed()[t]);
        }
        forecaster.forecast(fc);
        layer.estimate(forecaster, fc, out);
        for (int row = 0; row < out.rows(); row++) {
            for (int e = 0; e < k.size(); e++) {
                assertTrue(Double.isFinite(out.speed[row][e]), "row " + row + " segment " + e);
            }
        }
    }
}
