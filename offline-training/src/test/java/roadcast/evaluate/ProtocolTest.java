package roadcast.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ProtocolTest {

    @Test
    void tgcnSplitsLosLoopLikeTheReferenceCode() {
        EvaluationPlan plan = Protocol.TGCN.plan(2016, Duration.ofMinutes(5));
        assertEquals(1612, plan.trainRows()); // floor(0.8 * 2016)
        assertEquals(1612 + 11, plan.firstIssue()); // 12 test rows of input
        assertEquals(4, plan.horizons().size());
        HorizonSpec h15 = plan.horizons().get(0);
        HorizonSpec h60 = plan.horizons().get(3);
        assertEquals(3, h15.steps());
        assertEquals(12, h60.steps());
        assertTrue(h15.pooled() && h60.pooled());
        assertEquals(2016 - 1 - 3, h15.lastIssue());
        assertEquals(2016 - 1 - 12, h60.lastIssue());
        assertEquals(1, h60.firstScoredStep());
        assertEquals(MaskPolicy.NONE, plan.mask());
    }

    @Test
    void tgcnOnFifteenMinuteDataUsesOneToFourSteps() {
        EvaluationPlan plan = Protocol.TGCN.plan(2976, Duration.ofMinutes(15));
        assertEquals(2380, plan.trainRows());
        assertEquals(4, plan.maxSteps());
        assertEquals(1, plan.horizons().get(0).steps());
        assertEquals(4, plan.horizons().get(3).steps());
    }

    @Test
    void standardSplitsByWindowAndScoresSingleSteps() {
        EvaluationPlan plan = Protocol.STANDARD.plan(2016, Duration.ofMinutes(5));
        // windows = 2016 - 12 - 11 = 1993, test = round(398.6) = 399, the last ones
        assertEquals(2016 - 12 - 399, plan.firstIssue());
        assertEquals(2016 - 13, plan.lastIssue());
        assertEquals(plan.firstIssue() + 1, plan.trainRows());
        assertEquals(3, plan.horizons().size());
        HorizonSpec h60 = plan.horizons().get(2);
        assertEquals(60, h60.minutes());
        assertEquals(12, h60.firstScoredStep());
        assertEquals(MaskPolicy.ZERO_AND_NAN, plan.mask());
    }

    @Test
    void longerHorizonsAddReportedHorizonsEveryHalfHourAndLengthenTheForecasts() {
        EvaluationPlan plan = Protocol.TGCN.plan(2016, Duration.ofMinutes(5), 180);
        assertEquals(36, plan.maxSteps());
        assertEquals(java.util.List.of(15, 30, 45, 60, 90, 120, 150, 180),
                plan.horizons().stream().map(HorizonSpec::minutes).toList());
        HorizonSpec h120 = plan.horizons().get(5);
        assertEquals(24, h120.steps());
        assertEquals(2016 - 1 - 24, h120.lastIssue());
        assertEquals(Protocol.TGCN.plan(2016, Duration.ofMinutes(5)), Protocol.TGCN.plan(2016, Duration.ofMinutes(5), 60),
                "60 min is the papers' setting, unchanged");
        assertEquals(java.util.List.of(15, 30), Protocol.TGCN.plan(2016, Duration.ofMinutes(5), 30).horizons()
                .stream().map(HorizonSpec::minutes).toList());
    }

    @Test
    void refusesStepsAndHistoriesItCannotCut() {
        assertThrows(IllegalArgumentException.class, () -> Protocol.TGCN.plan(2016, Duration.ofMinutes(7)));
        assertThrows(IllegalArgumentException.class, () -> Protocol.TGCN.plan(20, Duration.ofMinutes(5)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Protocol.parse("lstm"));
        assertTrue(e.getMessage().contains("tgcn or standard"), e.getMessage());
        assertEquals(Protocol.STANDARD, Protocol.parse("Standard"));
    }
}
