package roadcast.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import roadcast.datasets.SharedDatasets;
import roadcast.ingest.ParseResult;
import roadcast.ingest.ReadingParser;
import roadcast.kafka.EmbeddedKafka;
import roadcast.reading.SpeedReading;

class ReplayCommandTest {

    private static final ZoneId LA = ZoneId.of("America/Los_Angeles");
    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = new EmbeddedKafka(2, Map.of()).start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** 6 five-minute steps x 3 segments in Los Angeles local time; segment b has no reading (0) at step 2. */
    private Path fixture() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("tiny"));
        Files.writeString(folder.resolve("README.md"), "Tiny test city.\nSpeed unit: mph\nTime zone: America/Los_Angeles\n");
        StringBuilder csv = new StringBuilder("timestamp,a,b,c\n");
        LocalDateTime t = LocalDateTime.parse("2012-03-01T00:00:00");
        for (int row = 0; row < 6; row++) {
            csv.append(t.plusMinutes(5L * row)).append(',').append(60 + row).append(',')
                    .append(row == 2 ? "0" : String.valueOf(50 + row)).append(',').append(40.5 + row).append('\n');
        }
        Files.writeString(folder.resolve("speed.csv"), csv.toString());
        return folder;
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new ReplayCommand());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static List<SpeedReading> readings(String topic, int expected) {
        ReadingParser parser = ReadingParser.lenient(LA, 500);
        List<SpeedReading> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(kafka, topic, expected)) {
            ParseResult p = parser.parse(r.key().getBytes(StandardCharsets.UTF_8), r.value());
            assertTrue(p.accepted(), () -> String.valueOf(p.rejection()));
            out.add(p.reading());
        }
        return out;
    }

    @Test
    void replaysEveryCellWithAReadingInLocalTimeOfTheDataSet() throws Exception {
        kafka.createTopics("replay.all");
        Run r = run("--dataset", fixture().toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                "--speedup", "0", "--topic", "replay.all");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("sent 17 records in 6 steps"), r.out());
        List<SpeedReading> got = readings("replay.all", 17);
        assertEquals(17, got.size());
        long t0 = LocalDateTime.parse("2012-03-01T00:00").atZone(LA).toInstant().toEpochMilli();
        for (SpeedReading x : got) {
            int row = (int) ((x.timeMillis() - t0) / 300_000);
            assertTrue(row >= 0 && row < 6, "time inside the data set: " + x);
            double expected = switch (x.segment()) {
                case "a" -> 60 + row;
                case "b" -> 50 + row;
                case "c" -> 40.5 + row;
                default -> throw new AssertionError("unknown segment " + x.segment());
            };
            assertEquals(expected, x.speed(), 1e-4, x.toString());
            assertTrue(!(x.segment().equals("b") && row == 2), "the gap is not sent");
        }
    }

    @Test
    void fromAndLimitSelectTheRecordsSent() throws Exception {
        kafka.createTopics("replay.part");
        Run r = run("--dataset", fixture().toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                "--speedup", "0", "--topic", "replay.part", "--from", "2012-03-01T00:12", "--limit", "4");
        assertEquals(0, r.exit(), r.err());
        List<SpeedReading> got = readings("replay.part", 4);
        assertEquals(4, got.size());
        long first = LocalDateTime.parse("2012-03-01T00:15").atZone(LA).toInstant().toEpochMilli();
        Set<Long> times = new HashSet<>();
        got.forEach(x -> times.add(x.timeMillis()));
        assertEquals(Set.of(first, first + 300_000), times, "first step at or after --from, then the next");
    }

    @Test
    void badArgumentsNameTheProblem() throws Exception {
        Run missing = run("--dataset", dir.resolve("nowhere").toString(), "--bootstrap-servers", kafka.bootstrapServers());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("nowhere"), missing.err());
        Run badFrom = run("--dataset", fixture().toString(), "--from", "noon");
        assertEquals(2, badFrom.exit());
        assertTrue(badFrom.err().contains("noon"), badFrom.err());
        Run late = run("--dataset", fixture().toString(), "--from", "2013-01-01T00:00");
        assertEquals(2, late.exit());
        assertTrue(late.err().contains("after the last step"), late.err());
        Run speed = run("--dataset", fixture().toString(), "--speedup", "-2");
        assertEquals(2, speed.exit());
        assertTrue(run("--help").out().contains("--speedup"));
    }

    @Test
    void replaysTheFirstStepsOfTheRealLosLoopData() {
        var losLoop = SharedDatasets.find("los-loop");
        Assumptions.assumeTrue(losLoop.isPresent(), SharedDatasets.absentMessage("los-loop"));
        kafka.createTopics("replay.los");
        Run r = run("--dataset", losLoop.get().toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                "--speedup", "0", "--topic", "replay.los", "--limit", "414");
        assertEquals(0, r.exit(), r.err());
        List<SpeedReading> got = readings("replay.los", 414);
        assertEquals(414, got.size(), r.out());
        Set<String> segments = new HashSet<>();
        long last = Long.MIN_VALUE;
        for (SpeedReading x : got) {
            segments.add(x.segment());
            last = Math.max(last, x.timeMillis());
            assertTrue(x.speed() > 0 && x.speed() < 100, "a credible mph speed: " + x);
        }
        assertTrue(segments.size() > 150 && segments.size() <= 207, "207 sensors: " + segments.size());
        long start = LocalDateTime.parse("2012-03-01T00:00").atZone(LA).toInstant().toEpochMilli();
        assertTrue(last >= start && last <= start + 3 * 300_000, "the first steps of March 1st, local time");
    }

    @Test
    void taxiDataIsSentAsFloatingCarReadings() {
        var taxi = SharedDatasets.find("sz-taxi-40roads");
        Assumptions.assumeTrue(taxi.isPresent(), SharedDatasets.absentMessage("sz-taxi-40roads"));
        kafka.createTopics("replay.taxi");
        Run r = run("--dataset", taxi.get().toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                "--speedup", "0", "--topic", "replay.taxi", "--from", "2015-01-05T08:00", "--limit", "60");
        assertEquals(0, r.exit(), r.err());
        List<SpeedReading> got = readings("replay.taxi", 60);
        assertEquals(60, got.size(), r.out());
        long from = LocalDateTime.parse("2015-01-05T08:00").atZone(ZoneId.of("Asia/Shanghai")).toInstant().toEpochMilli();
        for (SpeedReading x : got) {
            assertEquals(roadcast.reading.Source.FLOATING_CAR, x.source(), x.toString());
            assertTrue(x.timeMillis() >= from, "not before --from (Shenzhen local time): " + x);
            assertTrue(x.speed() > 0, "zeros (no probe) are gaps, not readings: " + x);
        }
    }
}
