package roadcast.datasets;

import roadcast.history.SpeedHistory;
import roadcast.network.RoadNetwork;

/**
 * A loaded data set: the network, its speed history (columns in network segment order) and where it came from.
 *
 * @param name       short name (the folder name for the shared layout)
 * @param network    segments and links
 * @param history    the time grid of speeds (and flow/occupancy where present)
 * @param provenance sources, citation and licence as the data set's README states them ("" where there is none);
 *                   copied into the model card of every model trained on it
 */
public record Dataset(String name, RoadNetwork network, SpeedHistory history, String provenance) {
}
