package roadcast.evaluate;

import java.time.ZoneId;

import roadcast.manifold.LocalClock;

/**
 * The historical-average baseline, independent of the model: the plain mean of the training rows per day type
 * (weekday / weekend, local time), time-of-day slot and segment. A (day type, slot) never seen falls back to the
 * slot's mean over both day types, then to the segment's overall mean. No shrinkage, so it is the textbook "HA" row.
 */
public final class HistoricalAverage implements NetworkPredictor {

    private final int n;
    private final long stepMillis;
    private final LocalClock clock;
    private final double[] mean;
    private long lastMillis = Long.MIN_VALUE;

    private HistoricalAverage(int n, long stepMillis, LocalClock clock, double[] mean) {
        this.n = n;
        this.stepMillis = stepMillis;
        this.clock = clock;
        this.mean = mean;
    }

    /**
     * @param rows       training rows [T][n], NaN = missing
     * @param firstMillis epoch ms of rows[0]
     */
    public static HistoricalAverage fit(float[][] rows, int from, int to, long firstMillis, long stepMillis,
                                        ZoneId zone) {
        int n = rows[0].length;
        LocalClock clock = new LocalClock(zone, stepMillis);
        int slots = clock.slotsPerDay();
        double[] sum = new double[2 * slots * n];
        long[] count = new long[2 * slots * n];
        double[] segSum = new double[n];
        long[] segCount = new long[n];
        for (int t = from; t < to; t++) {
            int base = clock.profileRow(firstMillis + t * stepMillis) * n;
            float[] row = rows[t];
            for (int i = 0; i < n; i++) {
                float v = row[i];
                if (!Float.isNaN(v)) {
                    sum[base + i] += v;
                    count[base + i]++;
                    segSum[i] += v;
                    segCount[i]++;
                }
            }
        }
        double[] mean = new double[2 * slots * n];
        for (int k = 0; k < slots; k++) {
            for (int i = 0; i < n; i++) {
                int weekday = k * n + i;
                int weekend = (slots + k) * n + i;
                long both = count[weekday] + count[weekend];
                double fallback = both > 0 ? (sum[weekday] + sum[weekend]) / both
                        : segCount[i] > 0 ? segSum[i] / segCount[i] : Double.NaN;
                mean[weekday] = count[weekday] > 0 ? sum[weekday] / count[weekday] : fallback;
                mean[weekend] = count[weekend] > 0 ? sum[weekend] / count[weekend] : fallback;
            }
        }
        return new HistoricalAverage(n, stepMillis, clock, mean);
    }

    @Override
    public String name() {
        return "historical_average";
    }

    @Override
    public void observe(long stepMillis, float[] row) {
        lastMillis = stepMillis;
    }

    @Override
    public void predict(double[][] out) {
        for (int k = 0; k < out.length; k++) {
            int base = clock.profileRow(lastMillis + (k + 1) * stepMillis) * n;
            System.arraycopy(mean, base, out[k], 0, n);
        }
    }
}
