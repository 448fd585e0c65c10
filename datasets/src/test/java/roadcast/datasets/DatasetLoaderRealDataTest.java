package roadcast.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import roadcast.history.SpeedHistory;
import roadcast.history.SpeedUnit;

/** The readers on the real shared data sets; skipped where ../shared is absent. */
class DatasetLoaderRealDataTest {

    private static Path shared(String name) {
        var folder = SharedDatasets.find(name);
        Assumptions.assumeTrue(folder.isPresent(), SharedDatasets.absentMessage(name));
        return folder.get();
    }

    private static long nanCount(float[][] m) {
        long n = 0;
        for (float[] row : m) {
            for (float x : row) {
                if (Float.isNaN(x)) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void losLoop() {
        Dataset d = DatasetLoader.load(shared("los-loop"));
        SpeedHistory h = d.history();
        assertEquals("los-loop", d.name());
        assertEquals(2016, h.steps());
        assertEquals(207, h.segments());
        assertEquals(SpeedUnit.MPH, h.unit());
        assertEquals(ZoneId.of("America/Los_Angeles"), h.timeZone());
        assertEquals(Duration.ofMinutes(5), h.step());
        assertEquals(LocalDateTime.of(2012, 3, 1, 0, 0), h.start());
        assertEquals("773869", h.segmentIds()[0]);
        assertEquals(64.375f, h.speed()[0][0]);
        assertEquals(62.6667f, h.speed()[1][0]);
        assertEquals(0, nanCount(h.speed()), "Los-loop was interpolated by its authors");
        assertArrayEquals(h.segmentIds(), d.network().segmentIds());
        assertEquals(34.15497, d.network().segment(0).latitude(), 1e-9);
        // 11753 distance pairs minus 207 self pairs
        assertEquals(11753 - 207, d.network().links().size());
        assertTrue(d.provenance().contains("T-GCN"));
        assertNull(h.flow());
    }

    @Test
    void szTaxiZerosAreMissing() {
        Dataset d = DatasetLoader.load(shared("sz-taxi-40roads"));
        SpeedHistory h = d.history();
        assertEquals(2976, h.steps());
        assertEquals(40, h.segments());
        assertEquals(SpeedUnit.KMH, h.unit());
        assertEquals(ZoneId.of("Asia/Shanghai"), h.timeZone());
        assertEquals(Duration.ofMinutes(15), h.step());
        // README: zero fraction 0.061257 in the 9-decimal source; a few more cells round to 0 at 4 decimals
        assertEquals(0.061257, nanCount(h.speed()) / (double) (2976 * 40), 1e-4);
        assertEquals(95, d.network().links().size());
        assertTrue(Double.isNaN(d.network().segment(0).latitude()));
        assertEquals(1.0, d.network().links().get(0).weight());
    }

    @Test
    void pemsd8HasThreeChannels() {
        Dataset d = DatasetLoader.load(shared("pemsd8-partial"));
        SpeedHistory h = d.history();
        assertEquals(1282, h.steps());
        assertEquals(170, h.segments());
        assertEquals(SpeedUnit.MPH, h.unit());
        assertEquals(ZoneId.of("America/Los_Angeles"), h.timeZone());
        assertNotNull(h.flow());
        assertNotNull(h.occupancy());
        assertEquals(1282, h.flow().length);
        assertEquals(295, d.network().links().size());
        assertEquals(0, nanCount(h.speed()));
    }

    @Test
    void losLoopHdf5EqualsTheCsv() {
        Path folder = shared("los-loop");
        Dataset csv = DatasetLoader.load(folder);
        Dataset h5 = DatasetLoader.load(folder.resolve("los-loop.h5"));
        assertArrayEquals(csv.history().segmentIds(), h5.history().segmentIds());
        assertEquals(csv.history().start(), h5.history().start());
        assertEquals(csv.history().step(), h5.history().step());
        assertEquals(csv.history().unit(), h5.history().unit());
        assertEquals(csv.history().timeZone(), h5.history().timeZone());
        for (int t = 0; t < csv.history().steps(); t++) {
            assertArrayEquals(csv.history().speed()[t], h5.history().speed()[t], "row " + t);
        }
        assertEquals(csv.network().links().size(), h5.network().links().size());
    }

    @Test
    void truncatedNpzGivesAClearError() {
        Path file = shared("pemsd8-partial").resolve("original/pems08.npz.TRUNCATED");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> DatasetLoader.load(file));
        assertTrue(e.getMessage().contains("pems08.npz.TRUNCATED") && e.getMessage().contains("not a valid .npz"),
                e.getMessage());
    }

    @Test
    void graphOnlyFolderIsRefusedClearly() {
        // Resolved outside assertThrows: without ../shared the test must skip, not fail on the assumption.
        Path metrLa = shared("metr-la");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> DatasetLoader.load(metrLa));
        assertTrue(e.getMessage().contains("no speed data"), e.getMessage());
    }
}
