package roadcast.ingest;

/**
 * A record that was not accepted, and why.
 *
 * @param reason the rule that refused it
 * @param detail human-readable specifics (field, value, limit) for whoever reads the dead letters
 */
public record Rejection(RejectReason reason, String detail) {

    public Rejection {
        if (reason == null) {
            throw new IllegalArgumentException("reason is required");
        }
        detail = detail == null ? "" : detail;
    }
}
