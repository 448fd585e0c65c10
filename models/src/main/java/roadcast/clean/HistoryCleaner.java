package roadcast.clean;

import roadcast.history.SpeedHistory;

/**
 * Cleans a speed history with the stream's own {@link ReadingCheck}, applied cell by cell in time order, so the
 * training data and the live input pass exactly the same rules. Rejected cells become NaN; zeros that mean "no
 * observation" become NaN too.
 */
public final class HistoryCleaner {

    private HistoryCleaner() {
    }

    /** Cleans a copy; the input history is left unchanged. Needs a second speed matrix of memory. */
    public static CleaningResult clean(SpeedHistory history, CredibilityRules rules) {
        float[][] copy = new float[history.steps()][];
        for (int t = 0; t < copy.length; t++) {
            copy[t] = history.speed()[t].clone();
        }
        SpeedHistory target = new SpeedHistory(history.segmentIds(), history.start(), history.step(),
                history.timeZone(), history.unit(), copy, history.flow(), history.occupancy());
        return cleanInPlace(target, rules);
    }

    /** Cleans the history's own speed matrix: for month-long 20,000-segment histories where a copy does not fit. */
    public static CleaningResult cleanInPlace(SpeedHistory history, CredibilityRules rules) {
        RowCleaner cleaner = new RowCleaner(history.segmentIds(), rules);
        // row-major walk: the matrix is [T][N], so one row at a time keeps the reads sequential
        for (float[] row : history.speed()) {
            cleaner.clean(row);
        }
        return new CleaningResult(history, cleaner.report());
    }

    /**
     * The cleaner one row at a time, in time order: what {@link #cleanInPlace} does to a matrix, for a trainer that
     * reads the history as a stream of rows and never holds it (the Flink batch trainer's driver).
     */
    public static final class RowCleaner {
        private static final int VERDICTS = Verdict.values().length;
        private final String[] segmentIds;
        private final ReadingCheck check;
        private final SegmentTrack[] tracks;
        /** [segment * VERDICTS + verdict]: one array walked in column order, not a small array per segment. */
        private final long[] counts;

        public RowCleaner(String[] segmentIds, CredibilityRules rules) {
            this.segmentIds = segmentIds.clone();
            int n = segmentIds.length;
            this.check = new ReadingCheck(rules);
            this.tracks = new SegmentTrack[n];
            for (int i = 0; i < n; i++) {
                tracks[i] = new SegmentTrack();
            }
            this.counts = new long[n * VERDICTS];
        }

        /** Cleans the next row in place: rejected cells become NaN. */
        public void clean(float[] row) {
            for (int i = 0; i < row.length; i++) {
                float x = row[i];
                // a NaN cell is a reading that never arrived: the stream would not see it, so it must not touch the track
                Verdict v = Float.isNaN(x) ? Verdict.MISSING : check.check(tracks[i], x);
                counts[i * VERDICTS + v.ordinal()]++;
                if (v != Verdict.OK) {
                    row[i] = Float.NaN;
                }
            }
        }

        /** What was removed from the rows cleaned so far. */
        public CleaningReport report() {
            long[][] copy = new long[segmentIds.length][];
            for (int i = 0; i < copy.length; i++) {
                copy[i] = java.util.Arrays.copyOfRange(counts, i * VERDICTS, (i + 1) * VERDICTS);
            }
            return new CleaningReport(segmentIds.clone(), copy);
        }
    }
}
