package roadcast.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.history.SpeedHistory;

/**
 * The long CSV and the stream's archive read row by row ({@link DatasetLoader#openStreamed}, what the Flink trainer's
 * driver reads) give exactly the rows {@link DatasetLoader#load} gives: same grid, same column order, the same
 * floats (fused in the same order), with readings out of time order, several sources per cell, zeros as missing and
 * hours without any reading.
 */
class StreamedDatasetTest {

    static final String HEADER = "timestamp,segment,speed,flow,occupancy,source\n";
    static final String[] SOURCES = {"loop", "floating_car", "cellular", "other"};

    @TempDir
    Path dir;

    /** Two days of 5-minute readings of 8 segments, shuffled, some cells read by several sources, a gap. */
    private static List<String> readings(boolean zoned) {
        Random random = new Random(11);
        List<String> lines = new ArrayList<>();
        LocalDateTime start = LocalDateTime.of(2024, 3, 4, 0, 0);
        for (int t = 0; t < 2 * 288; t++) {
            if (t >= 400 && t < 430) {
                continue; // two and a half hours without a reading: NaN rows between the spool's hours
            }
            LocalDateTime time = start.plusMinutes(5L * t);
            for (int i = 0; i < 8; i++) {
                if (random.nextDouble() < 0.1) {
                    continue;
                }
                int readings = random.nextDouble() < 0.2 ? 3 : 1;
                for (int k = 0; k < readings; k++) {
                    double speed = random.nextDouble() < 0.02 ? 0 : 20 + 60 * random.nextDouble();
                    lines.add((zoned ? time.atZone(java.time.ZoneOffset.UTC).toInstant().toString() : time.toString())
                            + ",s" + i + "," + String.format(Locale.ROOT, "%.3f", speed) + ",,,"
                            + SOURCES[random.nextInt(SOURCES.length)]);
                }
            }
        }
        Collections.shuffle(lines, random);
        return lines;
    }

    private static void assertSameRows(Dataset loaded, StreamedDataset streamed) {
        SpeedHistory h = loaded.history();
        SpeedHistory header = streamed.header().history();
        assertArrayEquals(h.segmentIds(), header.segmentIds());
        assertEquals(h.start(), header.start());
        assertEquals(h.step(), header.step());
        assertEquals(h.timeZone(), header.timeZone());
        assertEquals(h.unit(), header.unit());
        assertEquals(loaded.network().size(), streamed.header().network().size());
        assertEquals(h.steps(), streamed.steps());
        int[] rows = {0};
        streamed.scan((r, time, values) -> {
            assertEquals(rows[0], r);
            assertEquals(h.time(r), time);
            for (int i = 0; i < values.length; i++) {
                if (Float.floatToIntBits(h.speed()[r][i]) != Float.floatToIntBits(values[i])) {
                    throw new AssertionError("row " + r + " segment " + i + ": " + h.speed()[r][i] + " vs "
                            + values[i]);
                }
            }
            rows[0]++;
            return true;
        });
        assertEquals(h.steps(), rows[0]);
    }

    @Test
    void aShuffledLongCsvStreamsTheLoadedRows() throws IOException {
        Path folder = dir.resolve("long");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("README.md"), "Speed unit: km/h\nTime zone: Europe/Paris\nZeros = missing\n");
        Path file = folder.resolve("export.csv");
        Files.writeString(file, HEADER + String.join("\n", readings(false)) + "\n");
        assertTrue(StreamedDataset.supports(file));
        Dataset loaded = DatasetLoader.load(file);
        try (StreamedDataset streamed = DatasetLoader.openStreamed(file)) {
            assertSameRows(loaded, streamed);
            // a second scan reads the same spool again; a visitor can stop it
            int[] seen = {0};
            streamed.scan((r, time, values) -> ++seen[0] < 5);
            assertEquals(5, seen[0]);
        }
        assertTrue(Float.isNaN(loaded.history().speed()[410][0]), "the gap is missing data");
    }

    @Test
    void theStreamsArchiveStreamsTheLoadedRowsInNetworkOrder() throws IOException {
        Path archive = dir.resolve("archive");
        Files.createDirectories(archive);
        Files.writeString(archive.resolve("README.md"), "Speed unit: mph\nTime zone: Europe/Berlin\n"
                + "Zeros = missing\nTime step: PT5M\n");
        StringBuilder sensors = new StringBuilder("sensor_id,latitude,longitude,road_class\n");
        for (int i = 7; i >= 0; i--) {
            sensors.append("s").append(i).append(",52.").append(i).append(",13.4,arterial\n");
        }
        Files.writeString(archive.resolve("sensors.csv"), sensors);
        List<String> lines = readings(true);
        // two writers per day, interleaved, and a floating car between grid times
        lines.add("2024-03-05T10:02:30.250Z,s3,17.5,,,floating_car");
        for (String day : new String[] {"2024-03-04", "2024-03-05"}) {
            List<String> ofDay = lines.stream().filter(l -> l.startsWith(day)).toList();
            Files.createDirectories(archive.resolve("day=" + day));
            Files.writeString(archive.resolve("day=" + day).resolve("part-0-0.csv"), HEADER
                    + String.join("\n", ofDay.subList(0, ofDay.size() / 2)) + "\n");
            Files.writeString(archive.resolve("day=" + day).resolve("part-1-0.csv"), HEADER
                    + String.join("\n", ofDay.subList(ofDay.size() / 2, ofDay.size())) + "\n");
        }
        assertTrue(StreamedDataset.supports(archive));
        Dataset loaded = DatasetLoader.load(archive);
        assertEquals("s7", loaded.history().segmentIds()[0], "network order");
        try (StreamedDataset streamed = DatasetLoader.openStreamed(archive)) {
            assertSameRows(loaded, streamed);
        }
    }

    @Test
    void anIrregularTimeIsReportedWithItsLine() throws IOException {
        Path file = dir.resolve("irregular.csv");
        Files.writeString(file, "timestamp,segment,speed\n2024-01-01T00:00,a,50\n2024-01-01T00:05,a,51\n"
                + "2024-01-01T00:07,a,52\n2024-01-01T00:10,a,53\n");
        DatasetFormatException loaded = assertThrows(DatasetFormatException.class, () -> DatasetLoader.load(file));
        DatasetFormatException streamed = assertThrows(DatasetFormatException.class, () -> {
            try (StreamedDataset s = DatasetLoader.openStreamed(file)) {
                s.scan((r, time, values) -> true);
            }
        });
        assertEquals(loaded.getMessage(), streamed.getMessage());
    }

    @Test
    void aWideCsvIsStreamedAndItsRowsCounted() throws IOException {
        Path file = dir.resolve("wide.csv");
        Files.writeString(file, "timestamp,a,b\n2024-01-01T00:00,1,2\n2024-01-01T00:05,3,4\n");
        assertTrue(StreamedDataset.supports(file));
        assertFalse(StreamedDataset.supports(dir.resolve("missing.csv")));
        try (StreamedDataset s = DatasetLoader.openStreamed(file)) {
            assertEquals(2, s.steps());
        }
    }
}
