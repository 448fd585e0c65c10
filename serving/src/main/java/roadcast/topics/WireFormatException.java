package roadcast.topics;

/** A record on a topic that does not follow the wire format of docs/CONTRACTS.md; the message is the dead-letter reason. */
public final class WireFormatException extends Exception {

    private final String reason;

    public WireFormatException(String reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    /** Short machine-readable reason (e.g. {@code bad-json}, {@code missing-field}). */
    public String reason() {
        return reason;
    }
}
