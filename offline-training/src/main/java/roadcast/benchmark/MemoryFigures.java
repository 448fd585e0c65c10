package roadcast.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Peak memory of this JVM: heap pools' peak usage, and the process's peak resident set (Linux /proc only). */
public final class MemoryFigures {

    private MemoryFigures() {
    }

    /** Sum of the heap pools' peak usage in MB (an upper bound of the peak heap: pools peak at different times). */
    public static double peakHeapMb() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / (1024.0 * 1024.0);
    }

    /** VmHWM of /proc/self/status in MB, NaN where there is no /proc. */
    public static double peakRssMb() {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return Double.NaN;
        }
        try {
            List<String> lines = Files.readAllLines(status);
            for (String line : lines) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
