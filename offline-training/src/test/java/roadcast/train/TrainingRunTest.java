package roadcast.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import roadcast.clean.CredibilityRules;
import roadcast.datasets.Dataset;
import roadcast.evaluate.Backtest;
import roadcast.evaluate.BacktestResult;
import roadcast.evaluate.EvaluationPlan;
import roadcast.evaluate.HistoricalAverage;
import roadcast.evaluate.ManifoldPredictor;
import roadcast.evaluate.Persistence;
import roadcast.evaluate.Protocol;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.fixture.CityFixture;

class TrainingRunTest {

    @Test
    void modelTrainedOnTheTrainingPartBeatsPersistenceAtAnHour() {
        CityFixture city = new CityFixture(30, 10, 5, 7L);
        Dataset data = city.dataset("fixture");
        EvaluationPlan plan = Protocol.TGCN.plan(city.steps, Duration.ofMinutes(5));
        TrainingConfig config = TrainingConfig.defaults("fixture", "test",
                CredibilityRules.defaults(data.history().unit())).withFixed(3, 1, 1.0);
        TrainingRun.Outcome trained = TrainingRun.train(data, plan.trainRows(), config, ProgressListener.NONE);
        assertEquals(plan.trainRows(), trained.trainRows());
        assertTrue(trained.model().card().trainedTo().startsWith(
                data.history().time(plan.trainRows() - 1).toString().substring(0, 10)),
                "card ends at the last training row: " + trained.model().card().trainedTo());

        float[][] x = data.history().speed();
        long first = data.history().epochMillis(0);
        long step = data.history().step().toMillis();
        BacktestResult r = new Backtest(plan, x, x, first, step).run(List.of(new Persistence(30),
                HistoricalAverage.fit(x, 0, plan.trainRows(), first, step, data.history().timeZone()),
                new ManifoldPredictor(trained.model(), step, plan.maxSteps())), -1, null, new int[0], new int[0]);
        double model60 = r.of("model").at(60).rmse();
        double persistence60 = r.of("persistence").at(60).rmse();
        double ha60 = r.of("historical_average").at(60).rmse();
        assertTrue(model60 < persistence60, "model " + model60 + " vs persistence " + persistence60);
        assertTrue(model60 < ha60, "model " + model60 + " vs historical average " + ha60);
        assertTrue(r.of("model").predictMsMedian() > 0);
    }

    @Test
    void refusesTrainingRowsOutsideTheHistory() {
        Dataset data = new CityFixture(5, 3, 5, 1L).dataset("tiny");
        TrainingConfig config = TrainingConfig.defaults("tiny", "", CredibilityRules.defaults(data.history().unit()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingRun.train(data, data.history().steps() + 1, config, ProgressListener.NONE));
        assertTrue(e.getMessage().contains("tiny"), e.getMessage());
    }

    @Test
    void rowsBeforeCountsRowsStrictlyBeforeTheTime() {
        Dataset data = new CityFixture(2, 3, 5, 1L).dataset("tiny");
        assertEquals(0, TrainingRun.rowsBefore(data.history(), CityFixture.START));
        assertEquals(1, TrainingRun.rowsBefore(data.history(), CityFixture.START.plusMinutes(5)));
        assertEquals(2, TrainingRun.rowsBefore(data.history(), CityFixture.START.plusMinutes(6)));
        assertEquals(data.history().steps(), TrainingRun.rowsBefore(data.history(), CityFixture.START.plusDays(30)));
    }
}
