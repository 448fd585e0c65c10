package roadcast.forecast;

/**
 * The running state of one zone between steps, kept by Flink in keyed state: a POJO of primitive arrays and longs
 * only (public no-arg constructor), so it serialises without Kryo. Sized by {@link ZoneForecaster#newState()}.
 */
public class ZoneState {

    /** Epoch ms of the last observed step; {@link Long#MIN_VALUE} before the first. */
    public long stepMillis = Long.MIN_VALUE;

    /** Steps observed so far (including gap steps advanced without readings). */
    public long steps;

    /** Last p latent states, newest first: [z_t (r), z_{t-1} (r), ...]. */
    public double[] latent;

    /**
     * The kernel's per-segment memory: the last two off-manifold residuals, newest first, [e_t (n), e_{t-1} (n)], 0
     * where the segment had no reading; then the nowcasts of the last {@code ZoneForecaster.SMOOTHING_STEPS} steps,
     * newest first (n each; NaN for a step without a reading of the zone, and before the first): the smoothed
     * nowcast s_t is their mean. A state
     * of a build before the smoothed nowcast holds the first two rows only: the kernel grows it at the next step (one
     * array, so the streaming job's state layout is unchanged).
     */
    public double[] residual;

    /** Per segment: true when its value at the last step was estimated from the zone, not read. */
    public boolean[] imputed;

    public ZoneState() {
    }
}
