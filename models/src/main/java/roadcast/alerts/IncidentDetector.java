package roadcast.alerts;

import java.util.ArrayList;
import java.util.List;

/**
 * Detects incidents as sudden breakdowns the model did not expect, segment by segment, one step at a time (the same
 * code for a replay and a live feed):
 * <ul>
 *   <li>a breakdown starts with a sudden fall: at least {@link Settings#minJump()} under the previous reading;</li>
 *   <li>a step is <b>below</b> when the observed speed is under the lower band of the expectation and at least
 *       {@link Settings#minDrop()} under its speed;</li>
 *   <li>the expectation is the forecast issued one step before the onset (the <b>anchor</b>), read at the lead that
 *       has passed since (its last horizon beyond): a forecast issued during the breakdown has already seen it and
 *       would call it normal;</li>
 *   <li>{@link Settings#persistSteps()} steps below in a row make an alert (start = onset); {@link
 *       Settings#clearSteps()} steps in a row not below clear it;</li>
 *   <li>a segment whose breakdown starts while a segment up to {@value #QUEUE_DEPTH} links downstream of it is already
 *       below is the queue of that incident spilling back, followed silently (no alert of its own).</li>
 * </ul>
 * Not thread-safe; one per replay or operator.
 */
public final class IncidentDetector {

    /**
     * @param persistSteps steps below in a row before an alert
     * @param clearSteps   steps not below in a row before it clears
     * @param minDrop      relative shortfall under the expected speed required, besides being under the band
     * @param minJump      relative fall from the segment's previous reading required at the onset: a breakdown is
     *                     sudden, a peak that is merely deeper than usual comes on over many steps
     */
    public record Settings(int persistSteps, int clearSteps, double minDrop, double minJump) {
        public static Settings defaults() {
            return new Settings(2, 2, 0.3, 0.3);
        }
    }

    private static final byte NORMAL = 0;
    private static final byte SUSPECT = 1;
    private static final byte ALERT = 2;
    private static final byte QUEUE = 3;

    private final int n;
    private final int horizons;
    private final int[][] downstream;
    private final Settings settings;
    private final byte[] mode;
    private final int[] count;
    private final long[] onset;
    private final long[] detected;
    private final long[] anchorIssued;
    private final double[] anchorSpeed;
    private final double[] anchorLower;
    private final double[] severity;
    /** The segment's previous reading (NaN before the first). */
    private final double[] last;

    /**
     * @param downstream {@code downstream[i]} = the segments traffic on i flows into (network indices)
     * @param horizons   forecast steps of the model (12 for 5-min data)
     */
    public IncidentDetector(int segments, int[][] downstream, int horizons, Settings settings) {
        this.n = segments;
        this.horizons = horizons;
        this.downstream = downstream;
        this.settings = settings;
        mode = new byte[n];
        count = new int[n];
        onset = new long[n];
        detected = new long[n];
        anchorIssued = new long[n];
        anchorSpeed = new double[n * horizons];
        anchorLower = new double[n * horizons];
        severity = new double[n];
        last = new double[n];
        java.util.Arrays.fill(last, Double.NaN);
    }

    /**
     * One step.
     *
     * @param timeMillis   time of the observed row
     * @param observed     speeds at {@code timeMillis} (NaN = no reading: the state is kept)
     * @param prevSpeed    forecast issued one step earlier, {@code [h][i]} (h = 0 is this step); null at the start
     * @param prevLower    its lower band, same shape
     * @param prevIssued   its issue time
     * @param stepMillis   the data step
     * @param closed       receives alerts that cleared at this step
     */
    public void step(long timeMillis, float[] observed, double[][] prevSpeed, double[][] prevLower, long prevIssued,
                     long stepMillis, List<IncidentAlert> closed) {
        for (int i = 0; i < n; i++) {
            double x = observed[i];
            if (Double.isNaN(x)) {
                continue;
            }
            double previous = last[i];
            last[i] = x;
            switch (mode[i]) {
                case NORMAL -> {
                    if (prevSpeed == null || !below(x, prevSpeed[0][i], prevLower[0][i])
                        || !(x < (1 - settings.minJump()) * previous)) {
                        continue;
                    }
                    anchorIssued[i] = prevIssued;
                    for (int h = 0; h < horizons; h++) {
                        anchorSpeed[i * horizons + h] = prevSpeed[h][i];
                        anchorLower[i * horizons + h] = prevLower[h][i];
                    }
                    onset[i] = timeMillis;
                    count[i] = 1;
                    severity[i] = 1 - x / prevSpeed[0][i];
                    mode[i] = downstreamBelow(i, timeMillis) ? QUEUE : SUSPECT;
                    if (mode[i] == SUSPECT && count[i] >= settings.persistSteps()) {
                        mode[i] = ALERT;
                        detected[i] = timeMillis;
                    }
                }
                case SUSPECT, ALERT, QUEUE -> {
                    int h = (int) Math.min(horizons, Math.max(1, (timeMillis - anchorIssued[i]) / stepMillis)) - 1;
                    double expected = anchorSpeed[i * horizons + h];
                    boolean low = below(x, expected, anchorLower[i * horizons + h]);
                    if (mode[i] == SUSPECT) {
                        if (!low) {
                            mode[i] = NORMAL;
                            continue;
                        }
                        severity[i] = Math.max(severity[i], 1 - x / expected);
                        if (++count[i] >= settings.persistSteps()) {
                            mode[i] = ALERT;
                            detected[i] = timeMillis;
                            count[i] = 0;
                        }
                        continue;
                    }
                    if (low) {
                        severity[i] = Math.max(severity[i], 1 - x / expected);
                        count[i] = 0;
                    } else if (++count[i] >= settings.clearSteps()) {
                        if (mode[i] == ALERT) {
                            closed.add(new IncidentAlert(i, onset[i], detected[i],
                                timeMillis - (settings.clearSteps() - 1) * stepMillis, severity[i]));
                        }
                        mode[i] = NORMAL;
                    }
                }
                default -> throw new IllegalStateException("mode " + mode[i]);
            }
        }
    }

    /** Alerts not cleared yet. */
    public List<IncidentAlert> open() {
        List<IncidentAlert> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (mode[i] == ALERT) {
                out.add(new IncidentAlert(i, onset[i], detected[i], Long.MIN_VALUE, severity[i]));
            }
        }
        return out;
    }

    private boolean below(double x, double expected, double lower) {
        return Double.isFinite(expected) && x < lower && x < (1 - settings.minDrop()) * expected;
    }

    /** Links downstream searched for the incident a queue belongs to. */
    static final int QUEUE_DEPTH = 3;

    /** True when a segment up to {@link #QUEUE_DEPTH} links downstream of i is already below (its queue reaches i). */
    private boolean downstreamBelow(int i, long timeMillis) {
        if (downstream == null) {
            return false;
        }
        int[] frontier = {i};
        for (int depth = 0; depth < QUEUE_DEPTH && frontier.length > 0; depth++) {
            int[] next = new int[0];
            for (int a : frontier) {
                if (downstream[a] == null) {
                    continue;
                }
                for (int j : downstream[a]) {
                    if (j != i && mode[j] != NORMAL && onset[j] <= timeMillis) {
                        return true;
                    }
                }
                int[] grown = java.util.Arrays.copyOf(next, next.length + downstream[a].length);
                System.arraycopy(downstream[a], 0, grown, next.length, downstream[a].length);
                next = grown;
            }
            frontier = next;
        }
        return false;
    }
}
