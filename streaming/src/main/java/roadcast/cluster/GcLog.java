package roadcast.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a JVM's unified GC log ({@code -Xlog:gc}) says about its heap. Each pause line gives the heap in use before
 * and after the collection and the committed heap, e.g.
 * {@code [12.3s][info][gc] GC(7) Pause Young (Normal) (G1 Evacuation Pause) 2048M->312M(4096M) 9.1ms}.
 *
 * <p>Why it is read at all: the heap in use that a metric samples ({@code Status.JVM.Memory.Heap.Used}) includes
 * garbage not yet collected, and G1 lets that grow towards {@code -Xmx} before it collects, so its peak says how big
 * the heap was allowed to be rather than what the tasks needed. The heap after a collection is what survived it:
 * its peak over the run is the tasks' live heap (an upper bound still, since a young collection leaves the old
 * generation's garbage for the next concurrent cycle).
 *
 * @param pauses          collections seen (pauses with a before/after figure)
 * @param peakBeforeMb    largest heap in use before a collection (garbage included)
 * @param peakAfterMb     largest heap in use after a collection (what was live, at most)
 * @param peakCommittedMb largest committed heap
 * @param allocatedMb     heap allocated over the log, estimated as the growth between consecutive collections
 *                        (before of one minus after of the previous): the transient allocation the code causes
 */
public record GcLog(int pauses, double peakBeforeMb, double peakAfterMb, double peakCommittedMb, double allocatedMb) {

    /** "GC(n) Pause ... BEFORE->AFTER(COMMITTED)"; sizes in B, K, M or G as the JVM prints them. */
    private static final Pattern PAUSE = Pattern.compile(
            "GC\\(\\d+\\) Pause .*?(\\d+)([BKMG])->(\\d+)([BKMG])\\((\\d+)([BKMG])\\)");

    /** An empty log: no collection seen. */
    public static final GcLog NONE = new GcLog(0, 0, 0, 0, 0);

    /** The figures of one JVM's log lines, in order. */
    public static GcLog parse(List<String> lines) {
        int pauses = 0;
        double before = 0;
        double after = 0;
        double committed = 0;
        double allocated = 0;
        double lastAfter = 0;
        for (String line : lines) {
            Matcher m = PAUSE.matcher(line);
            if (!m.find()) {
                continue;
            }
            double b = mb(m.group(1), m.group(2));
            double a = mb(m.group(3), m.group(4));
            double c = mb(m.group(5), m.group(6));
            pauses++;
            allocated += Math.max(0, b - lastAfter);
            lastAfter = a;
            before = Math.max(before, b);
            after = Math.max(after, a);
            committed = Math.max(committed, c);
        }
        return new GcLog(pauses, before, after, committed, allocated);
    }

    /** The figures of one log file (written without rotation, {@code ::filecount=0}, so it holds every pause). */
    public static GcLog read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /**
     * The largest of each figure over several JVMs (one TaskManager's peak, the cluster's largest), allocation
     * summed.
     */
    public static GcLog max(List<GcLog> logs) {
        GcLog out = NONE;
        for (GcLog g : logs) {
            out = new GcLog(out.pauses + g.pauses, Math.max(out.peakBeforeMb, g.peakBeforeMb),
                    Math.max(out.peakAfterMb, g.peakAfterMb), Math.max(out.peakCommittedMb, g.peakCommittedMb),
                    out.allocatedMb + g.allocatedMb);
        }
        return out;
    }

    private static double mb(String value, String unit) {
        double v = Double.parseDouble(value);
        return switch (unit) {
            case "B" -> v / (1 << 20);
            case "K" -> v / 1024;
            case "M" -> v;
            case "G" -> v * 1024;
            default -> throw new IllegalArgumentException("unit " + unit);
        };
    }
}
