package roadcast.alerting;

import org.junit.jupiter.api.Test;
import roadcast.fixtures.SampleForecasts;
import roadcast.forecast.Forecast;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Records of several partitions regrouped into network steps (what the detector needs, step by step). */
class StepAssemblerTest {

    private static final long T0 = 1_330_588_800_000L;
    private static final long STEP = 300_000L;

    private static Forecast f(String id, int step) {
        return SampleForecasts.of(id, T0 + step * STEP, 50, 0);
    }

    @Test
    void aStepIsHandedOnWhenCompleteEvenWhenTheNextOneStartedFirst() {
        StepAssembler a = new StepAssembler(3);
        // partition 0 is ahead: a and b of step 1 arrive before c of step 0
        assertTrue(a.add(List.of(f("a", 0), f("b", 0), f("a", 1), f("b", 1))).isEmpty(), "step 0 lacks c");
        List<StepAssembler.Step> ready = a.add(List.of(f("c", 0)));
        assertEquals(1, ready.size());
        assertEquals(T0, ready.get(0).issuedAt());
        assertEquals(3, ready.get(0).records().size());
        assertEquals(STEP, ready.get(0).stepMillis());
        ready = a.add(List.of(f("c", 1), f("a", 2)));
        assertEquals(List.of(T0 + STEP), ready.stream().map(StepAssembler.Step::issuedAt).toList());
    }

    @Test
    void anIncompleteStepGoesOnOnceOvertakenAndItsStragglersAreCountedLate() {
        StepAssembler a = new StepAssembler(3);
        assertTrue(a.add(List.of(f("a", 0), f("b", 0))).isEmpty());
        // a later complete step: step 0 is as complete as it will get
        List<StepAssembler.Step> ready = a.add(List.of(f("a", 1), f("b", 1), f("c", 1)));
        assertEquals(2, ready.size());
        assertEquals(2, ready.get(0).records().size());
        assertEquals(3, ready.get(1).records().size());
        assertTrue(a.add(List.of(f("c", 0))).isEmpty());
        assertEquals(1, a.late());
        // a segment gone for good (a model without it): the step waits 3 steps at most
        assertTrue(a.add(List.of(f("a", 2), f("b", 2))).isEmpty());
        assertTrue(a.add(List.of(f("a", 3), f("b", 3), f("a", 4), f("b", 4))).isEmpty());
        ready = a.add(List.of(f("a", 5)));
        assertEquals(T0 + 2 * STEP, ready.get(0).issuedAt());
    }
}
