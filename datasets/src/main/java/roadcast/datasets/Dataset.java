package roadcast.datasets;

import roadcast.datasets.feed.SourceFeed;
import roadcast.fusion.FusionModel;
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
 * @param feed       where the history is a multi-source feed ({@code sources.csv.gz}): the sources on the history's
 *                   grid and columns, which {@code history} fuses; null for a history of one speed per cell
 * @param fusion     the fusion that made {@code history} from {@code feed} (fitted on the feed's rows it names);
 *                   null without a feed
 */
public record Dataset(String name, RoadNetwork network, SpeedHistory history, String provenance,
                      CoverageNetwork coverage, SourceFeed.Grids feed, FusionModel fusion) {

    /** A data set whose history is one speed per cell (no feed). */
    public Dataset(String name, RoadNetwork network, SpeedHistory history, String provenance,
                   CoverageNetwork coverage) {
        this(name, network, history, provenance, coverage, null, null);
    }

    public Dataset {
        if (coverage == null) {
            coverage = CoverageNetwork.observedOnly(network);
        } else if (coverage.observedCount() != network.size()) {
            throw new IllegalArgumentException("coverage has " + coverage.observedCount() + " observed segments, the "
                    + "network " + network.size());
        }
        if (fusion != null && feed == null) {
            throw new IllegalArgumentException("a fusion comes with the feed it fused");
        }
    }

    /** A data set whose network is all observed. */
    public Dataset(String name, RoadNetwork network, SpeedHistory history, String provenance) {
        this(name, network, history, provenance, null, null, null);
    }
}
