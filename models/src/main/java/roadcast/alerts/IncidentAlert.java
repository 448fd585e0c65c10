package roadcast.alerts;

/**
 * An incident alert: a segment's observed speed persistently below what the model expected before it broke down.
 *
 * @param segment        network index
 * @param startMillis    first step below the expectation (the onset)
 * @param detectedMillis step at which it became an alert (onset + persistence)
 * @param clearedMillis  first step back within the expectation for good; {@link Long#MIN_VALUE} while open
 * @param severity       largest relative shortfall seen, 1 - observed / expected (0..1)
 */
public record IncidentAlert(int segment, long startMillis, long detectedMillis, long clearedMillis, double severity) {

    public boolean open() {
        return clearedMillis == Long.MIN_VALUE;
    }
}
