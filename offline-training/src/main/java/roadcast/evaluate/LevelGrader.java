package roadcast.evaluate;

/**
 * Grades a speed of a network segment into a congestion level (ordinal of
 * {@link roadcast.congestion.CongestionLevel}), -1 when it cannot be told; the backtest scores levels with it.
 */
@FunctionalInterface
public interface LevelGrader {
    int level(int segment, double speed);
}
