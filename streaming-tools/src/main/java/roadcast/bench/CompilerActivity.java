package roadcast.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The JIT compiler's and the process's work over time, sampled every 100 ms on a daemon thread, so that a throughput
 * run can say how much compiling fell inside its measured window; and a wait for compilation to settle before a run.
 * On this two-core machine C2 compiled for about as long as the forecast job's zone thread ran in the measured run
 * (README, issue 12, tenth pass): the run measured a JIT that had not settled as much as the job.
 */
public final class CompilerActivity implements AutoCloseable {

    private static final CompilationMXBean COMPILER = ManagementFactory.getCompilationMXBean();
    private static final long SAMPLE_MILLIS = 100;

    /** wall ms, compile ms, process CPU ns */
    private final List<long[]> samples = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean running = true;

    private CompilerActivity() {
        sampler = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench compiler activity");
        sampler.setDaemon(true);
    }

    /** Starts sampling; {@link #close()} stops it. */
    public static CompilerActivity start() {
        CompilerActivity a = new CompilerActivity();
        a.sample();
        a.sampler.start();
        return a;
    }

    /** Total compile time of the JVM so far, ms (0 where the JVM does not say). */
    public static long compileMillis() {
        return COMPILER.isCompilationTimeMonitoringSupported() ? COMPILER.getTotalCompilationTime() : 0;
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    private void sample() {
        long[] s = {System.currentTimeMillis(), compileMillis(), processCpuNanos()};
        synchronized (samples) {
            samples.add(s);
        }
    }

    /**
     * Compile time and process CPU between two wall-clock instants (ms since the epoch, e.g. broker append times of
     * the same machine), from the samples nearest inside them.
     */
    public Window between(long fromMillis, long toMillis) {
        long[] first = null;
        long[] last = null;
        synchronized (samples) {
            for (long[] s : samples) {
                if (s[0] >= fromMillis && s[0] <= toMillis) {
                    if (first == null) {
                        first = s;
                    }
                    last = s;
                }
            }
        }
        if (first == null || first == last) {
            return new Window(0, 0, 0);
        }
        return new Window(last[0] - first[0], last[1] - first[1], (last[2] - first[2]) / 1e9);
    }

    /**
     * @param sampledMillis    span of the samples the figures come from
     * @param compileMillis    time the JIT compilers spent compiling in it (their wall time, summed over threads)
     * @param processCpuSeconds CPU time of the whole process in it
     */
    public record Window(long sampledMillis, long compileMillis, double processCpuSeconds) {
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }

    /**
     * Waits until the JIT compilers have spent at most {@code maxGrowthMillis} compiling over the last {@code quiet},
     * or {@code max} has passed; returns the time waited, ms. A job's code compiles when it first runs hot, so after
     * the warm-up runs C2 is often still working through what they queued when the next measured run starts; without
     * the wait that run shares the two cores with it.
     */
    public static long awaitSettled(Duration quiet, long maxGrowthMillis, Duration max) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + max.toNanos();
        long windowStart = System.nanoTime();
        long compiledAtWindowStart = compileMillis();
        while (System.nanoTime() < deadline) {
            Thread.sleep(SAMPLE_MILLIS);
            long compiled = compileMillis();
            if (compiled - compiledAtWindowStart > maxGrowthMillis) {
                windowStart = System.nanoTime();
                compiledAtWindowStart = compiled;
            } else if (System.nanoTime() - windowStart >= quiet.toNanos()) {
                break;
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
