package roadcast.cluster;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code roadcast cluster start|stop}: a local standalone Flink session cluster from the project's own jars. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"A local standalone Flink session cluster (one JobManager and N TaskManagers, each its own "
                + "JVM, one slot each) from the project's own jars, for users without a cluster: "
                + "'roadcast train --flink HOST:PORT' submits the training to it.",
                "The processes keep running after the command returns; 'roadcast cluster stop' with the same --dir "
                        + "stops them (their ids are in DIR/" + LocalFlinkCluster.STATE_FILE + ")."},
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class})
public final class ClusterCommand implements Runnable {

    static final String DEFAULT_DIR = "flink-cluster";

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Starts the JobManager and the TaskManagers, waits until every TaskManager has registered "
                    + "and prints the REST address (web UI and job submission).")
    static final class Start implements Callable<Integer> {

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--taskmanagers", paramLabel = "N", defaultValue = "2",
                description = "TaskManager processes, one slot each (default: ${DEFAULT-VALUE}).")
        int taskManagers;

        @Option(names = "--taskmanager-heap", paramLabel = "SIZE",
                description = "JVM heap (-Xmx) of each TaskManager, e.g. 4g or 1536m: Flink's framework heap "
                        + "(128m) and the tasks' heap together; managed, network and metaspace memory come on top "
                        + "(default: a 1280 MB TaskManager process, about 500 MB of heap).")
        String taskManagerHeap;

        @Option(names = "--dir", paramLabel = "DIR", defaultValue = DEFAULT_DIR,
                description = "Folder of the cluster's configuration, state file and logs (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            LocalFlinkCluster cluster;
            try {
                cluster = LocalFlinkCluster.start(dir, dir.resolve("log"), taskManagers, taskManagerHeap,
                        Duration.ofSeconds(120));
            } catch (IllegalArgumentException e) {
                err.println("cluster start: " + e.getMessage());
                return 2;
            } catch (java.io.IOException e) {
                err.println("cluster start: " + e.getMessage());
                return 1;
            }
            // Not closed: the processes are meant to outlive this command.
            out.printf("Flink cluster running: JobManager and %d TaskManager(s), pids %s%n", taskManagers,
                    cluster.taskManagerPids());
            out.printf("REST address: %s (web UI); submit with: roadcast train ... --flink localhost:%d%n",
                    cluster.restUri(), cluster.restUri().getPort());
            out.printf("logs: %s; stop with: roadcast cluster stop --dir %s%n",
                    dir.resolve("log").toAbsolutePath().normalize(), dir);
            out.flush();
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stops the cluster started with the same --dir (SIGTERM, then a kill after 10 s).")
    static final class Stop implements Callable<Integer> {

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--dir", paramLabel = "DIR", defaultValue = DEFAULT_DIR,
                description = "Folder given to 'cluster start' (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Override
        public Integer call() throws Exception {
            try {
                int stopped = LocalFlinkCluster.stop(dir);
                spec.commandLine().getOut().println("stopped " + stopped + " cluster process(es) of " + dir);
                return 0;
            } catch (java.io.IOException e) {
                spec.commandLine().getErr().println("cluster stop: " + e.getMessage());
                return 1;
            }
        }
    }
}
