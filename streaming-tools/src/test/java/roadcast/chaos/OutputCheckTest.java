package roadcast.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import roadcast.forecast.Forecast;

/** The chaos verdict itself: a lost, a repeated and a changed forecast are each counted, wire rounding is not. */
class OutputCheckTest {

    static Forecast forecast(String segment, long at, double speed) {
        return new Forecast(segment, at, "v1", 50.0, false, new int[] {5, 10}, new double[] {speed, speed + 1},
                new String[] {"free", "free"}, new double[] {speed - 5, speed - 4}, new double[] {speed + 5, speed + 6});
    }

    @Test
    void countsLostDuplicatedAndMismatchedForecasts() {
        Forecast a = forecast("s1", 0, 60.0);
        Forecast b = forecast("s1", 300_000, 61.0);
        Forecast c = forecast("s2", 0, 62.0);
        Map<String, Forecast> backtest = Map.of(ExpectedForecasts.key(a), a, ExpectedForecasts.key(b), b,
                ExpectedForecasts.key(c), c);
        Set<String> required = backtest.keySet();

        OutputCheck clean = OutputCheck.of(backtest, required, List.of(c, forecast("s1", 0, 60.004), b));
        assertEquals(new OutputCheck(3, 3, 0, 0, 0, null), clean, "equal up to the wire's two decimals");

        OutputCheck bad = OutputCheck.of(backtest, required,
                List.of(a, a, forecast("s2", 0, 62.5), forecast("s9", 0, 1.0)));
        assertEquals(1, bad.lost(), "b never arrived");
        assertEquals(1, bad.duplicated(), "a twice");
        assertEquals(2, bad.mismatched(), "c changed, s9 not in the backtest");
        assertTrue(bad.firstMismatch().startsWith("s2@0"), bad.firstMismatch());
        assertNull(OutputCheck.difference(a, forecast("s1", 0, 60.0)));
    }
}
