package roadcast.datasets;

import roadcast.history.SpeedHistory;
import roadcast.network.CoverageNetwork;
import roadcast.network.RoadNetwork;

/**
 * A loaded data set: the network, its speed history (columns in network segment order) and where it came from.
 *
 * @param name       short name (the folder name for the shared layout)
 * @param network    the observed segments (those with a speed column) and the links among them
 * @param history    the time grid of speeds (and flow/occupancy where present)
 * @param provenance sources, citation and licence as the data set's README states them ("" where there is none);
 *                   copied into the model card of every model trained on it
 * @param coverage   every road of the network files: the observed segments then the extended ones (listed in
 *                   sensors.csv without a speed column)
 */
public record Dataset(String name, RoadNetwork network, SpeedHistory history, String provenance,
                      CoverageNetwork coverage) {

    public Dataset {
        if (coverage == null) {
            coverage = CoverageNetwork.observedOnly(network);
        } else if (coverage.observedCount() != network.size()) {
            throw new IllegalArgumentException("coverage has " + coverage.observedCount() + " observed segments, the "
                    + "network " + network.size());
        }
    }

    /** A data set whose network is all observed. */
    public Dataset(String name, RoadNetwork network, SpeedHistory history, String provenance) {
        this(name, network, history, provenance, null);
    }
}
