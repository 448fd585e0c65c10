package roadcast.store;

/** The next offset to read from one topic partition, written in the same batch as the data it covers. */
public record PartitionPosition(String topic, int partition, long nextOffset) {
}
