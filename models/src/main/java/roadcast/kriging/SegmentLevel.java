package roadcast.kriging;

import java.util.Arrays;
import java.util.function.IntPredicate;

import roadcast.model.ManifoldModel;
import roadcast.model.ZoneModel;

/**
 * A road's level features: what its wider neighbourhood says about its mean speed, known for every road without its
 * history (the main error of kriging is a road's level: a ramp or the other carriageway next to a freeway). With L_j
 * the levels (mean daily profile) of its {@value #NEIGHBOURS} nearest observed roads, nearest first, omega_j the
 * kernel weights exp(-(d_j / w)^2) of the first K normalised, and B_L = sum_(j<K) omega_j L_j:
 * <pre>
 *   s = [ median_j L_j - B_L, mean_j L_j - B_L, std_(j<K) L_j, share of upstream among the first K,
 *         median level of the network's observed roads - B_L, median_j F_j - sum_(j<K) omega_j F_j ]
 * </pre>
 * with F_j the free-flow speeds (the model's 85th percentile of each road's training speeds): a road's mean mixes its
 * free-flow speed with how often it is congested, and the neighbours' free-flow speeds tell the first apart (masked CV
 * on Los-loop's training part, `exp17.py EX=ff1`: 5.996 -> 5.969 mph at ridge 0.3, on two fold draws and two hidden
 * sets; README, issue 8).
 * The kernel's regression ({@link KrigingKernel}) learns from masked observed roads how much of these departures
 * to add to the kernel estimate (shrinkage toward it by the ridge where they do not help).
 */
public final class SegmentLevel {

    /** Level features per road. */
    public static final int COUNT = 6;
    /** Observed roads whose levels describe the neighbourhood. */
    public static final int NEIGHBOURS = 8;

    private SegmentLevel() {
    }

    /** Each observed road's level: the mean of its daily profile, in network order. */
    public static double[] levels(ManifoldModel model) {
        int n = model.network().size();
        double[] level = new double[n];
        for (int i = 0; i < n; i++) {
            ZoneModel zm = model.zone(model.zoneOf(i));
            int size = zm.size();
            int local = model.localIndexOf(i);
            double[] profile = zm.profile();
            int rows = profile.length / size;
            double sum = 0;
            for (int t = 0; t < rows; t++) {
                sum += profile[t * size + local];
            }
            level[i] = sum / rows;
        }
        return level;
    }

    /** Each observed road's free-flow speed, in network order (what the congestion grades use). */
    public static double[] freeFlows(ManifoldModel model) {
        double[] out = new double[model.network().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = model.freeFlowSpeed(i);
        }
        return out;
    }

    /** The median level of the observed roads {@code include} accepts (NaN if none). */
    public static double median(double[] level, IntPredicate include) {
        double[] kept = new double[level.length];
        int m = 0;
        for (int i = 0; i < level.length; i++) {
            if (include.test(i)) {
                kept[m++] = level[i];
            }
        }
        if (m == 0) {
            return Double.NaN;
        }
        Arrays.sort(kept, 0, m);
        return KrigingKernel.median(kept, 0, m);
    }

    /**
     * Writes the {@value #COUNT} features of one road into out[off ..).
     *
     * @param nb            its nearest observed roads (up to {@value #NEIGHBOURS}), nearest first
     * @param level         levels of the observed roads (indices of nb)
     * @param freeFlow      free-flow speeds of the observed roads (indices of nb)
     * @param k             the kernel's neighbour count
     * @param width         the kernel's width
     * @param networkMedian median level of the observed roads it may see
     */
    public static void features(RoadDistances.Neighbours nb, double[] level, double[] freeFlow, int k, double width,
                                double networkMedian, double[] out, int off) {
        int m = Math.min(NEIGHBOURS, nb.size());
        if (m == 0) {
            Arrays.fill(out, off, off + COUNT, 0.0);
            return;
        }
        int kk = Math.min(k, m);
        double sumG = 0;
        double[] g = new double[kk];
        for (int j = 0; j < kk; j++) {
            double d = nb.distance()[j] / width;
            g[j] = Math.exp(-d * d);
            sumG += g[j];
        }
        double bl = 0;
        double bf = 0;
        double meanK = 0;
        double up = 0;
        for (int j = 0; j < kk; j++) {
            double omega = sumG > 1e-12 ? g[j] / sumG : 1.0 / kk;
            double l = level[nb.index()[j]];
            bl += omega * l;
            bf += omega * freeFlow[nb.index()[j]];
            meanK += l / kk;
            up += nb.upstream()[j] ? 1.0 / kk : 0;
        }
        double var = 0;
        for (int j = 0; j < kk; j++) {
            double dl = level[nb.index()[j]] - meanK;
            var += dl * dl / kk;
        }
        double mean = 0;
        for (int j = 0; j < m; j++) {
            mean += level[nb.index()[j]] / m;
        }
        double median = median(level, nb, m);
        double freeFlowDeparture = median(freeFlow, nb, m) - bf;
        out[off] = median - bl;
        out[off + 1] = mean - bl;
        out[off + 2] = Math.sqrt(var);
        out[off + 3] = up;
        out[off + 4] = Double.isNaN(networkMedian) ? 0 : networkMedian - bl;
        // a neighbour without a free-flow speed (no training data) leaves the term out rather than poisoning it
        out[off + 5] = Double.isNaN(freeFlowDeparture) ? 0 : freeFlowDeparture;
    }

    private static double median(double[] value, RoadDistances.Neighbours nb, int m) {
        double[] all = new double[m];
        for (int j = 0; j < m; j++) {
            all[j] = value[nb.index()[j]];
        }
        Arrays.sort(all);
        return KrigingKernel.median(all, 0, m);
    }
}
