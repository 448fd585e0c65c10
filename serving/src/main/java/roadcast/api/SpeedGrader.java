package roadcast.api;

/** Grades an observed speed of a segment into a congestion level wire name; null when it cannot. */
@FunctionalInterface
public interface SpeedGrader {
    String level(String segmentId, double speed);
}
