package roadcast.datasets.csv;

import java.nio.file.Path;
import java.time.Duration;
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
 */
public final class LongCsv {

    /** A long export on its grid. */
    public record Table(String[] segmentIds, LocalDateTime start, Duration step, ZoneId timeZone, float[][] speed,
                        float[][] flow, float[][] occupancy, boolean hasSource) {
    }

    private LongCsv() {
    }

    public static Table read(Path file, ZoneId defaultZone) {
        try (CsvScanner in = CsvScanner.open(file)) {
            return read(in, defaultZone);
        }
    }

    private static Table read(CsvScanner in, ZoneId defaultZone) {
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
        int columns = header.size();

        Map<String, Integer> segments = new LinkedHashMap<>();
        Rows rows = new Rows();
        ZoneId zone = null;
        Boolean zoned = null;
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
                    numbers[c] = in.fieldDouble("column " + header.get(c));
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
            if (zoned == null) {
                zoned = hasZone;
                zone = hasZone ? withZone.getZone() : defaultZone;
            } else if (zoned != hasZone) {
                throw in.error("timestamp '" + cells[cTime] + "' " + (hasZone ? "has" : "lacks")
                        + " a zone/offset unlike the first row");
            }
            LocalDateTime local = hasZone ? withZone.withZoneSameInstant(zone).toLocalDateTime()
                    : TimeGrid.parseLocal(cells[cTime], in);
            String segment = cells[cSegment];
            if (segment.isEmpty()) {
                throw in.error("empty segment id");
            }
            Integer index = segments.get(segment);
            if (index == null) {
                index = segments.size();
                segments.put(segment, index);
            }
            Source source = cSource < 0 ? Source.LOOP : source(cells[cSource], in);
            rows.add(local.toEpochSecond(ZoneOffset.UTC), index, numbers[cSpeed],
                    cFlow < 0 ? Double.NaN : numbers[cFlow], cOcc < 0 ? Double.NaN : numbers[cOcc], source, line);
        }
        if (rows.size == 0) {
            throw new DatasetFormatException(in.file(), in.line(), "no data rows after the header");
        }
        return grid(rows, segments, zone, cFlow >= 0, cOcc >= 0, cSource >= 0, in.file());
    }

    private static Table grid(Rows rows, Map<String, Integer> segments, ZoneId zone, boolean hasFlow, boolean hasOcc,
                              boolean hasSource, String file) {
        long[] distinct = Arrays.stream(rows.seconds, 0, rows.size).distinct().sorted().toArray();
        if (distinct.length < 2) {
            throw new DatasetFormatException(file, rows.lines[0], "all rows share one timestamp: cannot infer the "
                    + "time step");
        }
        long step = Long.MAX_VALUE;
        for (int k = 1; k < distinct.length; k++) {
            step = Math.min(step, distinct[k] - distinct[k - 1]);
        }
        long t0 = distinct[0];
        long steps = (distinct[distinct.length - 1] - t0) / step + 1;
        int n = segments.size();
        if (steps * n > 400_000_000L) {
            throw new DatasetFormatException(file, "grid of " + steps + " steps x " + n + " segments is too large "
                    + "(step " + Duration.ofSeconds(step) + ")", null);
        }
        int t = (int) steps;
        // per cell the fused value so far and the sum of its weights
        float[][] speed = new float[t][n];
        float[][] weight = new float[t][n];
        float[][] flow = hasFlow ? new float[t][n] : null;
        float[][] occ = hasOcc ? new float[t][n] : null;
        for (int r = 0; r < rows.size; r++) {
            long offset = rows.seconds[r] - t0;
            if (offset % step != 0) {
                throw new DatasetFormatException(file, rows.lines[r], "irregular time: "
                        + LocalDateTime.ofEpochSecond(rows.seconds[r], 0, ZoneOffset.UTC) + " is not on the "
                        + Duration.ofSeconds(step) + " grid starting " + LocalDateTime.ofEpochSecond(t0, 0,
                        ZoneOffset.UTC));
            }
            int row = (int) (offset / step);
            int i = rows.segment[r];
            double x = rows.speed[r];
            if (Double.isNaN(x)) {
                continue;
            }
            double w = ReadingFusion.weight(rows.source[r]);
            double before = weight[row][i];
            double total = before + w;
            // running weighted mean: a single reading is kept exactly, several are fused by source credibility
            speed[row][i] = (float) ((before * speed[row][i] + w * x) / total);
            if (hasFlow) {
                flow[row][i] = (float) ((before * flow[row][i] + w * rows.flow[r]) / total);
            }
            if (hasOcc) {
                occ[row][i] = (float) ((before * occ[row][i] + w * rows.occupancy[r]) / total);
            }
            weight[row][i] = (float) total;
        }
        for (int row = 0; row < t; row++) {
            for (int i = 0; i < n; i++) {
                if (weight[row][i] == 0) {
                    speed[row][i] = Float.NaN;
                    if (hasFlow) {
                        flow[row][i] = Float.NaN;
                    }
                    if (hasOcc) {
                        occ[row][i] = Float.NaN;
                    }
                }
            }
        }
        return new Table(segments.keySet().toArray(new String[0]),
                LocalDateTime.ofEpochSecond(t0, 0, ZoneOffset.UTC), Duration.ofSeconds(step), zone, speed, flow, occ,
                hasSource);
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

    /** Growable column arrays of the parsed rows. */
    private static final class Rows {
        long[] seconds = new long[1024];
        int[] segment = new int[1024];
        double[] speed = new double[1024];
        double[] flow = new double[1024];
        double[] occupancy = new double[1024];
        Source[] source = new Source[1024];
        long[] lines = new long[1024];
        int size;

        void add(long s, int seg, double x, double f, double o, Source src, long line) {
            if (size == seconds.length) {
                int cap = size * 2;
                seconds = Arrays.copyOf(seconds, cap);
                segment = Arrays.copyOf(segment, cap);
                speed = Arrays.copyOf(speed, cap);
                flow = Arrays.copyOf(flow, cap);
                occupancy = Arrays.copyOf(occupancy, cap);
                source = Arrays.copyOf(source, cap);
                lines = Arrays.copyOf(lines, cap);
            }
            seconds[size] = s;
            segment[size] = seg;
            speed[size] = x;
            flow[size] = f;
            occupancy[size] = o;
            source[size] = src;
            lines[size] = line;
            size++;
        }
    }
}
