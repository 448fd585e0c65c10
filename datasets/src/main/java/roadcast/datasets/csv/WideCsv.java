package roadcast.datasets.csv;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import roadcast.datasets.DatasetFormatException;

/**
 * Reads the shared layout's wide CSV ({@code timestamp,<ids...>}, one row per time step, ISO local timestamps,
 * empty cells = missing), plain or gzip. Rows must be on a regular grid; the step is the gap between the first two.
 */
public final class WideCsv {

    private WideCsv() {
    }

    public static WideTable read(Path file) {
        try (CsvScanner in = CsvScanner.open(file)) {
            return read(in);
        }
    }

    static WideTable read(CsvScanner in) {
        List<float[]> rows = new ArrayList<>(1024);
        Grid grid = scan(in, (r, time, values) -> {
            rows.add(values.clone());
            return true;
        });
        return new WideTable(grid.ids(), grid.start(), grid.step(), rows.toArray(new float[0][]));
    }

    /** What a scan found: the header's ids and the time grid of the rows visited. */
    public record Grid(String[] ids, LocalDateTime start, Duration step, int rows) {
    }

    /** Receives the rows of a scan one at a time. */
    @FunctionalInterface
    public interface RowVisitor {
        /**
         * @param r      row index on the grid
         * @param values the row's cells, NaN where empty; the array is reused for the next row (copy to keep it)
         * @return false to stop the scan after this row
         */
        boolean row(int r, LocalDateTime time, float[] values);
    }

    /**
     * Reads the file row by row without holding it: one row's array at a time, the same checks as {@link #read}.
     * Stops early when the visitor says so (then the grid's step may be unknown if fewer than two rows were read).
     */
    public static Grid scan(Path file, RowVisitor visitor) {
        try (CsvScanner in = CsvScanner.open(file)) {
            return scan(in, visitor);
        }
    }

    static Grid scan(CsvScanner in, RowVisitor visitor) {
        String[] ids = header(in);
        int n = ids.length;
        float[] row = new float[n];
        int count = 0;
        LocalDateTime start = null;
        Duration step = null;
        long firstLine = 0;
        int term;
        while ((term = in.next()) != CsvScanner.END_OF_FILE) {
            long line = in.line();
            LocalDateTime time = TimeGrid.parseLocal(in.fieldString(), in);
            if (term != CsvScanner.MORE) {
                throw in.error("row has 0 values, header has " + n + " segments");
            }
            for (int i = 0; i < n; i++) {
                row[i] = (float) in.nextDouble("column ", ids[i]);
                term = in.terminator();
                if (term != CsvScanner.MORE && i < n - 1) {
                    throw in.error("ragged row: " + (i + 1) + " values, header has " + n + " segments");
                }
            }
            if (term == CsvScanner.MORE) {
                int extra = 1;
                while (in.next() == CsvScanner.MORE) {
                    extra++;
                }
                throw new DatasetFormatException(in.file(), line,
                        "ragged row: " + (n + extra) + " values, header has " + n + " segments");
            }
            int r = count;
            if (r == 0) {
                start = time;
                firstLine = line;
            } else if (r == 1) {
                step = Duration.between(start, time);
                if (step.isZero() || step.isNegative()) {
                    throw new DatasetFormatException(in.file(), line, "timestamps must increase: " + time
                            + " after " + start + " (line " + firstLine + ")");
                }
            } else {
                TimeGrid.expectOnGrid(start, step, r, time, in.file(), line);
            }
            count++;
            if (!visitor.row(r, time, row)) {
                return new Grid(ids, start, step, count);
            }
        }
        if (count == 0) {
            throw new DatasetFormatException(in.file(), in.line(), "no data rows after the header");
        }
        if (step == null) {
            throw new DatasetFormatException(in.file(), firstLine, "only one row: cannot infer the time step");
        }
        return new Grid(ids, start, step, count);
    }

    private static String[] header(CsvScanner in) {
        int term = in.next();
        if (term == CsvScanner.END_OF_FILE) {
            throw in.error("empty file: expected a header 'timestamp,<segment ids...>'");
        }
        String first = in.fieldString();
        if (!first.equalsIgnoreCase("timestamp") && !first.equalsIgnoreCase("time") && !first.isEmpty()) {
            throw in.error("missing column: the first header column must be 'timestamp', found '" + first + "'");
        }
        if (term != CsvScanner.MORE) {
            throw in.error("missing column: header has no segment columns after 'timestamp'");
        }
        List<String> ids = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        do {
            term = in.next();
            String id = in.fieldString();
            if (id.isEmpty()) {
                throw in.error("empty segment id in header column " + (ids.size() + 2));
            }
            if (!seen.add(id)) {
                throw in.error("duplicate segment id '" + id + "' in header");
            }
            ids.add(id);
        } while (term == CsvScanner.MORE);
        return ids.toArray(new String[0]);
    }
}
