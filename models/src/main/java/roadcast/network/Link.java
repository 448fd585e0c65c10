package roadcast.network;

/**
 * A directed link between two segments of a {@link RoadNetwork}, by segment index.
 *
 * @param from     index of the upstream segment
 * @param to       index of the downstream segment
 * @param distance road-network distance in the data set's unit (metres for METR-LA), NaN where only a weight is known
 * @param weight   adjacency weight in (0, 1]; 1 where only a distance or a plain adjacency is known
 */
public record Link(int from, int to, double distance, double weight) {
}
