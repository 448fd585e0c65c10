package roadcast.network;

/**
 * Road classes of GB/T 33171-style congestion grading. UNKNOWN segments are graded by their ratio to free-flow
 * speed instead of absolute speed bands.
 */
public enum RoadClass {
    EXPRESSWAY, ARTERIAL, SECONDARY, BRANCH, UNKNOWN
}
