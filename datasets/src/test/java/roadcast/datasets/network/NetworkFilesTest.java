package roadcast.datasets.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.datasets.DatasetFormatException;
import roadcast.datasets.Fixtures;
import roadcast.network.CoverageNetwork;
import roadcast.network.Link;
import roadcast.network.RoadClass;
import roadcast.network.RoadNetwork;

class NetworkFilesTest {

    @TempDir
    Path dir;

    @Test
    void distancesSelfLoopsAndSensorsWithoutData() throws IOException {
        Path sensors = Fixtures.write(dir.resolve("sensors.csv"), """
                sensor_id,latitude,longitude,road_class
                a,34.1,-118.2,expressway
                b,34.2,-118.3,
                c,,,branch
                z,34.0,-118.0,arterial
                """);
        Path edges = Fixtures.write(dir.resolve("edges.csv"), """
                from,to,distance
                a,a,0
                a,b,812.5
                b,c,100
                c,z,50
                """);
        RoadNetwork network = NetworkFiles.read(new String[] {"c", "a", "b", "d"}, sensors, edges);
        assertEquals(4, network.size());
        assertEquals("c", network.segment(0).id());
        assertTrue(Double.isNaN(network.segment(0).latitude()));
        assertEquals(RoadClass.BRANCH, network.segment(0).roadClass());
        assertEquals(34.1, network.segment(1).latitude());
        assertEquals(RoadClass.EXPRESSWAY, network.segment(1).roadClass());
        assertEquals(RoadClass.UNKNOWN, network.segment(2).roadClass());
        assertTrue(!network.segment(3).hasCoordinates(), "d is not in sensors.csv");
        // a->a dropped (self-loop), c->z dropped (z has no data)
        assertEquals(2, network.links().size());
        assertEquals(new Link(1, 2, 812.5, 1.0), network.links().get(0));
        assertEquals(new Link(2, 0, 100, 1.0), network.links().get(1));
    }

    @Test
    void weightsAndSensorsWithoutCoordinateColumns() throws IOException {
        Path sensors = Fixtures.write(dir.resolve("s.csv"), "sensor_id\n1\n2\n");
        Path edges = Fixtures.write(dir.resolve("e.csv"), "from,to,weight\n1,2,0.25\n2,1,1\n");
        RoadNetwork network = NetworkFiles.read(new String[] {"1", "2"}, sensors, edges);
        assertTrue(Double.isNaN(network.segment(1).longitude()));
        assertEquals(0.25, network.links().get(0).weight());
        assertTrue(Double.isNaN(network.links().get(0).distance()));
    }

    @Test
    void unknownIdsAndBadRowsNameTheLine() throws IOException {
        Path sensors = Fixtures.write(dir.resolve("s.csv"), "sensor_id,latitude,longitude\n1,1,1\n2,2,2\n");
        Path unknown = Fixtures.write(dir.resolve("e1.csv"), "from,to,distance\n1,2,5\n2,99,3\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> NetworkFiles.read(new String[] {"1", "2"}, sensors, unknown));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("'99'") && e.getMessage().contains("e1.csv"), e.getMessage());

        Path ragged = Fixtures.write(dir.resolve("e2.csv"), "from,to,distance\n1,2\n");
        assertEquals(2, assertThrows(DatasetFormatException.class,
                () -> NetworkFiles.read(new String[] {"1", "2"}, sensors, ragged)).line());
        Path header = Fixtures.write(dir.resolve("e3.csv"), "source,target,length\n1,2,3\n");
        assertTrue(assertThrows(DatasetFormatException.class,
                () -> NetworkFiles.read(new String[] {"1", "2"}, sensors, header)).getMessage()
                .contains("missing column"));
        Path badSensor = Fixtures.write(dir.resolve("s2.csv"), "sensor_id,latitude,longitude\n1,north,1\n");
        DatasetFormatException s = assertThrows(DatasetFormatException.class,
                () -> NetworkFiles.read(new String[] {"1"}, badSensor, null));
        assertEquals(2, s.line());
        assertTrue(s.getMessage().contains("latitude"), s.getMessage());
    }

    @Test
    void sensorsWithoutSpeedColumnJoinAsExtendedSegments() throws IOException {
        Path sensors = Fixtures.write(dir.resolve("sensors.csv"), """
                sensor_id,latitude,longitude
                a,34.1,-118.2
                x,34.15,-118.25
                b,34.2,-118.3
                y,,
                lonely,,
                """);
        Path edges = Fixtures.write(dir.resolve("edges.csv"), """
                from,to,distance
                a,x,300
                x,b,400
                y,a,250
                """);
        CoverageNetwork coverage = NetworkFiles.readCoverage(new String[] {"a", "b"}, sensors, edges);
        assertEquals(2, coverage.observedCount());
        // x has coordinates and a road path, y only a road path (upstream of a), lonely neither: excluded
        assertEquals(java.util.List.of("x", "y"), coverage.extended().stream().map(s -> s.id()).toList());
        assertEquals(java.util.List.of("lonely"), coverage.excluded());
        assertEquals(new Link(0, 2, 300, 1.0), coverage.all().links().get(0));
        assertEquals(new Link(3, 0, 250, 1.0), coverage.all().links().get(2));
        // the observed network keeps the links among observed segments only
        assertEquals(0, coverage.observed().links().size());
        assertEquals(2, coverage.observed().size());

        // hiding an observed segment makes it extended; an unknown id is named
        CoverageNetwork hidden = coverage.hide(java.util.List.of("a"));
        assertEquals(1, hidden.observedCount());
        assertEquals("b", hidden.all().segment(0).id());
        assertEquals("a", hidden.all().segment(1).id());
        assertEquals(java.util.List.of("lonely"), hidden.excluded());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> coverage.hide(java.util.List.of("nope")));
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> coverage.hide(java.util.List.of("x")))
                .getMessage().contains("already extended"));
    }

    @Test
    void edgeToAnIdInNeitherFileIsAnErrorNamingIt() throws IOException {
        Path sensors = Fixtures.write(dir.resolve("s.csv"), "sensor_id\n1\n2\n3\n");
        Path edges = Fixtures.write(dir.resolve("e.csv"), "from,to,distance\n1,3,5\n3,ghost,3\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> NetworkFiles.readCoverage(new String[] {"1", "2"}, sensors, edges));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("'ghost'"), e.getMessage());
    }
}
