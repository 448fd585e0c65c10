package roadcast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void quantilesMatchExactOrderStatisticsWithinBucketPrecision() {
        Random random = new Random(7);
        long[] values = new long[20_000];
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < values.length; i++) {
            // log-normal lags: most around 1 s, a tail into minutes
            values[i] = (long) Math.exp(7 + 1.2 * random.nextGaussian());
            h.record(values[i]);
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        for (double q : new double[] {0.01, 0.5, 0.9, 0.99, 0.999, 1.0}) {
            long exact = sorted[(int) Math.ceil(q * sorted.length) - 1];
            double estimate = h.quantile(q);
            double tolerance = Math.max(1.0, exact * 0.001);
            assertEquals(exact, estimate, tolerance, "q=" + q);
        }
        assertEquals(sorted[sorted.length - 1], h.max());
        assertEquals(Arrays.stream(values).average().orElseThrow(), h.mean(), 1e-6);
        assertEquals(values.length, h.count());
    }

    @Test
    void smallValuesAreExactAndNegativeCountAsZero() {
        LatencyHistogram h = new LatencyHistogram();
        assertTrue(Double.isNaN(h.quantile(0.5)));
        for (long v : new long[] {-5, 3, 3, 10, 1000}) {
            h.record(v);
        }
        assertEquals(0, h.quantile(0.2));
        assertEquals(3, h.quantile(0.5));
        assertEquals(10, h.quantile(0.8));
        assertEquals(1000, h.quantile(1.0));
        assertThrows(IllegalArgumentException.class, () -> h.quantile(1.5));
        h.reset();
        assertEquals(0, h.count());
    }

    @Test
    void hugeValuesKeepAnExactMaximum() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(5);
        h.record(Long.MAX_VALUE);
        assertEquals(Long.MAX_VALUE, h.max());
        assertEquals(5, h.quantile(0.5));
        assertTrue(h.quantile(1.0) >= 1L << 40, "the huge value is counted at the top");
    }
}
