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
        int n = history.segments();
        ReadingCheck check = new ReadingCheck(rules);
        SegmentTrack[] tracks = new SegmentTrack[n];
        for (int i = 0; i < n; i++) {
            tracks[i] = new SegmentTrack();
        }
        long[][] counts = new long[n][Verdict.values().length];
        // row-major walk: the matrix is [T][N], so one row at a time keeps the reads sequential
        for (float[] row : history.speed()) {
            for (int i = 0; i < n; i++) {
                float x = row[i];
                // a NaN cell is a reading that never arrived: the stream would not see it, so it must not touch the track
                Verdict v = Float.isNaN(x) ? Verdict.MISSING : check.check(tracks[i], x);
                counts[i][v.ordinal()]++;
                if (v != Verdict.OK) {
                    row[i] = Float.NaN;
                }
            }
        }
        return new CleaningResult(history, new CleaningReport(history.segmentIds().clone(), counts));
    }
}
