package roadcast.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import roadcast.clean.CredibilityRules;
import roadcast.clean.HistoryCleaner;
import roadcast.forecast.NetworkForecast;
import roadcast.forecast.NetworkForecaster;
import roadcast.history.SpeedHistory;
import roadcast.model.ManifoldModel;
import roadcast.testdata.LosLoop;

/**
 * Los-loop under the T-GCN protocol (first 80% train, last 20% test; metrics at 15/30/45/60 min pooled over every
 * predicted step up to the horizon, issue times from 12 steps into the test part): the model must beat persistence.
 */
class LosLoopForecastTest {

    @Test
    void beatsPersistenceAtSixtyMinutesOnTheTestPart() throws Exception {
        Optional<Path> dir = LosLoop.find(LosLoop.NAME);
        Assumptions.assumeTrue(dir.isPresent(), LosLoop.absentMessage(LosLoop.NAME));
        LosLoop los = LosLoop.read(dir.get());
        SpeedHistory all = los.history();
        int steps = all.steps();
        int train = (int) (steps * 0.8);
        CredibilityRules rules = CredibilityRules.defaults(all.unit());
        SpeedHistory cleaned = HistoryCleaner.clean(all.rows(0, train), rules).cleaned();
        TrainingConfig cfg = TrainingConfig.defaults(LosLoop.NAME, "T-GCN Los-loop (lehaifeng/T-GCN)", rules);
        long t0 = System.nanoTime();
        ManifoldModel model = ManifoldTrainer.fit(cleaned, los.network(), cfg, ProgressListener.NONE);
        double fitSeconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(1, model.zoneCount(), "207 segments with the default zone size make one zone");

        int n = all.segments();
        int[] horizons = {3, 6, 9, 12};
        int maxH = 12;
        double[][] sq = new double[3][horizons.length]; // model, persistence, historical average
        double[] obsSq = new double[horizons.length];
        long[] count = new long[horizons.length];
        NetworkForecaster forecaster = new NetworkForecaster(model);
        NetworkForecast out = forecaster.newForecast();
        int firstIssue = train + 12 - 1;
        // the same profile as the model's historical-average baseline: the model's own profile, via its zone
        roadcast.manifold.LocalClock clock = new roadcast.manifold.LocalClock(model.timeZone(), model.step().toMillis());
        double[] profile = model.zone(0).profile();
        for (int t = 0; t < steps - 1; t++) {
            forecaster.observe(all.epochMillis(t), all.speed()[t]);
            if (t < firstIssue) {
                continue;
            }
            forecaster.forecast(out);
            for (int hi = 0; hi < horizons.length; hi++) {
                int h = horizons[hi];
                if (t + h >= steps) {
                    continue;
                }
                for (int k = 1; k <= h; k++) {
                    int base = clock.profileRow(all.epochMillis(t + k)) * n;
                    for (int i = 0; i < n; i++) {
                        double y = all.speed()[t + k][i];
                        double em = out.speed(k - 1, i) - y;
                        double ep = all.speed()[t][i] - y;
                        double ea = profile[base + model.localIndexOf(i)] - y;
                        sq[0][hi] += em * em;
                        sq[1][hi] += ep * ep;
                        sq[2][hi] += ea * ea;
                        obsSq[hi] += y * y;
                        count[hi]++;
                    }
                }
            }
        }
        StringBuilder report = new StringBuilder("Los-loop T-GCN protocol, fit " + String.format("%.1f", fitSeconds)
                + " s, card " + model.card().hyperparameters() + "\n");
        String[] names = {"model", "persistence", "historical average"};
        for (int m = 0; m < 3; m++) {
            report.append(String.format("%-19s", names[m]));
            for (int hi = 0; hi < horizons.length; hi++) {
                double rmse = Math.sqrt(sq[m][hi] / count[hi]);
                double accuracy = 1 - Math.sqrt(sq[m][hi]) / Math.sqrt(obsSq[hi]);
                report.append(String.format(" %dmin RMSE %.2f acc %.3f |", horizons[hi] * 5, rmse, accuracy));
            }
            report.append('\n');
        }
        System.out.println(report);
        double model60 = Math.sqrt(sq[0][3] / count[3]);
        double persistence60 = Math.sqrt(sq[1][3] / count[3]);
        assertTrue(model60 < persistence60, report.toString());
        assertTrue(model.skill().meanSkill(model.horizonsMin().length - 1, roadcast.skill.DayPeriod.ALL_DAY) > 0,
                "mean validation skill at 60 min is positive");
    }
}
