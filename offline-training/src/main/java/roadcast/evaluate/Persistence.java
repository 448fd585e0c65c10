package roadcast.evaluate;

import java.util.Arrays;

/** The last observed speed of each segment, for every lead (NaN until the segment has had a reading). */
public final class Persistence implements NetworkPredictor {

    private final double[] last;

    public Persistence(int segments) {
        last = new double[segments];
        Arrays.fill(last, Double.NaN);
    }

    @Override
    public String name() {
        return "persistence";
    }

    @Override
    public void observe(long stepMillis, float[] row) {
        for (int i = 0; i < last.length; i++) {
            if (!Float.isNaN(row[i])) {
                last[i] = row[i];
            }
        }
    }

    @Override
    public void predict(double[][] out) {
        for (double[] lead : out) {
            System.arraycopy(last, 0, lead, 0, last.length);
        }
    }
}
