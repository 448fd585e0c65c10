package roadcast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The lag run's steps as bursts of input, and the backlog each left the job. */
class LagBurstsTest {

    @Test
    void eachStepIsABurstAndTheOneDrainedLastIsReported() {
        // step 1: inputs at 0..100 ms, last forecast handed over at 400 (300 ms after its last reading);
        // step 2, 30 s later: inputs at 30,000..30,050, last forecast at 30,500 (450 ms): the one reported
        long[] inputs = {0, 100, 50, 30_000, 30_050, 30_020};
        long[] emitted = {200, 350, 400, 30_100, 30_300, 30_500};
        LagMeter.Bursts b = LagMeter.Bursts.of(inputs, emitted, inputs.length);
        assertEquals(2, b.steps());
        assertEquals(50, b.sendMs());
        assertEquals(450, b.drainMs());

        LagMeter.Bursts first = LagMeter.Bursts.of(inputs, emitted, 3);
        assertEquals(new LagMeter.Bursts(1, 100, 300), first);
        assertEquals(new LagMeter.Bursts(0, 0, 0), LagMeter.Bursts.of(inputs, emitted, 0));
    }
}
