package roadcast.datasets.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.datasets.DatasetFormatException;
import roadcast.datasets.Fixtures;
import roadcast.datasets.SharedDatasets;
import roadcast.network.CoverageNetwork;
import roadcast.network.Link;
import roadcast.network.RoadClass;

/** The network files of the simulated cities (sumo-grid layout): road classes local/arterial/expressway, lengths. */
class SumoNetworkTest {

    @TempDir
    Path dir;

    static Path mini() {
        try {
            return Path.of(SumoNetworkTest.class.getResource("/sumo-mini").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void localRoadsAreBranchRoadsAndLengthsAreRead() {
        Map<String, NetworkFiles.SensorRow> sensors = NetworkFiles.readSensors(mini().resolve("sensors.csv"));
        assertEquals(5, sensors.size());
        assertEquals(RoadClass.BRANCH, sensors.get("A0A1").roadClass(), "local street = GB/T 33171 branch road");
        assertEquals(RoadClass.ARTERIAL, sensors.get("A1B1").roadClass());
        assertEquals(RoadClass.EXPRESSWAY, sensors.get("B1A1").roadClass());
        assertEquals(339.6, sensors.get("A0A1").lengthMetres());
        assertEquals(332.4, sensors.get("B1B0").lengthMetres());

        String[] columns = {"A0A1", "A1A0", "A1B1", "B1A1"};
        CoverageNetwork coverage = NetworkFiles.readCoverage(columns, mini().resolve("sensors.csv"),
                mini().resolve("edges.csv"));
        assertEquals(4, coverage.observedCount());
        assertEquals(1, coverage.extendedCount(), "B1B0 has no column: an extended road");
        assertEquals(5, coverage.all().links().size());
        assertTrue(coverage.all().links().contains(new Link(0, 2, 339.6, 1.0)), "A0A1 -> A1B1, length of A0A1");
    }

    @Test
    void anUnknownRoadClassOrANegativeLengthNamesTheLine() throws IOException {
        Path bad = Fixtures.write(dir.resolve("sensors.csv"), "sensor_id,latitude,longitude,road_class,length_m\n"
                + "a,1,1,local,10\nb,1,1,footpath,10\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> NetworkFiles.readSensors(bad));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("'footpath'") && e.getMessage().contains("local"), e.getMessage());
        Path negative = Fixtures.write(dir.resolve("s2.csv"), "sensor_id,latitude,longitude,road_class,length_m\n"
                + "a,1,1,local,-3\n");
        assertTrue(assertThrows(DatasetFormatException.class, () -> NetworkFiles.readSensors(negative)).getMessage()
                .contains("length_m"));
    }

    @Test
    void sumoGridNetworkLoads() {
        var folder = SharedDatasets.find("sumo-grid");
        Assumptions.assumeTrue(folder.isPresent(), SharedDatasets.absentMessage("sumo-grid"));
        Map<String, NetworkFiles.SensorRow> sensors = NetworkFiles.readSensors(folder.get().resolve("sensors.csv"));
        assertEquals(168, sensors.size());
        Map<RoadClass, Integer> classes = new EnumMap<>(RoadClass.class);
        sensors.values().forEach(s -> classes.merge(s.roadClass(), 1, Integer::sum));
        // README: >= 80 km/h expressway (12), 60 km/h arterial (36), 50 km/h local (120)
        assertEquals(Map.of(RoadClass.EXPRESSWAY, 12, RoadClass.ARTERIAL, 36, RoadClass.BRANCH, 120), classes);
        assertTrue(sensors.values().stream().allMatch(s -> s.lengthMetres() > 50 && s.lengthMetres() < 400));
        CoverageNetwork coverage = NetworkFiles.readCoverage(sensors.keySet().toArray(new String[0]),
                folder.get().resolve("sensors.csv"), folder.get().resolve("edges.csv"));
        assertEquals(168, coverage.observedCount());
        assertEquals(428, coverage.all().links().size(), "edges.csv: 428 directed edge-to-edge connections");
    }
}
