package roadcast.promote;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;

import roadcast.clean.CleaningReport;
import roadcast.clean.CleaningResult;
import roadcast.clean.CredibilityRules;
import roadcast.clean.HistoryCleaner;
import roadcast.history.SpeedHistory;
import roadcast.history.SpeedUnit;

/**
 * What the promotion gate needs of a window besides the two models: the credibility rules' counts over the whole
 * window and over the held-out rows alone, and the window's newest rows (the held-out block and the day of warm-up
 * before it, cleaned and as recorded) for {@link HeldOutSkill}. Made from a loaded window ({@link #of}) or from rows
 * streamed in time order ({@link Collector}), which keeps only those newest rows: a day and the held-out block, however
 * long the window is.
 *
 * @param window     what the rules did to the whole window (a cleaner continuing over every row)
 * @param heldOut    what they did to the held-out rows alone (a cleaner started at the first held-out row)
 * @param cleaned    the newest rows after cleaning by the continuing cleaner (at least the held-out block)
 * @param recorded   the same rows as recorded
 * @param heldOutRow first held-out row within {@code cleaned}
 */
public record HeldOutWindow(CleaningReport window, CleaningReport heldOut, SpeedHistory cleaned,
                            SpeedHistory recorded, int heldOutRow) {

    /** "first .. last ZONE": the held-out block's local times, for the model card. */
    public String label() {
        return cleaned.time(heldOutRow) + " .. " + cleaned.time(cleaned.steps() - 1) + " "
                + cleaned.timeZone().getId();
    }

    /** Rows held out of a window for the gate: {@code holdout} in steps, at least one. */
    public static int heldOutRows(Duration step, Duration holdout) {
        return (int) Math.max(1, holdout.toMillis() / step.toMillis());
    }

    /** Rows of warm-up before the held-out block that {@link HeldOutSkill} observes: one day. */
    static int warmUpRows(Duration step) {
        return (int) (86_400_000L / step.toMillis());
    }

    /** From a loaded window whose rows [trainRows, end) are held out: the whole window kept (it is in memory). */
    public static HeldOutWindow of(SpeedHistory window, int trainRows, CredibilityRules rules) {
        CleaningResult cleaned = HistoryCleaner.clean(window, rules);
        CleaningReport heldOut = HistoryCleaner.clean(window.rows(trainRows, window.steps()), rules).report();
        return new HeldOutWindow(cleaned.report(), heldOut, cleaned.cleaned(), window, trainRows);
    }

    /**
     * The same from rows offered one at a time in time order: a continuing cleaner counts the whole window, and a
     * ring keeps the newest rows (cleaned and recorded) that can still fall in the warm-up or held-out block. Where
     * the window ends is learnt only at {@link #finish}, so the ring is sized for the held-out block and a day.
     */
    public static final class Collector {
        private final String[] segmentIds;
        private final LocalDateTime start;
        private final Duration step;
        private final ZoneId timeZone;
        private final SpeedUnit unit;
        private final CredibilityRules rules;
        private final HistoryCleaner.RowCleaner cleaner;
        private final int heldOutRows;
        private final float[][] cleanedRing;
        private final float[][] recordedRing;
        private int rows;

        /**
         * @param start local time of row 0
         * @param holdout the newest part of the window that will be held out
         */
        public Collector(String[] segmentIds, LocalDateTime start, Duration step, ZoneId timeZone, SpeedUnit unit,
                         CredibilityRules rules, Duration holdout) {
            this.segmentIds = segmentIds.clone();
            this.start = start;
            this.step = step;
            this.timeZone = timeZone;
            this.unit = unit;
            this.rules = rules;
            this.cleaner = new HistoryCleaner.RowCleaner(segmentIds, rules);
            this.heldOutRows = heldOutRows(step, holdout);
            int capacity = heldOutRows + warmUpRows(step);
            this.cleanedRing = new float[capacity][];
            this.recordedRing = new float[capacity][];
        }

        /** Rows the collector keeps at most (held-out block and a day of warm-up), whatever the window's length. */
        public int capacity() {
            return cleanedRing.length;
        }

        /** The window's next row as recorded (not changed; copied). */
        public void accept(float[] recorded) {
            if (recorded.length != segmentIds.length) {
                throw new IllegalArgumentException("row " + rows + " has " + recorded.length + " values for "
                        + segmentIds.length + " segments");
            }
            int slot = rows % cleanedRing.length;
            if (recordedRing[slot] == null) {
                recordedRing[slot] = new float[segmentIds.length];
                cleanedRing[slot] = new float[segmentIds.length];
            }
            System.arraycopy(recorded, 0, recordedRing[slot], 0, recorded.length);
            System.arraycopy(recorded, 0, cleanedRing[slot], 0, recorded.length);
            cleaner.clean(cleanedRing[slot]);
            rows++;
        }

        /** Rows offered so far. */
        public int rows() {
            return rows;
        }

        /**
         * The gate's evidence once every row was offered, rows [trainRows, rows()) held out.
         *
         * @throws IllegalArgumentException when the held-out block is not {@code rows() - trainRows} rows of the
         *                                  holdout this collector was made for
         */
        public HeldOutWindow finish(int trainRows) {
            if (rows - trainRows != heldOutRows) {
                throw new IllegalArgumentException("held out " + (rows - trainRows) + " rows of " + rows
                        + "; the collector keeps " + heldOutRows);
            }
            int kept = Math.min(rows, cleanedRing.length);
            int first = rows - kept;
            float[][] cleaned = new float[kept][];
            float[][] recorded = new float[kept][];
            for (int k = 0; k < kept; k++) {
                int slot = (first + k) % cleanedRing.length;
                cleaned[k] = cleanedRing[slot];
                recorded[k] = recordedRing[slot];
            }
            LocalDateTime tailStart = start.plus(step.multipliedBy(first));
            SpeedHistory recordedTail = new SpeedHistory(segmentIds, tailStart, step, timeZone, unit, recorded,
                    null, null);
            int heldOutRow = trainRows - first;
            CleaningReport heldOut = HistoryCleaner.clean(recordedTail.rows(heldOutRow, kept), rules).report();
            return new HeldOutWindow(cleaner.report(), heldOut, new SpeedHistory(segmentIds, tailStart, step,
                    timeZone, unit, cleaned, null, null), recordedTail, heldOutRow);
        }
    }
}
