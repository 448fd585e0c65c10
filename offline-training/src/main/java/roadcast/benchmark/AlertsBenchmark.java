package roadcast.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import roadcast.alerts.IncidentAlert;
import roadcast.alerts.IncidentDetector;
import roadcast.clean.HistoryCleaner;
import roadcast.datasets.Dataset;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.forecast.NetworkForecast;
import roadcast.forecast.NetworkForecaster;
import roadcast.history.SpeedHistory;
import roadcast.model.ManifoldModel;
import roadcast.train.TrainingRun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code roadcast benchmark --protocol alerts}: trains on the first 80% of the steps, replays the rest as the stream
 * would (cleaned by the model's credibility rules, forecast at every step) through {@link IncidentDetector}, and
 * scores the alerts against the data set's ground truth ({@code events.csv}, rows of type/kind {@code incident}). An
 * alert matches an incident of its segment when its onset lies between 10 minutes before the incident's start and
 * its end; precision = matching alerts / alerts, recall = incidents with a matching alert / incidents, delay = the
 * first matching alert's detection time - the incident's start.
 */
public final class AlertsBenchmark {

    /** How early an onset may come and still be the incident's (the data's time stamps label intervals). */
    static final long EARLY_MILLIS = 10 * 60_000L;

    /** One ground-truth incident. */
    record Incident(int segment, long start, long end) {
    }

    /** What the run measured. */
    public record Result(int incidents, int alerts, int matchedAlerts, int detectedIncidents, double precision,
                         double recall, double delayMinMedian, double falseAlertsPerDay, double testDays,
                         double trainSeconds) {
        ObjectNode toJson(String dataset) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("dataset", dataset);
            o.put("protocol", "alerts");
            o.put("incidents", incidents);
            o.put("alerts", alerts);
            o.put("matched_alerts", matchedAlerts);
            o.put("detected_incidents", detectedIncidents);
            put(o, "precision", precision);
            put(o, "recall", recall);
            put(o, "detection_delay_min_median", delayMinMedian);
            put(o, "false_alerts_per_day", falseAlertsPerDay);
            put(o, "test_days", testDays);
            put(o, "train_seconds", trainSeconds);
            return o;
        }
    }

    private AlertsBenchmark() {
    }

    public static Result run(Dataset data, Path eventsFile, TrainingConfig config, IncidentDetector.Settings settings,
                             ProgressListener progress) throws IOException {
        if (!Files.exists(eventsFile)) { // before training: a missing ground truth is known at once
            throw new IllegalArgumentException("no ground truth: " + eventsFile + " is missing (the generator and the "
                + "SUMO city write events.csv)");
        }
        SpeedHistory history = data.history();
        int steps = history.steps();
        int trainRows = (int) Math.round(steps * 0.8);
        TrainingRun.Outcome trained = TrainingRun.train(data, trainRows, config, progress);
        ManifoldModel model = trained.model();
        float[][] inputs = HistoryCleaner.clean(history, model.credibility()).cleaned().speed();
        int n = history.segments();
        int horizons = model.horizonsMin().length;
        long first = history.epochMillis(0);
        long step = history.step().toMillis();
        int[][] downstream = downstream(model, n);
        IncidentDetector detector = new IncidentDetector(n, downstream, horizons, settings);
        NetworkForecaster forecaster = new NetworkForecaster(model);
        NetworkForecast out = forecaster.newForecast();
        double[][] prevSpeed = new double[horizons][n];
        double[][] prevLower = new double[horizons][n];
        boolean havePrev = false;
        long prevIssued = 0;
        List<IncidentAlert> alerts = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            long time = first + t * step;
            if (t >= trainRows) {
                detector.step(time, inputs[t], havePrev ? prevSpeed : null, havePrev ? prevLower : null, prevIssued,
                    step, alerts);
            }
            forecaster.observe(time, inputs[t]);
            if (t >= trainRows - 1) {
                forecaster.forecast(out);
                for (int h = 0; h < horizons; h++) {
                    for (int i = 0; i < n; i++) {
                        prevSpeed[h][i] = out.speed(h, i);
                        prevLower[h][i] = out.lower(h, i);
                    }
                }
                prevIssued = time;
                havePrev = true;
            }
        }
        alerts.addAll(detector.open());
        long testStart = first + trainRows * step;
        long testEnd = first + steps * step;
        List<Incident> incidents = new ArrayList<>();
        for (Incident inc : readIncidents(eventsFile, data)) {
            if (inc.start() >= testStart && inc.start() < testEnd) {
                incidents.add(inc);
            }
        }
        boolean[] detected = new boolean[incidents.size()];
        long[] firstDetection = new long[incidents.size()];
        Arrays.fill(firstDetection, Long.MAX_VALUE);
        int matched = 0;
        for (IncidentAlert a : alerts) {
            boolean hit = false;
            for (int k = 0; k < incidents.size(); k++) {
                Incident inc = incidents.get(k);
                if (inc.segment() == a.segment() && a.startMillis() >= inc.start() - EARLY_MILLIS
                    && a.startMillis() <= inc.end()) {
                    hit = true;
                    detected[k] = true;
                    firstDetection[k] = Math.min(firstDetection[k], a.detectedMillis());
                }
            }
            if (hit) {
                matched++;
            }
        }
        List<Double> delays = new ArrayList<>();
        int detectedCount = 0;
        for (int k = 0; k < incidents.size(); k++) {
            if (detected[k]) {
                detectedCount++;
                delays.add(Math.max(0, firstDetection[k] - incidents.get(k).start()) / 60_000.0);
            }
        }
        double days = (testEnd - testStart) / 86_400_000.0;
        return new Result(incidents.size(), alerts.size(), matched, detectedCount,
            alerts.isEmpty() ? Double.NaN : (double) matched / alerts.size(),
            incidents.isEmpty() ? Double.NaN : (double) detectedCount / incidents.size(), median(delays),
            (alerts.size() - matched) / days, days, trained.seconds());
    }

    public static void writeJson(Result r, String dataset, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), r.toJson(dataset));
    }

    /** Traffic on segment i flows into the {@code to} of its links (the model's network, self-links left out). */
    static int[][] downstream(ManifoldModel model, int n) {
        return roadcast.alerts.Downstream.of(model.network(), n);
    }

    /**
     * Incidents of {@code events.csv}: a header naming {@code segment}, {@code start}, {@code end} and a
     * {@code kind} or {@code type} column; times are local (the data set's time zone) ISO-8601 without zone.
     */
    static List<Incident> readIncidents(Path file, Dataset data) throws IOException {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("no ground truth: " + file + " is missing (the generator and the SUMO "
                + "city write events.csv)");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + " is empty");
        }
        List<String> header = Arrays.asList(lines.get(0).trim().toLowerCase(Locale.ROOT).split(","));
        int seg = header.indexOf("segment");
        int start = header.indexOf("start");
        int end = header.indexOf("end");
        int kind = header.contains("kind") ? header.indexOf("kind") : header.indexOf("type");
        if (seg < 0 || start < 0 || end < 0 || kind < 0) {
            throw new IllegalArgumentException(file + ":1: header must name segment, start, end and kind or type");
        }
        List<Incident> out = new ArrayList<>();
        for (int k = 1; k < lines.size(); k++) {
            String[] f = lines.get(k).split(",", -1);
            if (f.length <= Math.max(Math.max(seg, start), Math.max(end, kind)) || !f[kind].trim().equals("incident")) {
                continue;
            }
            var index = data.network().indexOf(f[seg].trim());
            if (index.isEmpty()) {
                continue;
            }
            out.add(new Incident(index.get(), local(f[start], data), local(f[end], data)));
        }
        return out;
    }

    private static long local(String text, Dataset data) {
        return LocalDateTime.parse(text.trim()).atZone(data.history().timeZone()).toInstant().toEpochMilli();
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int m = sorted.size();
        return m % 2 == 1 ? sorted.get(m / 2) : (sorted.get(m / 2 - 1) + sorted.get(m / 2)) / 2;
    }

    private static void put(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.putNull(field);
        }
    }
}
