package roadcast.trainjob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.Partitioner;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import roadcast.fit.TrainingConfig;

/**
 * The Flink batch job of the daily fit: the zone ids, spread over {@code parallelism} fit tasks (largest zones
 * first, each to the least-loaded task), {@link FitZone} per zone, and the outcomes read back by the driver from the
 * run folder once the job has finished.
 * The zone histories must already be in the run folder ({@link ZoneHistoryFiles#write}); the parts land there.
 */
public final class ZoneTrainingJob {

    private final String run;
    private final TrainingConfig config;
    private final int[] zoneSizes;
    private final int parallelism;
    private final roadcast.history.SpeedUnit unit;
    private final roadcast.network.RoadClass[][] classes;

    /**
     * @param run         the run folder (path or URI every TaskManager reads)
     * @param zoneSizes   segments of each zone, index = zone
     * @param parallelism fit tasks
     * @param unit    the speeds' unit, for grading levels
     * @param classes road classes of each zone's segments, index = zone ({@link roadcast.fit.ManifoldTrainer#roadClasses}):
     *                the zones' validation then counts the levels the level holds announce right, as the local
     *                trainer's does; null = no counts (holds 0)
     */
    public ZoneTrainingJob(String run, TrainingConfig config, int[] zoneSizes, int parallelism,
                           roadcast.history.SpeedUnit unit, roadcast.network.RoadClass[][] classes) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
        this.run = run;
        this.config = config;
        this.zoneSizes = zoneSizes.clone();
        this.parallelism = parallelism;
        this.unit = unit;
        this.classes = classes;
    }

    /** Runs the job in batch mode on {@code env} and returns one outcome per zone, by zone. */
    public List<ZoneOutcome> execute(StreamExecutionEnvironment env) throws Exception {
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        int zones = zoneSizes.length;
        int[] task = assignTasks(zoneSizes, parallelism);
        List<Integer> ids = new ArrayList<>();
        for (int z = 0; z < zones; z++) {
            ids.add(z);
        }
        env.fromData(ids).name("zones")
                .partitionCustom(new ToTask(task), new ZoneId())
                .map(new FitZone(run, config, unit, classes)).name("fit zone").setParallelism(parallelism)
                .sinkTo(new DiscardingSink<>()).name("outcomes in the run folder").setParallelism(parallelism);
        env.execute("roadcast train: " + zones + " zones on " + parallelism + " tasks");
        // the outcomes are read from the run folder: collect()'s result fetch does not survive a lost TaskManager
        Path runPath = new Path(run);
        List<ZoneOutcome> out = new ArrayList<>();
        for (int z = 0; z < zones; z++) {
            ZoneOutcome o = ZoneHistoryFiles.readOutcome(runPath, z);
            if (o != null) {
                out.add(o);
            }
        }
        return out;
    }

    /**
     * Longest-processing-time-first: zones by size, descending, each to the task with the fewest segments so far
     * (a zone's fit costs about its segments times the steps). Deterministic, so a rerun lands the same way.
     */
    static int[] assignTasks(int[] zoneSizes, int tasks) {
        Integer[] order = new Integer[zoneSizes.length];
        for (int z = 0; z < order.length; z++) {
            order[z] = z;
        }
        Arrays.sort(order, (a, b) -> zoneSizes[a] != zoneSizes[b] ? Integer.compare(zoneSizes[b], zoneSizes[a])
                : Integer.compare(a, b));
        long[] load = new long[tasks];
        int[] task = new int[zoneSizes.length];
        for (int z : order) {
            int least = 0;
            for (int k = 1; k < tasks; k++) {
                if (load[k] < load[least]) {
                    least = k;
                }
            }
            task[z] = least;
            load[least] += zoneSizes[z];
        }
        return task;
    }

    /** The record is the zone id (a class, not a lambda: Flink cannot see a lambda's generic types). */
    private static final class ZoneId implements KeySelector<Integer, Integer> {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer getKey(Integer zone) {
            return zone;
        }
    }

    /** Sends zone z to its assigned task. */
    private static final class ToTask implements Partitioner<Integer> {
        private static final long serialVersionUID = 1L;
        private final int[] task;

        ToTask(int[] task) {
            this.task = task;
        }

        @Override
        public int partition(Integer zone, int numPartitions) {
            return task[zone] % numPartitions;
        }
    }
}
