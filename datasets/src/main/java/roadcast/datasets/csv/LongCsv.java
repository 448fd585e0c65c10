package roadcast.datasets.csv;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import roadcast.clean.ReadingFusion;
import roadcast.datasets.DatasetFormatException;
import roadcast.reading.Source;

/**
 * Reads an analysts' long export {@code timestamp,segment,speed[,flow,occupancy,source]} (columns found by name, in
 * any order) into a regular grid. Timestamps are ISO-8601 with or without an offset/zone; with one, the grid is in
 * the first row's zone, otherwise in the default zone. The step is the smallest gap between distinct times, and
 * every time must lie on that grid; cells with no row are NaN. Several rows for one segment and time are fused,
 * weighted by source credibility ({@link ReadingFusion}). Segments keep the order of first appearance.
 *
 * <p>{@link #readAll} reads several such files, each with its own header, as one table (the day-partitioned
 * archive of the streaming job): there times are instants on a grid of a given step counted from the epoch, as the
 * streaming job bins readings, so readings between grid times (floating cars) fall into the step they belong to.
 */
public final class LongCsv {

    /** A long export on its grid. */
    public record Table(String[] segmentIds, LocalDateTime start, Duration step, ZoneId timeZone, float[][] speed,
                        float[][] flow, float[][] occupancy, boolean hasSource) {
    }

    private LongCsv() {
    }

    public static Table read(Path file, ZoneId defaultZone) {
        Rows rows = new Rows();
        try (CsvScanner in = CsvScanner.open(file)) {
            readRows(in, defaultZone, null, rows);
        }
        return grid(rows, null, rows.zone);
    }

    /**
     * Reads {@code files} in order as one long table.
     *
     * @param zone the table's zone: local timestamps are read in it and the grid start is given in it
     * @param step the grid step; null infers it as {@link #read} does (then every time must lie on the grid)
     */
    public static Table readAll(List<Path> files, ZoneId zone, Duration step) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no files to read");
        }
        Rows rows = new Rows();
        for (Path file : files) {
            try (CsvScanner in = CsvScanner.open(file)) {
                readRows(in, zone, zone, rows);
            }
        }
        return grid(rows, step, zone);
    }

    /**
     * {@link #read} ({@code instantsIn} null) or {@link #readAll} ({@code instantsIn} the table's zone) for a reader
     * that takes the grid's rows one at a time and must not hold the history: the files are parsed once, their
     * readings spooled to local disk by hour, and {@link StreamedTable#scan} fuses one hour of cells at a time.
     * The same grid, ids and speeds as the loaded table (flow and occupancy are not kept).
     *
     * @param zone default zone of local timestamps ({@link #read}) or the table's zone ({@link #readAll})
     * @param step the grid step; null infers it as {@link #read} does
     */
    public static StreamedTable stream(List<Path> files, ZoneId zone, Duration step, boolean instants) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no files to read");
        }
        return StreamedTable.spool(files, zone, step, instants);
    }

    /**
     * Appends the rows of one file. With {@code instantsIn} set, rows keep absolute epoch seconds (local timestamps
     * taken in that zone); otherwise the local time in the first row's zone, as if it were UTC.
     */
    static void readRows(CsvScanner in, ZoneId defaultZone, ZoneId instantsIn, Rows rows) {
        List<String> header = new ArrayList<>();
        int term = in.next();
        if (term == CsvScanner.END_OF_FILE) {
            throw in.error("empty file: expected a header 'timestamp,segment,speed[,flow,occupancy,source]'");
        }
        header.add(in.fieldString().toLowerCase(Locale.ROOT));
        while (term == CsvScanner.MORE) {
            term = in.next();
            header.add(in.fieldString().toLowerCase(Locale.ROOT));
        }
        int cTime = header.indexOf("timestamp");
        int cSegment = header.indexOf("segment");
        int cSpeed = header.indexOf("speed");
        int cFlow = header.indexOf("flow");
        int cOcc = header.indexOf("occupancy");
        int cSource = header.indexOf("source");
        for (String[] required : new String[][] {{"timestamp", "" + cTime}, {"segment", "" + cSegment},
                {"speed", "" + cSpeed}}) {
            if (Integer.parseInt(required[1]) < 0) {
                throw new DatasetFormatException(in.file(), 1, "missing column '" + required[0] + "' (header: "
                        + String.join(",", header) + ")");
            }
        }
        rows.hasFlow |= cFlow >= 0;
        rows.hasOcc |= cOcc >= 0;
        rows.hasSource |= cSource >= 0;
        int file = rows.file(in.file());
        int columns = header.size();
        int before = rows.size;
        String[] cells = new String[columns];
        double[] numbers = new double[columns];
        while ((term = in.next()) != CsvScanner.END_OF_FILE) {
            long line = in.line();
            int c = 0;
            while (true) {
                if (c >= columns) {
                    throw in.error("ragged row: more than " + columns + " values");
                }
                if (c == cTime || c == cSegment || c == cSource) {
                    cells[c] = in.fieldString();
                } else {
                    numbers[c] = in.fieldDouble("column ", header.get(c));
                }
                c++;
                if (term != CsvScanner.MORE) {
                    break;
                }
                term = in.next();
            }
            if (c != columns) {
                throw new DatasetFormatException(in.file(), line, "ragged row: " + c + " values, header has "
                        + columns + " columns");
            }
            ZonedDateTime withZone = TimeGrid.parseZoned(cells[cTime], in);
            boolean hasZone = withZone != null;
            long seconds;
            if (instantsIn != null) {
                seconds = hasZone ? withZone.toEpochSecond()
                        : TimeGrid.parseLocal(cells[cTime], in).atZone(instantsIn).toEpochSecond();
            } else {
                if (rows.zoned == null) {
                    rows.zoned = hasZone;
                    rows.zone = hasZone ? withZone.getZone() : defaultZone;
                } else if (rows.zoned != hasZone) {
                    throw in.error("timestamp '" + cells[cTime] + "' " + (hasZone ? "has" : "lacks")
                            + " a zone/offset unlike the first row");
                }
                LocalDateTime local = hasZone ? withZone.withZoneSameInstant(rows.zone).toLocalDateTime()
                        : TimeGrid.parseLocal(cells[cTime], in);
                seconds = local.toEpochSecond(ZoneOffset.UTC);
            }
            String segment = cells[cSegment];
            if (segment.isEmpty()) {
                throw in.error("empty segment id");
            }
            Integer index = rows.segments.get(segment);
            if (index == null) {
                index = rows.segments.size();
                rows.segments.put(segment, index);
            }
            Source source = cSource < 0 ? Source.LOOP : source(cells[cSource], in);
            rows.add(seconds, index, numbers[cSpeed], cFlow < 0 ? Double.NaN : numbers[cFlow],
                    cOcc < 0 ? Double.NaN : numbers[cOcc], source, file, line);
        }
        if (rows.size == before) {
            throw new DatasetFormatException(in.file(), in.line(), "no data rows after the header");
        }
    }

    /**
     * @param fixedStep null: the smallest gap, every time on the grid from the first time (rows in local seconds);
     *                  else a grid of that step counted from the epoch (rows in epoch seconds, start local in zone)
     */
    private static Table grid(Rows rows, Duration fixedStep, ZoneId zone) {
        long t0;
        long step;
        long last;
        if (fixedStep == null) {
            long[] distinct = Arrays.stream(rows.seconds, 0, rows.size).distinct().sorted().toArray();
            if (distinct.length < 2) {
                throw new DatasetFormatException(rows.fileOf(0), rows.lines[0], "all rows share one timestamp: "
                        + "cannot infer the time step");
            }
            step = Long.MAX_VALUE;
            for (int k = 1; k < distinct.length; k++) {
                step = Math.min(step, distinct[k] - distinct[k - 1]);
            }
            t0 = distinct[0];
            last = distinct[distinct.length - 1];
        } else {
            step = fixedStep.toSeconds();
            if (step <= 0) {
                throw new IllegalArgumentException("step must be at least one second: " + fixedStep);
            }
            long min = Arrays.stream(rows.seconds, 0, rows.size).min().getAsLong();
            long max = Arrays.stream(rows.seconds, 0, rows.size).max().getAsLong();
            t0 = Math.floorDiv(min, step) * step;
            last = Math.floorDiv(max, step) * step;
        }
        long steps = (last - t0) / step + 1;
        int n = rows.segments.size();
        if (steps * n > 400_000_000L) {
            throw new DatasetFormatException(String.join(", ", rows.files), "grid of " + steps + " steps x " + n
                    + " segments is too large (step " + Duration.ofSeconds(step) + ")", null);
        }
        int t = (int) steps;
        boolean hasFlow = rows.hasFlow;
        boolean hasOcc = rows.hasOcc;
        // per cell the fused value so far and the sum of its weights; flow and occupancy have their own weights
        // because a reading without them (a floating car) must not erase a loop's
        float[][] speed = new float[t][n];
        float[][] weight = new float[t][n];
        float[][] flow = hasFlow ? new float[t][n] : null;
        float[][] flowWeight = hasFlow ? new float[t][n] : null;
        float[][] occ = hasOcc ? new float[t][n] : null;
        float[][] occWeight = hasOcc ? new float[t][n] : null;
        for (int r = 0; r < rows.size; r++) {
            long offset = rows.seconds[r] - t0;
            if (fixedStep == null && offset % step != 0) {
                throw new DatasetFormatException(rows.fileOf(r), rows.lines[r], "irregular time: "
                        + LocalDateTime.ofEpochSecond(rows.seconds[r], 0, ZoneOffset.UTC) + " is not on the "
                        + Duration.ofSeconds(step) + " grid starting " + LocalDateTime.ofEpochSecond(t0, 0,
                        ZoneOffset.UTC));
            }
            int row = (int) Math.floorDiv(offset, step);
            int i = rows.segment[r];
            double x = rows.speed[r];
            if (Double.isNaN(x)) {
                continue;
            }
            // weighted mean of all readings of the cell, by source credibility as the streaming job fuses them;
            // a single reading is kept exactly
            double w = ReadingFusion.weight(rows.source[r]);
            speed[row][i] = fuse(speed[row], weight[row], i, x, w);
            if (hasFlow && !Double.isNaN(rows.flow[r])) {
                flow[row][i] = fuse(flow[row], flowWeight[row], i, rows.flow[r], w);
            }
            if (hasOcc && !Double.isNaN(rows.occupancy[r])) {
                occ[row][i] = fuse(occ[row], occWeight[row], i, rows.occupancy[r], w);
            }
        }
        for (int row = 0; row < t; row++) {
            for (int i = 0; i < n; i++) {
                if (weight[row][i] == 0) {
                    speed[row][i] = Float.NaN;
                }
                if (hasFlow && flowWeight[row][i] == 0) {
                    flow[row][i] = Float.NaN;
                }
                if (hasOcc && occWeight[row][i] == 0) {
                    occ[row][i] = Float.NaN;
                }
            }
        }
        LocalDateTime start = fixedStep == null ? LocalDateTime.ofEpochSecond(t0, 0, ZoneOffset.UTC)
                : LocalDateTime.ofInstant(Instant.ofEpochSecond(t0), zone);
        return new Table(rows.segments.keySet().toArray(new String[0]), start, Duration.ofSeconds(step), zone, speed,
                flow, occ, rows.hasSource);
    }

    /** Running weighted mean: adds {@code x} with weight {@code w} to cell {@code i}, returns the new mean. */
    static float fuse(float[] mean, float[] weight, int i, double x, double w) {
        double before = weight[i];
        double total = before + w;
        weight[i] = (float) total;
        return (float) ((before * mean[i] + w * x) / total);
    }

    private static Source source(String text, CsvScanner at) {
        String s = text.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        if (s.isEmpty()) {
            return Source.OTHER;
        }
        if (s.equals("FLOATING")) {
            return Source.FLOATING_CAR;
        }
        try {
            return Source.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw at.error("unknown source '" + text + "' (expected loop, floating_car, cellular or other)");
        }
    }

    /** Growable column arrays of the parsed rows, and what the files' headers and first rows said. */
    static final class Rows {
        final Map<String, Integer> segments = new LinkedHashMap<>();
        final List<String> files = new ArrayList<>();
        ZoneId zone;
        Boolean zoned;
        boolean hasFlow;
        boolean hasOcc;
        boolean hasSource;
        long[] seconds = new long[1024];
        int[] segment = new int[1024];
        double[] speed = new double[1024];
        double[] flow = new double[1024];
        double[] occupancy = new double[1024];
        Source[] source = new Source[1024];
        int[] file = new int[1024];
        long[] lines = new long[1024];
        int size;
        /** Set for {@link #stream}: readings go to the spool on disk instead of these arrays. */
        StreamedTable.Spool spool;

        int file(String name) {
            files.add(name);
            return files.size() - 1;
        }

        String fileOf(int row) {
            return files.get(file[row]);
        }

        void add(long s, int seg, double x, double f, double o, Source src, int fileIndex, long line) {
            if (spool != null) {
                spool.add(s, seg, x, src, fileIndex, line);
                size++;
                return;
            }
            if (size == seconds.length) {
                int cap = size * 2;
                seconds = Arrays.copyOf(seconds, cap);
                segment = Arrays.copyOf(segment, cap);
                speed = Arrays.copyOf(speed, cap);
                flow = Arrays.copyOf(flow, cap);
                occupancy = Arrays.copyOf(occupancy, cap);
                source = Arrays.copyOf(source, cap);
                file = Arrays.copyOf(file, cap);
                lines = Arrays.copyOf(lines, cap);
            }
            seconds[size] = s;
            segment[size] = seg;
            speed[size] = x;
            flow[size] = f;
            occupancy[size] = o;
            source[size] = src;
            file[size] = fileIndex;
            lines[size] = line;
            size++;
        }
    }
}
