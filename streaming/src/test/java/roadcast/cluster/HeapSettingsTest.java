package roadcast.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code --taskmanager-heap 4g} is the TaskManager JVM's whole heap: the task heap is what Flink's framework heap
 * leaves of it (Flink's -Xmx is the sum of the two).
 */
class HeapSettingsTest {

    @Test
    void theTaskHeapIsTheJvmHeapLessTheFrameworkShare() {
        String yaml = LocalFlinkCluster.heapSettings("4g");
        assertTrue(yaml.contains("taskmanager.memory.framework.heap.size: 128m"), yaml);
        assertTrue(yaml.contains("taskmanager.memory.task.heap.size: " + ((4096L - 128) << 20) + "b"), yaml);
    }

    @Test
    void sizesWithoutRoomForTasksOrUnreadableAreRefusedWithTheReason() {
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> LocalFlinkCluster.heapSettings("200m"));
        assertTrue(small.getMessage().contains("below 256m"), small.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> LocalFlinkCluster.heapSettings("lots"));
        assertEquals("TaskManager heap 'lots' is not a memory size such as 4g or 1536m", bad.getMessage());
    }
}
