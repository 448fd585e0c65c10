package roadcast.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.history.SpeedHistory;
import roadcast.history.SpeedUnit;
import roadcast.network.Link;
import roadcast.network.RoadClass;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;

class DayArchiveFolderTest {

    static final String HEADER = "timestamp,segment,speed,flow,occupancy,source\n";

    @TempDir
    Path dir;

    /** Two days of Berlin local time (UTC+1 in January): 23:50 .. 00:05, every 5 minutes. */
    private Path handWrittenArchive() throws IOException {
        Path archive = dir.resolve("archive");
        Fixtures.write(archive.resolve("README.md"), """
                # Accepted readings

                Speed unit: mph
                Time zone: Europe/Berlin
                Zeros = missing
                Time step: PT5M
                """);
        Fixtures.write(archive.resolve("sensors.csv"), """
                sensor_id,latitude,longitude,road_class
                b,52.5,13.4,arterial
                a,52.6,13.5,branch
                c,52.7,13.6,branch
                """);
        Fixtures.write(archive.resolve("edges.csv"), "from,to,distance\na,b,120.5\nb,c,80\n");
        Fixtures.write(archive.resolve("day=2024-01-04/part-0-0.csv"), HEADER + """
                2024-01-04T22:50:00Z,a,50.0,,,loop
                2024-01-04T22:50:00Z,b,40.0,,,loop
                2024-01-04T22:55:00Z,a,52.0,10.0,,loop
                2024-01-04T22:57:30.250Z,a,20.0,,,floating_car
                """);
        // still being written by the sink: must not be read
        Fixtures.write(archive.resolve("day=2024-01-04/.part-0-1.csv.inprogress.3f2a"), HEADER + "garbage,\n");
        Fixtures.write(archive.resolve("day=2024-01-05/part-0-0.csv"), HEADER + """
                2024-01-04T23:00:00Z,b,41.0,,,loop
                2024-01-04T23:05:00Z,a,55.0,,,loop
                """);
        return archive;
    }

    @Test
    void readsFinishedPartsOfAllDaysAsOneTable() throws IOException {
        Dataset data = DatasetLoader.load(handWrittenArchive());
        SpeedHistory h = data.history();
        assertArrayEquals(new String[] {"b", "a"}, h.segmentIds(), "sensors.csv order; c has no reading");
        assertEquals(LocalDateTime.of(2024, 1, 4, 23, 50), h.start());
        assertEquals(Duration.ofMinutes(5), h.step());
        assertEquals(ZoneId.of("Europe/Berlin"), h.timeZone());
        assertEquals(SpeedUnit.MPH, h.unit());
        float nan = Float.NaN;
        float[][] expected = {
                {40f, 50f},
                // loop 52 and floating car 20 at 22:57:30 in one cell: weighted by credibility (1.0 and 0.6)
                {nan, (52f + 0.6f * 20f) / 1.6f},
                {41f, nan},
                {nan, 55f}};
        assertEquals(expected.length, h.steps());
        for (int t = 0; t < expected.length; t++) {
            assertArrayEquals(expected[t], h.speed()[t], 1e-4f, "row " + t);
        }
        assertEquals(10f, h.flow()[1][1], "the floating car has no flow and leaves the loop's");
        assertTrue(Float.isNaN(h.flow()[0][1]));

        RoadNetwork network = data.network();
        assertEquals(RoadClass.ARTERIAL, network.segment(0).roadClass());
        assertEquals(52.6, network.segment(1).latitude(), 1e-9);
        assertEquals(List.of(new Link(1, 0, 120.5, 1.0)), network.links());
    }

    @Test
    void namesFileAndLineOfABadReading() throws IOException {
        Path archive = handWrittenArchive();
        Path part = Fixtures.write(archive.resolve("day=2024-01-05/part-0-1.csv"), HEADER + """
                2024-01-04T23:10:00Z,a,55.0,,,loop
                2024-01-04T23:10:00Z,b,fast,,,loop
                """);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> DatasetLoader.load(archive));
        assertEquals(part.toString(), e.file());
        assertEquals(3, e.line());
    }

    @Test
    void saysWhenNoFileIsFinishedYet() throws IOException {
        Path archive = dir.resolve("young");
        Fixtures.write(archive.resolve("day=2024-01-04/.part-0-0.csv.inprogress.1"), HEADER);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> DatasetLoader.load(archive));
        assertTrue(e.getMessage().contains("no finished archive file yet"), e.getMessage());
    }

    @Test
    void describeWritesWhatTheLoaderReadsAndKeepsExistingFiles() throws IOException {
        Path archive = dir.resolve("described");
        RoadNetwork network = new RoadNetwork(List.of(
                new Segment("s,1", 31.2, 121.4, RoadClass.EXPRESSWAY),
                new Segment("s2", Double.NaN, Double.NaN, RoadClass.UNKNOWN)),
                List.of(new Link(0, 1, Double.NaN, 0.5)));
        Fixtures.write(archive.resolve("edges.csv"), "from,to,distance\ns2,\"s,1\",7\n");
        DayArchiveFolder.describe(archive, "# Test archive", SpeedUnit.KMH, ZoneId.of("Asia/Shanghai"),
                Duration.ofMinutes(10), network);
        Fixtures.write(archive.resolve("day=2024-01-04/part-0-0.csv"), HEADER + """
                2024-01-04T00:00:00Z,s2,30.0,,,loop
                2024-01-04T00:03:00Z,"s,1",60.0,,,cellular
                2024-01-04T00:10:00Z,s2,0.0,,,loop
                """);
        Dataset data = DatasetLoader.load(archive);
        SpeedHistory h = data.history();
        assertArrayEquals(new String[] {"s,1", "s2"}, h.segmentIds());
        assertEquals(SpeedUnit.KMH, h.unit());
        assertEquals(ZoneId.of("Asia/Shanghai"), h.timeZone());
        assertEquals(Duration.ofMinutes(10), h.step());
        assertEquals(LocalDateTime.of(2024, 1, 4, 8, 0), h.start());
        assertArrayEquals(new float[] {60f, 30f}, h.speed()[0]);
        assertTrue(Float.isNaN(h.speed()[1][1]), "zeros = missing");
        assertEquals(RoadClass.EXPRESSWAY, data.network().segment(0).roadClass());
        assertTrue(!data.network().segment(1).hasCoordinates());
        assertEquals(List.of(new Link(1, 0, 7.0, 1.0)), data.network().links(), "the existing edges.csv is kept");
    }
}
