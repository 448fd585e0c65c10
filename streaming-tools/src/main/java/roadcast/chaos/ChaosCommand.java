package roadcast.chaos;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import roadcast.datasets.Dataset;
import roadcast.stream.JobOptions;
import roadcast.synthetic.LosLoopOrCity;
import roadcast.trainjob.FlinkClusterTrainer;

/** {@code roadcast chaos}: TaskManager processes killed under the running job; exactly-once output checked. */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"Proves exactly-once under crashes: starts a local standalone Flink cluster (one JobManager and "
                + "--taskmanagers TaskManagers, separate JVMs) and an embedded Kafka broker, trains a model on the first "
                + "5/7 of the data set, submits the forecast job with 'flink run' (exactly-once sinks, parallelism = "
                + "TaskManagers), replays the rest of the data set at a fixed pace, and at --kills random steps kills a "
                + "TaskManager process with SIGKILL, starts it again (as a supervisor would) and waits until the job has "
                + "restored its last checkpoint and completed a new one. The replay keeps going while the job is down. "
                + "Then it reads the output topic read_committed and compares it with the offline backtest of the same "
                + "model on the same input.",
                "The JobManager is not killed: " + ChaosRun.NO_JOBMANAGER_KILL + " (reported as jobmanager_kills: 0).",
                "JSON: {\"kills\",\"recoveries\",\"forecasts_expected\",\"lost\",\"duplicated\",\"mismatched\","
                        + "\"max_recovery_s\",\"recovery_s\",\"jobmanager_kills\",...}. Exit code 1 unless every kill "
                        + "was recovered from and lost, duplicated and mismatched are all 0."})
public final class ChaosCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--taskmanagers", paramLabel = "N", defaultValue = "2",
            description = "TaskManager processes, one slot each; the job runs at this parallelism (default: "
                    + "${DEFAULT-VALUE}).")
    int taskManagers;

    @Option(names = "--kills", paramLabel = "N", defaultValue = "10",
            description = "TaskManager kills, one in each of N equal parts of the replay (default: ${DEFAULT-VALUE}).")
    int kills;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Chooses the kill steps, the moment within the step and which TaskManager (default: "
                    + "${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    LosLoopOrCity.DatasetOption dataset = new LosLoopOrCity.DatasetOption();

    @Option(names = "--step-seconds", paramLabel = "S", defaultValue = "0.5",
            description = "Wall-clock seconds per replayed time step (default: ${DEFAULT-VALUE}: the last 2 days of "
                    + "Los-loop, 576 steps, take about 5 minutes plus the recoveries).")
    double stepSeconds;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "0",
            description = "Replay at most N steps (default: every step after the training part).")
    int steps;

    /**
     * Half the job's 1 s, as the demo: at the default --step-seconds 0.5 a checkpoint per replayed step, so each kill
     * has at most one step's output to replay from the restored checkpoint.
     */
    @Mixin
    JobOptions.Checkpoints checkpoints = new JobOptions.Checkpoints(Duration.ofMillis(500));

    @Option(names = "--recovery-timeout", paramLabel = "DURATION", defaultValue = "PT5M",
            description = "Give up when the job has not recovered from a kill within this long (default: "
                    + "${DEFAULT-VALUE}).")
    Duration recoveryTimeout;

    @Option(names = "--keep-logs",
            description = "Keep the cluster's logs and checkpoints when the run passes too (they are always kept, and "
                    + "named in the report as work_dir, when it fails).")
    boolean keepLogs;

    @Option(names = "--json", paramLabel = "FILE", defaultValue = "chaos.json",
            description = "Where to write the report (default: ${DEFAULT-VALUE}).")
    Path json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (taskManagers < 1 || kills < 0 || !(stepSeconds > 0) || steps < 0) {
            err.println("need --taskmanagers >= 1, --kills >= 0, --step-seconds > 0 and --steps >= 0");
            return 2;
        }
        Path jar;
        try {
            jar = FlinkClusterTrainer.jobJar();
        } catch (java.io.IOException e) {
            err.println(e.getMessage());
            return 2;
        }
        Dataset data = load(out);
        ObjectNode report;
        try {
            report = ChaosRun.run(data, new ChaosRun.Options(taskManagers, kills, seed, stepSeconds,
                    checkpoints.interval(), recoveryTimeout, steps, jar, keepLogs), out);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        Path parent = json.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
        out.println(report.toString());
        out.println("written to " + json);
        out.flush();
        return ChaosRun.ok(report) ? 0 : 1;
    }

    private Dataset load(PrintWriter out) throws java.io.IOException {
        return dataset.load(seed, "chaos", out);
    }
}
