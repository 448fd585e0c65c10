package roadcast.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import roadcast.chaos.ChaosCommand;
import roadcast.publish.Delivery;
import roadcast.replay.FeedSpread;
import roadcast.stream.JobConfig;
import roadcast.stream.JobOptions;
import roadcast.stream.StreamCommand;

/**
 * The forecast job's options are declared once ({@link JobOptions}); the commands that run the job keep their own
 * defaults where they deliberately differ from {@code roadcast stream}'s, and those defaults are what picocli applies
 * and what --help says.
 */
class JobOptionDefaultsTest {

    @Test
    void eachCommandKeepsItsDefaults() {
        Object[][] expected = {
                // command, checkpoint interval, close after quiet (null: no such option), parallelism (null: none)
                {new StreamCommand(), "PT1S", "PT0S", 0},
                {new DemoCommand(), "PT0.5S", "PT1S", null},
                {new BenchStreamCommand(), "PT0.5S", "PT0.5S", 1},
                {new ChaosCommand(), "PT0.5S", null, null},
        };
        for (Object[] row : expected) {
            CommandLine cmd = new CommandLine(row[0]);
            cmd.parseArgs();
            var spec = cmd.getCommandSpec();
            String name = spec.name();
            assertEquals(Duration.parse((String) row[1]), spec.findOption("--checkpoint-interval").getValue(), name);
            String help = cmd.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
            assertTrue(help.contains("(default: " + row[1] + ")"), name + ": " + help);
            if (row[2] == null) {
                assertEquals(null, spec.findOption("--close-after-quiet"), name);
            } else {
                assertEquals(Duration.parse((String) row[2]), spec.findOption("--close-after-quiet").getValue(), name);
                assertEquals(Delivery.EXACTLY_ONCE, spec.findOption("--delivery").getValue(), name);
            }
            if (row[3] == null) {
                assertEquals(null, spec.findOption("--parallelism"), name);
            } else {
                assertEquals(row[3], spec.findOption("--parallelism").getValue(), name);
            }
        }
    }

    /**
     * bench-stream's feed and close rule: at real time a live city's feed (every sensor at its own moment in the
     * step) closed by the schedule rule made for it, faster a burst closed as before; what is given is kept.
     */
    @Test
    void benchStreamFeedsAtRealTimeAsALiveCity() {
        Object[][] expected = {
                // arguments, spread, close on schedule
                {new String[] {}, FeedSpread.BURST, "PT0S"},
                {new String[] {"--speedup", "1"}, FeedSpread.SENSOR_PHASE, "PT0.2S"},
                {new String[] {"--speedup", "0.5"}, FeedSpread.SENSOR_PHASE, "PT0.2S"},
                {new String[] {"--speedup", "1", "--spread", "burst"}, FeedSpread.BURST, "PT0S"},
                {new String[] {"--speedup", "1", "--close-on-schedule", "PT0S"}, FeedSpread.SENSOR_PHASE, "PT0S"},
                {new String[] {"--speedup", "1", "--close-on-schedule", "PT0.5S"}, FeedSpread.SENSOR_PHASE, "PT0.5S"},
                {new String[] {"--spread", "in-order"}, FeedSpread.IN_ORDER, "PT0.2S"},
                {new String[] {"--spread", "burst", "--close-on-schedule", "PT0.2S"}, FeedSpread.BURST, "PT0.2S"},
        };
        for (Object[] row : expected) {
            BenchStreamCommand bench = new BenchStreamCommand();
            String[] args = (String[]) row[0];
            new CommandLine(bench).parseArgs(args);
            String name = String.join(" ", args);
            assertEquals(row[1], bench.spread(), name);
            assertEquals(Duration.parse((String) row[2]), bench.closeOnSchedule(), name);
            assertEquals(Duration.ofMillis(500), bench.release.closeAfterQuiet(), name + ": the fallback stays");
        }
    }

    /** bench-stream trains on as many rows as 3 days of 5-minute steps, in whole days, unless told. */
    @Test
    void benchStreamTrainsOnTheRowsOfThreeFiveMinuteDays() {
        Object[][] expected = {
                {new String[] {}, 3},
                {new String[] {"--step", "1"}, 1},
                {new String[] {"--step", "15"}, 9},
                {new String[] {"--step", "1", "--train-days", "3"}, 3},
        };
        for (Object[] row : expected) {
            BenchStreamCommand bench = new BenchStreamCommand();
            new CommandLine(bench).parseArgs((String[]) row[0]);
            assertEquals(row[1], bench.trainDays(), String.join(" ", (String[]) row[0]));
        }
    }

    /** The groups set what their options say, over whatever the command set before, and nothing else. */
    @Test
    void groupsTurnOptionsIntoTheConfig() {
        JobOptions.Checkpoints checkpoints = new JobOptions.Checkpoints(Duration.ofMillis(500));
        JobOptions.Release release = new JobOptions.Release();
        JobOptions.Lateness lateness = new JobOptions.Lateness();
        JobOptions.Engine engine = new JobOptions.Engine();
        CommandLine cmd = new CommandLine(CommandLine.Model.CommandSpec.create());
        cmd.addMixin("checkpoints", checkpoints);
        cmd.addMixin("release", release);
        cmd.addMixin("lateness", lateness);
        cmd.addMixin("engine", engine);
        cmd.parseArgs("--checkpoint-interval", "PT3S", "--close-after-quiet", "PT2S", "--close-on-schedule", "PT0.2S",
                "--allowed-lateness", "PT4M", "--parallelism", "3", "--heap-state");
        JobConfig before = JobConfig.defaults(Path.of("models")).withCheckpoints(Duration.ofSeconds(1), "cp")
                .withEventTime(Duration.ofSeconds(7), Duration.ofSeconds(8), null, null).withJobName("j");
        JobConfig cfg = JobOptions.apply(before, checkpoints, release, lateness, engine);
        assertEquals(Duration.ofSeconds(3), cfg.checkpointInterval());
        assertEquals("cp", cfg.checkpointDir(), "the command's folder is kept");
        assertEquals(2000, cfg.closeAfterQuietMillis());
        assertEquals(200, cfg.closeOnScheduleMillis());
        assertEquals(0, before.closeOnScheduleMillis(), "the schedule close is off unless asked for");
        assertEquals(Duration.ofMinutes(4), cfg.allowedLateness());
        assertEquals(Duration.ofSeconds(7), cfg.maxOutOfOrderness(), "the command's event time is kept");
        assertEquals(Duration.ofSeconds(8), cfg.idleness());
        assertEquals(3, cfg.parallelism());
        assertFalse(cfg.rocksDb());
        assertEquals("j", cfg.jobName());
    }
}
