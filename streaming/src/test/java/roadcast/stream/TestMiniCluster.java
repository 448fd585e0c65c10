package roadcast.stream;

import java.util.Map;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The Flink mini-cluster of the job tests: one TaskManager, no restarts (a failing job fails the test, not loops). */
public final class TestMiniCluster {

    private TestMiniCluster() {
    }

    public static MiniClusterExtension withSlots(int slots) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .setConfiguration(Configuration.fromMap(Map.of("restart-strategy.type", "none")))
                .build());
    }
}
