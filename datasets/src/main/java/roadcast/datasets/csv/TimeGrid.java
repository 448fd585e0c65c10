package roadcast.datasets.csv;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import roadcast.datasets.DatasetFormatException;

/** Parsing of timestamp cells and the regular-grid check shared by the CSV readers. */
final class TimeGrid {

    private TimeGrid() {
    }

    /** An ISO local date-time ({@code 2012-03-01T00:00:00} or with a space instead of the T). */
    static LocalDateTime parseLocal(String text, CsvScanner at) {
        try {
            return LocalDateTime.parse(text.replace(' ', 'T'));
        } catch (DateTimeParseException e) {
            throw at.error("not an ISO-8601 local date-time: '" + text + "'");
        }
    }

    /**
     * An ISO date-time with or without an offset/zone ({@code 2024-05-01T08:00:00Z}, {@code ...+08:00},
     * {@code ...+08:00[Asia/Shanghai]}, or local). Returns null for the zone part when there is none.
     */
    static ZonedDateTime parseZoned(String text, CsvScanner at) {
        String iso = text.replace(' ', 'T');
        try {
            return ZonedDateTime.parse(iso);
        } catch (DateTimeParseException e1) {
            try {
                return OffsetDateTime.parse(iso).toZonedDateTime();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    /** Checks that {@code time} is row {@code row} of the grid {@code start + row * step}. */
    static void expectOnGrid(LocalDateTime start, Duration step, int row, LocalDateTime time, String file, long line) {
        LocalDateTime expected = start.plus(step.multipliedBy(row));
        if (!expected.equals(time)) {
            throw new DatasetFormatException(file, line, "irregular time step: expected " + expected + " (start "
                    + start + " + " + row + " x " + step + "), found " + time);
        }
    }
}
