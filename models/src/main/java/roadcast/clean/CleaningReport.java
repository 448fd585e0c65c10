package roadcast.clean;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Cell counts per {@link Verdict}, overall and per segment, of one cleaning run. MISSING counts cells that were
 * already missing (NaN or a zero meaning "no probe"); the other rejections count cells the cleaner set to NaN.
 */
public final class CleaningReport {

    private static final Verdict[] VERDICTS = Verdict.values();

    private final String[] segmentIds;
    /** [segment][verdict ordinal]. */
    private final long[][] counts;

    CleaningReport(String[] segmentIds, long[][] counts) {
        this.segmentIds = segmentIds;
        this.counts = counts;
    }

    public int segments() {
        return segmentIds.length;
    }

    public String segmentId(int segment) {
        return segmentIds[segment];
    }

    public long count(int segment, Verdict verdict) {
        return counts[segment][verdict.ordinal()];
    }

    public long count(Verdict verdict) {
        long total = 0;
        for (long[] row : counts) {
            total += row[verdict.ordinal()];
        }
        return total;
    }

    public long cells() {
        long total = 0;
        for (Verdict v : VERDICTS) {
            total += count(v);
        }
        return total;
    }

    /** Cells rejected by a rule (not counting those that were missing to begin with). */
    public long rejected() {
        return cells() - count(Verdict.OK) - count(Verdict.MISSING);
    }

    public long rejected(int segment) {
        long total = 0;
        for (Verdict v : VERDICTS) {
            if (v != Verdict.OK && v != Verdict.MISSING) {
                total += counts[segment][v.ordinal()];
            }
        }
        return total;
    }

    /** Segments by descending number of rejected cells, the first {@code limit} with any. */
    public int[] worstSegments(int limit) {
        return IntStream.range(0, segmentIds.length).boxed()
                .filter(i -> rejected(i) > 0)
                .sorted(Comparator.comparingLong((Integer i) -> rejected(i)).reversed().thenComparing(i -> i))
                .limit(limit).mapToInt(Integer::intValue).toArray();
    }

    /** Human-readable lines for the trainer's output: totals per verdict, then the worst segments. */
    public List<String> summaryLines() {
        List<String> lines = new ArrayList<>();
        long cells = cells();
        lines.add(String.format(Locale.ROOT, "cleaned %d cells of %d segments: %d rejected (%.3f%%)", cells,
                segmentIds.length, rejected(), percent(rejected(), cells)));
        for (Verdict v : VERDICTS) {
            long n = count(v);
            if (n > 0 || v.ordinal() <= Verdict.SPIKE.ordinal()) {
                lines.add(String.format(Locale.ROOT, "  %-13s %12d  %8.3f%%", v, n, percent(n, cells)));
            }
        }
        for (int s : worstSegments(5)) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  worst segment %s: %d rejected",
                    segmentIds[s], rejected(s)));
            for (Verdict v : VERDICTS) {
                long n = counts[s][v.ordinal()];
                if (n > 0 && v != Verdict.OK && v != Verdict.MISSING) {
                    line.append(' ').append(v).append('=').append(n);
                }
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private static double percent(long n, long of) {
        return of == 0 ? 0.0 : 100.0 * n / of;
    }

    @Override
    public String toString() {
        return String.join(System.lineSeparator(), summaryLines());
    }
}
