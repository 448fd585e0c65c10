package roadcast.datasets.feed;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import roadcast.datasets.DatasetFormatException;
import roadcast.datasets.csv.CsvScanner;
import roadcast.fusion.CellMean;
import roadcast.fusion.SourceSeries;
import roadcast.reading.Source;

/**
 * A live system's multi-source feed read as history: the long CSV {@code timestamp,segment,speed,flow,occupancy,
 * source} (columns found by name, any order; {@code flow}, {@code occupancy} optional; occupancy in percent as SUMO
 * writes it, read as the fraction 0..1 every reading carries on the wire; {@code source} loop,
 * floating_car/floating-car/fcd, cellular, other) of sumo-grid's {@code sources.csv.gz}, one grid per source.
 *
 * <p>The entry points: {@link #forEach} streams the rows one at a time (nothing held), {@link #read} puts them on
 * the time grid, one {@link SourceSeries} per source, without ever holding the raw rows: a first pass learns the
 * times and segments, a second fills the grids. Fusing the sources into one speed per cell is the business of
 * {@code roadcast.fusion}, not of the reader.
 *
 * <p>The file is read with the project's {@link CsvScanner} (byte-level, numbers parsed without allocation, gzip by
 * magic bytes, line numbers in every error), the one CSV reader of the data sets. Timestamps are ISO-8601 local
 * times, or with an offset/zone (then taken in {@code zone}); they must lie on one regular grid (the smallest gap
 * between distinct times).
 */
public final class SourceFeed {

    /**
     * The feed on its time grid.
     *
     * @param segmentIds columns of every grid: the segments with at least one kept row, in {@code order}'s order
     *                   then in order of first appearance
     * @param sources    one grid per source present, in {@link Source} order
     */
    public record Grids(String[] segmentIds, LocalDateTime start, Duration step, List<SourceSeries> sources,
                        long rowsRead, long rowsDropped) {

        public int steps() {
            return sources.get(0).speed().length;
        }

        /** The grid of {@code source}, or null when the feed has none of it. */
        public SourceSeries of(Source source) {
            for (SourceSeries g : sources) {
                if (g.source() == source) {
                    return g;
                }
            }
            return null;
        }
    }

    private SourceFeed() {
    }

    /** True when {@code file}'s header is a multi-source feed's (timestamp, segment, speed and source columns). */
    public static boolean isFeed(Path file) {
        try (CsvScanner in = CsvScanner.open(file)) {
            List<String> header = header(in);
            return header.contains("timestamp") && header.contains("segment") && header.contains("speed")
                    && header.contains("source");
        } catch (DatasetFormatException e) {
            return false;
        }
    }

    /**
     * Streams the feed's rows in file order to {@code each}, dropping those {@code filter} does not keep.
     *
     * @param zone where a timestamp carries an offset or zone, its local time in this zone
     * @return rows read (kept or not)
     * @throws DatasetFormatException naming file and line for a missing column, a ragged row, a bad number, time or
     *                                source
     */
    public static long forEach(Path file, ZoneId zone, FeedFilter filter, Consumer<FeedRow> each) {
        long rows = 0;
        try (CsvScanner in = CsvScanner.open(file)) {
            List<String> header = header(in);
            int cTime = column(in, header, "timestamp");
            int cSegment = column(in, header, "segment");
            int cSpeed = column(in, header, "speed");
            int cSource = column(in, header, "source");
            int cFlow = header.indexOf("flow");
            int cOcc = header.indexOf("occupancy");
            int columns = header.size();
            String[] text = new String[columns];
            double[] number = new double[columns];
            // a feed is sorted by time: the same timestamp text repeats for every row of a step
            String lastTime = null;
            LocalDateTime lastParsed = null;
            int term;
            while ((term = in.next()) != CsvScanner.END_OF_FILE) {
                long line = in.line();
                int c = 0;
                while (true) {
                    if (c >= columns) {
                        throw in.error("ragged row: more than " + columns + " values");
                    }
                    if (c == cTime || c == cSegment || c == cSource) {
                        text[c] = in.fieldString();
                    } else if (c == cSpeed || c == cFlow || c == cOcc) {
                        number[c] = in.fieldDouble(header.get(c));
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
                rows++;
                String segment = text[cSegment];
                if (segment.isEmpty()) {
                    throw new DatasetFormatException(in.file(), line, "empty segment id");
                }
                Source source = source(text[cSource], in.file(), line);
                if (!filter.keeps(source, segment)) {
                    continue;
                }
                if (!text[cTime].equals(lastTime)) {
                    lastParsed = time(text[cTime], zone, in.file(), line);
                    lastTime = text[cTime];
                }
                double speed = number[cSpeed];
                if (speed < 0) {
                    throw new DatasetFormatException(in.file(), line, "negative speed " + speed);
                }
                double occupancy = cOcc < 0 ? Double.NaN : number[cOcc];
                if (occupancy < 0 || occupancy > 100) {
                    throw new DatasetFormatException(in.file(), line, "occupancy " + occupancy
                            + " is not a percentage (0..100)");
                }
                // the file's percent (SUMO's E1 occupancy) -> the wire's fraction 0..1 (docs/CONTRACTS.md)
                each.accept(new FeedRow(lastParsed, segment, speed, cFlow < 0 ? Double.NaN : number[cFlow],
                        occupancy / 100.0, source, line));
            }
        }
        return rows;
    }

    /**
     * The feed on its time grid, one grid per source.
     *
     * @param order preferred column order (e.g. sensors.csv's ids); segments not in it follow in order of first
     *              appearance. May be empty.
     * @throws DatasetFormatException for an empty feed, a time off the grid, or any bad row ({@link #forEach})
     */
    public static Grids read(Path file, ZoneId zone, FeedFilter filter, List<String> order) {
        // pass 1: times and segments
        TreeSet<Long> times = new TreeSet<>();
        Map<String, Integer> firstSeen = new LinkedHashMap<>();
        long read = forEach(file, zone, filter, r -> {
            times.add(r.time().toEpochSecond(ZoneOffset.UTC));
            firstSeen.putIfAbsent(r.segment(), firstSeen.size());
        });
        if (times.isEmpty()) {
            throw new DatasetFormatException(file, "no feed rows" + (filter.equals(FeedFilter.ALL) ? ""
                    : " left after keeping sources " + filter.sources() + " and dropping " + filter.dark().size()
                    + " dark segments"));
        }
        if (times.size() < 2) {
            throw new DatasetFormatException(file, "all rows share one timestamp: cannot infer the time step");
        }
        long step = Long.MAX_VALUE;
        Long previous = null;
        for (long t : times) {
            if (previous != null) {
                step = Math.min(step, t - previous);
            }
            previous = t;
        }
        long t0 = times.first();
        int steps = (int) ((times.last() - t0) / step + 1);
        List<String> columns = new ArrayList<>(firstSeen.size());
        for (String id : order) {
            if (firstSeen.containsKey(id)) {
                columns.add(id);
            }
        }
        for (String id : firstSeen.keySet()) {
            if (!columns.contains(id)) {
                columns.add(id);
            }
        }
        Map<String, Integer> index = new HashMap<>(columns.size() * 2);
        for (String id : columns) {
            index.put(id, index.size());
        }
        int n = columns.size();
        // pass 2: sums per source and cell, then means
        Map<Source, Filling> bySource = new EnumMap<>(Source.class);
        final long stepSeconds = step;
        forEach(file, zone, filter, r -> {
            long offset = r.time().toEpochSecond(ZoneOffset.UTC) - t0;
            if (offset % stepSeconds != 0) {
                throw new DatasetFormatException(file.toString(), r.line(), "irregular time: " + r.time()
                        + " is not on the " + Duration.ofSeconds(stepSeconds) + " grid starting "
                        + LocalDateTime.ofEpochSecond(t0, 0, ZoneOffset.UTC));
            }
            bySource.computeIfAbsent(r.source(), s -> new Filling(steps, n))
                    .add((int) (offset / stepSeconds), index.get(r.segment()), r);
        });
        List<SourceSeries> grids = new ArrayList<>();
        long kept = 0;
        for (Map.Entry<Source, Filling> e : bySource.entrySet()) {
            grids.add(e.getValue().grid(e.getKey()));
            kept += e.getValue().rows;
        }
        return new Grids(columns.toArray(new String[0]), LocalDateTime.ofEpochSecond(t0, 0, ZoneOffset.UTC),
                Duration.ofSeconds(step), List.copyOf(grids), read, read - kept);
    }

    /** Per-cell sums of one source (speed over non-blank speeds, flow and occupancy over their own counts). */
    private static final class Filling {
        final float[][] speed;
        final byte[][] speedCount;
        final float[][] flow;
        final byte[][] flowCount;
        final float[][] occupancy;
        final byte[][] occupancyCount;
        boolean hasFlow;
        boolean hasOccupancy;
        long rows;

        Filling(int steps, int n) {
            speed = new float[steps][n];
            speedCount = new byte[steps][n];
            flow = new float[steps][n];
            flowCount = new byte[steps][n];
            occupancy = new float[steps][n];
            occupancyCount = new byte[steps][n];
        }

        void add(int t, int i, FeedRow r) {
            rows++;
            addTo(speed, speedCount, t, i, r.speed());
            if (!Double.isNaN(r.flow())) {
                hasFlow = true;
                addTo(flow, flowCount, t, i, r.flow());
            }
            if (!Double.isNaN(r.occupancy())) {
                hasOccupancy = true;
                addTo(occupancy, occupancyCount, t, i, r.occupancy());
            }
        }

        /** Running mean of the cell's values (count saturates at 127: later values still move the mean). */
        private static void addTo(float[][] mean, byte[][] count, int t, int i, double x) {
            if (Double.isNaN(x)) {
                return;
            }
            mean[t][i] = CellMean.add(mean[t][i], count[t][i], x);
            count[t][i] = CellMean.count(count[t][i]);
        }

        SourceSeries grid(Source source) {
            blankEmpty(speed, speedCount);
            blankEmpty(flow, flowCount);
            blankEmpty(occupancy, occupancyCount);
            return new SourceSeries(source, speed, hasFlow ? flow : null, hasOccupancy ? occupancy : null, rows);
        }

        private static void blankEmpty(float[][] mean, byte[][] count) {
            for (int t = 0; t < mean.length; t++) {
                for (int i = 0; i < mean[t].length; i++) {
                    if (count[t][i] == 0) {
                        mean[t][i] = Float.NaN;
                    }
                }
            }
        }
    }

    private static List<String> header(CsvScanner in) {
        List<String> header = new ArrayList<>();
        int term = in.next();
        if (term == CsvScanner.END_OF_FILE) {
            throw in.error("empty file: expected a header 'timestamp,segment,speed,flow,occupancy,source'");
        }
        header.add(in.fieldString().trim().toLowerCase(Locale.ROOT));
        while (term == CsvScanner.MORE) {
            term = in.next();
            header.add(in.fieldString().trim().toLowerCase(Locale.ROOT));
        }
        return header;
    }

    private static int column(CsvScanner in, List<String> header, String name) {
        int c = header.indexOf(name);
        if (c < 0) {
            throw new DatasetFormatException(in.file(), 1, "missing column '" + name + "' (header: "
                    + String.join(",", header) + "; a feed has timestamp,segment,speed,flow,occupancy,source)");
        }
        return c;
    }

    private static LocalDateTime time(String text, ZoneId zone, String file, long line) {
        String iso = text.trim().replace(' ', 'T');
        try {
            return LocalDateTime.parse(iso);
        } catch (DateTimeParseException local) {
            try {
                return ZonedDateTime.parse(iso).withZoneSameInstant(zone).toLocalDateTime();
            } catch (DateTimeParseException zoned) {
                throw new DatasetFormatException(file, line, "not an ISO-8601 date-time: '" + text + "'");
            }
        }
    }

    /** loop, floating_car (floating-car, fcd, floating), cellular, other; case-insensitive. */
    public static Source source(String text, String file, long line) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "loop":
                return Source.LOOP;
            case "floating_car":
            case "floating-car":
            case "floating":
            case "fcd":
                return Source.FLOATING_CAR;
            case "cellular":
                return Source.CELLULAR;
            case "other":
            case "":
                return Source.OTHER;
            default:
                throw new DatasetFormatException(file, line, "unknown source '" + text
                        + "' (expected loop, floating_car, cellular or other)");
        }
    }
}
