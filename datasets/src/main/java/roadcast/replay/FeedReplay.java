package roadcast.replay;

import java.time.Instant;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import roadcast.datasets.Dataset;
import roadcast.history.SpeedHistory;
import roadcast.reading.Source;
import roadcast.reading.SpeedReading;

/**
 * A data set played back as the live feed would deliver it: time-ordered {@link SpeedReading}s, row by row and
 * within a row in segment order, with empty (NaN) cells skipped. Event times are the rows' instants in the history's
 * time zone, as epoch milliseconds. The source is FLOATING_CAR for floating-car (taxi) data sets, LOOP otherwise.
 */
public final class FeedReplay implements Iterator<SpeedReading> {

    private final SpeedHistory history;
    private final String[] ids;
    private final Source source;
    private int row;
    private int column;
    private SpeedReading next;

    private FeedReplay(Dataset dataset, int firstRow) {
        this.history = dataset.history();
        this.ids = history.segmentIds();
        this.source = sourceOf(dataset);
        this.row = firstRow;
        this.column = 0;
        advance();
    }

    /** The whole data set. */
    public static FeedReplay of(Dataset dataset) {
        return new FeedReplay(dataset, 0);
    }

    /** From the first row at or after {@code start}. */
    public static FeedReplay from(Dataset dataset, Instant start) {
        SpeedHistory h = dataset.history();
        long first = h.epochMillis(0);
        long stepMillis = h.step().toMillis();
        long wanted = start.toEpochMilli();
        int row = wanted <= first ? 0 : (int) Math.min(h.steps(), Math.floorDiv(wanted - first + stepMillis - 1,
                stepMillis));
        return new FeedReplay(dataset, row);
    }

    /** From the first row at or after the local time {@code start} in the history's time zone. */
    public static FeedReplay from(Dataset dataset, java.time.LocalDateTime start) {
        return from(dataset, start.atZone(dataset.history().timeZone()).toInstant());
    }

    /** The readings as a sequential stream. */
    public static Stream<SpeedReading> stream(FeedReplay replay) {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(replay,
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** FLOATING_CAR when the provenance describes floating-car or taxi probes, LOOP otherwise. */
    public static Source sourceOf(Dataset dataset) {
        String text = dataset.provenance() == null ? "" : dataset.provenance().toLowerCase(Locale.ROOT);
        boolean probes = text.contains("floating-car") || text.contains("floating car") || text.contains("taxi");
        return probes ? Source.FLOATING_CAR : Source.LOOP;
    }

    public Source source() {
        return source;
    }

    /** The row the next reading comes from ({@code steps()} when exhausted). */
    public int row() {
        return row;
    }

    @Override
    public boolean hasNext() {
        return next != null;
    }

    @Override
    public SpeedReading next() {
        if (next == null) {
            throw new NoSuchElementException();
        }
        SpeedReading current = next;
        advance();
        return current;
    }

    private void advance() {
        float[][] speed = history.speed();
        while (row < speed.length) {
            float[] values = speed[row];
            while (column < values.length) {
                int i = column++;
                float x = values[i];
                if (!Float.isNaN(x)) {
                    next = new SpeedReading(ids[i], history.epochMillis(row), x,
                            history.flow() == null ? Double.NaN : history.flow()[row][i],
                            history.occupancy() == null ? Double.NaN : history.occupancy()[row][i], source);
                    return;
                }
            }
            row++;
            column = 0;
        }
        next = null;
    }
}
