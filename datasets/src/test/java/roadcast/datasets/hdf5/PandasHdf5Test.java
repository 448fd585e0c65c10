package roadcast.datasets.hdf5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.datasets.DatasetFormatException;
import roadcast.datasets.csv.WideTable;

class PandasHdf5Test {

    @TempDir
    Path dir;

    private static final long FIVE_MINUTES_NS = 300_000_000_000L;
    /** 2012-03-01T00:00 written as if UTC, as pandas does with naive local times. */
    private static final long START_NS = 1_330_560_000_000_000_000L;

    private Path write(String name, long[] axis1, boolean withAxis1) {
        Path file = dir.resolve(name);
        try (WritableHdfFile out = HdfFile.write(file)) {
            WritableGroup df = out.putGroup("df");
            df.putDataset("axis0", new long[] {773869, 767541});
            df.putDataset("block0_items", new long[] {773869, 767541});
            if (withAxis1) {
                df.putDataset("axis1", axis1);
            }
            df.putDataset("block0_values", new double[][] {{64.375, 67.625}, {62.666666666666664, 0.0},
                {64.0, Double.NaN}});
        }
        return file;
    }

    @Test
    void readsThePandasFixedLayout() {
        Path file = write("ok.h5", new long[] {START_NS, START_NS + FIVE_MINUTES_NS, START_NS + 2 * FIVE_MINUTES_NS},
                true);
        WideTable table = PandasHdf5.read(file);
        assertArrayEquals(new String[] {"773869", "767541"}, table.columnIds());
        assertEquals(LocalDateTime.of(2012, 3, 1, 0, 0), table.start());
        assertEquals(Duration.ofMinutes(5), table.step());
        assertEquals((float) 62.666666666666664, table.values()[1][0]);
        assertTrue(Float.isNaN(table.values()[2][1]));
    }

    @Test
    void refusesOtherLayoutsAndIrregularTimes() throws Exception {
        Path noTime = write("notime.h5", null, false);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> PandasHdf5.read(noTime));
        assertTrue(e.getMessage().contains("notime.h5") && e.getMessage().contains("/df/axis1"), e.getMessage());

        Path irregular = write("gap.h5", new long[] {START_NS, START_NS + FIVE_MINUTES_NS,
            START_NS + 3 * FIVE_MINUTES_NS}, true);
        assertTrue(assertThrows(DatasetFormatException.class, () -> PandasHdf5.read(irregular)).getMessage()
                .contains("irregular time step at row 2"));

        Path junk = Files.writeString(dir.resolve("junk.h5"), "not hdf5 at all");
        assertTrue(assertThrows(DatasetFormatException.class, () -> PandasHdf5.read(junk)).getMessage()
                .contains("junk.h5"));
    }
}
