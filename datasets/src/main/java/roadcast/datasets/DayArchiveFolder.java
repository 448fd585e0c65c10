package roadcast.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import roadcast.datasets.csv.LongCsv;
import roadcast.datasets.network.NetworkFiles;
import roadcast.history.SpeedUnit;
import roadcast.network.RoadNetwork;

/**
 * The streaming job's day-partitioned archive read as a data set: {@code DIR/day=YYYY-MM-DD/part-*.csv} in the long
 * layout ({@link LongCsv}), with {@code README.md}, {@code sensors.csv} and {@code edges.csv} in {@code DIR} as in
 * any data-set folder. Only finished part files count: the file sink writes into hidden in-progress files
 * ({@code .part-...inprogress...}) and renames them at checkpoints, so a hidden file may still grow or vanish.
 *
 * <p>The README also names the step ({@code Time step: PT5M}), because the archive holds every accepted reading at
 * its own time (floating cars between grid times): readings are binned into steps counted from the epoch, as the
 * streaming job binned them. Without that line the step is inferred as for any long CSV.
 */
public final class DayArchiveFolder {

    private static final Pattern DAY = Pattern.compile("day=\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern STEP_LINE = Pattern.compile("(?im)^\\W*time step\\W*:\\s*(P\\S+)");

    private DayArchiveFolder() {
    }

    /** Whether {@code folder} has at least one {@code day=YYYY-MM-DD} subfolder. */
    public static boolean isArchive(Path folder) {
        return !days(folder).isEmpty();
    }

    /**
     * Writes the README, sensors.csv and edges.csv of an archive into {@code folder}, each only if missing.
     *
     * @param provenance README text above the convention lines (what wrote the archive)
     */
    public static void describe(Path folder, String provenance, SpeedUnit unit, ZoneId zone, Duration step,
                                RoadNetwork network) {
        DatasetDescription.writeIfMissing(folder.resolve("README.md"), provenance + "\n\n"
                + DatasetDescription.conventionLines(unit, zone, true)
                + stepLine(step) + "\n"
                + "Layout: day=YYYY-MM-DD/part-*.csv, one line per accepted reading "
                + "(timestamp,segment,speed,flow,occupancy,source; ISO-8601 UTC; empty = not measured). "
                + "Readings of one segment in one step are averaged, weighted by source credibility.\n");
        DatasetDescription.writeNetworkIfMissing(folder, network);
    }

    /**
     * A loaded data set written in the stream's archive layout (one line per non-missing speed, UTC days, source
     * {@code loop}), with its README and network: for replaying a history into {@code roadcast retrain} and for tests
     * of the archive readers.
     */
    public static Path write(Dataset data, Path dir, String provenance) {
        roadcast.history.SpeedHistory h = data.history();
        describe(dir, provenance, h.unit(), h.timeZone(), h.step(), data.network());
        Map<java.time.LocalDate, java.io.BufferedWriter> parts = new HashMap<>();
        try {
            try {
                for (int t = 0; t < h.steps(); t++) {
                    java.time.Instant when = java.time.Instant.ofEpochMilli(h.epochMillis(t));
                    java.time.LocalDate day = when.atZone(java.time.ZoneOffset.UTC).toLocalDate();
                    java.io.BufferedWriter w = parts.get(day);
                    if (w == null) {
                        Path part = dir.resolve("day=" + day).resolve("part-0-0.csv");
                        Files.createDirectories(part.getParent());
                        w = Files.newBufferedWriter(part);
                        w.write("timestamp,segment,speed,flow,occupancy,source\n");
                        parts.put(day, w);
                    }
                    for (int i = 0; i < h.segments(); i++) {
                        float v = h.speed()[t][i];
                        if (!Float.isNaN(v)) {
                            w.write(when + "," + h.segmentIds()[i] + ","
                                    + String.format(java.util.Locale.ROOT, "%.4f", v) + ",,,loop\n");
                        }
                    }
                }
            } finally {
                for (java.io.BufferedWriter w : parts.values()) {
                    w.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the archive " + dir, e);
        }
        return dir;
    }

    /** The README line that names the archive's step. */
    public static String stepLine(Duration step) {
        return "Time step: " + step + "\n";
    }

    /** The step a README names, if it does. */
    static Optional<Duration> step(String readme) {
        Matcher m = STEP_LINE.matcher(readme);
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.parse(m.group(1)));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Finished part files, by day and then by name. */
    static List<Path> finishedParts(Path folder) {
        List<Path> parts = new ArrayList<>();
        for (Path day : days(folder)) {
            for (Path f : list(day)) {
                String n = f.getFileName().toString();
                if (n.startsWith("part") && n.endsWith(".csv") && Files.isRegularFile(f)) {
                    parts.add(f);
                }
            }
        }
        if (parts.isEmpty()) {
            throw new DatasetFormatException(folder, "no finished archive file yet: files are finished at "
                    + "checkpoints (only hidden in-progress files under day=... so far)");
        }
        return parts;
    }

    static Dataset load(Path folder) {
        DatasetConventions conventions = DatasetConventions.fromFolder(folder);
        LongCsv.Table table = LongCsv.readAll(finishedParts(folder), conventions.timeZone(),
                step(conventions.readme()).orElse(null));
        String[] ids = table.segmentIds();
        int[] order = networkOrder(ids, folder.resolve("sensors.csv"));
        float[][] speed = table.speed();
        permute(speed, order);
        permute(table.flow(), order);
        permute(table.occupancy(), order);
        String[] ordered = new String[ids.length];
        for (int k = 0; k < ids.length; k++) {
            ordered[k] = ids[order[k]];
        }
        return DatasetLoader.assemble(folder.getFileName().toString(), conventions, ordered, table.start(),
                table.step(), speed, table.flow(), table.occupancy(), folder);
    }

    /**
     * {@link #load} for a reader that takes the rows one at a time ({@link DatasetLoader#openStreamed}): the part
     * files parsed once into a spool on local disk, the same grid and the same network column order.
     */
    static StreamedDataset openStreamed(Path folder) {
        DatasetConventions conventions = DatasetConventions.fromFolder(folder);
        roadcast.datasets.csv.StreamedTable table = LongCsv.stream(finishedParts(folder), conventions.timeZone(),
                step(conventions.readme()).orElse(null), true);
        try {
            return DatasetLoader.streamed(folder.getFileName().toString(), conventions, table,
                    networkOrder(table.segmentIds(), folder.resolve("sensors.csv")), folder);
        } catch (RuntimeException e) {
            table.close();
            throw e;
        }
    }

    /**
     * Column k of the result is column {@code order[k]} of the table: segments in sensors.csv order, then the rest in
     * order of first appearance. The part files interleave the job's parallel writers, so first appearance alone
     * would shuffle the columns from one archive to the next; the network order keeps a retrained model's segments
     * in the running model's order.
     */
    private static int[] networkOrder(String[] ids, Path sensorsCsv) {
        Map<String, Integer> column = new HashMap<>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) {
            column.put(ids[i], i);
        }
        Set<Integer> order = new LinkedHashSet<>();
        if (Files.isRegularFile(sensorsCsv)) {
            for (String id : NetworkFiles.readSensors(sensorsCsv).keySet()) {
                Integer c = column.get(id);
                if (c != null) {
                    order.add(c);
                }
            }
        }
        for (int i = 0; i < ids.length; i++) {
            order.add(i);
        }
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void permute(float[][] rows, int[] order) {
        if (rows == null) {
            return;
        }
        for (int r = 0; r < rows.length; r++) {
            float[] permuted = new float[order.length];
            for (int k = 0; k < order.length; k++) {
                permuted[k] = rows[r][order[k]];
            }
            rows[r] = permuted;
        }
    }

    private static List<Path> days(Path folder) {
        return list(folder).stream()
                .filter(p -> DAY.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                .toList();
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
