package roadcast.evaluate;

/**
 * Running sums from which every figure of {@link Scores} follows, so a backtest adds pairs one at a time without
 * keeping them. Sums are in double; for speeds (values up to ~150, millions of pairs) the one-pass variance
 * Var(x) = E[x^2] - E[x]^2 keeps about 10 significant digits, far beyond what the figures are printed with.
 */
public final class ErrorAccumulator {

    private final MaskPolicy mask;
    private long pairs;
    private long skipped;
    private double sumSqErr;
    private double sumAbsErr;
    private double sumErr;
    private double sumY;
    private double sumSqY;
    private double sumApe;
    private long apePairs;

    public ErrorAccumulator(MaskPolicy mask) {
        this.mask = mask;
    }

    /** Adds one pair; a masked or NaN target, or a NaN prediction, is counted as skipped. */
    public void add(double actual, double predicted) {
        if (mask.skips(actual) || Double.isNaN(predicted)) {
            skipped++;
            return;
        }
        double e = actual - predicted;
        pairs++;
        sumSqErr += e * e;
        sumAbsErr += Math.abs(e);
        sumErr += e;
        sumY += actual;
        sumSqY += actual * actual;
        if (actual != 0.0) {
            sumApe += Math.abs(e / actual);
            apePairs++;
        }
    }

    public void addAll(ErrorAccumulator other) {
        if (other.mask != mask) {
            throw new IllegalArgumentException("cannot merge " + other.mask + " sums into " + mask + " sums");
        }
        pairs += other.pairs;
        skipped += other.skipped;
        sumSqErr += other.sumSqErr;
        sumAbsErr += other.sumAbsErr;
        sumErr += other.sumErr;
        sumY += other.sumY;
        sumSqY += other.sumSqY;
        sumApe += other.sumApe;
        apePairs += other.apePairs;
    }

    public long pairs() {
        return pairs;
    }

    /** The figures; all NaN when nothing was scored. MAPE only under {@link MaskPolicy#ZERO_AND_NAN}. */
    public Scores scores() {
        if (pairs == 0) {
            return new Scores(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, skipped);
        }
        double n = pairs;
        double meanY = sumY / n;
        // sum (y - mean y)^2 = sum y^2 - n mean^2
        double ssTot = sumSqY - n * meanY * meanY;
        double varY = ssTot / n;
        double meanE = sumErr / n;
        double varE = sumSqErr / n - meanE * meanE;
        double rmse = Math.sqrt(sumSqErr / n);
        double mae = sumAbsErr / n;
        double accuracy = sumSqY == 0 ? Double.NaN : 1.0 - Math.sqrt(sumSqErr) / Math.sqrt(sumSqY);
        double r2 = ssTot <= 0 ? Double.NaN : 1.0 - sumSqErr / ssTot;
        double var = varY <= 0 ? Double.NaN : 1.0 - varE / varY;
        double mape = mask == MaskPolicy.ZERO_AND_NAN && apePairs > 0 ? sumApe / apePairs : Double.NaN;
        return new Scores(rmse, mae, accuracy, r2, var, mape, pairs, skipped);
    }
}
