package roadcast.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NowcastGainTest {

    /**
     * A slowly wandering speed v, a prior with error sd 2 and readings with noise sd 1 (segment 0) or 6 (segment 1):
     * the learned gains approach the Kalman gains 4 / (4 + 1) and 4 / (4 + 36), and the estimate beats both the
     * reading and the prior on the noisy segment.
     */
    @Test
    void learnsTheKalmanGainFromTheNextReadingAlone() {
        Random rnd = new Random(5);
        NowcastGain fit = new NowcastGain(3);
        double[] noise = {1, 6};
        int steps = 40_000;
        double[][] v = new double[2][steps + 1];
        for (int i = 0; i < 2; i++) {
            v[i][0] = 50;
            for (int t = 1; t <= steps; t++) {
                v[i][t] = v[i][t - 1] + 0.3 * rnd.nextGaussian();
            }
        }
        double sseEstimate = 0;
        double sseReading = 0;
        double ssePrior = 0;
        double[] gains = null;
        for (int pass = 0; pass < 2; pass++) {
            for (int t = 0; t < steps; t++) {
                for (int i = 0; i < 2; i++) {
                    double prior = v[i][t] + 2 * rnd.nextGaussian();
                    double reading = v[i][t] + noise[i] * rnd.nextGaussian();
                    double next = v[i][t + 1] + noise[i] * rnd.nextGaussian();
                    if (pass == 0) {
                        fit.add(i, reading, prior, next);
                    } else if (i == 1) {
                        double e = NowcastGain.estimate(reading, prior, gains[i], Double.NaN) - v[i][t];
                        sseEstimate += e * e;
                        sseReading += (reading - v[i][t]) * (reading - v[i][t]);
                        ssePrior += (prior - v[i][t]) * (prior - v[i][t]);
                    }
                }
            }
            gains = fit.gains(50);
        }
        assertEquals(0.8, gains[0], 0.05);
        assertEquals(0.1, gains[1], 0.05);
        assertTrue(sseEstimate < sseReading && sseEstimate < ssePrior, sseEstimate + " vs " + sseReading + ", "
                + ssePrior);
        assertEquals(58, NowcastGain.estimate(60, 50, 0.8, 0), 1e-12, "p + k (x - p)");
        assertTrue(gains[2] > 0 && gains[2] < 1, "a segment without pairs takes the pooled gain: " + gains[2]);
        assertEquals(55, NowcastGain.estimate(Double.NaN, 50, 0.5, 55), 0, "no reading: the fallback");
        NowcastGain choice = new NowcastGain(1);
        for (int t = 0; t < 100; t++) {
            // the prior 1 away from the next reading, the nowcast 3 away: without a reading the prior serves
            choice.addWithoutReading(50, 54, 51);
        }
        assertTrue(choice.priorWithoutReading());
        choice.addWithoutReading(0, 54, 51);
        assertTrue(!choice.priorWithoutReading(), "one prior far off tips it to the nowcast");
        assertEquals(60, NowcastGain.estimate(60, Double.NaN, 0.5, 55), 0, "no prior: the reading");
    }
}
