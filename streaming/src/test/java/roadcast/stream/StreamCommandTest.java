package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command's options and its refusal to start without a model (no job is run here). */
class StreamCommandTest {

    @TempDir
    Path tmp;

    @Test
    void helpExplainsEveryOption() {
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(new StreamCommand());
        cmd.setOut(new PrintWriter(out));
        assertEquals(0, cmd.execute("--help"));
        for (String option : new String[] {"--bootstrap-servers", "--registry", "--input-topic", "--output-topic",
                "--dead-letter-topic", "--checkpoint-dir", "--parallelism", "--close-when-complete", "--archive"}) {
            assertTrue(out.toString().contains(option), option + " missing from --help");
        }
    }

    @Test
    void emptyRegistryIsAClearErrorNotACrash() {
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new StreamCommand());
        cmd.setErr(new PrintWriter(err));
        Path registry = tmp.resolve("no-models");
        assertEquals(2, cmd.execute("--registry", registry.toString()));
        assertTrue(err.toString().contains(registry.toString()) && err.toString().contains("no model"), err.toString());
    }

    @Test
    void unknownDeliveryIsRefusedWithTheChoices() {
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new StreamCommand());
        cmd.setErr(new PrintWriter(err));
        assertEquals(2, cmd.execute("--registry", tmp.toString(), "--delivery", "maybe-once"));
        assertTrue(err.toString().contains("exactly-once or at-least-once"), err.toString());
        StreamCommand parsed = new StreamCommand();
        new CommandLine(parsed).parseArgs("--delivery", "at-least-once");
        assertEquals(roadcast.publish.Delivery.AT_LEAST_ONCE, parsed.release.delivery());
        StreamCommand defaults = new StreamCommand();
        new CommandLine(defaults).parseArgs();
        assertEquals(roadcast.publish.Delivery.EXACTLY_ONCE, defaults.release.delivery());
    }

    @Test
    void optionsReachTheJob() throws Exception {
        SmallCity city = SmallCity.generate("c", 2, 1);
        Path registry = tmp.resolve("registry");
        String version = city.publish(registry, 288, 2);
        StreamCommand command = new StreamCommand();
        new CommandLine(command).parseArgs("--registry", registry.toString(), "--parallelism", "2",
                "--checkpoint-interval", "PT3S", "--allowed-lateness", "PT2M", "--close-when-complete", "--heap-state");
        ForecastJob job = command.build();
        assertEquals(version, job.model().version());
        assertEquals(2, job.config().parallelism());
        assertEquals(3000, job.config().checkpointInterval().toMillis());
        assertEquals(120_000, job.layout().allowedLatenessMillis());
        assertTrue(job.config().closeWhenComplete());
        assertEquals("hashmap", job.flinkConfiguration().toMap().get("state.backend.type"));
        assertTrue(job.config().checkpointOnStep(), "a step's checkpoint is asked for unless told otherwise");
    }

    /**
     * picocli gives a negatable option whose default is true the opposite of what its negative form says unless the
     * option has a fallback value: --no-checkpoint-on-step once left the pacer on (a measured "off" run was on).
     */
    @Test
    void noCheckpointOnStepTurnsThePacerOff() {
        for (String[] args : new String[][] {{"--no-checkpoint-on-step"}, {"--checkpoint-on-step"}, {}}) {
            JobOptions.Checkpoints options = new JobOptions.Checkpoints();
            new CommandLine(options).parseArgs(args);
            boolean expected = args.length == 0 || !args[0].startsWith("--no-");
            assertEquals(expected, options.onStep(), String.join(" ", args));
            assertEquals(expected, options.applyTo(JobConfig.defaults(tmp)).checkpointOnStep(), String.join(" ", args));
        }
    }
}
