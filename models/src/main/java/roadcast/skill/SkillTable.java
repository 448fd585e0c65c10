package roadcast.skill;

import java.util.Arrays;

/**
 * Validation RMSE of the model, of persistence (the last observed speed) and of the historical average (the periodic
 * profile), per segment, horizon and {@link DayPeriod}, and the skill 1 - RMSE_model / min(RMSE_persistence,
 * RMSE_ha): above 0 the model beats both baselines. Cells without validation pairs are NaN.
 * Layout: {@code [(segment * horizons + h) * periods + period.ordinal()]}.
 */
public final class SkillTable {

    public static final int PERIODS = DayPeriod.values().length;

    private final int segments;
    private final int horizons;
    private final float[] rmseModel;
    private final float[] rmsePersistence;
    private final float[] rmseHistoricalAverage;
    private final float[] count;

    public SkillTable(int segments, int horizons, float[] rmseModel, float[] rmsePersistence,
                      float[] rmseHistoricalAverage, float[] count) {
        int cells = segments * horizons * PERIODS;
        for (float[] a : new float[][] {rmseModel, rmsePersistence, rmseHistoricalAverage, count}) {
            if (a.length != cells) {
                throw new IllegalArgumentException("skill array of " + a.length + " cells, expected " + segments + " x "
                        + horizons + " x " + PERIODS);
            }
        }
        this.segments = segments;
        this.horizons = horizons;
        this.rmseModel = rmseModel;
        this.rmsePersistence = rmsePersistence;
        this.rmseHistoricalAverage = rmseHistoricalAverage;
        this.count = count;
    }

    /** Builds the table from sums of squared errors and pair counts laid out as the table. */
    public static SkillTable fromSums(int segments, int horizons, double[] sqModel, double[] sqPersistence,
                                      double[] sqHistoricalAverage, long[] pairs) {
        int cells = segments * horizons * PERIODS;
        float[] m = new float[cells];
        float[] p = new float[cells];
        float[] a = new float[cells];
        float[] c = new float[cells];
        for (int k = 0; k < cells; k++) {
            c[k] = pairs[k];
            m[k] = pairs[k] == 0 ? Float.NaN : (float) Math.sqrt(sqModel[k] / pairs[k]);
            p[k] = pairs[k] == 0 ? Float.NaN : (float) Math.sqrt(sqPersistence[k] / pairs[k]);
            a[k] = pairs[k] == 0 ? Float.NaN : (float) Math.sqrt(sqHistoricalAverage[k] / pairs[k]);
        }
        return new SkillTable(segments, horizons, m, p, a, c);
    }

    public static int cell(int segment, int horizons, int h, DayPeriod period) {
        return (segment * horizons + h) * PERIODS + period.ordinal();
    }

    public int segments() {
        return segments;
    }

    public int horizons() {
        return horizons;
    }

    public double skill(int segment, int h) {
        return skill(segment, h, DayPeriod.ALL_DAY);
    }

    public double skill(int segment, int h, DayPeriod period) {
        int k = index(segment, h, period);
        double best = Math.min(rmsePersistence[k], rmseHistoricalAverage[k]);
        return count[k] == 0 || best == 0 ? Double.NaN : 1.0 - rmseModel[k] / best;
    }

    public double rmseModel(int segment, int h, DayPeriod period) {
        return rmseModel[index(segment, h, period)];
    }

    public double rmsePersistence(int segment, int h, DayPeriod period) {
        return rmsePersistence[index(segment, h, period)];
    }

    public double rmseHistoricalAverage(int segment, int h, DayPeriod period) {
        return rmseHistoricalAverage[index(segment, h, period)];
    }

    public long pairs(int segment, int h, DayPeriod period) {
        return (long) count[index(segment, h, period)];
    }

    /** Mean skill over the segments that have validation pairs at horizon index h (NaN if none). */
    public double meanSkill(int h, DayPeriod period) {
        double sum = 0;
        int n = 0;
        for (int s = 0; s < segments; s++) {
            double v = skill(s, h, period);
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private int index(int segment, int h, DayPeriod period) {
        if (segment < 0 || segment >= segments || h < 0 || h >= horizons) {
            throw new IndexOutOfBoundsException("segment " + segment + " / horizon index " + h + " outside "
                    + segments + " x " + horizons);
        }
        return cell(segment, horizons, h, period);
    }

    /** Raw arrays for the model file, in the table's layout. */
    public float[][] arrays() {
        return new float[][] {rmseModel, rmsePersistence, rmseHistoricalAverage, count};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SkillTable t && segments == t.segments && horizons == t.horizons
                && Arrays.equals(rmseModel, t.rmseModel) && Arrays.equals(rmsePersistence, t.rmsePersistence)
                && Arrays.equals(rmseHistoricalAverage, t.rmseHistoricalAverage) && Arrays.equals(count, t.count);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(rmseModel);
    }
}
