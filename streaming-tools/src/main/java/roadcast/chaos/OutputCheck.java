package roadcast.chaos;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import roadcast.forecast.Forecast;

/**
 * What a read_committed consumer received against what the backtest says it must: every required forecast once,
 * and each equal to the backtest's up to the wire's rounding.
 *
 * @param expected   forecasts required (the steps event time must have closed)
 * @param received   records read
 * @param lost       required forecasts never received
 * @param duplicated records whose segment and step had been received already
 * @param mismatched received forecasts that differ from the backtest's, or that it does not have at all
 * @param firstMismatch  a description of the first mismatch, null if none
 */
public record OutputCheck(int expected, int received, int lost, int duplicated, int mismatched, String firstMismatch) {

    /** Half a unit of the last decimal on the wire ({@code ForecastJsonWriter.DECIMALS} = 2), plus float noise. */
    static final double WIRE_ROUNDING = 0.005 + 1e-9;

    /**
     * @param backtest every forecast the backtest made, by {@link ExpectedForecasts#key}
     * @param required the keys that must have been received
     * @param received the records read, in any order
     */
    public static OutputCheck of(Map<String, Forecast> backtest, Set<String> required, Iterable<Forecast> received) {
        Map<String, Integer> seen = new HashMap<>();
        int count = 0;
        int duplicated = 0;
        int mismatched = 0;
        String first = null;
        for (Forecast f : received) {
            count++;
            String key = ExpectedForecasts.key(f);
            if (seen.merge(key, 1, Integer::sum) > 1) {
                duplicated++;
                continue;
            }
            Forecast e = backtest.get(key);
            String difference = e == null ? "not in the backtest" : difference(e, f);
            if (difference != null) {
                mismatched++;
                if (first == null) {
                    first = key + ": " + difference;
                }
            }
        }
        int lost = 0;
        for (String key : required) {
            if (!seen.containsKey(key)) {
                lost++;
            }
        }
        return new OutputCheck(required.size(), count, lost, duplicated, mismatched, first);
    }

    /** Null when equal up to the wire's rounding, else what differs. */
    static String difference(Forecast e, Forecast a) {
        if (!Objects.equals(e.modelVersion(), a.modelVersion())) {
            return "model " + a.modelVersion() + " instead of " + e.modelVersion();
        }
        if (e.imputed() != a.imputed()) {
            return "imputed " + a.imputed();
        }
        if (!close(e.observedSpeed(), a.observedSpeed())) {
            return "observed " + a.observedSpeed() + " instead of " + e.observedSpeed();
        }
        if (!Arrays.equals(e.horizonsMin(), a.horizonsMin()) || !Arrays.equals(e.level(), a.level())) {
            return "horizons or levels " + Arrays.toString(a.level()) + " instead of " + Arrays.toString(e.level());
        }
        for (int h = 0; h < e.speed().length; h++) {
            if (!close(e.speed()[h], a.speed()[h]) || !close(e.lower()[h], a.lower()[h])
                    || !close(e.upper()[h], a.upper()[h])) {
                return "horizon " + e.horizonsMin()[h] + ": " + a.speed()[h] + " [" + a.lower()[h] + ", "
                        + a.upper()[h] + "] instead of " + e.speed()[h] + " [" + e.lower()[h] + ", " + e.upper()[h]
                        + "]";
            }
        }
        return null;
    }

    private static boolean close(double e, double a) {
        return Double.isNaN(e) ? Double.isNaN(a) : Math.abs(e - a) <= WIRE_ROUNDING;
    }
}
