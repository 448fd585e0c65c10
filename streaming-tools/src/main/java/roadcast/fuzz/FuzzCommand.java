package roadcast.fuzz;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code roadcast fuzz}: hostile records through the running forecast job; every record must be accounted for. */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = {"Sends structure-aware hostile records (invalid JSON and UTF-8, deep nesting, 1 MB text and "
                + "binary payloads, extreme numbers and times, odd ids, duplicates, one segment flooded, far-future and "
                + "far-past times) mixed into a valid feed through the forecast job (embedded Kafka broker, Flink "
                + "mini-cluster, a generated city and its model) and the serving follower ('roadcast serve' in its own "
                + "JVM, following the same input topic and the job's forecasts), then checks that every record was "
                + "accepted or dead-lettered with a reason, that the job did not restart, that it still forecasts the "
                + "clean steps at the end, that the follower never failed (/health stayed UP) and reached the end of "
                + "both topics, and that the history it stored before the fuzz can still be read.",
                "JSON: {\"records\",\"accepted\",\"rejected\",\"unaccounted\",\"accepted_and_rejected\",\"job_restarts\","
                        + "\"follower_failures\",\"forecasts_after\",\"history_lost\",\"follower_degraded\","
                        + "\"rejected_by_reason\",\"by_kind\",...}. Exit code 1 when a record is unaccounted for, the job "
                        + "restarted, nothing was forecast after the hostile part, the follower failed or history was lost."})
public final class FuzzCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--records", paramLabel = "N", defaultValue = "10000",
            description = "Records to send, hostile ones about 40 %% (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--segments", paramLabel = "N", defaultValue = "40",
            description = "Segments of the generated city (default: ${DEFAULT-VALUE}).")
    int segments;

    @Option(names = "--settle", paramLabel = "DURATION", defaultValue = "PT60S",
            description = "Give up waiting for the job's output after this long without progress (default: "
                    + "${DEFAULT-VALUE}).")
    Duration settle;

    @Option(names = "--json", paramLabel = "FILE", defaultValue = "fuzz.json",
            description = "Where to write the report (default: ${DEFAULT-VALUE}).")
    Path json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (segments < 2 || records < (FuzzRun.TAIL_STEPS + 2) * segments) {
            spec.commandLine().getErr().printf("need --segments >= 2 and --records >= %d%n",
                    (FuzzRun.TAIL_STEPS + 2) * Math.max(2, segments));
            return 2;
        }
        java.util.List<String> serving = roadcast.demo.ServingProcess.servingClasspath();
        if (serving == null) {
            out.println("the serving module is not built (run through ./roadcast): fuzzing the job alone");
        }
        ObjectNode report = FuzzRun.run(records, seed, segments, settle, serving, out);
        Path parent = json.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
        out.println(report.toString());
        out.println("written to " + json);
        out.flush();
        boolean ok = report.get("unaccounted").asInt() == 0 && report.get("accepted_and_rejected").asInt() == 0
                && report.get("job_restarts").asInt() == 0 && report.get("forecasts_after").asInt() > 0
                && report.path("follower_failures").asInt(0) == 0 && report.path("history_lost").asInt(0) == 0
                && report.path("follower_caught_up").asBoolean(true);
        return ok ? 0 : 1;
    }
}
