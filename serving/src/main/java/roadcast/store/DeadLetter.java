package roadcast.store;

/**
 * A record that could not be read, kept with the reason so that nothing is dropped silently. Same fields as the
 * stream's dead-letter topic (docs/CONTRACTS.md).
 */
public record DeadLetter(String reason, String detail, String payload, String topic, int partition, long offset,
                         long rejectedAt) {
}
