package roadcast.trainjob;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import roadcast.cluster.GcLog;
import roadcast.cluster.LocalFlinkCluster;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.fit.TrainingConfig;
import roadcast.model.ManifoldModel;
import roadcast.synthetic.CityConfig;
import roadcast.synthetic.CityGenerator;
import roadcast.synthetic.WeekProfiles;
import roadcast.train.ProgressBars;
import roadcast.train.TrainingOptions;
import roadcast.train.TrainingRun;

/** {@code roadcast bench-train}: local training against the Flink batch trainer on a local standalone cluster. */
@Command(name = "bench-train", mixinStandardHelpOptions = true,
        description = {"Generates a city, trains it in this JVM (unless --cluster-only) and as a Flink batch job on a "
                + "local standalone cluster of K TaskManagers (separate JVMs, one slot each), and writes the times, "
                + "the largest forecast difference between the two models, the TaskManagers' and the driver's peak "
                + "heap as JSON. The cluster run's driver streams the city from its files (it never loads the "
                + "history); the local run loads it.",
                "TaskManager memory: taskmanager_jvm_heap_mb is each TaskManager's -Xmx (= --taskmanager-heap); "
                        + "peak_taskmanager_heap_mb the heap in use sampled every 0.5 s, uncollected garbage "
                        + "included (G1 lets it grow towards -Xmx before collecting); "
                        + "peak_taskmanager_heap_after_gc_mb the largest heap left after a collection in the "
                        + "TaskManagers' GC logs: what the fits kept alive.",
                "Both times cover cleaning, zoning, fitting and assembling (the cluster's also writing the zone "
                        + "histories and collecting the parts), not generating or loading the city, nor starting "
                        + "the cluster (a session cluster is already running in production; its start time is "
                        + "reported apart)."})
public final class BenchTrainCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--segments", paramLabel = "N", defaultValue = "20000", split = ",",
            description = {"Segments (default: ${DEFAULT-VALUE}). Several sizes, e.g. 10000,20000,50000, make a cost "
                    + "curve: one run per size, one after the other, then a least-squares line of time and memory "
                    + "against segments, extrapolated to 100,000; the JSON then holds {\"runs\": [...], "
                    + "\"cost_curve\": {...}}."})
    List<Integer> segmentsList;

    @Option(names = "--days", paramLabel = "D", defaultValue = "14", description = "Days of 5-minute steps (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "7", description = "City seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--taskmanagers", paramLabel = "K", defaultValue = "2",
            description = "TaskManagers of the local cluster, one slot each (default: ${DEFAULT-VALUE}).")
    int taskManagers;

    @Option(names = "--taskmanager-heap", paramLabel = "SIZE", defaultValue = "1g",
            description = "JVM heap (-Xmx) of each TaskManager, Flink's framework share included (default: "
                    + "${DEFAULT-VALUE}).")
    String taskManagerHeap;

    @Option(names = "--cluster-only", description = "Skip the local training (then no forecast difference).")
    boolean clusterOnly;

    @Option(names = "--json", paramLabel = "FILE", required = true, description = "Where the figures go.")
    Path json;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Working folder: city, cluster, zone histories (default: a temporary folder, deleted).")
    Path dir;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    @Mixin
    TrainingOptions training = new TrainingOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (segmentsList.stream().anyMatch(n -> n < 2) || days < 3 || taskManagers < 1) {
            err.println("bench-train: need --segments >= 2, --days >= 3, --taskmanagers >= 1");
            return 2;
        }
        ObjectMapper mapper = new ObjectMapper();
        List<ObjectNode> runs = new java.util.ArrayList<>();
        for (int segments : segmentsList) {
            runs.add(run(segments, out));
            if (segmentsList.size() > 1) {
                // the sizes done so far, in case a long curve is stopped before its end
                ObjectNode partial = mapper.createObjectNode();
                partial.putArray("runs").addAll(runs);
                Files.writeString(json, partial.toPrettyString() + "\n", StandardCharsets.UTF_8);
            }
        }
        ObjectNode result;
        if (runs.size() == 1) {
            result = runs.get(0);
        } else {
            result = mapper.createObjectNode();
            result.putArray("runs").addAll(runs);
            ObjectNode curve = result.putObject("cost_curve");
            out.println("cost curve (" + taskManagers + " TaskManagers, " + days + " days, heap " + taskManagerHeap
                    + "):");
            out.println("  segments  zones  local s  cluster s  driver peak heap MB  TaskManager peak heap MB  "
                    + "after GC MB");
            for (ObjectNode r : runs) {
                out.printf(Locale.ROOT, "  %8d  %5d  %7s  %9.1f  %19d  %24d  %11d%n", r.path("segments").asInt(),
                        r.path("zones").asInt(), r.path("local_seconds").isMissingNode() ? "-"
                                : String.format(Locale.ROOT, "%.1f", r.path("local_seconds").asDouble()),
                        r.path("cluster_seconds").asDouble(), r.path("peak_driver_heap_mb").asLong(),
                        r.path("peak_taskmanager_heap_mb").asLong(),
                        r.path("peak_taskmanager_heap_after_gc_mb").asLong());
            }
            for (String figure : new String[] {"cluster_seconds", "local_seconds", "peak_driver_heap_mb",
                    "peak_taskmanager_heap_mb", "peak_taskmanager_heap_after_gc_mb"}) {
                double[] line = leastSquares(runs, figure);
                if (line != null) {
                    ObjectNode f = curve.putObject(figure);
                    f.put("intercept", line[0]).put("per_1000_segments", line[1] * 1000)
                            .put("r2", line[2]).put("at_100000", line[0] + line[1] * 100_000);
                    out.printf(Locale.ROOT, "  %s ~ %.2f + %.4f per 1,000 segments (r2 %.3f): %.1f at 100,000 "
                            + "(extrapolated)%n", figure, line[0], line[1] * 1000, line[2],
                            line[0] + line[1] * 100_000);
                }
            }
        }
        Files.writeString(json, result.toPrettyString() + "\n", StandardCharsets.UTF_8);
        out.println(result.toString());
        out.flush();
        return 0;
    }

    /** {intercept, slope, r2} of figure against segments over the runs that have it; null with fewer than two. */
    static double[] leastSquares(List<ObjectNode> runs, String figure) {
        List<double[]> points = new java.util.ArrayList<>();
        for (ObjectNode r : runs) {
            if (r.path(figure).isNumber()) {
                points.add(new double[] {r.path("segments").asDouble(), r.path(figure).asDouble()});
            }
        }
        if (points.size() < 2) {
            return null;
        }
        double mx = points.stream().mapToDouble(p -> p[0]).average().orElseThrow();
        double my = points.stream().mapToDouble(p -> p[1]).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (double[] p : points) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
            syy += (p[1] - my) * (p[1] - my);
        }
        double slope = sxx == 0 ? 0 : sxy / sxx;
        double r2 = sxx == 0 || syy == 0 ? 1 : sxy * sxy / (sxx * syy);
        return new double[] {my - slope * mx, slope, r2};
    }

    /** One size: the city generated, trained locally (unless --cluster-only) and on a fresh local cluster. */
    private ObjectNode run(int segments, PrintWriter out) throws Exception {
        Path work = dir != null ? dir.resolve("n" + segments) : Files.createTempDirectory("roadcast-bench-train");
        ObjectNode result = new ObjectMapper().createObjectNode();
        try {
            long t0 = System.nanoTime();
            Path cityDir = work.resolve("city");
            new CityGenerator(CityConfig.of(segments, days, 5, seed, WeekProfiles.sharedOrBuiltIn(seed)))
                    .generate(cityDir, row -> { });
            double generateSeconds = (System.nanoTime() - t0) / 1e9;
            out.printf(Locale.ROOT, "city: %d segments x %d days generated in %.1f s%n", segments, days,
                    generateSeconds);
            out.flush();
            // the cluster run's driver streams the city from its files: only the network and the first rows here
            TrainingConfig config = training.toConfig(DatasetLoader.preview(cityDir, 2));

            ManifoldModel local = null;
            result.put("segments", segments).put("days", days);
            if (!clusterOnly) {
                long t1 = System.nanoTime();
                Dataset data = DatasetLoader.load(cityDir);
                double loadSeconds = (System.nanoTime() - t1) / 1e9;
                result.put("load_seconds", round(loadSeconds));
                TrainingRun.Outcome outcome;
                try (ProgressBars bars = new ProgressBars(!quiet)) {
                    outcome = TrainingRun.train(data, data.history().steps(), config, bars);
                }
                local = outcome.model();
                result.put("local_seconds", round(outcome.seconds()));
                out.printf(Locale.ROOT, "local: loaded in %.1f s, %d zones in %.1f s (%d threads)%n", loadSeconds,
                        local.zoneCount(), outcome.seconds(), config.threads());
                out.flush();
                data = null;
                System.gc();
            }

            long t2 = System.nanoTime();
            try (LocalFlinkCluster cluster = LocalFlinkCluster.start(work.resolve("cluster"),
                    work.resolve("cluster").resolve("log"), taskManagers, taskManagerHeap, Duration.ofSeconds(180))) {
                double startSeconds = (System.nanoTime() - t2) / 1e9;
                out.printf(Locale.ROOT, "cluster: %d TaskManagers up in %.1f s at %s%n", taskManagers, startSeconds,
                        cluster.restUri());
                out.flush();
                StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment("localhost",
                        cluster.restUri().getPort(), FlinkClusterTrainer.jobConfiguration(),
                        FlinkClusterTrainer.jobJar().toString());
                HeapWatch watch = new HeapWatch(cluster);
                System.gc();
                DriverHeap driver = new DriverHeap();
                watch.start();
                TrainingRun.Outcome outcome;
                StageTimer stages;
                try (ProgressBars bars = new ProgressBars(!quiet)) {
                    stages = new StageTimer(bars);
                    outcome = FlinkClusterTrainer.train(cityDir, config, env,
                            work.resolve("runs").toAbsolutePath().toUri().toString(), taskManagers, stages, null);
                } finally {
                    watch.stop();
                }
                double driverPeakMb = driver.peakMb();
                out.println("cluster stages (s, from the start of each to the start of the next): "
                        + stages.seconds(outcome.seconds()));
                ManifoldModel remote = outcome.model();
                result.put("zones", remote.zoneCount());
                result.put("cluster_seconds", round(outcome.seconds()));
                result.put("taskmanagers", taskManagers);
                if (local == null) {
                    result.putNull("max_abs_forecast_diff");
                } else {
                    // the city loaded again only now, so the driver's figure above never held it
                    Dataset data = DatasetLoader.load(cityDir);
                    int rows = data.history().steps();
                    result.put("max_abs_forecast_diff",
                            ForecastDifference.maxAbs(local, remote, data.history(), Math.max(0, rows - 288), rows));
                    result.put("same_payload_sha256",
                            local.card().payloadSha256().equals(remote.card().payloadSha256()));
                }
                result.put("peak_taskmanager_heap_mb", Math.round(watch.peakHeapMb()));
                List<GcLog> logs = new java.util.ArrayList<>();
                for (Path log : cluster.taskManagerGcLogs()) {
                    logs.add(GcLog.read(log));
                }
                GcLog gc = GcLog.max(logs);
                result.put("taskmanager_jvm_heap_mb",
                        Math.round(cluster.taskManagerJvmHeapBytes() / (double) (1 << 20)));
                result.put("peak_taskmanager_heap_after_gc_mb", Math.round(gc.peakAfterMb()));
                result.put("taskmanager_gc_pauses", gc.pauses());
                result.put("taskmanager_allocated_mb", Math.round(gc.allocatedMb()));
                result.put("peak_taskmanager_rss_mb", Math.round(watch.peakRssMb()));
                result.put("peak_driver_heap_mb", Math.round(driverPeakMb));
                result.put("history_mb", Math.round(segments * (double) days * 288 * Float.BYTES / (1 << 20)));
                result.put("taskmanager_heap", taskManagerHeap);
                result.put("cluster_start_seconds", round(startSeconds));
                ObjectNode stageNode = result.putObject("cluster_stage_seconds");
                stages.seconds(outcome.seconds()).forEach((k, v) -> stageNode.put(k, round(v)));
                result.put("generate_seconds", round(generateSeconds));
                out.printf(Locale.ROOT, "cluster: %d zones in %.1f s; TaskManager heap (-Xmx) %d MB: peak in use %d "
                                + "MB sampled, %d MB after a collection (%d collections, %d MB allocated in all), RSS "
                                + "%d MB; driver peak heap %d MB (the history is %d MB of floats)%n",
                        remote.zoneCount(), outcome.seconds(), result.path("taskmanager_jvm_heap_mb").asLong(),
                        Math.round(watch.peakHeapMb()), Math.round(gc.peakAfterMb()), gc.pauses(),
                        Math.round(gc.allocatedMb()), Math.round(watch.peakRssMb()), Math.round(driverPeakMb),
                        result.path("history_mb").asLong());
                out.flush();
            }
            return result;
        } finally {
            if (dir == null) {
                roadcast.scratch.ScratchDirectory.deleteRecursively(work);
            }
        }
    }

    /**
     * The driver JVM's peak heap use from now on: the heap pools' peak usage (the JVM tracks it at every GC and
     * allocation of a region), reset at construction. An upper bound of what it needed: garbage not yet collected
     * counts too.
     */
    private static final class DriverHeap {
        private final List<java.lang.management.MemoryPoolMXBean> pools = java.lang.management.ManagementFactory
                .getMemoryPoolMXBeans().stream().filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
                .toList();

        DriverHeap() {
            pools.forEach(java.lang.management.MemoryPoolMXBean::resetPeakUsage);
        }

        double peakMb() {
            return pools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum() / (double) (1 << 20);
        }
    }

    private static double round(double seconds) {
        return Math.round(seconds * 100) / 100.0;
    }

    /** Wall time of each training stage, from the progress reports (cleaning is what precedes the first). */
    private static final class StageTimer implements roadcast.fit.ProgressListener {
        private final roadcast.fit.ProgressListener next;
        private final long start = System.nanoTime();
        private final java.util.LinkedHashMap<String, Long> began = new java.util.LinkedHashMap<>();

        StageTimer(roadcast.fit.ProgressListener next) {
            this.next = next;
        }

        @Override
        public synchronized void progress(String stage, long done, long total) {
            began.putIfAbsent(stage, System.nanoTime());
            next.progress(stage, done, total);
        }

        /** Seconds per stage; the last one runs to {@code totalSeconds} after the start (assembling included). */
        synchronized java.util.Map<String, Double> seconds(double totalSeconds) {
            java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
            long previous = start;
            String name = "cleaning";
            for (var e : began.entrySet()) {
                out.put(name, (e.getValue() - previous) / 1e9);
                name = e.getKey();
                previous = e.getValue();
            }
            out.put(name + " and assembling", totalSeconds - (previous - start) / 1e9);
            return out;
        }
    }

    /**
     * Samples the TaskManagers' used heap (their metrics, refreshed every second) every 0.5 s while the job runs, and
     * their peak resident set size ({@code VmHWM} in /proc) at the end.
     */
    private static final class HeapWatch {
        private final LocalFlinkCluster cluster;
        private final AtomicReference<Double> peak = new AtomicReference<>(0.0);
        private volatile boolean running = true;
        private Thread thread;

        HeapWatch(LocalFlinkCluster cluster) {
            this.cluster = cluster;
        }

        void start() {
            thread = new Thread(() -> {
                while (running) {
                    try {
                        for (double mb : cluster.taskManagerHeapUsedMb()) {
                            peak.accumulateAndGet(mb, Math::max);
                        }
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    } catch (IOException e) {
                        // A metrics request that fails (TaskManager busy) is skipped: the next sample comes soon.
                    }
                }
            }, "taskmanager-heap-watch");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(5000);
        }

        double peakHeapMb() {
            return peak.get();
        }

        double peakRssMb() throws IOException {
            double max = 0;
            List<Long> pids = cluster.taskManagerPids();
            for (long pid : pids) {
                Path status = Path.of("/proc", Long.toString(pid), "status");
                if (Files.isReadable(status)) {
                    for (String line : Files.readAllLines(status)) {
                        if (line.startsWith("VmHWM:")) {
                            max = Math.max(max, Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
                        }
                    }
                }
            }
            return max;
        }
    }
}
