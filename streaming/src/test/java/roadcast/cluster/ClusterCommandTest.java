package roadcast.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code roadcast cluster start} leaves a JobManager and its TaskManagers running as their own processes after the
 * command returns, and {@code roadcast cluster stop} (another command, as from another JVM) finds them through the
 * state file and stops them all. {@code --taskmanager-heap} bounds each TaskManager JVM's heap (-Xmx).
 */
class ClusterCommandTest {

    @TempDir
    Path tmp;

    @Test
    void startLeavesTheProcessesRunningAndStopFindsThem() throws Exception {
        Path dir = tmp.resolve("cluster");
        StringWriter out = new StringWriter();
        int rc = new CommandLine(new ClusterCommand()).setOut(new PrintWriter(out))
                .execute("start", "--taskmanagers", "1", "--taskmanager-heap", "512m", "--dir", dir.toString());
        List<Long> pids = List.of();
        try {
            assertEquals(0, rc, out.toString());
            assertTrue(Files.exists(dir.resolve(LocalFlinkCluster.STATE_FILE)));
            int port = LocalFlinkCluster.restPort(dir);
            assertTrue(out.toString().contains("http://localhost:" + port), out.toString());
            pids = LocalFlinkCluster.runningPids(dir);
            assertEquals(2, pids.size(), "JobManager and one TaskManager running: " + pids);
            HttpResponse<String> tms = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/taskmanagers")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(tms.body().contains("\"slotsNumber\":1"), tms.body());
            // --taskmanager-heap is the TaskManager JVM's heap, framework share included: -Xmx is 512m, not more
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pids.get(1)), "cmdline"))
                    .replace('\0', ' ');
            java.util.regex.Matcher xmx = java.util.regex.Pattern.compile(" -Xmx(\\d+) ").matcher(cmdline);
            assertTrue(xmx.find(), "no -Xmx in the TaskManager's command line: " + cmdline);
            assertEquals(512L << 20, Long.parseLong(xmx.group(1)), "TaskManager -Xmx in bytes");
            assertTrue(Files.exists(dir.resolve("log").resolve("taskmanager-0.gc.log")), "the TaskManager's GC log");

            StringWriter stopped = new StringWriter();
            assertEquals(0, new CommandLine(new ClusterCommand()).setOut(new PrintWriter(stopped))
                    .execute("stop", "--dir", dir.toString()));
            assertTrue(stopped.toString().contains("stopped 2"), stopped.toString());
            for (long pid : pids) {
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid);
            }
            assertFalse(Files.exists(dir.resolve(LocalFlinkCluster.STATE_FILE)));
        } finally {
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }
}
