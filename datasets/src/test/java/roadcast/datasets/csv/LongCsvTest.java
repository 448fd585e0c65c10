package roadcast.datasets.csv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.datasets.DatasetFormatException;
import roadcast.datasets.Fixtures;

class LongCsvTest {

    @TempDir
    Path dir;

    @Test
    void buildsTheGridWithNaNWhereNoRowAndFusesSources() throws IOException {
        Path file = Fixtures.write(dir.resolve("export.csv"), """
                segment,timestamp,speed,source
                x,2024-05-01T08:00:00+08:00,40,loop
                y,2024-05-01T08:00:00+08:00,30,floating_car
                x,2024-05-01T08:10:00+08:00,50,loop
                x,2024-05-01T08:10:00+08:00,20,floating-car
                y,2024-05-01T00:20:00Z,33,cellular
                """);
        LongCsv.Table table = LongCsv.read(file, ZoneId.of("UTC"));
        assertArrayEquals(new String[] {"x", "y"}, table.segmentIds());
        assertEquals(ZoneOffset.ofHours(8), table.timeZone());
        assertEquals(LocalDateTime.of(2024, 5, 1, 8, 0), table.start());
        assertEquals(Duration.ofMinutes(10), table.step());
        assertEquals(3, table.speed().length);
        assertEquals(40f, table.speed()[0][0]);
        assertEquals(30f, table.speed()[0][1]);
        assertTrue(Float.isNaN(table.speed()[1][1]), "no row for y at 08:10");
        assertTrue(Float.isNaN(table.speed()[2][0]), "no row for x at 08:20");
        // (1.0 * 50 + 0.6 * 20) / 1.6
        assertEquals(62.0 / 1.6, table.speed()[1][0], 1e-5);
        assertEquals(33f, table.speed()[2][1]); // 00:20Z = 08:20+08:00
        assertNull(table.flow());
    }

    @Test
    void localTimesUseTheDefaultZoneAndOptionalChannels() throws IOException {
        Path file = Fixtures.write(dir.resolve("local.csv"), """
                timestamp,segment,speed,flow,occupancy
                2024-05-01T08:00,a,40,100,0.1
                2024-05-01T08:15,a,,120,0.2
                """);
        LongCsv.Table table = LongCsv.read(file, ZoneId.of("Asia/Shanghai"));
        assertEquals(ZoneId.of("Asia/Shanghai"), table.timeZone());
        assertEquals(100f, table.flow()[0][0]);
        assertTrue(Float.isNaN(table.speed()[1][0]));
        assertEquals(Duration.ofMinutes(15), table.step());
    }

    private DatasetFormatException failure(String text) throws IOException {
        Path file = Fixtures.write(dir.resolve("bad" + text.hashCode() + ".csv"), text);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> LongCsv.read(file, ZoneId.of("UTC")));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        return e;
    }

    @Test
    void badInputNamesTheLine() throws IOException {
        assertTrue(failure("timestamp,speed\n2024-05-01T08:00,4\n").getMessage().contains("missing column 'segment'"));
        assertEquals(3, failure("timestamp,segment,speed\n2024-05-01T08:00,a,4\n2024-05-01T08:05,a,x\n").line());
        assertEquals(2, failure("timestamp,segment,speed\n2024-05-01T08:00,a\n").line());
        assertEquals(5, failure("timestamp,segment,speed\n2024-05-01T08:00,a,4\n2024-05-01T08:10,a,4\n"
                + "2024-05-01T08:15,a,4\n2024-05-01T08:22,a,4\n").line());
        assertEquals(3, failure("timestamp,segment,speed,source\n2024-05-01T08:00,a,4,loop\n"
                + "2024-05-01T08:05,a,4,drone\n").line());
        assertEquals(3, failure("timestamp,segment,speed\n2024-05-01T08:00Z,a,4\n2024-05-01T08:05,a,4\n").line());
        assertTrue(failure("").getMessage().contains("empty file"));
    }
}
