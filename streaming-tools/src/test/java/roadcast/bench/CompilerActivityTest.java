package roadcast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class CompilerActivityTest {

    @Test
    void theWaitEndsAfterAQuietPeriodOrAtItsLimit() throws InterruptedException {
        // any compiling allowed: settled as soon as the quiet period has passed
        long settled = CompilerActivity.awaitSettled(Duration.ofMillis(300), Long.MAX_VALUE, Duration.ofSeconds(20));
        assertTrue(settled >= 300 && settled < 20_000, "waited " + settled + " ms");
        // a quiet period longer than the limit: the limit ends the wait
        long capped = CompilerActivity.awaitSettled(Duration.ofSeconds(30), Long.MAX_VALUE, Duration.ofMillis(400));
        assertTrue(capped >= 400 && capped < 20_000, "waited " + capped + " ms");
    }

    @Test
    void aWindowCountsTheProcessCpuSpentInIt() throws InterruptedException {
        try (CompilerActivity activity = CompilerActivity.start()) {
            long from = System.currentTimeMillis();
            Thread.sleep(150);
            // 300 ms of this thread's CPU, however long a loaded machine takes to give it
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long x = 0;
            while (threads.getCurrentThreadCpuTime() - cpu0 < 300_000_000L) {
                x += Long.numberOfTrailingZeros(x + System.nanoTime());
            }
            Thread.sleep(150);
            CompilerActivity.Window w = activity.between(from, System.currentTimeMillis());
            assertTrue(w.sampledMillis() >= 300, "sampled " + w.sampledMillis() + " ms of " + x);
            assertTrue(w.processCpuSeconds() >= 0.2, "300 ms of CPU in the window: " + w.processCpuSeconds());
            assertEquals(new CompilerActivity.Window(0, 0, 0), activity.between(0, 1), "no sample in the window");
        }
    }
}
