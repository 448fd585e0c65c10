package roadcast.datasets.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.datasets.DatasetFormatException;
import roadcast.datasets.Fixtures;
import roadcast.datasets.SharedDatasets;
import roadcast.fusion.SourceSeries;
import roadcast.reading.Source;

class SourceFeedTest {

    private static final ZoneId ZONE = ZoneId.of("UTC");

    @TempDir
    Path dir;

    static Path mini() {
        try {
            return Path.of(SourceFeedTest.class.getResource("/sumo-mini/sources.csv").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void rowsStreamInFileOrderWithBlanksAsNaN() {
        List<FeedRow> rows = new ArrayList<>();
        long read = SourceFeed.forEach(mini(), ZONE, FeedFilter.ALL, rows::add);
        assertEquals(12, read);
        assertEquals(12, rows.size());
        FeedRow blank = rows.get(1);
        assertEquals("A1B1", blank.segment());
        assertTrue(Double.isNaN(blank.speed()), "a loop no vehicle crossed: blank speed");
        assertEquals(0.0, blank.flow());
        FeedRow probe = rows.get(2);
        assertEquals(Source.FLOATING_CAR, probe.source());
        assertEquals(41.5, probe.speed());
        assertTrue(Double.isNaN(probe.flow()) && Double.isNaN(probe.occupancy()));
        assertEquals(4, probe.line());
        assertEquals(LocalDateTime.of(2024, 3, 4, 0, 0), probe.time());
        assertTrue(SourceFeed.isFeed(mini()));
    }

    @Test
    void gridsPerSourceInTheGivenOrder() {
        SourceFeed.Grids g = SourceFeed.read(mini(), ZONE, FeedFilter.ALL, List.of("B1B0", "B1A1", "A1B1", "A1A0",
                "A0A1"));
        assertArrayEquals(new String[] {"B1A1", "A1B1", "A1A0", "A0A1"}, g.segmentIds(), "B1B0 has no row");
        assertEquals(3, g.steps());
        assertEquals(Duration.ofMinutes(5), g.step());
        assertEquals(LocalDateTime.of(2024, 3, 4, 0, 0), g.start());
        SourceSeries loop = g.of(Source.LOOP);
        SourceSeries fc = g.of(Source.FLOATING_CAR);
        assertEquals(6, loop.rows());
        assertEquals(6, fc.rows());
        assertEquals(30.5f, loop.speed()[2][3]);
        assertEquals(0.085f, loop.occupancy()[2][3], "the file's 8.5 % is the wire's fraction 0.085");
        assertEquals(60f, loop.flow()[2][3]);
        assertTrue(Float.isNaN(loop.speed()[0][1]), "blank speed stays missing");
        assertEquals(0f, loop.flow()[0][1], "its flow 0 is kept");
        assertEquals(22f, fc.speed()[2][3]);
        assertNull(fc.flow(), "floating cars give no flow");
        assertTrue(Float.isNaN(fc.speed()[1][3]));
        assertNull(g.of(Source.CELLULAR));
    }

    @Test
    void filterKeepsTheServiceModesSourcesAndDropsDarkRoads() {
        SourceFeed.Grids g = SourceFeed.read(mini(), ZONE, new FeedFilter(Set.of(Source.FLOATING_CAR),
                Set.of("A0A1")), List.of());
        assertArrayEquals(new String[] {"B1A1", "A1A0", "A1B1"}, g.segmentIds());
        assertEquals(1, g.sources().size());
        assertEquals(4, g.sources().get(0).rows());
        assertEquals(12, g.rowsRead());
        assertEquals(8, g.rowsDropped());
    }

    @Test
    void occupancyPercentIsReadAsTheWireFraction() throws IOException {
        Path feed = Fixtures.write(dir.resolve("occ.csv"), "timestamp,segment,speed,flow,occupancy,source\n"
                + "2024-03-04T00:00:00,a,50,600,12.5,loop\n2024-03-04T00:05:00,a,20,900,100,loop\n");
        List<FeedRow> rows = new ArrayList<>();
        SourceFeed.forEach(feed, ZONE, FeedFilter.ALL, rows::add);
        assertEquals(0.125, rows.get(0).occupancy(), 1e-12);
        assertEquals(1.0, rows.get(1).occupancy(), 1e-12, "a loop covered the whole interval: 100 % = 1");
        Path over = Fixtures.write(dir.resolve("over.csv"), "timestamp,segment,speed,flow,occupancy,source\n"
                + "2024-03-04T00:00:00,a,50,600,12.5,loop\n2024-03-04T00:05:00,a,20,900,130,loop\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> SourceFeed.read(over, ZONE, FeedFilter.ALL, List.of()));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("percentage"), e.getMessage());
    }

    @Test
    void badRowsNameFileAndLine() throws IOException {
        Path unknown = Fixtures.write(dir.resolve("a.csv"), "timestamp,segment,speed,source\n"
                + "2024-03-04T00:00:00,a,50,loop\n2024-03-04T00:05:00,a,50,radar\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> SourceFeed.read(unknown, ZONE, FeedFilter.ALL, List.of()));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("'radar'"), e.getMessage());
        Path offGrid = Fixtures.write(dir.resolve("b.csv.gz"), "timestamp,segment,speed,source\n"
                + "2024-03-04T00:00:00,a,50,loop\n2024-03-04T00:10:00,a,50,loop\n2024-03-04T00:25:00,a,1,loop\n");
        assertEquals(4, assertThrows(DatasetFormatException.class,
                () -> SourceFeed.read(offGrid, ZONE, FeedFilter.ALL, List.of())).line());
        Path noSource = Fixtures.write(dir.resolve("c.csv"), "timestamp,segment,speed\n2024-03-04T00:00:00,a,5\n");
        assertTrue(assertThrows(DatasetFormatException.class,
                () -> SourceFeed.read(noSource, ZONE, FeedFilter.ALL, List.of())).getMessage()
                .contains("missing column 'source'"));
        Path badSpeed = Fixtures.write(dir.resolve("d.csv"), "timestamp,segment,speed,source\n"
                + "2024-03-04T00:00:00,a,fast,loop\n");
        assertEquals(2, assertThrows(DatasetFormatException.class,
                () -> SourceFeed.read(badSpeed, ZONE, FeedFilter.ALL, List.of())).line());
    }

    @Test
    void sumoGridFeed() {
        var folder = SharedDatasets.find("sumo-grid");
        Assumptions.assumeTrue(folder.isPresent(), SharedDatasets.absentMessage("sumo-grid"));
        Path file = folder.get().resolve("sources.csv.gz");
        SourceFeed.Grids g = SourceFeed.read(file, ZONE, FeedFilter.ALL, List.of());
        // README: 247630 rows, 100800 loop, 146830 floating car
        assertEquals(247_630, g.rowsRead());
        assertEquals(100_800L, g.of(Source.LOOP).rows());
        assertEquals(146_830L, g.of(Source.FLOATING_CAR).rows());
        assertEquals(2016, g.steps());
        assertEquals(Duration.ofMinutes(5), g.step());
        assertEquals(LocalDateTime.of(2024, 3, 4, 0, 0), g.start());
        long loopEdges = 0;
        for (int i = 0; i < g.segmentIds().length; i++) {
            for (float[] row : g.of(Source.LOOP).speed()) {
                if (!Float.isNaN(row[i])) {
                    loopEdges++;
                    break;
                }
            }
        }
        assertEquals(50, loopEdges, "loops on 50 of 168 edges");
    }
}
