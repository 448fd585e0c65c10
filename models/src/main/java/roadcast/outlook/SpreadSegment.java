package roadcast.outlook;

/** A segment not congested now, next to a cluster (or to its spread), forecast congested in {@code inMin} minutes. */
public record SpreadSegment(String segment, int inMin) {
}
