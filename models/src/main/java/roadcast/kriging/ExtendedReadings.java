package roadcast.kriging;

import roadcast.manifold.LocalCorrection;
import roadcast.model.ZoneModel;

/**
 * Live readings of a zone's extended segments (a floating car on a road without a loop): the segment is observed
 * live while the model has no history for it. The rule, the same in the backtest ({@link NetworkKriging}) and the
 * stream's zone operator:
 * <ul>
 *   <li>now (row 0): the fused reading replaces the kriged estimate, y;</li>
 *   <li>horizon h (row h): the kriged forecast plus the reading's departure from the kriged estimate, decayed as the
 *       segment's observed neighbours' own departures decay: {@code x_h = k_h + phi_h (y - k_0)}, where
 *       {@code phi_h} is the kernel-weighted mean (weights g of the kriging layer) of the neighbours' learned
 *       residual persistence at horizon h (the coefficient of e_t in the local correction
 *       {@code x_h = mu + U z_h + phi_h0 e_t + phi_h1 e_{t-1} + phi_h2}), clipped to [0, 1]. So no new parameter:
 *       the decay is what the manifold model learned on the neighbours' history.</li>
 * </ul>
 * Bands keep the kriging offsets around the moved centre (the kriging band is the calibrated one; a live reading of
 * one probe does not make the segment as well known as a loop). A reading counts for its step only: the next step
 * without one is kriged again. No allocation per call; immutable after construction.
 */
public final class ExtendedReadings {

    private final int[] members;
    private final int horizons;
    /** [horizons * members] phi_h per member, row h - 1 for horizon h. */
    private final double[] persistence;

    /**
     * @param zone      the zone's model (its local correction gives the neighbours' persistence)
     * @param kriging   the model's kriging layer
     * @param zoneIndex the zone's index
     */
    public ExtendedReadings(ZoneModel zone, KrigingModel kriging, int zoneIndex) {
        members = kriging.membersOf(zoneIndex);
        int n = zone.size();
        int k = kriging.k();
        horizons = zone.horizons();
        persistence = new double[horizons * members.length];
        double[] local = zone.local();
        for (int j = 0; j < members.length; j++) {
            int o = members[j] * k;
            for (int h = 0; h < horizons; h++) {
                double sum = 0;
                double sumG = 0;
                for (int c = 0; c < k; c++) {
                    int i = kriging.neighbours()[o + c];
                    double g = kriging.weight()[o + c];
                    sum += g * local[(h * n + i) * LocalCorrection.WIDTH];
                    sumG += g;
                }
                double phi = sumG > 0 ? sum / sumG : 0.0;
                persistence[h * members.length + j] = Math.max(0.0, Math.min(1.0, phi));
            }
        }
    }

    /** The zone's extended segments (kriging indices, ascending): the order of {@code live} in {@link #apply}. */
    public int[] members() {
        return members.clone();
    }

    public int size() {
        return members.length;
    }

    /** phi_h of member j (h = 1..horizons): how much of a live departure is left at horizon h. */
    public double persistence(int j, int h) {
        return persistence[(h - 1) * members.length + j];
    }

    /**
     * Moves the kriged rows of members with a live reading ({@code live[from + j]}, NaN = none) as described above.
     *
     * @param out the kriging layer's output for this step ({@link ExtendedForecaster#estimate}), changed in place
     */
    public void apply(float[] live, int from, ExtendedForecast out) {
        for (int j = 0; j < members.length; j++) {
            float y = live[from + j];
            if (Float.isNaN(y)) {
                continue;
            }
            int e = members[j];
            double departure = y - out.speed[0][e];
            shift(out, 0, e, departure);
            for (int h = 1; h <= horizons; h++) {
                shift(out, h, e, persistence[(h - 1) * members.length + j] * departure);
            }
        }
    }

    private static void shift(ExtendedForecast out, int row, int e, double by) {
        out.speed[row][e] += by;
        out.lower[row][e] += by;
        out.upper[row][e] += by;
    }
}
