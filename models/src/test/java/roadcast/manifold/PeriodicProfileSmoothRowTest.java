package roadcast.manifold;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The stream's forecaster smooths the trend profile row by row as forecasts reach it ({@link PeriodicProfile#smoothRow});
 * its values must be bit for bit those of smoothing the whole profile at once, the way the profile was smoothed
 * before (kept here as the reference), so no forecast changes.
 */
class PeriodicProfileSmoothRowTest {

    /** The whole-profile circular moving average as it was written before rows were smoothed one at a time. */
    private static double[] wholeProfile(double[] profile, int n, int slots, int halfWindow) {
        if (halfWindow <= 0 || slots < 2 * halfWindow + 1) {
            return profile;
        }
        double[] out = new double[profile.length];
        double scale = 1.0 / (2 * halfWindow + 1);
        for (int dayType = 0; dayType < 2; dayType++) {
            int typeOff = dayType * slots * n;
            for (int k = 0; k < slots; k++) {
                int outOff = typeOff + k * n;
                for (int j = -halfWindow; j <= halfWindow; j++) {
                    int inOff = typeOff + Math.floorMod(k + j, slots) * n;
                    for (int i = 0; i < n; i++) {
                        out[outOff + i] += profile[inOff + i];
                    }
                }
                for (int i = 0; i < n; i++) {
                    out[outOff + i] *= scale;
                }
            }
        }
        return out;
    }

    @Test
    void everyRowInAnyOrderEqualsTheWholeProfileSmoothedAtOnce() {
        Random random = new Random(7);
        int n = 13;
        int slots = 288;
        double[] profile = new double[2 * slots * n];
        for (int k = 0; k < profile.length; k++) {
            profile[k] = 20 + 45 * random.nextDouble();
        }
        for (int halfWindow : new int[] {0, 1, 3, 6}) {
            double[] expected = wholeProfile(profile, n, slots, halfWindow);
            assertArrayEquals(expected, PeriodicProfile.smooth(profile, n, slots, halfWindow), "whole, hw " + halfWindow);
            double[] rows = new double[profile.length];
            java.util.Arrays.fill(rows, Double.NaN);
            // Rows in the order a stream meets them: wrapping around midnight, the second day type, then the rest.
            int[] order = new int[2 * slots];
            for (int r = 0; r < order.length; r++) {
                order[r] = (r * 37 + 280) % order.length;
            }
            for (int row : order) {
                PeriodicProfile.smoothRow(profile, n, slots, halfWindow, row, rows);
            }
            for (int k = 0; k < rows.length; k++) {
                assertEquals(Double.doubleToRawLongBits(expected[k]), Double.doubleToRawLongBits(rows[k]),
                        "half window " + halfWindow + ", value " + k);
            }
        }
    }
}
