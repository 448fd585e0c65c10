package roadcast.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import roadcast.model.ZoneModel;

/**
 * The nowcast smoothing's weights per fold: the band's residuals of one fold must take the weights fitted on the
 * other (as they take its blend), so each fold's own weights have to come out of the sums, not only the pooled ones.
 */
class SmoothingSumsTest {

    /** Residuals r = b g + noise with b = 0.5 on fold 0 and 0.2 on fold 1, in every cell of one horizon. */
    @Test
    void eachFoldKeepsTheWeightFittedOnItAndBothTogetherLieBetween() {
        BandCalibration.SmoothingSums sums = new BandCalibration.SmoothingSums(1);
        Random random = new Random(7);
        double[] slope = {0.5, 0.2};
        for (int f = 0; f < 2; f++) {
            for (int cell = 0; cell < ZoneModel.SMOOTHING_CELLS; cell++) {
                for (int k = 0; k < 400; k++) {
                    double g = random.nextGaussian();
                    sums.add(f, 0, cell, slope[f] * g + 0.05 * random.nextGaussian(), g);
                }
            }
        }
        double[] fittedOn0 = sums.weights(0);
        double[] fittedOn1 = sums.weights(1);
        double[] both = sums.weights(-1);
        for (int cell = 0; cell < ZoneModel.SMOOTHING_CELLS; cell++) {
            assertEquals(0.5, fittedOn0[cell], 1e-9, "fold 0's weight");
            assertEquals(0.2, fittedOn1[cell], 1e-9, "fold 1's weight");
            double pooled = both[cell];
            assertEquals(true, pooled > 0.2 && pooled < 0.5, "both folds: " + pooled);
        }
    }

    /** A horizon where the weights fitted on one fold do not beat b = 0 on the other keeps 0 on every fold. */
    @Test
    void aHorizonWhereTheWeightsDoNotCarryOverKeepsNone() {
        BandCalibration.SmoothingSums sums = new BandCalibration.SmoothingSums(1);
        Random random = new Random(11);
        double[] slope = {0.8, -0.3};
        for (int f = 0; f < 2; f++) {
            for (int cell = 0; cell < ZoneModel.SMOOTHING_CELLS; cell++) {
                for (int k = 0; k < 400; k++) {
                    double g = random.nextGaussian();
                    sums.add(f, 0, cell, slope[f] * g + 0.05 * random.nextGaussian(), g);
                }
            }
        }
        for (int f = -1; f <= 1; f++) {
            for (double w : sums.weights(f)) {
                assertEquals(0.0, w, 0.0, "fold " + f);
            }
        }
    }
}
