package roadcast.trainjob;

/**
 * What a fit task reports for one zone (a Flink POJO: public fields, no-argument constructor). The fitted zone
 * itself is in the work folder's part file; {@code failure} is null when the fit succeeded.
 */
public final class ZoneOutcome {

    public int zone;
    public int segments;
    /** Why the zone's fit failed (degenerate data), or null. */
    public String failure;
    public double seconds;
    /** Which TaskManager process fitted it ({@code host/pid}). */
    public String worker;

    public ZoneOutcome() {
    }

    ZoneOutcome(int zone, int segments, String failure, double seconds, String worker) {
        this.zone = zone;
        this.segments = segments;
        this.failure = failure;
        this.seconds = seconds;
        this.worker = worker;
    }

    @Override
    public String toString() {
        return "zone " + zone + " (" + segments + " segments) " + (failure == null ? "fitted" : "failed: " + failure)
                + " in " + seconds + " s on " + worker;
    }
}
