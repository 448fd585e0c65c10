package roadcast.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real standalone Flink session cluster on this machine: one JobManager and {@code n} TaskManagers (one slot each),
 * each its own JVM, started the way Flink's {@code bin/} scripts start them (there is no flink-dist on Maven Central,
 * so the classpath is this JVM's classpath minus our code, the Kafka connector and Kafka). Jobs are submitted with
 * Flink's own command line client ({@code flink run}), also in a child JVM, exactly as a user would.
 *
 * <p>One implementation for the tests and for {@code roadcast cluster start/stop}: the processes outlive the JVM
 * that started them unless it closes the cluster, and {@value #STATE_FILE} in the cluster's folder records the REST
 * port and the process ids so that {@link #stop(Path)} finds them from another JVM.
 */
public final class LocalFlinkCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalFlinkCluster.class);
    private static final String EXEC_RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    /** How long a JobManager or TaskManager may take to start its actor system (Flink's default: 10 s). */
    private static final String STARTUP_TIMEOUT = "120 s";
    /** Flink's default framework heap, set explicitly: {@link #heapSettings} subtracts it from the JVM heap. */
    static final long FRAMEWORK_HEAP_MB = 128;

    /** In the cluster's folder: {@code {"rest_port":..,"jobmanager_pid":..,"taskmanager_pids":[..],"logs":".."}}. */
    public static final String STATE_FILE = "cluster.json";
    /** Flink on Java 17 (../shared/STACK.md): without these keyed state in RocksDB fails. */
    static final List<String> OPENS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED");

    private final Path home;
    private final Path conf;
    private final Path logs;
    private final String classpath;
    private final int restPort;
    private final String taskManagerHeap;
    private final java.util.Map<String, String> settings;
    private final List<Process> processes = new ArrayList<>();
    private int taskManagersLaunched;
    private long taskManagerJvmHeapBytes = -1;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private LocalFlinkCluster(Path home, Path logs, String classpath, int restPort, String taskManagerHeap,
                              java.util.Map<String, String> settings) {
        // Absolute: the processes run in {@code home}, where relative paths would land in the temporary folder.
        this.home = home.toAbsolutePath();
        this.conf = this.home.resolve("conf");
        this.logs = logs.toAbsolutePath();
        this.classpath = classpath;
        this.restPort = restPort;
        this.taskManagerHeap = taskManagerHeap;
        this.settings = settings;
    }

    /**
     * Starts a JobManager and {@code taskManagers} TaskManagers and waits until all have registered.
     *
     * @param home    working folder: conf/, tmp/ and RocksDB files go there
     * @param logs    folder for the processes' logs and stdout
     * @param timeout how long to wait for the TaskManagers to register
     */
    public static LocalFlinkCluster start(Path home, Path logs, int taskManagers, Duration timeout)
            throws IOException, InterruptedException {
        return start(home, logs, taskManagers, null, timeout);
    }

    /**
     * @param taskManagerHeap heap of each TaskManager's tasks in Flink's memory syntax ({@code 4g}, {@code 1536m});
     *                        null = Flink's share of a 1280 MB TaskManager process
     */
    public static LocalFlinkCluster start(Path home, Path logs, int taskManagers, String taskManagerHeap,
                                          Duration timeout) throws IOException, InterruptedException {
        return start(home, logs, taskManagers, taskManagerHeap, timeout, java.util.Map.of());
    }

    /**
     * @param settings config.yaml entries that replace or add to the defaults below (e.g. a restart strategy for a
     *                 cluster whose jobs must survive a TaskManager failure: the default is none, so that a failing
     *                 job fails a test instead of restarting forever)
     */
    public static LocalFlinkCluster start(Path home, Path logs, int taskManagers, String taskManagerHeap,
                                          Duration timeout, java.util.Map<String, String> settings)
            throws IOException, InterruptedException {
        if (taskManagers < 1) {
            throw new IllegalArgumentException("a cluster needs at least one TaskManager, got " + taskManagers);
        }
        if (taskManagerHeap != null) {
            heapSettings(taskManagerHeap); // an unusable size fails here, before any process starts
        }
        if (Files.exists(home.resolve(STATE_FILE)) && runningPids(home).size() > 0) {
            throw new IOException("a cluster started from " + home.toAbsolutePath() + " is still running (pids "
                    + runningPids(home) + "); stop it first");
        }
        LocalFlinkCluster cluster = new LocalFlinkCluster(home, logs, clusterClasspath(), freePort(), taskManagerHeap,
                settings);
        try {
            cluster.writeConfiguration();
            cluster.processes.add(cluster.launch("jobmanager",
                    "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", "GET_JM_RESOURCE_PARAMS"));
            // TaskManagers only once the JobManager answers: JVMs booting side by side on a loaded host starve the
            // JobManager's actor system, whose remoting gives up after a fixed 10 s.
            cluster.awaitTaskManagers(0, timeout);
            for (int i = 0; i < taskManagers; i++) {
                cluster.processes.add(cluster.launchTaskManager());
            }
            cluster.writeState();
            cluster.awaitTaskManagers(taskManagers, timeout);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The REST endpoint (web UI and job submission), e.g. {@code http://localhost:41234}. */
    public URI restUri() {
        return URI.create("http://localhost:" + restPort);
    }

    /** The folder holding config.yaml ({@code FLINK_CONF_DIR}). */
    public Path configDir() {
        return conf;
    }

    /**
     * {@code flink run -d -c entryClass jar args...} against this cluster, in a child JVM.
     *
     * @return the id of the submitted job
     * @throws IOException when the client fails or prints no job id (its output is in the message)
     */
    public String submit(Path jar, String entryClass, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx512m"));
        cmd.addAll(OPENS);
        cmd.addAll(List.of("-Dlog.file=" + logs.resolve("client.log"),
                "-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri(),
                "-cp", classpath, "org.apache.flink.client.cli.CliFrontend",
                "run", "-d", "-c", entryClass, jar.toAbsolutePath().toString()));
        cmd.addAll(args);
        Path out = logs.resolve("client.out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("FLINK_CONF_DIR", conf.toString());
        Process client = pb.start();
        if (!client.waitFor(120, TimeUnit.SECONDS)) {
            client.destroyForcibly();
            throw new IOException("flink run did not return within 120 s; output in " + out);
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Matcher m = JOB_ID.matcher(text);
        if (client.exitValue() != 0 || !m.find()) {
            throw new IOException("flink run failed (exit " + client.exitValue() + "):\n" + text);
        }
        return m.group(1);
    }

    /**
     * The REST way ({@code POST /jars/upload}, then {@code POST /jars/:id/run}): the entry class's main runs inside
     * the JobManager, so it must not call {@code System.exit}.
     *
     * @return the id of the submitted job
     */
    public String submitOverRest(Path jar, String entryClass, List<String> args, int parallelism)
            throws IOException, InterruptedException {
        String boundary = "roadcast" + System.nanoTime();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest upload = HttpRequest.newBuilder(restUri().resolve("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(List.of(head, Files.readAllBytes(jar), tail)))
                .timeout(Duration.ofSeconds(60)).build();
        JsonNode uploaded = send(upload, "upload of " + jar);
        String stored = uploaded.path("filename").asText();
        String jarId = stored.substring(stored.lastIndexOf('/') + 1);
        var body = json.createObjectNode().put("entryClass", entryClass).put("parallelism", parallelism);
        args.forEach(body.putArray("programArgsList")::add);
        HttpRequest run = HttpRequest.newBuilder(restUri().resolve("/jars/" + jarId + "/run"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).timeout(Duration.ofSeconds(120)).build();
        return send(run, "run of " + jarId).path("jobid").asText();
    }

    /** Process ids of the TaskManagers, in start order (to watch their memory, or to kill one in a failover test). */
    public List<Long> taskManagerPids() {
        List<Long> out = new ArrayList<>();
        for (int i = 1; i < processes.size(); i++) {
            out.add(processes.get(i).pid());
        }
        return out;
    }

    /**
     * Kills TaskManager {@code index} (in start order) with SIGKILL, as a crashed machine or the OOM killer would: no
     * shutdown hook runs, its slots vanish without a goodbye. Returns once the process is gone.
     *
     * @return the pid of the killed process
     */
    public long killTaskManager(int index) throws InterruptedException {
        Process tm = processes.get(1 + index);
        tm.destroyForcibly(); // SIGKILL on Linux
        if (!tm.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("TaskManager " + index + " (pid " + tm.pid() + ") survived SIGKILL");
        }
        return tm.pid();
    }

    /**
     * Starts a new TaskManager process in place of TaskManager {@code index} (what a supervisor such as systemd or
     * Kubernetes does after a crash); returns without waiting for it to register.
     */
    public void restartTaskManager(int index) throws IOException, InterruptedException {
        Process old = processes.get(1 + index);
        if (old.isAlive()) {
            throw new IllegalStateException("TaskManager " + index + " (pid " + old.pid() + ") is still running");
        }
        processes.set(1 + index, launchTaskManager());
        writeState();
    }

    /**
     * Starts TaskManager {@code index} again if its process has exited on its own, as a supervisor (systemd's
     * {@code Restart=on-failure}, a Kubernetes pod) would: on a saturated machine a new TaskManager can fail to start
     * its RPC system within Flink's timeout and exit, and the job would then wait for a slot for ever.
     *
     * @return whether it was started again
     */
    public boolean restartTaskManagerIfExited(int index) throws IOException, InterruptedException {
        if (processes.get(1 + index).isAlive()) {
            return false;
        }
        processes.set(1 + index, launchTaskManager());
        writeState();
        return true;
    }

    /** The REST port of a cluster started from {@code home} by this or another JVM ({@value #STATE_FILE}). */
    public static int restPort(Path home) throws IOException {
        return readState(home).path("rest_port").asInt();
    }

    /**
     * Stops the cluster started from {@code home} by another JVM ({@code roadcast cluster stop}): SIGTERM to every
     * recorded process still alive, then a kill after 10 s; the state file is removed.
     *
     * @return how many processes were still running
     */
    public static int stop(Path home) throws IOException, InterruptedException {
        List<ProcessHandle> alive = new ArrayList<>();
        for (long pid : runningPids(home)) {
            ProcessHandle.of(pid).ifPresent(alive::add);
        }
        for (int i = alive.size() - 1; i >= 0; i--) {
            alive.get(i).destroy();
        }
        for (ProcessHandle p : alive) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                p.destroyForcibly();
            }
        }
        Files.deleteIfExists(home.resolve(STATE_FILE));
        return alive.size();
    }

    /** Recorded pids of a cluster folder that still belong to a running Flink process of ours. */
    static List<Long> runningPids(Path home) throws IOException {
        JsonNode state = readState(home);
        List<Long> pids = new ArrayList<>();
        pids.add(state.path("jobmanager_pid").asLong());
        state.path("taskmanager_pids").forEach(p -> pids.add(p.asLong()));
        List<Long> running = new ArrayList<>();
        String conf = home.toAbsolutePath().resolve("conf").toString();
        for (long pid : pids) {
            // A recycled pid must not be killed: only a live process whose command line names this cluster's config.
            // Read from /proc: ProcessHandle.Info drops the arguments of long command lines (our classpath).
            Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            if (alive && Files.isReadable(cmdline)
                    && new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).contains(conf)) {
                running.add(pid);
            }
        }
        return running;
    }

    private static JsonNode readState(Path home) throws IOException {
        Path file = home.resolve(STATE_FILE);
        if (!Files.exists(file)) {
            throw new IOException("no cluster state in " + home.toAbsolutePath() + " (" + STATE_FILE
                    + " missing): was it started with roadcast cluster start --dir " + home + "?");
        }
        return new ObjectMapper().readTree(file.toFile());
    }

    private void writeState() throws IOException {
        var state = json.createObjectNode().put("rest_port", restPort).put("logs", logs.toString())
                .put("jobmanager_pid", processes.get(0).pid());
        var tms = state.putArray("taskmanager_pids");
        taskManagerPids().forEach(tms::add);
        Files.writeString(home.resolve(STATE_FILE), state.toPrettyString() + "\n", StandardCharsets.UTF_8);
    }

    /** Heap in use of each registered TaskManager, MB, as its metrics report it (refreshed every second). */
    public List<Double> taskManagerHeapUsedMb() throws IOException, InterruptedException {
        List<Double> out = new ArrayList<>();
        for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
            for (JsonNode m : get("/taskmanagers/" + tm.path("id").asText()
                    + "/metrics?get=Status.JVM.Memory.Heap.Used")) {
                out.add(m.path("value").asDouble() / (1024.0 * 1024.0));
            }
        }
        return out;
    }

    /** Whether every cluster process (JobManager, TaskManagers) is still running. */
    public boolean allAlive() {
        return processes.stream().allMatch(Process::isAlive);
    }

    /** The job's state as the REST API reports it (CREATED, RUNNING, FAILED, CANCELED, ...). */
    public String jobState(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /**
     * The job's checkpoint statistics ({@code GET /jobs/:id/checkpoints}): {@code counts}, and under {@code latest}
     * the last {@code completed} checkpoint ({@code trigger_timestamp}, {@code latest_ack_timestamp}) and the last
     * {@code restored} one ({@code restore_timestamp}), epoch ms.
     */
    public JsonNode checkpointStatistics(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints");
    }

    /** The job's root exception, if any, for failure messages. */
    public String jobExceptions(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/exceptions").toString();
    }

    /** Ids of the cluster's jobs in the given state (RUNNING, FINISHED, ...). */
    public List<String> jobs(String state) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (JsonNode job : get("/jobs/overview").path("jobs")) {
            if (job.path("state").asText().equals(state)) {
                out.add(job.path("jid").asText());
            }
        }
        return out;
    }

    /** Status of the job's vertex with this name (CREATED, RUNNING, FINISHED, ...), or null if it has none. */
    public String vertexState(String jobId, String vertexName) throws IOException, InterruptedException {
        for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            if (v.path("name").asText().equals(vertexName)) {
                return v.path("status").asText();
            }
        }
        return null;
    }

    /**
     * Status of each subtask of the job's vertex whose name starts with {@code vertexName} (operators chained after
     * it extend the name), by subtask index; empty if it has none.
     */
    public List<String> subtaskStates(String jobId, String vertexName) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            if (v.path("name").asText().startsWith(vertexName)) {
                for (JsonNode s : get("/jobs/" + jobId + "/vertices/" + v.path("id").asText()).path("subtasks")) {
                    out.add(s.path("status").asText());
                }
            }
        }
        return out;
    }

    /** Failures the job recovered from or died of (the REST exception history), newest first. */
    public int exceptionHistorySize(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries").size();
    }

    /** Number of parallel subtasks of each vertex of the job. */
    public List<Integer> vertexParallelism(String jobId) throws IOException, InterruptedException {
        List<Integer> out = new ArrayList<>();
        get("/jobs/" + jobId).path("vertices").forEach(v -> out.add(v.path("parallelism").asInt()));
        return out;
    }

    /**
     * Sum over every subtask of every vertex of the job's metrics named {@code name} (an operator's counter such as
     * {@code modelsAccepted}), as the REST API reports them (refreshed every second, see the configuration); 0 while
     * none is reported yet.
     */
    public double operatorMetricSum(String jobId, String name) throws IOException, InterruptedException {
        double sum = 0;
        for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            String metrics = "/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/subtasks/metrics";
            List<String> ids = new ArrayList<>();
            for (JsonNode m : get(metrics)) {
                String id = m.path("id").asText();
                if (id.equals(name) || id.endsWith("." + name)) {
                    ids.add(java.net.URLEncoder.encode(id, StandardCharsets.UTF_8));
                }
            }
            if (!ids.isEmpty()) {
                for (JsonNode m : get(metrics + "?agg=sum&get=" + String.join(",", ids))) {
                    sum += m.path("sum").asDouble();
                }
            }
        }
        return sum;
    }

    /** Ids of the TaskManagers that run at least one subtask of the job. */
    public List<String> taskManagersOf(String jobId) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            for (JsonNode tm : get("/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/taskmanagers")
                    .path("taskmanagers")) {
                String id = tm.path("taskmanager-id").asText();
                if (!out.contains(id)) {
                    out.add(id);
                }
            }
        }
        return out;
    }

    /** Cancels the job and waits until it is CANCELED (or otherwise finished). */
    public void cancel(String jobId, Duration timeout) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(restUri().resolve("/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() / 100 != 2) {
            throw new IOException("cancel of job " + jobId + " refused: " + res.statusCode() + " " + res.body());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = jobState(jobId);
        while (!List.of("CANCELED", "FAILED", "FINISHED").contains(state)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("job " + jobId + " still " + state + " after cancel");
            }
            Thread.sleep(200);
            state = jobState(jobId);
        }
    }

    /** Stops every process: a polite SIGTERM first (Flink's shutdown hooks clean up), then a kill. */
    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        try {
            Files.deleteIfExists(home.resolve(STATE_FILE));
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", home.resolve(STATE_FILE), e.getMessage());
        }
    }

    private void writeConfiguration() throws IOException {
        Files.createDirectories(conf);
        Files.createDirectories(logs);
        Files.createDirectories(home.resolve("tmp"));
        // Flat keys are valid in Flink 2's config.yaml. Every port is free or ephemeral: several builds share a host.
        String yaml = String.join("\n",
                "jobmanager.rpc.address: localhost",
                "jobmanager.rpc.port: " + freePort(),
                "jobmanager.bind-host: localhost",
                "jobmanager.memory.process.size: 1024m",
                "taskmanager.bind-host: localhost",
                "taskmanager.host: localhost",
                "taskmanager.numberOfTaskSlots: 1",
                // With a heap given, it is the JVM's whole heap (-Xmx) and Flink derives the process size from it
                // (plus a little managed memory for batch sorting); otherwise a small TaskManager for the tests.
                taskManagerHeap == null ? "taskmanager.memory.process.size: 1280m" : heapSettings(taskManagerHeap),
                "rest.address: localhost",
                "rest.bind-address: localhost",
                "rest.port: " + restPort,
                "parallelism.default: 1",
                // A failing job must fail the test, not restart forever (STACK.md pitfall 2).
                "restart-strategy.type: none",
                "io.tmp.dirs: " + home.resolve("tmp"),
                "state.backend.rocksdb.localdir: " + home.resolve("rocksdb"),
                "web.submit.enable: true",
                // On a loaded machine (a shared 2-core build host) the actor system may take more than the default
                // 10 s to come up, and RPCs more than 10 s to answer; a killed TaskManager is still noticed at once
                // (its RPCs fail, heartbeat.rpc-failure-threshold).
                "pekko.startup-timeout: " + STARTUP_TIMEOUT,
                "pekko.ask.timeout: 60 s",
                "heartbeat.timeout: 120000",
                // Metrics (heap used) fresh within a second for bench-train's peak heap.
                "metrics.fetcher.update-interval: 1000",
                "");
        // The caller's settings replace the defaults of the same key (a key twice is not valid YAML).
        StringBuilder merged = new StringBuilder();
        for (String line : yaml.split("\n")) {
            String key = line.contains(":") ? line.substring(0, line.indexOf(':')).trim() : "";
            if (!settings.containsKey(key)) {
                merged.append(line).append('\n');
            }
        }
        settings.forEach((k, v) -> merged.append(k).append(": ").append(v).append('\n'));
        Files.writeString(conf.resolve("config.yaml"), merged.toString(), StandardCharsets.UTF_8);
        String log4j = String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = MainAppender",
                "logger.metrics.name = org.apache.flink.metrics.MetricGroup",
                "logger.metrics.level = ERROR",
                "logger.kafka.name = org.apache.kafka",
                "logger.kafka.level = WARN",
                "appender.main.name = MainAppender",
                "appender.main.type = File",
                "appender.main.fileName = ${sys:log.file}",
                "appender.main.layout.type = PatternLayout",
                "appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                "");
        Files.writeString(conf.resolve("log4j.properties"), log4j, StandardCharsets.UTF_8);
    }

    /**
     * The config.yaml lines that make {@code jvmHeap} a TaskManager's whole JVM heap: Flink's {@code -Xmx} is its
     * framework heap plus the task heap, so {@code taskmanager.memory.task.heap.size} alone (what a user reads as
     * "the heap") gives a JVM {@value #FRAMEWORK_HEAP_MB} MB larger than asked. Here the task heap is what is left of
     * {@code jvmHeap} once the framework has its share; the managed, network and metaspace memory are outside the
     * heap (the process is larger than {@code jvmHeap}, see the TaskManager's log).
     *
     * @throws IllegalArgumentException for a size Flink cannot parse, or one without room for tasks
     */
    static String heapSettings(String jvmHeap) {
        org.apache.flink.configuration.MemorySize heap;
        try {
            heap = org.apache.flink.configuration.MemorySize.parse(jvmHeap.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("TaskManager heap '" + jvmHeap
                    + "' is not a memory size such as 4g or 1536m");
        }
        long framework = FRAMEWORK_HEAP_MB << 20;
        if (heap.getBytes() < 2 * framework) {
            throw new IllegalArgumentException("TaskManager heap '" + jvmHeap + "' is below " + 2 * FRAMEWORK_HEAP_MB
                    + "m: Flink's framework takes " + FRAMEWORK_HEAP_MB + "m of it, the rest is the tasks'");
        }
        return "taskmanager.memory.framework.heap.size: " + FRAMEWORK_HEAP_MB + "m\n"
                + "taskmanager.memory.task.heap.size: " + (heap.getBytes() - framework) + "b\n"
                + "taskmanager.memory.managed.size: 128m";
    }

    /**
     * The GC logs of every TaskManager launched so far (replacements included), {@code -Xlog:gc} of each JVM: the
     * heap before and after each collection, for {@link GcLog}.
     */
    public List<Path> taskManagerGcLogs() throws IOException {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < taskManagersLaunched; i++) {
            Path file = logs.resolve("taskmanager-" + i + ".gc.log");
            if (Files.exists(file)) {
                out.add(file);
            }
        }
        return out;
    }

    /** The TaskManagers' JVM heap (-Xmx) in bytes, as Flink's memory model computed it for their command line. */
    public long taskManagerJvmHeapBytes() {
        return taskManagerJvmHeapBytes;
    }

    /** A new TaskManager process; each gets its own log name (taskmanager-0, -1, ... and on for replacements). */
    private Process launchTaskManager() throws IOException, InterruptedException {
        return launch("taskmanager-" + taskManagersLaunched++, "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                "GET_TM_RESOURCE_PARAMS");
    }

    /** Memory flags as Flink's scripts compute them, then the process itself. */
    private Process launch(String name, String mainClass, String resourceCommand)
            throws IOException, InterruptedException {
        List<String> params = resourceParams(resourceCommand);
        List<String> cmd = new ArrayList<>(List.of(java()));
        List<String> memory = Arrays.asList(params.get(0).trim().split("\\s+"));
        cmd.addAll(memory);
        if (resourceCommand.equals("GET_TM_RESOURCE_PARAMS")) {
            taskManagerJvmHeapBytes = memory.stream().filter(f -> f.startsWith("-Xmx"))
                    .mapToLong(f -> org.apache.flink.configuration.MemorySize.parse(f.substring(4)).getBytes())
                    .findFirst().orElse(-1);
            // one line per collection with the heap before and after it: what the tasks kept alive, not just used;
            // one file, not rotated, so that it holds the whole run
            cmd.add("-Xlog:gc:file=" + logs.resolve(name + ".gc.log") + "::filecount=0");
        }
        cmd.addAll(OPENS);
        // Flink copies pekko.startup-timeout to pekko.remote.startup-timeout, a key Pekko's classic remoting no longer
        // reads: it waits pekko.remote.classic.startup-timeout (10 s in its reference.conf) for its transports, and a
        // JVM booting on a saturated host failed with "Could not create actor system" after those 10 s. Pekko lays
        // system properties over its reference.conf, so the JVM flag is the way to raise it.
        cmd.add("-Dpekko.remote.classic.startup-timeout=" + STARTUP_TIMEOUT.replace(" ", ""));
        cmd.addAll(List.of("-Dlog.file=" + logs.resolve(name + ".log"),
                "-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri(),
                "-cp", classpath, mainClass, "--configDir", conf.toString()));
        if (params.size() > 1 && !params.get(1).isBlank()) {
            cmd.addAll(Arrays.asList(params.get(1).trim().split("\\s+")));
        }
        LOG.info("starting {}: {}", name, mainClass);
        return new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".out").toFile()).start();
    }

    /** {@code BashJavaUtils} prints its results on lines prefixed by {@value #EXEC_RESULT}: JVM flags, then -D options. */
    private List<String> resourceParams(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(java(), "-Xmx128m", "-cp", classpath,
                "org.apache.flink.runtime.util.bash.BashJavaUtils", command, "--configDir", conf.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("BashJavaUtils " + command + " failed:\n" + out);
        }
        List<String> results = new ArrayList<>();
        for (String line : out.split("\\R")) {
            if (line.startsWith(EXEC_RESULT)) {
                results.add(line.substring(EXEC_RESULT.length()));
            }
        }
        if (results.isEmpty()) {
            throw new IOException("BashJavaUtils " + command + " printed no result:\n" + out);
        }
        return results;
    }

    private void awaitTaskManagers(int expected, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = -1;
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IOException("a cluster process exited with " + p.exitValue() + "; see " + logs);
                }
            }
            try {
                seen = get("/taskmanagers").path("taskmanagers").size();
                if (seen >= expected) {
                    LOG.info("flink cluster up at {} with {} task managers", restUri(), seen);
                    return;
                }
            } catch (IOException notYet) {
                // REST endpoint not listening yet.
            }
            Thread.sleep(300);
        }
        throw new IOException(expected + " task managers did not register within " + timeout + " (saw " + seen
                + "); see " + logs);
    }

    private JsonNode send(HttpRequest req, String what) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() / 100 != 2) {
            throw new IOException(what + " refused: " + res.statusCode() + " " + res.body());
        }
        return json.readTree(res.body());
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(restUri().resolve(path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IOException("GET " + path + ": " + res.statusCode() + " " + res.body());
        }
        return json.readTree(res.body());
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * This JVM's classpath minus what a Flink distribution does not have: our modules and test classes, the Kafka
     * connector and Kafka (they come with the job jar), the test frameworks, and rocksdbjni (it would shadow Flink's
     * own RocksDB build, STACK.md pitfall 1).
     */
    public static String clusterClasspath() {
        List<String> keep = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String e = entry.replace('\\', '/');
            boolean ours = e.contains("/io/roadcast/") || e.endsWith("/classes") || e.endsWith("/test-classes")
                    || e.contains("/target/");
            boolean kafka = e.contains("/org/apache/kafka/") || e.contains("flink-connector-kafka")
                    || e.contains("/org/scala-lang/");
            boolean testing = e.contains("/org/junit/") || e.contains("surefire") || e.contains("/org/opentest4j/")
                    || e.contains("/org/apiguardian/");
            boolean foreignRocks = e.contains("/org/rocksdb/");
            if (!entry.isBlank() && !ours && !kafka && !testing && !foreignRocks) {
                keep.add(entry);
            }
        }
        return String.join(File.pathSeparator, keep);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
