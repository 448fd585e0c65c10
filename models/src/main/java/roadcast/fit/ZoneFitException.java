package roadcast.fit;

/**
 * A zone's fit failed on degenerate data (an IllegalArgumentException, like the trainer's other data errors): the
 * model is refused, and the message names the zone so that its data can be looked at. Thrown by the local trainer
 * and by the Flink batch trainer alike.
 */
public final class ZoneFitException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final int zone;

    public ZoneFitException(int zone, int segments, Throwable cause) {
        super("fit of zone " + zone + " (" + segments + " segments) failed: " + cause.getMessage(), cause);
        this.zone = zone;
    }

    public ZoneFitException(int zone, int segments, String reason) {
        super("fit of zone " + zone + " (" + segments + " segments) failed: " + reason);
        this.zone = zone;
    }

    /** Index of the zone in the zoning's order (the model's zone index). */
    public int zone() {
        return zone;
    }
}
