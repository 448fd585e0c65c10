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
        Path explain = tmp.resolve("explain.csv");
        assertEquals(0, run(new BenchmarkCommand(), out, err, "--dataset", city.toString(), "--protocol", "alerts",
            "--json", json.toString(), "--rank", "5", "--order", "2", "--lambda", "1", "--quiet",
            "--alerts-explain", explain.toString()), err.toString());
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
        // --alerts-explain: every reading of each scored incident's road, with forecast, band and neighbours
        List<String> rows = Files.readAllLines(explain);
        assertEquals("incident,start,time,observed,expected,lower,under,upstream,downstream,found", rows.get(0));
        assertTrue(rows.size() > incidents, "the generated city reads every road every step: " + rows.size());
        String[] row = rows.get(1).split(",", -1);
        assertEquals(10, row.length, rows.get(1));
        assertTrue(Double.parseDouble(row[4]) > 0, "the forecast's expectation: " + rows.get(1));
        assertTrue(row[7].contains(":") || row[8].contains(":"), "its neighbours as id:read/expected: " + rows.get(1));
        // the last column: when the incident was found (an instant), empty when missed; most are found here
        assertTrue(rows.stream().skip(1).filter(x -> x.matches(".*,\\d{4}-\\d\\d-\\d\\dT[^,]*Z$")).count()
            > (rows.size() - 1) / 2, "found times: " + rows.subList(0, Math.min(5, rows.size())));

        // beside it every alert raised, with the incident it matched (empty: false); as many as the JSON counts
        List<String> raised = Files.readAllLines(tmp.resolve("explain.alerts.csv"));
        assertEquals("segment,onset,detected,cleared,severity,incident_start", raised.get(0));
        assertEquals(r.get("alerts").asInt(), raised.size() - 1, raised.toString());
        assertEquals(r.get("matched_alerts").asInt(), raised.stream().skip(1).filter(x -> !x.endsWith(",")).count(),
            raised.toString());

        // --alerts-validation-part: the same settings scored and explained on the validation part (60-80% of the
        // steps, what --alerts-tune chooses on): every incident explained starts before the test part
        Path validationExplain = tmp.resolve("validation-explain.csv");
        StringWriter vout = new StringWriter();
        assertEquals(0, run(new BenchmarkCommand(), vout, new StringWriter(), "--dataset", city.toString(),
            "--protocol", "alerts", "--json", tmp.resolve("v.json").toString(), "--rank", "5", "--order", "2",
            "--lambda", "1", "--quiet", "--alerts-validation-part", "--alerts-explain", validationExplain.toString()));
        assertTrue(vout.toString().contains("validation days"), vout.toString());
        java.time.Instant testStart = rows.stream().skip(1).map(x -> java.time.Instant.parse(x.split(",")[1]))
            .min(java.util.Comparator.naturalOrder()).orElseThrow();
        List<String> vrows = Files.readAllLines(validationExplain);
        assertTrue(vrows.size() > 1, "the validation part holds incidents too");
        assertTrue(vrows.stream().skip(1).allMatch(x -> java.time.Instant.parse(x.split(",")[1]).isBefore(testStart)),
            "validation incidents start before the test part's first: " + vrows.get(1));

        // no ground truth: a clear refusal, not a crash
        Files.delete(city.resolve("events.csv"));
        StringWriter err2 = new StringWriter();
        assertEquals(2, run(new BenchmarkCommand(), new StringWriter(), err2, "--dataset", city.toString(),
            "--protocol", "alerts", "--json", json.toString(), "--rank", "5", "--order", "2", "--lambda", "1",
            "--quiet"));
        assertTrue(err2.toString().contains("events.csv is missing"), err2.toString());
    }

    /**
     * Issue 13: the replay reads a feed as the stream would, fused by the fusion of the model's card, fitted on the
     * training rows only. A feed of six roads over three days (loops on three of them, probes on all, one incident
     * in the test part) whose loops read 12 km/h higher in the last fifth of the steps: fused by a fusion fitted on
     * every row (the data set as loaded) its readings differ from the stream's. Every reading of the incident's road
     * in {@code --alerts-explain} is the training rows' fusion's; at least one differs from the every-row fusion's.
     */
    @Test
    void theReplayFusesTheFeedWithTheFusionOfTheTrainingRows(@TempDir Path tmp) throws Exception {
        Path city = feedCity(tmp.resolve("feed"));
        Path explain = tmp.resolve("explain.csv");
        StringWriter err = new StringWriter();
        assertEquals(0, run(new BenchmarkCommand(), new StringWriter(), err, "--dataset", city.toString(),
            "--protocol", "alerts", "--json", tmp.resolve("a.json").toString(), "--rank", "2", "--order", "2",
            "--lambda", "1", "--quiet", "--alerts-explain", explain.toString()), err.toString());
        // no setting given: a multi-source feed is scored with the feed's validated setting, as serving runs it
        assertEquals(IncidentDetector.Settings.forFusedFeed().toString(),
            new ObjectMapper().readTree(tmp.resolve("a.json").toFile()).get("settings").asText());
        roadcast.datasets.Dataset data = roadcast.datasets.DatasetLoader.load(city);
        int steps = data.history().steps();
        int trainRows = (int) Math.round(steps * AlertsBenchmark.TRAIN_SHARE);
        String[] ids = data.feed().segmentIds();
        float[][] streamed = roadcast.fusion.Fuser.fuseAll(roadcast.fusion.FusionFitter.fit(ids,
            data.feed().sources(), trainRows, "train", roadcast.fusion.FusionSettings.defaults()), ids,
            data.feed().sources());
        float[][] everyRow = data.history().speed();
        int c = java.util.Arrays.asList(ids).indexOf("c");
        long first = data.history().epochMillis(0);
        long step = data.history().step().toMillis();
        List<String> rows = Files.readAllLines(explain);
        assertTrue(rows.size() > 3, "the incident's road is read while it lasts: " + rows);
        int differ = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",", -1);
            int t = (int) ((java.time.Instant.parse(f[2]).toEpochMilli() - first) / step);
            double observed = Double.parseDouble(f[3]);
            assertEquals(streamed[t][c], observed, 0.051, "the training rows' fusion at " + f[2]);
            differ += Math.abs(everyRow[t][c] - observed) > 0.2 ? 1 : 0;
        }
        assertTrue(differ > 0, "the every-row fusion reads otherwise: the fixture tells them apart");
    }

    /**
     * A feed of six roads a -> b -> ... -> f over three days at 5-min steps ({@code sources.csv}, loops on a, c, e
     * with flow and occupancy, a probe on each road half of the steps), 12 km/h higher on the loops in the last fifth
     * of the steps (a loop recalibrated), road c under an incident (10 km/h) for 40 min in that fifth.
     */
    private static Path feedCity(Path dir) throws Exception {
        Files.createDirectories(dir);
        String[] ids = {"a", "b", "c", "d", "e", "f"};
        StringBuilder sensors = new StringBuilder("sensor_id,latitude,longitude,road_class,length_m\n");
        StringBuilder edges = new StringBuilder("from,to,distance\n");
        for (int i = 0; i < ids.length; i++) {
            sensors.append(String.format(java.util.Locale.ROOT, "%s,31.22%d,121.46%d,local,300%n", ids[i], i, i));
            if (i + 1 < ids.length) {
                edges.append(ids[i]).append(',').append(ids[i + 1]).append(",300\n");
            }
        }
        int steps = 3 * 288;
        int incidentFrom = (int) (steps * 0.9);
        java.time.LocalDateTime start = java.time.LocalDateTime.of(2024, 3, 4, 0, 0);
        java.util.Random rnd = new java.util.Random(5);
        StringBuilder feed = new StringBuilder("timestamp,segment,speed,flow,occupancy,source\n");
        for (int t = 0; t < steps; t++) {
            String time = start.plusMinutes(5L * t).toString();
            for (int i = 0; i < ids.length; i++) {
                double v = 50 - 15 * Math.max(0, Math.sin(2 * Math.PI * t / 288.0 + i)) + 2 * rnd.nextGaussian();
                if (i == 2 && t >= incidentFrom && t < incidentFrom + 8) {
                    v = 10;
                }
                if (i % 2 == 0) {
                    double loop = v + 4 + (t >= steps * 0.8 ? 12 : 0) + rnd.nextGaussian();
                    feed.append(String.format(java.util.Locale.ROOT, "%s,%s,%.2f,%d,%.2f,loop%n", time, ids[i], loop,
                        600 - 5 * (int) (50 - v), Math.max(0, 0.5 * (60 - v))));
                }
                if (rnd.nextBoolean()) {
                    feed.append(String.format(java.util.Locale.ROOT, "%s,%s,%.2f,,,floating_car%n", time, ids[i],
                        Math.max(1, v + 4 * rnd.nextGaussian())));
                }
            }
        }
        Files.writeString(dir.resolve("sensors.csv"), sensors);
        Files.writeString(dir.resolve("edges.csv"), edges);
        Files.writeString(dir.resolve("sources.csv"), feed);
        Files.writeString(dir.resolve("events.csv"), "segment,start,end,type,severity\nc,"
            + start.plusMinutes(5L * incidentFrom) + "," + start.plusMinutes(5L * incidentFrom + 40) + ",incident,3\n");
        return dir;
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

    /** Two incidents of a scored day: road 4 from 100 to 160 min, road 7 from 300 to 330 min. */
    private static final List<AlertsBenchmark.Incident> TWO_INCIDENTS = List.of(
        new AlertsBenchmark.Incident(4, 100 * 60_000L, 160 * 60_000L),
        new AlertsBenchmark.Incident(7, 300 * 60_000L, 330 * 60_000L));

    private static AlertsBenchmark.Result scoredOverADay(List<IncidentAlert> alerts) {
        return AlertsBenchmark.score(alerts, TWO_INCIDENTS, 0, 1440 * 60_000L, 1.0,
            IncidentDetector.Settings.defaults());
    }

    /** Scoring on a known answer: two incidents, one found early, one missed; one alert on the wrong road. */
    @Test
    void alertsAreMatchedToIncidentsOfTheirSegmentFromTenMinutesBeforeTheStartToTheEnd() {
        long min = 60_000L;
        AlertsBenchmark.Result r = scoredOverADay(List.of(new IncidentAlert(4, 92 * min, 97 * min, 150 * min, 0.6),
            new IncidentAlert(4, 170 * min, 175 * min, Long.MIN_VALUE, 0.4), // after the end: false
            new IncidentAlert(5, 300 * min, 305 * min, 320 * min, 0.5))); // the wrong road: false
        assertEquals(2, r.incidents());
        assertEquals(1, r.matchedAlerts());
        assertEquals(1.0 / 3, r.precision(), 1e-12);
        assertEquals(0.5, r.recall(), 1e-12);
        assertEquals(0.0, r.delayMinMedian(), 1e-12, "detected before the listed start: no negative delay");
        assertEquals(2.0, r.falseAlertsPerDay(), 1e-12);
        assertEquals(2 * (1.0 / 3) * 0.5 / (1.0 / 3 + 0.5), r.f1(), 1e-12);
    }

    /**
     * An alert raised after its incident ended is a false alarm for the command centre, whatever its onset: road 4's
     * incident (100-160 min) alerted only at 170 min (onset 150, inside it) is missed and the alert false; road 7's
     * (300-330 min) is found by the alert raised at 325 min, and the one raised at 330 min (the step labelled the end
     * reads the interval after it) is false.
     */
    @Test
    void anAlertRaisedAfterItsIncidentEndedIsFalse() {
        long min = 60_000L;
        List<IncidentAlert> alerts = List.of(new IncidentAlert(4, 150 * min, 170 * min, 180 * min, 0.6),
            new IncidentAlert(7, 315 * min, 325 * min, 340 * min, 0.5),
            new IncidentAlert(7, 320 * min, 330 * min, 340 * min, 0.5));
        AlertsBenchmark.Result r = scoredOverADay(alerts);
        assertEquals(1, r.matchedAlerts(), "only the alert raised while its incident lasts");
        assertEquals(1, r.detectedIncidents());
        assertEquals(0.5, r.recall(), 1e-12);
        assertEquals(25.0, r.delayMinMedian(), 1e-12, "road 7's delay; road 4's late alert adds none");
        assertEquals(2.0, r.falseAlertsPerDay(), 1e-12);
        assertEquals(Long.MAX_VALUE, AlertsBenchmark.firstDetection(alerts, TWO_INCIDENTS.get(0)),
            "--alerts-explain shows road 4's incident as missed too");
    }

    @Test
    void alertsTuneWithAnotherProtocolIsRefused(@TempDir Path tmp) {
        StringWriter err = new StringWriter();
        assertEquals(2, run(new BenchmarkCommand(), new StringWriter(), err, "--dataset", tmp.toString(),
            "--protocol", "tgcn", "--alerts-tune", "--quiet"));
        assertTrue(err.toString().contains("--alerts-tune needs --protocol alerts"), err.toString());
    }

    @Test
    void theValidationPartWithAlertsTuneIsRefused(@TempDir Path tmp) {
        StringWriter err = new StringWriter();
        assertEquals(2, run(new BenchmarkCommand(), new StringWriter(), err, "--dataset", tmp.toString(),
            "--protocol", "alerts", "--alerts-tune", "--alerts-validation-part", "--quiet"));
        assertTrue(err.toString().contains("--alerts-validation-part needs --protocol alerts and excludes "
            + "--alerts-tune"), err.toString());
    }

    @Test
    void alertsTuneWithWithoutAlertsTuneIsRefused(@TempDir Path tmp) {
        StringWriter err = new StringWriter();
        assertEquals(2, run(new BenchmarkCommand(), new StringWriter(), err, "--dataset", tmp.toString(),
            "--protocol", "alerts", "--alerts-tune-with", tmp.toString(), "--quiet"));
        assertTrue(err.toString().contains("--alerts-tune-with needs --alerts-tune"), err.toString());
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
        assertTrue(grid.stream().anyMatch(g -> g.bandCap() < 1), "the capped band is among them");
        assertTrue(grid.stream().anyMatch(g -> g.sparseDrop() < 1), "one deep reading on a sparse road is among them");
        assertTrue(grid.stream().anyMatch(g -> g.persistSteps() == 4), "four readings on a loop road are among them");
        assertTrue(grid.stream().anyMatch(g -> g.deepApartDrop() < 1 && g.deepDrop() < 1),
            "two readings taken apart at their own threshold are among them");
        assertTrue(grid.stream().anyMatch(g -> g.deepProbeDrop() < 1 && g.deepDrop() < 1),
            "two readings on a probe road at their own threshold are among them");
        assertTrue(grid.stream().anyMatch(g -> g.deepQueue() && g.deepDrop() < 1),
            "two deep readings confirmed by the queue behind when a road ahead slowed are among them");
        assertTrue(grid.stream().anyMatch(g -> g.sparseHold()),
            "a deep probe-road reading judged on its neighbours while the road goes unread is among them");
        assertTrue(grid.stream().anyMatch(g -> g.queueSlowest() && g.deepQueue()),
            "the roads behind judged on their slowest source are among them");
        assertTrue(grid.stream().anyMatch(g -> g.queueSlowest() && g.deepQueue() && g.bandCap() < 1),
            "and with the band capped at the deep depth");
        assertTrue(grid.stream().anyMatch(g -> g.slideDrop() < 1 && g.deepContrast()),
            "a slide under the band with the roads ahead normal is among them");
        assertTrue(grid.stream().noneMatch(g -> g.queueSlowest() && !(g.deepQueue() || g.queueEarly()
            || g.sparseDrop() < 1 || g.upstreamShare() > 0)), "the slowest source is tried only where the roads "
            + "behind are read: elsewhere it would be the same setting twice");
    }

    /**
     * Observability on a known answer: an incident on a road read at steps 0, 2 and 5 of a 5-min grid, lasting
     * 07:00-07:25 (steps 1 to 4 overlap it: one reading, at step 2) is not observable; one lasting 00:00-00:12 (steps 0
     * to 2: two readings) is. Headline recall keeps both in its denominator; the observable recall only the second.
     */
    @Test
    void incidentsReadFewerThanTwiceWhileTheyLastAreCountedUnobservableAndStayInTheRecall() {
        long min = 60_000L;
        float[][] inputs = new float[8][2];
        for (float[] row : inputs) {
            java.util.Arrays.fill(row, Float.NaN);
        }
        inputs[0][1] = 40;
        inputs[2][1] = 12;
        inputs[5][1] = 40;
        AlertsBenchmark.Incident once = AlertsBenchmark.withReadings(
            new AlertsBenchmark.Incident(1, 7 * min, 25 * min), inputs, 0, 5 * min);
        AlertsBenchmark.Incident twice = AlertsBenchmark.withReadings(
            new AlertsBenchmark.Incident(1, 0, 12 * min), inputs, 0, 5 * min);
        assertEquals(1, once.readings());
        assertEquals(2, twice.readings());
        assertTrue(!once.observable() && twice.observable());
        List<IncidentAlert> alerts = List.of(new IncidentAlert(1, 0, 10 * min, 20 * min, 0.7));
        AlertsBenchmark.Result r = AlertsBenchmark.score(alerts, List.of(once, twice), 0, 1440 * min, 1.0,
            IncidentDetector.Settings.defaults());
        assertEquals(2, r.incidents());
        assertEquals(1, r.observableIncidents());
        assertEquals(1, r.detectedObservable());
        assertEquals(1.0, r.recall(), 1e-12, "the alert at 00:00 matches both (its onset lies in each)");
        assertEquals(1.0, r.observableRecall(), 1e-12);
        AlertsBenchmark.Result onlyTheUnobservable = AlertsBenchmark.score(
            List.of(new IncidentAlert(1, 15 * min, 20 * min, 24 * min, 0.7)),
            List.of(once, twice), 0, 1440 * min, 1.0, IncidentDetector.Settings.defaults());
        assertEquals(0.5, onlyTheUnobservable.recall(), 1e-12);
        assertEquals(0.0, onlyTheUnobservable.observableRecall(), 1e-12);
    }

    /** Validation parts pooled: counts summed per setting, the median delay over every detection. */
    @Test
    void pooledValidationSumsTheCountsAndTakesTheMedianOverAllDetections() {
        long min = 60_000L;
        IncidentDetector.Settings s = IncidentDetector.Settings.defaults();
        AlertsBenchmark.Result a = AlertsBenchmark.score(
            List.of(new IncidentAlert(1, 100 * min, 104 * min, 150 * min, 0.5)),
            List.of(new AlertsBenchmark.Incident(1, 100 * min, 160 * min)), 0, 1440 * min, 2.0, s);
        AlertsBenchmark.Result b = AlertsBenchmark.score(
            List.of(new IncidentAlert(2, 300 * min, 310 * min, 320 * min, 0.5),
                new IncidentAlert(2, 301 * min, 320 * min, 330 * min, 0.5),
                new IncidentAlert(3, 500 * min, 505 * min, 520 * min, 0.5)),
            List.of(new AlertsBenchmark.Incident(2, 300 * min, 330 * min),
                new AlertsBenchmark.Incident(4, 700 * min, 720 * min)), 0, 2880 * min, 3.0, s);
        AlertsBenchmark.Result p = AlertsBenchmark.Result.pool(List.of(a, b));
        assertEquals(3, p.incidents());
        assertEquals(4, p.alerts());
        assertEquals(3, p.matchedAlerts());
        assertEquals(2, p.detectedIncidents());
        assertEquals(0.75, p.precision(), 1e-12);
        assertEquals(2.0 / 3, p.recall(), 1e-12);
        assertEquals(7.0, p.delayMinMedian(), 1e-12, "median of the delays 4 and 10");
        assertEquals(1 / 3.0, p.falseAlertsPerDay(), 1e-12, "one false alert over three days");
        assertEquals(s, p.settings());
    }
}
