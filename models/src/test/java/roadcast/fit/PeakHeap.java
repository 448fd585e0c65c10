package roadcast.fit;

import java.lang.management.ManagementFactory;

/** Samples the used heap every {@code periodMillis} on a daemon thread and keeps the peak (the scale benchmarks). */
public final class PeakHeap extends Thread {

    private final long periodMillis;
    public volatile long peak;

    public PeakHeap(long periodMillis) {
        this.periodMillis = periodMillis;
        setDaemon(true);
    }

    public static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Override
    public void run() {
        while (!isInterrupted()) {
            peak = Math.max(peak, usedHeap());
            try {
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
