package roadcast.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.datasets.csv.CsvScanner;
import roadcast.datasets.csv.LongCsv;
import roadcast.datasets.csv.WideCsv;
import roadcast.datasets.csv.WideTable;
import roadcast.datasets.feed.FeedDatasets;
import roadcast.datasets.feed.FeedFilter;
import roadcast.datasets.hdf5.PandasHdf5;
import roadcast.datasets.network.NetworkFiles;
import roadcast.datasets.npz.PemsNpz;
import roadcast.history.SpeedHistory;
import roadcast.network.CoverageNetwork;
import roadcast.network.RoadNetwork;

/**
 * Loads a data set from wherever the user points, detecting the layout:
 * <ul>
 * <li>a folder with a live feed of several sources, {@code sources.csv.gz} (sumo-grid's layout): the feed fused
 * by a fusion learned from it is the history, the folder's {@code speed.csv.gz} (ground truth there) is not read
 * ({@link FeedDatasets});</li>
 * <li>a folder in the shared layout ({@code speed.csv.gz} or {@code speed.csv}, optional {@code flow}/
 * {@code occupancy} of the same shape, {@code sensors.csv}, {@code edges.csv}, {@code README.md});</li>
 * <li>a folder or file with a pandas {@code .h5} (metr-la.h5 / pems-bay.h5 layout);</li>
 * <li>a folder or file with a PEMS {@code .npz};</li>
 * <li>a long CSV {@code timestamp,segment,speed[,flow,occupancy,source]};</li>
 * <li>the streaming job's archive folder ({@code day=YYYY-MM-DD/part-*.csv} long CSVs, read as one table:
 * {@link DayArchiveFolder});</li>
 * <li>a single wide CSV {@code timestamp,<ids...>}.</li>
 * </ul>
 * Files beside the data (README.md, sensors.csv, edges.csv) are used when present. The README decides unit, time
 * zone and the zero convention ({@link DatasetConventions}); its text becomes the provenance.
 */
public final class DatasetLoader {

    private static final Logger LOG = LoggerFactory.getLogger(DatasetLoader.class);
    /** PEMS .npz files carry no time axis; their releases are all 5-minute aggregates. */
    static final Duration NPZ_STEP = Duration.ofMinutes(5);
    static final LocalDateTime NPZ_FALLBACK_START = LocalDateTime.of(2000, 1, 1, 0, 0);

    private DatasetLoader() {
    }

    public static Dataset load(Path path) {
        if (Files.isDirectory(path)) {
            return loadFolder(path);
        }
        if (!Files.isRegularFile(path)) {
            throw new DatasetFormatException(path, "no such file or folder");
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        Path folder = path.toAbsolutePath().getParent();
        if (name.endsWith(".h5") || name.endsWith(".hdf5")) {
            return fromHdf5(path, folder);
        }
        if (name.endsWith(".npz") || name.contains(".npz")) {
            return fromNpz(path, folder);
        }
        if (FeedDatasets.isFeedFile(path)) {
            return FeedDatasets.load(path, FeedFilter.ALL);
        }
        if (name.endsWith(".csv") || name.endsWith(".csv.gz")) {
            return isLongCsv(path) ? fromLongCsv(path, folder) : fromWideCsv(path, folder, baseName(path));
        }
        throw new DatasetFormatException(path, "unknown data format (expected a shared-layout folder, .h5, .npz, "
                + ".csv or .csv.gz)");
    }

    /**
     * The speed file of a data set whose history can be read row by row without loading it (a shared-layout folder
     * without a live feed, or a wide CSV file); empty for the other layouts, which are only loaded whole.
     */
    public static java.util.Optional<Path> wideSpeedFile(Path path) {
        if (Files.isDirectory(path)) {
            if (FeedDatasets.feedFile(path).isPresent()) {
                return java.util.Optional.empty();
            }
            for (String speed : new String[] {"speed.csv.gz", "speed.csv"}) {
                if (Files.isRegularFile(path.resolve(speed))) {
                    return java.util.Optional.of(path.resolve(speed));
                }
            }
            return java.util.Optional.empty();
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isRegularFile(path) && (name.endsWith(".csv") || name.endsWith(".csv.gz"))
                && !FeedDatasets.isFeedFile(path) && !isLongCsv(path)) {
            return java.util.Optional.of(path);
        }
        return java.util.Optional.empty();
    }

    /**
     * The data set of {@link #wideSpeedFile} with only its first {@code rows} rows (at least two): its name,
     * network, coverage, conventions and time grid, for a trainer that then reads the rows with {@link #scanSpeed}.
     */
    public static Dataset preview(Path path, int rows) {
        Path speedFile = wideSpeedFile(path).orElseThrow(() -> new DatasetFormatException(path,
                "not a shared-layout folder or wide CSV: cannot be read row by row"));
        Path folder = speedFile.toAbsolutePath().getParent();
        DatasetConventions conventions = DatasetConventions.fromFolder(folder);
        List<float[]> first = new java.util.ArrayList<>();
        WideCsv.Grid grid = WideCsv.scan(speedFile, (r, time, values) -> {
            first.add(values.clone());
            return first.size() < Math.max(2, rows);
        });
        if (grid.step() == null) {
            throw new DatasetFormatException(speedFile, "only one row: cannot infer the time step");
        }
        String name = Files.isDirectory(path) ? path.getFileName().toString() : baseName(path);
        return assemble(name, conventions, grid.ids(), grid.start(), grid.step(), first.toArray(new float[0][]),
                null, null, folder);
    }

    /**
     * Every row of the speed file of {@link #wideSpeedFile}, in time order, as {@link #load} would give it (zeros to
     * NaN where the README says so), one reused array at a time: the whole history is never in memory.
     */
    public static WideCsv.Grid scanSpeed(Path path, WideCsv.RowVisitor visitor) {
        Path speedFile = wideSpeedFile(path).orElseThrow(() -> new DatasetFormatException(path,
                "not a shared-layout folder or wide CSV: cannot be read row by row"));
        boolean zeroIsMissing = DatasetConventions.fromFolder(speedFile.toAbsolutePath().getParent()).zeroIsMissing();
        return WideCsv.scan(speedFile, (r, time, values) -> {
            if (zeroIsMissing) {
                for (int i = 0; i < values.length; i++) {
                    if (values[i] == 0f) {
                        values[i] = Float.NaN;
                    }
                }
            }
            return visitor.row(r, time, values);
        });
    }

    /**
     * Whether {@link #openStreamed} reads this data set row by row: a shared-layout folder or wide CSV, a long CSV, or
     * the stream's day-partitioned archive (as {@link #load} would read it; a live feed, .h5 and .npz are loaded).
     */
    static boolean streamable(Path path) {
        if (wideSpeedFile(path).isPresent()) {
            return true;
        }
        if (Files.isDirectory(path)) {
            if (FeedDatasets.feedFile(path).isPresent()) {
                return false;
            }
            try (Stream<Path> list = Files.list(path)) {
                if (list.map(f -> f.getFileName().toString().toLowerCase(Locale.ROOT)).anyMatch(n ->
                        n.endsWith(".h5") || n.endsWith(".hdf5") || n.endsWith(".npz"))) {
                    return false;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + path, e);
            }
            return DayArchiveFolder.isArchive(path);
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(path) && (name.endsWith(".csv") || name.endsWith(".csv.gz"))
                && !FeedDatasets.isFeedFile(path) && isLongCsv(path);
    }

    /**
     * The data set of {@code path} for a reader that takes its history one row at a time and never holds it (see
     * {@link StreamedDataset}): a shared-layout folder or wide CSV is read from its file at each scan; a long CSV or
     * the stream's archive is parsed here once, its readings spooled to local disk.
     *
     * @throws DatasetFormatException for a layout that can only be loaded (a live feed, .h5, .npz)
     */
    public static StreamedDataset openStreamed(Path path) {
        if (wideSpeedFile(path).isPresent()) {
            return new StreamedDataset(preview(path, 2), visitor -> scanSpeed(path, visitor),
                    () -> scanSpeed(path, (r, time, values) -> true).rows(), () -> { });
        }
        if (!streamable(path)) {
            throw new DatasetFormatException(path, "cannot be read row by row (a live feed, .h5 and .npz are loaded "
                    + "whole): expected a shared-layout folder, a wide or long CSV, or the stream's archive");
        }
        if (Files.isDirectory(path)) {
            return DayArchiveFolder.openStreamed(path);
        }
        Path folder = path.toAbsolutePath().getParent();
        DatasetConventions conventions = DatasetConventions.fromFolder(folder);
        roadcast.datasets.csv.StreamedTable table = LongCsv.stream(List.of(path), conventions.timeZone(), null,
                false);
        try {
            return streamed(baseName(path), conventions.withTimeZone(table.timeZone()), table, null, folder);
        } catch (RuntimeException e) {
            table.close();
            throw e;
        }
    }

    /**
     * A spooled long table as a streamed data set, its columns in {@code order} (column k is the table's
     * {@code order[k]}; null keeps the table's order), zeros to NaN where the README says so.
     */
    static StreamedDataset streamed(String name, DatasetConventions conventions,
                                    roadcast.datasets.csv.StreamedTable table, int[] order, Path folder) {
        String[] tableIds = table.segmentIds();
        String[] ids = new String[tableIds.length];
        for (int k = 0; k < ids.length; k++) {
            ids[k] = tableIds[order == null ? k : order[k]];
        }
        boolean zeroIsMissing = conventions.zeroIsMissing();
        StreamedDataset.Rows rows = visitor -> {
            float[] permuted = order == null ? null : new float[ids.length];
            table.scan((r, time, values) -> {
                float[] row = values;
                if (permuted != null) {
                    for (int k = 0; k < permuted.length; k++) {
                        permuted[k] = values[order[k]];
                    }
                    row = permuted;
                }
                if (zeroIsMissing) {
                    for (int i = 0; i < row.length; i++) {
                        if (row[i] == 0f) {
                            row[i] = Float.NaN;
                        }
                    }
                }
                return visitor.row(r, time, row);
            });
        };
        List<float[]> first = new java.util.ArrayList<>();
        rows.scan((r, time, values) -> {
            first.add(values.clone());
            return first.size() < 2;
        });
        if (first.size() < 2) {
            throw new DatasetFormatException(name, 0, "only one step: cannot train on it");
        }
        Dataset header = assemble(name, conventions, ids, table.start(), table.step(),
                first.toArray(new float[0][]), null, null, folder);
        return new StreamedDataset(header, rows, table::steps, table);
    }

    private static Dataset loadFolder(Path folder) {
        // a live feed is the history wherever there is one: the folder's speed file may be ground truth
        java.util.Optional<Path> feed = FeedDatasets.feedFile(folder);
        if (feed.isPresent()) {
            return FeedDatasets.load(feed.get(), FeedFilter.ALL);
        }
        for (String speed : new String[] {"speed.csv.gz", "speed.csv"}) {
            if (Files.isRegularFile(folder.resolve(speed))) {
                return fromWideCsv(folder.resolve(speed), folder, folder.getFileName().toString());
            }
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
        for (Path f : files) {
            String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
            if (n.endsWith(".h5") || n.endsWith(".hdf5")) {
                return fromHdf5(f, folder);
            }
        }
        for (Path f : files) {
            if (f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz")) {
                return fromNpz(f, folder);
            }
        }
        if (DayArchiveFolder.isArchive(folder)) {
            return DayArchiveFolder.load(folder);
        }
        throw new DatasetFormatException(folder, "no speed data here: expected speed.csv.gz (shared layout), "
                + "an .h5, an .npz file or an archive's day=YYYY-MM-DD folders");
    }

    private static Dataset fromWideCsv(Path speedFile, Path folder, String name) {
        DatasetConventions conventions = DatasetConventions.fromFolder(folder);
        WideTable speed = WideCsv.read(speedFile);
        float[][] flow = sameShape(folder, "flow", speed);
        float[][] occupancy = sameShape(folder, "occupancy", speed);
        return assemble(name, conventions, speed.columnIds(), speed.start(), speed.step(), speed.values(), flow,
                occupancy, folder);
    }

    private static float[][] sameShape(Path folder, String channel, WideTable speed) {
        Path file = null;
        for (String candidate : new String[] {channel + ".csv.gz", channel + ".csv"}) {
            if (Files.isRegularFile(folder.resolve(candidate))) {
                file = folder.resolve(candidate);
                break;
            }
        }
        if (file == null) {
            return null;
        }
        WideTable table = WideCsv.read(file);
        if (!java.util.Arrays.equals(table.columnIds(), speed.columnIds())) {
            throw new DatasetFormatException(file, 1, "columns differ from the speed file's");
        }
        if (table.rows() != speed.rows() || !table.start().equals(speed.start()) || !table.step().equals(speed.step())) {
            throw new DatasetFormatException(file, "time grid differs from the speed file's: " + table.rows()
                    + " rows from " + table.start() + " every " + table.step() + " vs " + speed.rows() + " from "
                    + speed.start() + " every " + speed.step());
        }
        return table.values();
    }

    private static Dataset fromHdf5(Path file, Path folder) {
        DatasetConventions conventions = DatasetConventions.fromFolder(folder);
        if (conventions.readme().isEmpty()) {
            // the published .h5 sets (METR-LA, PEMS-BAY) are Californian loop data in mph
            conventions = conventions.withUnit(roadcast.history.SpeedUnit.MPH)
                    .withTimeZone(java.time.ZoneId.of("America/Los_Angeles"));
        }
        WideTable table = PandasHdf5.read(file);
        return assemble(baseName(file), conventions, table.columnIds(), table.start(), table.step(), table.values(),
                null, null, folder);
    }

    private static Dataset fromNpz(Path file, Path folder) {
        DatasetConventions conventions = DatasetConventions.fromFolder(folder);
        if (conventions.readme().isEmpty()) {
            conventions = conventions.withUnit(roadcast.history.SpeedUnit.MPH)
                    .withTimeZone(java.time.ZoneId.of("America/Los_Angeles"));
        }
        PemsNpz.Channels channels = PemsNpz.read(file);
        LocalDateTime start = conventions.start().orElseGet(() -> {
            LOG.warn("{}: no start time in a README beside it; rows start at {}", file, NPZ_FALLBACK_START);
            return NPZ_FALLBACK_START;
        });
        String[] ids = new String[channels.sensors()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Integer.toString(i);
        }
        return assemble(baseName(file), conventions, ids, start, NPZ_STEP, channels.speed(), channels.flow(),
                channels.occupancy(), folder);
    }

    private static Dataset fromLongCsv(Path file, Path folder) {
        DatasetConventions conventions = DatasetConventions.fromFolder(folder);
        LongCsv.Table table = LongCsv.read(file, conventions.timeZone());
        return assemble(baseName(file), conventions.withTimeZone(table.timeZone()), table.segmentIds(), table.start(),
                table.step(), table.speed(), table.flow(), table.occupancy(), folder);
    }

    /** Builds the data set: zeros to NaN where the README says so, network from the folder's sensors/edges. */
    static Dataset assemble(String name, DatasetConventions conventions, String[] ids, LocalDateTime start,
                            Duration step, float[][] speed, float[][] flow, float[][] occupancy, Path folder) {
        if (conventions.zeroIsMissing()) {
            for (float[] row : speed) {
                for (int i = 0; i < row.length; i++) {
                    if (row[i] == 0f) {
                        row[i] = Float.NaN;
                    }
                }
            }
        }
        CoverageNetwork coverage = NetworkFiles.readCoverage(ids, folder == null ? null
                : folder.resolve("sensors.csv"), folder == null ? null : folder.resolve("edges.csv"));
        RoadNetwork network = coverage.observed();
        SpeedHistory history = new SpeedHistory(ids, start, step, conventions.timeZone(), conventions.unit(), speed,
                flow, occupancy);
        LOG.info("loaded {}: {} steps x {} segments every {} from {} ({}, {}), {} links", name, history.steps(),
                history.segments(), step, start, conventions.unit(), conventions.timeZone(), network.links().size());
        if (coverage.extendedCount() > 0 || !coverage.excluded().isEmpty()) {
            LOG.info("{}: {} extended segments (no speed history), {} excluded", name, coverage.extendedCount(),
                    coverage.excluded().size());
        }
        return new Dataset(name, network, history, conventions.readme(), coverage);
    }

    private static boolean isLongCsv(Path file) {
        try (CsvScanner in = CsvScanner.open(file)) {
            if (in.next() != CsvScanner.MORE || !in.fieldString().equalsIgnoreCase("timestamp")) {
                return false;
            }
            in.next();
            return in.fieldString().equalsIgnoreCase("segment");
        }
    }

    private static String baseName(Path file) {
        String n = file.getFileName().toString();
        int dot = n.indexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
