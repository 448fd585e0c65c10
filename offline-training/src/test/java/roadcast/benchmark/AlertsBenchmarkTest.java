package roadcast.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import roadcast.synthetic.GenerateCommand;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import roadcast.alerts.IncidentAlert;
import roadcast.alerts.IncidentDetector;
import roadcast.synthetic.WeekProfiles;

import java.util.List;

/** {@code roadcast benchmark --protocol alerts} on a generated city with injected incidents ({@code events.csv}). */
class AlertsBenchmarkTest {

    private static int run(Object command, StringWriter out, StringWriter err, String... args) {
        CommandLine cmd = new CommandLine(command);
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        return cmd.execute(args);
    }

    @Test
    void alertsAreScoredAgainstTheInjectedIncidents(@TempDir Path tmp) throws Exception {
        Path city = tmp.resolve("city");
        assertEquals(0, new CommandLine(new GenerateCommand()).execute("--segments", "600", "--days", "4", "--step",
            "5", "--seed", "11", "--out", city.toString(), "--built-in-profiles"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path json = tmp.resolve("alerts.json");
        assertEquals(0, run(new BenchmarkCommand(), out, err, "--dataset", city.toString(), "--protocol", "alerts",
            "--json", json.toString(), "--rank", "5", "--order", "2", "--lambda", "1", "--quiet"), err.toString());
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        for (String field : new String[] {"incidents", "alerts", "precision", "recall", "detection_delay_min_median",
            "false_alerts_per_day"}) {
            assertTrue(r.has(field), field + " in " + r);
        }
        int incidents = r.get("incidents").asInt();
        assertTrue(incidents >= 5, "the test part holds injected incidents: " + r);
        assertTrue(r.get("recall").asDouble() >= 0.6, "most injected incidents found: " + r);
        assertTrue(r.get("detection_delay_min_median").asDouble() <= 10, "found within 10 minutes: " + r);
        assertTrue(r.get("precision").asDouble() > 0, r.toString());
        assertTrue(out.toString().contains("protocol alerts"), out.toString());

        // no ground truth: a clear refusal, not a crash
        Files.delete(city.resolve("events.csv"));
        StringWriter err2 = new StringWriter();
        assertEquals(2, run(new BenchmarkCommand(), new StringWriter(), err2, "--dataset", city.toString(),
            "--protocol", "alerts", "--json", json.toString(), "--rank", "5", "--order", "2", "--lambda", "1",
            "--quiet"));
        assertTrue(err2.toString().contains("events.csv is missing"), err2.toString());
    }

    /**
     * A city without incidents whose test part holds a weekday morning: the METR-LA weekly shapes and the
     * generator's deeper-than-usual days make sharp peak onsets there, which the detector must not call incidents
     * (the previous detector raised 8 alerts, 13 a day, on this replay).
     */
    @Test
    void aReplayWithoutIncidentsRaisesNoAlertsAtPeakOnsets(@TempDir Path tmp) throws Exception {
        assumeTrue(WeekProfiles.shared().isPresent(), "skipped: ../shared/datasets/metr-la (its mean week) is absent");
        Path city = tmp.resolve("quiet");
        assertEquals(0, new CommandLine(new GenerateCommand()).execute("--segments", "300", "--days", "3", "--step",
            "5", "--seed", "11", "--start", "2024-01-06T12:00", "--incidents-per-segment-day", "0", "--out",
            city.toString()));
        StringWriter err = new StringWriter();
        Path json = tmp.resolve("quiet.json");
        assertEquals(0, run(new BenchmarkCommand(), new StringWriter(), err, "--dataset", city.toString(),
            "--protocol", "alerts", "--json", json.toString(), "--rank", "5", "--order", "2", "--lambda", "1",
            "--quiet"), err.toString());
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        assertEquals(0, r.get("incidents").asInt(), r.toString());
        assertTrue(r.get("test_days").asDouble() > 0.5, r.toString());
        assertTrue(r.get("false_alerts_per_day").asDouble() <= 2, "false alerts counted: " + r);
        assertTrue(r.get("settings").asText().contains("up=0.25x0.50"), r.toString());
    }

    /** Scoring on a known answer: two incidents, one found early, one missed; one alert on the wrong road. */
    @Test
    void alertsAreMatchedToIncidentsOfTheirSegmentFromTenMinutesBeforeTheStartToTheEnd() {
        long min = 60_000L;
        List<AlertsBenchmark.Incident> incidents = List.of(new AlertsBenchmark.Incident(4, 100 * min, 160 * min),
            new AlertsBenchmark.Incident(7, 300 * min, 330 * min));
        List<IncidentAlert> alerts = List.of(new IncidentAlert(4, 92 * min, 97 * min, 150 * min, 0.6),
            new IncidentAlert(4, 170 * min, 175 * min, Long.MIN_VALUE, 0.4), // after the end: false
            new IncidentAlert(5, 300 * min, 305 * min, 320 * min, 0.5)); // the wrong road: false
        AlertsBenchmark.Result r = AlertsBenchmark.score(alerts, incidents, 0, 1440 * min, 1.0,
            IncidentDetector.Settings.defaults());
        assertEquals(2, r.incidents());
        assertEquals(1, r.matchedAlerts());
        assertEquals(1.0 / 3, r.precision(), 1e-12);
        assertEquals(0.5, r.recall(), 1e-12);
        assertEquals(0.0, r.delayMinMedian(), 1e-12, "detected before the listed start: no negative delay");
        assertEquals(2.0, r.falseAlertsPerDay(), 1e-12);
        assertEquals(2 * (1.0 / 3) * 0.5 / (1.0 / 3 + 0.5), r.f1(), 1e-12);
    }

    @Test
    void alertsTuneWithAnotherProtocolIsRefused(@TempDir Path tmp) {
        StringWriter err = new StringWriter();
        assertEquals(2, run(new BenchmarkCommand(), new StringWriter(), err, "--dataset", tmp.toString(),
            "--protocol", "tgcn", "--alerts-tune", "--quiet"));
        assertTrue(err.toString().contains("--alerts-tune needs --protocol alerts"), err.toString());
    }

    @Test
    void badAlertsSettingsAreRefusedBeforeTheDataSetLoads(@TempDir Path tmp) {
        StringWriter err = new StringWriter();
        assertEquals(2, run(new BenchmarkCommand(), new StringWriter(), err, "--dataset", tmp.toString(),
            "--protocol", "alerts", "--alerts-settings", "persist=three", "--quiet"));
        assertTrue(err.toString().contains("--alerts-settings: 'persist=three': three is not a number"),
            err.toString());
    }

    /** The validation grid starts with the defaults and holds each setting once. */
    @Test
    void theValidationGridStartsWithTheDefaults() {
        List<IncidentDetector.Settings> grid = AlertsBenchmark.grid();
        assertEquals(IncidentDetector.Settings.defaults(), grid.get(0));
        assertEquals(grid.size(), new java.util.HashSet<>(grid).size());
        assertTrue(grid.stream().anyMatch(g -> g.upstreamShare() == 0), "persistence alone is among them");
        assertTrue(grid.stream().anyMatch(g -> g.upstreamShare() == 0 && g.areaShare() < 1 && g.persistSteps() == 3),
            "persistence with the area check alone (no spill-back) is among them");
        assertTrue(grid.stream().anyMatch(g -> g.deepDrop() < 1 && g.deepContrast() && g.persistSteps() == 3),
            "three readings or two deep ones with the road ahead normal is among them");
    }
}
