package roadcast.datasets.csv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.datasets.DatasetFormatException;
import roadcast.datasets.Fixtures;

class WideCsvTest {

    @TempDir
    Path dir;

    @Test
    void readsGzipWithEmptyCellsAsNaN() throws IOException {
        Path file = Fixtures.write(dir.resolve("speed.csv.gz"), """
                timestamp,a,b,c
                2024-01-01T00:00:00,61.5,,-3
                2024-01-01T00:05:00,60.25,0,1e2\r
                
                2024-01-01T00:10:00,NaN,"7.125",.5
                """);
        WideTable table = WideCsv.read(file);
        assertArrayEquals(new String[] {"a", "b", "c"}, table.columnIds());
        assertEquals(LocalDateTime.of(2024, 1, 1, 0, 0), table.start());
        assertEquals(Duration.ofMinutes(5), table.step());
        assertEquals(3, table.rows());
        assertEquals(61.5f, table.values()[0][0]);
        assertTrue(Float.isNaN(table.values()[0][1]));
        assertEquals(-3f, table.values()[0][2]);
        assertEquals(0f, table.values()[1][1]);
        assertEquals(100f, table.values()[1][2]);
        assertTrue(Float.isNaN(table.values()[2][0]));
        assertEquals(7.125f, table.values()[2][1]);
        assertEquals(0.5f, table.values()[2][2]);
    }

    @Test
    void numbersMatchJavaParsing() throws IOException {
        String[] samples = {"62.66666667", "64.375", "0.0001", "80.5321", "12345678.125", "1234567890123456789.5",
            "-0.75", "3"};
        StringBuilder csv = new StringBuilder("timestamp");
        for (int i = 0; i < samples.length; i++) {
            csv.append(",s").append(i);
        }
        csv.append("\n2024-01-01T00:00:00,").append(String.join(",", samples));
        csv.append("\n2024-01-01T00:15:00,").append(String.join(",", samples)).append('\n');
        WideTable table = WideCsv.read(Fixtures.write(dir.resolve("n.csv"), csv.toString()));
        for (int i = 0; i < samples.length; i++) {
            assertEquals(Float.parseFloat(samples[i]), table.values()[1][i], samples[i]);
        }
        assertEquals(Duration.ofMinutes(15), table.step());
    }

    private DatasetFormatException failure(String name, String text) throws IOException {
        Path file = Fixtures.write(dir.resolve(name), text);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> WideCsv.read(file));
        assertTrue(e.getMessage().startsWith(file.toString() + ":"), e.getMessage());
        return e;
    }

    @Test
    void nonNumericValueNamesFileLineAndColumn() throws IOException {
        DatasetFormatException e = failure("bad.csv.gz", """
                timestamp,a,b
                2024-01-01T00:00:00,1,2
                2024-01-01T00:05:00,1,fast
                """);
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("'fast'") && e.getMessage().contains("column b"), e.getMessage());
    }

    @Test
    void raggedRowsAreReportedAtTheirLine() throws IOException {
        assertEquals(3, failure("short.csv", "timestamp,a,b\n2024-01-01T00:00:00,1,2\n2024-01-01T00:05:00,1\n")
                .line());
        DatasetFormatException e = failure("long.csv", "timestamp,a,b\n2024-01-01T00:00:00,1,2,3\n");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("ragged row: 3 values"), e.getMessage());
    }

    @Test
    void emptyFileAndMissingColumnsAreErrors() throws IOException {
        assertTrue(failure("empty.csv", "").getMessage().contains("empty file"));
        assertTrue(failure("empty.csv.gz", "").getMessage().contains("empty file"));
        DatasetFormatException noTime = failure("nots.csv", "a,b\n1,2\n");
        assertEquals(1, noTime.line());
        assertTrue(noTime.getMessage().contains("missing column"), noTime.getMessage());
        assertTrue(failure("noseg.csv", "timestamp\n2024-01-01T00:00:00\n").getMessage().contains("missing column"));
        assertTrue(failure("norows.csv", "timestamp,a\n").getMessage().contains("no data rows"));
    }

    @Test
    void truncatedGzipIsAnErrorNotASilentShortFile() throws IOException {
        StringBuilder csv = new StringBuilder("timestamp,a,b\n");
        java.util.Random random = new java.util.Random(1);
        for (int t = 0; t < 5000; t++) {
            csv.append(LocalDateTime.of(2024, 1, 1, 0, 0).plusMinutes(5L * t)).append(":00,")
                    .append(random.nextInt(1000) / 10.0).append(',').append(random.nextInt(1000) / 10.0).append('\n');
        }
        Path whole = Fixtures.write(dir.resolve("whole.csv.gz"), csv.toString());
        assertEquals(5000, WideCsv.read(whole).rows());
        byte[] bytes = java.nio.file.Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.csv.gz");
        java.nio.file.Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> WideCsv.read(cut));
        assertTrue(e.getMessage().startsWith(cut.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void badTimestampsAreErrors() throws IOException {
        DatasetFormatException gap = failure("gap.csv", """
                timestamp,a
                2024-01-01T00:00:00,1
                2024-01-01T00:05:00,1
                2024-01-01T00:15:00,1
                """);
        assertEquals(4, gap.line());
        assertTrue(gap.getMessage().contains("irregular"), gap.getMessage());
        assertEquals(2, failure("when.csv", "timestamp,a\nyesterday,1\n").line());
        assertTrue(failure("back.csv", "timestamp,a\n2024-01-01T00:05:00,1\n2024-01-01T00:00:00,1\n")
                .getMessage().contains("increase"));
    }
}
