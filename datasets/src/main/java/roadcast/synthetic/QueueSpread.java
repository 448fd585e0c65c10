package roadcast.synthetic;

/**
 * Spill-back of queues against the traffic direction: a segment's queue level (0 = free, 1 = jammed) is its own
 * incident's severity or a fraction of the worst queue on the segments it feeds one step earlier:
 * <pre>q_i(t) = max(s_i(t), carry * max_{j downstream of i} q_j(t-1))</pre>
 * so a jam climbs one link upstream per step and fades with distance; levels under 0.02 are cut to 0.
 */
public final class QueueSpread {

    private QueueSpread() {
    }

    /**
     * @param previous  q(t-1), length N
     * @param incident  s(t), length N
     * @param downStart CSR offsets, length N+1
     * @param downstream CSR targets
     * @param carry     fraction of a downstream queue passed upstream per step, in [0, 1)
     * @param next      q(t), written; must not alias {@code previous}
     */
    public static void step(float[] previous, float[] incident, int[] downStart, int[] downstream, float carry,
                            float[] next) {
        int n = previous.length;
        for (int i = 0; i < n; i++) {
            float worst = 0f;
            for (int e = downStart[i]; e < downStart[i + 1]; e++) {
                worst = Math.max(worst, previous[downstream[e]]);
            }
            float q = Math.max(incident[i], carry * worst);
            next[i] = q < 0.02f ? 0f : q;
        }
    }
}
