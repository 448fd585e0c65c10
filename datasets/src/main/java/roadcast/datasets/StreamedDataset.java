package roadcast.datasets;

import java.nio.file.Path;
import java.util.function.IntSupplier;

import roadcast.datasets.csv.WideCsv;

/**
 * A data set whose history is read row by row, never loaded: a shared-layout folder or wide CSV (read from the file
 * each time), a long CSV or the stream's day-partitioned archive (parsed once into a spool on local disk, then fused
 * an hour at a time). What {@code roadcast train --flink} and {@code roadcast retrain --flink} train from, so the
 * driver's memory does not grow with the history. Made by {@link DatasetLoader#openStreamed}; close it to delete the
 * spool.
 *
 * <p>The rows are those {@link DatasetLoader#load} would give (same grid, same column order, same speeds, zeros to NaN
 * where the README says so); flow and occupancy are not read.
 */
public final class StreamedDataset implements AutoCloseable {

    /** Reads the rows in time order into a visitor; stops when it returns false. */
    @FunctionalInterface
    interface Rows {
        void scan(WideCsv.RowVisitor visitor);
    }

    private final Dataset header;
    private final Rows rows;
    private final IntSupplier countSteps;
    private final AutoCloseable resources;
    private int steps = -1;

    StreamedDataset(Dataset header, Rows rows, IntSupplier countSteps, AutoCloseable resources) {
        this.header = header;
        this.rows = rows;
        this.countSteps = countSteps;
        this.resources = resources;
    }

    /** Name, network, coverage, conventions and time grid, with the first two rows only. */
    public Dataset header() {
        return header;
    }

    /** Rows of the history (for a wide CSV, counted by reading the file once, on the first call). */
    public int steps() {
        if (steps < 0) {
            steps = countSteps.getAsInt();
        }
        return steps;
    }

    /** Every row in time order, one reused array at a time (the visitor may change it). */
    public void scan(WideCsv.RowVisitor visitor) {
        rows.scan(visitor);
    }

    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot close the streamed data set " + header.name(), e);
        }
    }

    /** Whether {@link DatasetLoader#openStreamed} reads this path row by row. */
    public static boolean supports(Path path) {
        return DatasetLoader.streamable(path);
    }
}
