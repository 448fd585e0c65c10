package roadcast.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ErrorAccumulatorTest {

    private static final double TOL = 1e-12;

    private static Scores score(MaskPolicy mask, double[] y, double[] yHat) {
        ErrorAccumulator acc = new ErrorAccumulator(mask);
        for (int i = 0; i < y.length; i++) {
            acc.add(y[i], yHat[i]);
        }
        return acc.scores();
    }

    @Test
    void unmaskedFiguresMatchHandComputation() {
        // e = y - y_hat = [-0.5, 0, 1, -1]; SSE = 2.25; ||Y||^2 = 30; mean y = 2.5, SS_tot = 5;
        // mean e = -0.125, Var(e) = 2.25/4 - 0.015625 = 0.546875; Var(y) = 1.25.
        Scores s = score(MaskPolicy.NONE, new double[] {1, 2, 3, 4}, new double[] {1.5, 2, 2, 5});
        assertEquals(0.75, s.rmse(), TOL);
        assertEquals(0.625, s.mae(), TOL);
        assertEquals(1 - 1.5 / Math.sqrt(30), s.accuracy(), TOL);
        assertEquals(1 - 2.25 / 5, s.r2(), TOL);
        assertEquals(1 - 0.546875 / 1.25, s.var(), TOL);
        assertTrue(Double.isNaN(s.mape()), "MAPE is reported under masking only");
        assertEquals(4, s.pairs());
        assertEquals(0, s.skipped());
    }

    @Test
    void maskedFiguresLeaveOutZeroAndNanTargets() {
        double[] y = {0, 2, Double.NaN, 4};
        double[] yHat = {3, 1, 5, 5};
        Scores masked = score(MaskPolicy.ZERO_AND_NAN, y, yHat);
        // scored pairs (2, 1) and (4, 5): e = [1, -1]
        assertEquals(1.0, masked.rmse(), TOL);
        assertEquals(1.0, masked.mae(), TOL);
        assertEquals((0.5 + 0.25) / 2, masked.mape(), TOL);
        assertEquals(2, masked.pairs());
        assertEquals(2, masked.skipped());

        Scores unmasked = score(MaskPolicy.NONE, y, yHat);
        // the zero target counts without a mask: e = [-3, 1, -1]; only the NaN target is skipped
        assertEquals(Math.sqrt(11.0 / 3), unmasked.rmse(), TOL);
        assertEquals(5.0 / 3, unmasked.mae(), TOL);
        assertEquals(3, unmasked.pairs());
        assertEquals(1, unmasked.skipped());
    }

    @Test
    void perfectForecastScoresOneAndMergedSumsEqualOnePass() {
        Scores perfect = score(MaskPolicy.NONE, new double[] {10, 20, 30}, new double[] {10, 20, 30});
        assertEquals(0.0, perfect.rmse(), TOL);
        assertEquals(1.0, perfect.accuracy(), TOL);
        assertEquals(1.0, perfect.r2(), TOL);
        assertEquals(1.0, perfect.var(), TOL);

        ErrorAccumulator a = new ErrorAccumulator(MaskPolicy.NONE);
        ErrorAccumulator b = new ErrorAccumulator(MaskPolicy.NONE);
        ErrorAccumulator all = new ErrorAccumulator(MaskPolicy.NONE);
        double[] y = {3, 7, 1, 9, 4};
        double[] yHat = {2, 8, 1.5, 7, 4.5};
        for (int i = 0; i < y.length; i++) {
            (i < 2 ? a : b).add(y[i], yHat[i]);
            all.add(y[i], yHat[i]);
        }
        a.addAll(b);
        assertEquals(all.scores(), a.scores());
    }

    @Test
    void nothingScoredGivesNan() {
        Scores s = score(MaskPolicy.ZERO_AND_NAN, new double[] {0, 0}, new double[] {1, 2});
        assertTrue(Double.isNaN(s.rmse()));
        assertEquals(0, s.pairs());
        assertEquals(2, s.skipped());
    }
}
