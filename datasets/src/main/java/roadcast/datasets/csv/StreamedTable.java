package roadcast.datasets.csv;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import roadcast.clean.ReadingFusion;
import roadcast.datasets.DatasetFormatException;
import roadcast.reading.Source;
import roadcast.scratch.ScratchDirectory;

/**
 * A long export (or the stream's archive) on its grid, read row by row without holding it: what
 * {@link LongCsv#stream} returns. Parsing the files once spools every reading to a file on local disk for the hour its
 * grid row falls in (the files may be in any order, the archive's parallel writers interleave); {@link #scan} then
 * reads one hour's spool, fuses its cells as {@link LongCsv#read} does (same readings in the same order, so the same
 * floats) and hands the grid rows to a visitor in time order. In memory: the segment ids, the distinct times (one
 * long per step), one hour of rows x segments (speed and its fusion weights) and one row; never the history.
 * Speed only (the trainers read nothing else). Close it to delete the spool.
 */
public final class StreamedTable implements AutoCloseable {

    /** Readings are spooled by the hour of their grid row: one hour of rows x segments is fused at a time. */
    static final long BLOCK_SECONDS = 3600;
    /** Spool files kept open at once while parsing (the readings of a file come in nearly time order). */
    private static final int OPEN_SPOOLS = 32;

    private final String[] segmentIds;
    private final LocalDateTime start;
    private final Duration step;
    private final ZoneId zone;
    private final int steps;
    private final long t0;
    private final long stepSeconds;
    private final boolean inferred;
    private final List<String> files;
    private final Path dir;
    private final long[] blocks;

    private StreamedTable(String[] segmentIds, LocalDateTime start, Duration step, ZoneId zone, int steps, long t0,
                          boolean inferred, List<String> files, Path dir, long[] blocks) {
        this.segmentIds = segmentIds;
        this.start = start;
        this.step = step;
        this.zone = zone;
        this.steps = steps;
        this.t0 = t0;
        this.stepSeconds = step.toSeconds();
        this.inferred = inferred;
        this.files = files;
        this.dir = dir;
        this.blocks = blocks;
    }

    public String[] segmentIds() {
        return segmentIds.clone();
    }

    public LocalDateTime start() {
        return start;
    }

    public Duration step() {
        return step;
    }

    public ZoneId timeZone() {
        return zone;
    }

    /** Rows of the grid, from the first to the last reading's step. */
    public int steps() {
        return steps;
    }

    /**
     * Every row of the grid in time order, as {@link LongCsv#read}/{@link LongCsv#readAll} would give its speed (NaN
     * where no reading); one reused array (the visitor may change it). Steps without any reading are NaN rows.
     *
     * @throws DatasetFormatException for a reading between the inferred grid's times (with its file and line)
     */
    public void scan(WideCsv.RowVisitor visitor) {
        int n = segmentIds.length;
        int blockRows = (int) (BLOCK_SECONDS / stepSeconds) + 2;
        float[][] speed = new float[blockRows][n];
        float[][] weight = new float[blockRows][n];
        float[] out = new float[n];
        int next = 0;
        for (long block : blocks) {
            int lo = (int) Math.max(0, Math.min(steps, ceilDiv(block * BLOCK_SECONDS - t0, stepSeconds)));
            int hi = (int) Math.max(0, Math.min(steps, ceilDiv((block + 1) * BLOCK_SECONDS - t0, stepSeconds)));
            for (; next < lo; next++) {
                Arrays.fill(out, Float.NaN);
                if (!visitor.row(next, time(next), out)) {
                    return;
                }
            }
            for (int k = 0; k < hi - lo; k++) {
                Arrays.fill(speed[k], 0f);
                Arrays.fill(weight[k], 0f);
            }
            fuse(block, lo, hi, speed, weight);
            for (int r = lo; r < hi; r++) {
                float[] cells = speed[r - lo];
                float[] w = weight[r - lo];
                for (int i = 0; i < n; i++) {
                    out[i] = w[i] == 0 ? Float.NaN : cells[i];
                }
                if (!visitor.row(r, time(r), out)) {
                    return;
                }
            }
            next = Math.max(next, hi);
        }
        for (; next < steps; next++) {
            Arrays.fill(out, Float.NaN);
            if (!visitor.row(next, time(next), out)) {
                return;
            }
        }
    }

    private LocalDateTime time(int row) {
        return start.plus(step.multipliedBy(row));
    }

    /** One hour's spooled readings fused into rows [lo, hi), in the order they were read. */
    private void fuse(long block, int lo, int hi, float[][] speed, float[][] weight) {
        Source[] sources = Source.values();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(spool(dir,
                block)), 1 << 16))) {
            while (true) {
                long seconds;
                try {
                    seconds = in.readLong();
                } catch (EOFException end) {
                    return;
                }
                int segment = in.readInt();
                double x = in.readDouble();
                Source source = sources[in.readByte()];
                int file = in.readInt();
                long line = in.readLong();
                long offset = seconds - t0;
                if (inferred && offset % stepSeconds != 0) {
                    throw new DatasetFormatException(files.get(file), line, "irregular time: "
                            + LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC) + " is not on the "
                            + step + " grid starting " + LocalDateTime.ofEpochSecond(t0, 0, ZoneOffset.UTC));
                }
                int row = (int) Math.floorDiv(offset, stepSeconds);
                if (row < lo || row >= hi || Double.isNaN(x)) {
                    continue;
                }
                speed[row - lo][segment] = LongCsv.fuse(speed[row - lo], weight[row - lo], segment, x,
                        ReadingFusion.weight(source));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spooled readings in " + dir, e);
        }
    }

    @Override
    public void close() {
        ScratchDirectory.deleteRecursively(dir); // a spool left behind is a warning, not a failed training
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    private static Path spool(Path dir, long block) {
        return dir.resolve(block + ".readings");
    }

    /** Parses the files once (readings to the spool, times to a set); the grid from what they held. */
    static StreamedTable spool(List<Path> files, ZoneId zone, Duration fixedStep, boolean instants) {
        Path dir;
        try {
            dir = Files.createTempDirectory("roadcast-long-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a spool folder for " + files.get(0), e);
        }
        boolean done = false;
        try (Spool spool = new Spool(dir, fixedStep == null ? 0 : fixedStep.toSeconds())) {
            LongCsv.Rows rows = new LongCsv.Rows();
            rows.spool = spool;
            for (Path file : files) {
                try (CsvScanner in = CsvScanner.open(file)) {
                    LongCsv.readRows(in, zone, instants ? zone : null, rows);
                }
            }
            spool.flush();
            StreamedTable table = spool.table(rows, fixedStep, instants ? zone : rows.zone);
            done = true;
            return table;
        } finally {
            if (!done) {
                ScratchDirectory.deleteRecursively(dir); // a spool left behind is a warning, not a failed training
            }
        }
    }

    /** Where the parser's readings go: a file per hour of grid rows, and the times seen. */
    static final class Spool implements AutoCloseable {
        private final Path dir;
        private final long fixedStep;
        private final TreeSet<Long> distinct = new TreeSet<>();
        private final java.util.TreeSet<Long> blocks = new TreeSet<>();
        private final Map<Long, DataOutputStream> open = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, DataOutputStream> eldest) {
                if (size() > OPEN_SPOOLS) {
                    closeQuietly(eldest.getValue());
                    return true;
                }
                return false;
            }
        };
        private long lastSeconds = Long.MIN_VALUE;
        private long min = Long.MAX_VALUE;
        private long max = Long.MIN_VALUE;
        private IOException failure;

        Spool(Path dir, long fixedStep) {
            this.dir = dir;
            this.fixedStep = fixedStep;
        }

        void add(long seconds, int segment, double speed, Source source, int file, long line) {
            if (seconds != lastSeconds) {
                lastSeconds = seconds;
                min = Math.min(min, seconds);
                max = Math.max(max, seconds);
                if (fixedStep == 0) {
                    distinct.add(seconds);
                }
            }
            // the reading's grid row time: itself on an inferred grid (checked when fused), its step's start else
            long rowTime = fixedStep == 0 ? seconds : Math.floorDiv(seconds, fixedStep) * fixedStep;
            long block = Math.floorDiv(rowTime, BLOCK_SECONDS);
            try {
                DataOutputStream out = open.get(block);
                if (out == null) {
                    out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(spool(dir, block),
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND), 1 << 14));
                    open.put(block, out);
                    blocks.add(block);
                }
                out.writeLong(seconds);
                out.writeInt(segment);
                out.writeDouble(speed);
                out.writeByte(source.ordinal());
                out.writeInt(file);
                out.writeLong(line);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot spool the readings to " + dir, e);
            }
        }

        void flush() {
            for (DataOutputStream out : open.values()) {
                closeQuietly(out);
            }
            open.clear();
            if (failure != null) {
                throw new UncheckedIOException("cannot spool the readings to " + dir, failure);
            }
        }

        private void closeQuietly(DataOutputStream out) {
            try {
                out.close();
            } catch (IOException e) {
                failure = e;
            }
        }

        /** The grid of the spooled readings, as {@code LongCsv.grid} makes it. */
        StreamedTable table(LongCsv.Rows rows, Duration fixedStep, ZoneId zone) {
            long t0;
            long step;
            long last;
            if (fixedStep == null) {
                if (distinct.size() < 2) {
                    throw new DatasetFormatException(rows.files.get(0), 2, "all rows share one timestamp: "
                            + "cannot infer the time step");
                }
                step = Long.MAX_VALUE;
                long previous = Long.MIN_VALUE;
                for (long s : distinct) {
                    if (previous != Long.MIN_VALUE) {
                        step = Math.min(step, s - previous);
                    }
                    previous = s;
                }
                t0 = distinct.first();
                last = distinct.last();
            } else {
                step = fixedStep.toSeconds();
                if (step <= 0) {
                    throw new IllegalArgumentException("step must be at least one second: " + fixedStep);
                }
                t0 = Math.floorDiv(min, step) * step;
                last = Math.floorDiv(max, step) * step;
            }
            long steps = (last - t0) / step + 1;
            if (steps > Integer.MAX_VALUE) {
                throw new DatasetFormatException(String.join(", ", rows.files), "grid of " + steps
                        + " steps is too long (step " + Duration.ofSeconds(step) + ")", null);
            }
            LocalDateTime start = fixedStep == null ? LocalDateTime.ofEpochSecond(t0, 0, ZoneOffset.UTC)
                    : LocalDateTime.ofInstant(Instant.ofEpochSecond(t0), zone);
            return new StreamedTable(rows.segments.keySet().toArray(new String[0]), start, Duration.ofSeconds(step),
                    zone, (int) steps, t0, fixedStep == null, List.copyOf(rows.files), dir,
                    blocks.stream().mapToLong(Long::longValue).toArray());
        }

        @Override
        public void close() {
            for (DataOutputStream out : open.values()) {
                closeQuietly(out);
            }
            open.clear();
        }
    }
}
