package roadcast.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import roadcast.reading.Source;
import roadcast.reading.SpeedReading;

/**
 * The lag run of bench-stream sends whole steps only: at the default 30 s at 10x the second 5-minute step is due the
 * moment the run ends, and stopping the feed then sent part of its burst, whose fastest forecasts were measured.
 */
class LagRunStepsTest {

    private static final long STEP = 300_000;

    @Test
    void aRunOfThirtySecondsAtTenTimesSendsTheFirstStepWholeAndNothingOfTheSecond() {
        List<SpeedReading> feed = new ArrayList<>();
        for (int step = 0; step < 3; step++) {
            for (int s = 0; s < 5; s++) {
                feed.add(new SpeedReading("S" + s, 1_000_000 + step * STEP, 50, Double.NaN, Double.NaN, Source.LOOP));
            }
        }
        List<SpeedReading> sent = new ArrayList<>();
        BenchStreamCommand.wholeSteps(feed.iterator(), 1_000_000, 30, 10).forEachRemaining(sent::add);
        assertEquals(feed.subList(0, 5), sent, "the step at 0 s, whole; the one due at 30 s not at all");

        sent.clear();
        BenchStreamCommand.wholeSteps(feed.iterator(), 1_000_000, 31, 10).forEachRemaining(sent::add);
        assertEquals(feed.subList(0, 10), sent, "31 s: the first two steps");
    }
}
