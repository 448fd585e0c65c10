package roadcast.kriging;

/**
 * How {@link Kriging#fit} learns the kriging layer. Every choice is made by masking observed segments of the
 * training data, never on segments without data or on later data.
 *
 * @param folds               most folds: observed segments are split at random into folds, each masked in turn and
 *                            predicted from the others; the fit uses total / extended segments folds (at least 2, at
 *                            most this, default 10), so training neighbourhoods are as sparse as the extended ones
 * @param ks                  candidate neighbour counts K (default 4, 6, 8)
 * @param widthFactors        candidate kernel widths w, as multiples of the network's distance scale (the std of the
 *                            given distances; default 0.25, 0.5, 1, 2)
 * @param lambdas             candidate ridge penalties, per unit of IRLS weight (default 0.3 .. 300, and infinity:
 *                            the plain kernel mean, so the regression is kept only where masking shows it helps)
 * @param calibrationFraction last part of the training rows on which the bands are calibrated (0.2)
 * @param bandLevel           central coverage of the bands (0.9)
 * @param seed                seed of the fold assignment
 * @param maxSamples          most (step, segment) samples the regression sees; steps are strided beyond it (the
 *                            per-horizon calibration replay keeps at most maxSamples / horizon rows per row)
 * @param maskDraws           draws of the masking folds the chosen regression is fitted on, the fits averaged
 *                            where that beats the first draw alone on the calibration replay (1 = the first draw
 *                            only; default 3): which observed roads are masked together decides which
 *                            neighbourhoods the regression learns from, so one fit is tied to its draw. The
 *                            hyperparameters, the cross-validation folds and the calibration replay are the first
 *                            draw's.
 */
public record KrigingConfig(int folds, int[] ks, double[] widthFactors, double[] lambdas, double calibrationFraction,
                            double bandLevel, long seed, long maxSamples, int maskDraws) {

    /** Default mask draws: see {@link #defaults()}. */
    public static final int MASK_DRAWS = 3;

    public KrigingConfig(int folds, int[] ks, double[] widthFactors, double[] lambdas, double calibrationFraction,
                         double bandLevel, long seed, long maxSamples) {
        this(folds, ks, widthFactors, lambdas, calibrationFraction, bandLevel, seed, maxSamples, MASK_DRAWS);
    }

    public KrigingConfig {
        if (folds < 2) {
            throw new IllegalArgumentException("kriging needs at least 2 folds, got " + folds);
        }
        if (ks.length == 0 || widthFactors.length == 0 || lambdas.length == 0) {
            throw new IllegalArgumentException("every kriging hyperparameter needs a candidate");
        }
        for (int k : ks) {
            if (k < 1) {
                throw new IllegalArgumentException("K must be at least 1, got " + k);
            }
        }
        if (!(calibrationFraction > 0 && calibrationFraction < 1) || !(bandLevel > 0 && bandLevel < 1)) {
            throw new IllegalArgumentException("calibrationFraction and bandLevel must be in (0, 1)");
        }
        if (maskDraws < 1) {
            throw new IllegalArgumentException("kriging needs at least 1 mask draw, got " + maskDraws);
        }
        ks = ks.clone();
        widthFactors = widthFactors.clone();
        lambdas = lambdas.clone();
    }

    public static KrigingConfig defaults() {
        return new KrigingConfig(10, new int[] {4, 6, 8}, new double[] {0.25, 0.5, 1, 2},
                new double[] {0.3, 3, 30, 300, Double.POSITIVE_INFINITY}, 0.2, 0.9, 1L, 400_000L, MASK_DRAWS);
    }

    public int maxK() {
        return java.util.Arrays.stream(ks).max().orElseThrow();
    }
}
