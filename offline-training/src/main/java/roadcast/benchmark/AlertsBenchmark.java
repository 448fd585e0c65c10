package roadcast.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import roadcast.alerts.AlertBand;
import roadcast.alerts.IncidentAlert;
import roadcast.alerts.IncidentDetector;
import roadcast.clean.HistoryCleaner;
import roadcast.datasets.Dataset;
import roadcast.datasets.feed.FeedDatasets;
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
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code roadcast benchmark --protocol alerts}: trains on the first 80% of the steps, replays the rest as the stream
 * would (cleaned by the model's credibility rules, forecast at every step) through {@link IncidentDetector}, and
 * scores the alerts against the data set's ground truth ({@code events.csv}, rows of type/kind {@code incident}). An
 * alert matches an incident of its segment when its onset lies no more than 10 minutes before the incident's start
 * and it is raised (detected) before the incident's end; precision = matching alerts / alerts, recall = incidents
 * with a matching alert / incidents, delay = the first matching alert's detection time - the incident's start.
 * {@link #validate} chooses the detector's settings on validation carved from the training part
 * ({@code --alerts-tune}).
 */
public final class AlertsBenchmark {

    /** How early an onset may come and still be the incident's (the data's time stamps label intervals). */
    static final long EARLY_MILLIS = 10 * 60_000L;

    /**
     * One ground-truth incident.
     *
     * @param readings readings of its road in the detector's input while it lasts (steps whose interval overlaps it);
     *                 -1 = not counted
     */
    record Incident(int segment, long start, long end, int readings) {

        Incident(int segment, long start, long end) {
            this(segment, start, end, -1);
        }

        /**
         * Every rule of the validated settings confirms from at least two readings of the road itself: an incident
         * read fewer times while it lasts cannot be found by any of them. (Two rules in the tune's grid confirm from
         * one reading with the neighbours' help, {@code sparse=} and {@code one=}; neither is chosen, README.)
         */
        boolean observable() {
            return readings < 0 || readings >= MIN_READINGS;
        }
    }

    /** Readings of its road an incident needs while it lasts to count as observable in the feed. */
    static final int MIN_READINGS = 2;

    /**
     * The detectors run this long before the scored part, on the model's forecasts, as a stream that was already
     * running would: a queue already in place when scoring starts is then known as a queue. Alerts starting before
     * the scored part are not scored, as incidents starting before it are not.
     */
    static final long WARM_UP_MILLIS = 60 * 60_000L;

    /** Share of the steps trained on for the test run (the rest is the test part). */
    static final double TRAIN_SHARE = 0.8;
    /**
     * Share of the steps trained on for the validation run: the validation part is the last quarter of the training
     * part, [0.6, 0.8) of the steps, and never reaches the test part.
     */
    static final double VALIDATION_TRAIN_SHARE = 0.6;

    /** What the run measured. */
    public record Result(int incidents, int alerts, int matchedAlerts, int detectedIncidents, double precision,
                         double recall, double delayMinMedian, double falseAlertsPerDay, double testDays,
                         double trainSeconds, IncidentDetector.Settings settings, int observableIncidents,
                         int detectedObservable, List<Double> delaysMin) {

        /** Without the observability counts (every incident observable) and the delays. */
        public Result(int incidents, int alerts, int matchedAlerts, int detectedIncidents, double precision,
                      double recall, double delayMinMedian, double falseAlertsPerDay, double testDays,
                      double trainSeconds, IncidentDetector.Settings settings) {
            this(incidents, alerts, matchedAlerts, detectedIncidents, precision, recall, delayMinMedian,
                falseAlertsPerDay, testDays, trainSeconds, settings, incidents, detectedIncidents, List.of());
        }

        /** Recall over the incidents read at least {@link #MIN_READINGS} times while they last (NaN when none). */
        public double observableRecall() {
            return observableIncidents == 0 ? Double.NaN : (double) detectedObservable / observableIncidents;
        }

        /**
         * The figures of several replays with the same setting pooled: counts summed, the median delay over all
         * detections, rates recomputed.
         */
        static Result pool(List<Result> parts) {
            int incidents = 0;
            int alerts = 0;
            int matched = 0;
            int detected = 0;
            int observable = 0;
            int detectedObservable = 0;
            double days = 0;
            double seconds = 0;
            List<Double> delays = new ArrayList<>();
            for (Result r : parts) {
                incidents += r.incidents();
                alerts += r.alerts();
                matched += r.matchedAlerts();
                detected += r.detectedIncidents();
                observable += r.observableIncidents();
                detectedObservable += r.detectedObservable();
                days += r.testDays();
                seconds += r.trainSeconds();
                delays.addAll(r.delaysMin());
            }
            return new Result(incidents, alerts, matched, detected, alerts == 0 ? Double.NaN
                : (double) matched / alerts, incidents == 0 ? Double.NaN : (double) detected / incidents,
                median(delays), (alerts - matched) / days, days, seconds, parts.get(0).settings(), observable,
                detectedObservable, List.copyOf(delays));
        }

        /** The run's figures without the settings (as before settings were reported). */
        public Result(int incidents, int alerts, int matchedAlerts, int detectedIncidents, double precision,
                      double recall, double delayMinMedian, double falseAlertsPerDay, double testDays,
                      double trainSeconds) {
            this(incidents, alerts, matchedAlerts, detectedIncidents, precision, recall, delayMinMedian,
                falseAlertsPerDay, testDays, trainSeconds, null);
        }

        /** Harmonic mean of precision and recall (0 when either is 0 or undefined). */
        public double f1() {
            return precision > 0 && recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
        }

        ObjectNode toJson(String dataset) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("dataset", dataset);
            o.put("protocol", "alerts");
            o.put("incidents", incidents);
            o.put("alerts", alerts);
            o.put("matched_alerts", matchedAlerts);
            o.put("detected_incidents", detectedIncidents);
            o.put("incidents_observable", observableIncidents);
            o.put("incidents_unobservable", incidents - observableIncidents);
            o.put("detected_observable", detectedObservable);
            put(o, "recall_observable", observableRecall());
            put(o, "precision", precision);
            put(o, "recall", recall);
            put(o, "detection_delay_min_median", delayMinMedian);
            put(o, "false_alerts_per_day", falseAlertsPerDay);
            put(o, "test_days", testDays);
            put(o, "train_seconds", trainSeconds);
            if (settings != null) {
                o.put("settings", settings.toString());
            }
            return o;
        }
    }

    /**
     * The validation run's figures for every setting tried, and the one chosen.
     *
     * @param datasets the data sets whose validation parts were pooled (one: the scored one's own)
     */
    public record Validation(List<Result> tried, Result chosen, double maxDelayMin, List<String> datasets) {

        public Validation(List<Result> tried, Result chosen, double maxDelayMin) {
            this(tried, chosen, maxDelayMin, List.of());
        }
    }

    /** A data set whose validation part takes part in choosing the settings. */
    public record Part(Dataset data, Path eventsFile, TrainingConfig config) {
    }

    private static String fmt(double minutes) {
        return minutes == Math.rint(minutes) ? Long.toString((long) minutes) : Double.toString(minutes);
    }

    private AlertsBenchmark() {
    }

    /** Trains on the first 80% of the steps and scores the detector with {@code settings} on the rest. */
    public static Result run(Dataset data, Path eventsFile, TrainingConfig config, IncidentDetector.Settings settings,
                             ProgressListener progress) throws IOException {
        return run(data, eventsFile, config, settings, null, progress);
    }

    /**
     * {@link #run(Dataset, Path, TrainingConfig, IncidentDetector.Settings, ProgressListener)}, writing to
     * {@code explain} (when not null) every step of each scored incident's road while it lasted, read or not (an
     * incident read once or never is judged from its neighbours' readings), with the forecast, the detector's lower
     * band ({@link AlertBand}) and the readings of the roads feeding it and fed by it: why an incident was found or
     * missed ({@code --alerts-explain}).
     */
    public static Result run(Dataset data, Path eventsFile, TrainingConfig config, IncidentDetector.Settings settings,
                             Path explain, ProgressListener progress) throws IOException {
        return replay(data, eventsFile, config, TRAIN_SHARE, 1.0, List.of(settings), explain, progress).get(0);
    }

    /**
     * {@link #run(Dataset, Path, TrainingConfig, IncidentDetector.Settings, Path, ProgressListener)} on the validation
     * part instead of the test part: trained on the first 60% of the steps, replayed over 60-80%, the part
     * {@link #validate} chooses on. What to read (with {@code explain}) when studying misses to design a rule; the
     * test part stays unread.
     */
    public static Result runValidation(Dataset data, Path eventsFile, TrainingConfig config,
                                       IncidentDetector.Settings settings, Path explain, ProgressListener progress)
        throws IOException {
        return replay(data, eventsFile, config, VALIDATION_TRAIN_SHARE, TRAIN_SHARE, List.of(settings), explain,
            progress).get(0);
    }

    /**
     * Chooses the detector's settings on validation carved from the training part: trains on the first 60% of the
     * steps, replays [60%, 80%) once through one detector per setting of {@code grid}, and keeps the setting with
     * the highest F1 among those whose median detection delay is at most {@code maxDelayMin} (ties: fewer alerts,
     * then the earlier in the grid). The test part is not read.
     */
    public static Validation validate(Dataset data, Path eventsFile, TrainingConfig config,
                                      List<IncidentDetector.Settings> grid, double maxDelayMin,
                                      ProgressListener progress) throws IOException {
        return validate(List.of(new Part(data, eventsFile, config)), grid, maxDelayMin, progress);
    }

    /**
     * {@link #validate(Dataset, Path, TrainingConfig, List, double, ProgressListener)} over the validation parts of
     * several data sets pooled (each trained on its own first 60%, replayed over its own 60-80%; per setting the
     * counts are summed and the median delay taken over all detections): a small city's validation part holds a
     * handful of incidents, too few to choose among hundreds of settings, while cities simulated alike share what
     * tells an incident from noise. No test part of any of them is read.
     */
    public static Validation validate(List<Part> parts, List<IncidentDetector.Settings> grid, double maxDelayMin,
                                      ProgressListener progress) throws IOException {
        List<List<Result>> each = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Part p : parts) {
            each.add(replay(p.data(), p.eventsFile(), p.config(), VALIDATION_TRAIN_SHARE, TRAIN_SHARE, grid, null,
                progress));
            names.add(p.data().name());
        }
        List<Result> tried = new ArrayList<>();
        for (int k = 0; k < grid.size(); k++) {
            List<Result> same = new ArrayList<>();
            for (List<Result> e : each) {
                same.add(e.get(k));
            }
            tried.add(same.size() == 1 ? same.get(0) : Result.pool(same));
        }
        Result best = null;
        for (Result r : tried) {
            boolean inTime = r.delayMinMedian() <= maxDelayMin;
            if (!inTime) {
                continue;
            }
            if (best == null || r.f1() > best.f1() + 1e-12
                || (Math.abs(r.f1() - best.f1()) <= 1e-12 && r.alerts() < best.alerts())) {
                best = r;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no setting found an incident within " + maxDelayMin + " min on the "
                + "validation part (" + tried.get(0).incidents() + " incidents in it)");
        }
        return new Validation(tried, best, maxDelayMin, List.copyOf(names));
    }

    /**
     * The settings tried by {@link #validate}: the defaults first, then persistence 2-3 steps, drop and jump 20-30%,
     * spill-back thresholds 15-30% on half or all of the upstream neighbours, waiting 0 or 1 step for it, with and
     * without the on-track check (20%) of the reading before the onset, persistence alone (no spill-back), and
     * persistence 2-3 steps with the area check alone (no spill-back required, dismissed when more than half of the
     * reporting downstream neighbours fell 25% too; drop 30-40%, jump 20-30%, with and without the on-track check): a
     * feed whose incident roads queue little behind them (SUMO's vehicles reroute around an incident, probes upstream
     * are sparse) needs that one. The later blocks each say what they add; the last, a slide under the band
     * ({@link IncidentDetector.Settings#slideDrop()}), 10-30% under for 3-5 readings.
     */
    public static List<IncidentDetector.Settings> grid() {
        List<IncidentDetector.Settings> out = new ArrayList<>();
        out.add(IncidentDetector.Settings.defaults());
        for (int persist : new int[] {2, 3}) {
            for (double drop : new double[] {0.2, 0.3}) {
                for (double jump : new double[] {0.2, 0.3}) {
                    out.add(noSpillBack(persist, drop, jump, 1, 1).build());
                    for (double onTrack : new double[] {1, 0.2}) {
                        for (double up : new double[] {0.15, 0.2, 0.25, 0.3}) {
                            for (double share : new double[] {0.5, 1.0}) {
                                for (int confirm : new int[] {0, 1}) {
                                    IncidentDetector.Settings s = IncidentDetector.Settings.builder()
                                        .persistSteps(persist).minDrop(drop).minJump(jump).upstreamDrop(up)
                                        .upstreamShare(share).confirmSteps(confirm).onTrack(onTrack).build();
                                    if (!s.equals(IncidentDetector.Settings.defaults())) {
                                        out.add(s);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        // no spill-back required, the area check alone; deeper drops too: a noisy feed's dips reach 30-40%
        for (int persist : new int[] {2, 3}) {
            for (double drop : new double[] {0.3, 0.4}) {
                for (double jump : new double[] {0.2, 0.3}) {
                    for (double onTrack : new double[] {1, 0.2}) {
                        out.add(noSpillBack(persist, drop, jump, onTrack,
                            IncidentDetector.Settings.DEFAULT_AREA_SHARE).build());
                    }
                }
            }
        }
        // two readings, but deep ones: a probe held at a red light reads 30-45% under, an incident 60-90%
        for (double drop : new double[] {0.5, 0.6}) {
            for (double jump : new double[] {0.2, 0.3}) {
                for (double onTrack : new double[] {1, 0.2}) {
                    for (double area : new double[] {1, IncidentDetector.Settings.DEFAULT_AREA_SHARE}) {
                        out.add(noSpillBack(2, drop, jump, onTrack, area).build());
                    }
                }
            }
        }
        // three readings, or two deep ones (with or without the roads it feeds reading normal): on a road a probe
        // passes every 10-15 min an incident often has only two readings
        for (double drop : new double[] {0.2, 0.3}) {
            for (double jump : new double[] {0.2, 0.3}) {
                for (double onTrack : new double[] {1, 0.2}) {
                    for (double area : new double[] {1, IncidentDetector.Settings.DEFAULT_AREA_SHARE}) {
                        for (double deep : new double[] {0.5, 0.6, 0.7}) {
                            for (boolean contrast : new boolean[] {false, true}) {
                                out.add(noSpillBack(3, drop, jump, onTrack, area).deepDrop(deep)
                                    .deepContrast(contrast).build());
                            }
                            // the contrast, or the queue behind when a road ahead slowed too
                            out.add(noSpillBack(3, drop, jump, onTrack, area).deepDrop(deep).deepContrast(true)
                                .deepQueue(true).build());
                        }
                        // the onset's fall over two readings (an incident starting inside a step), with and
                        // without the deep-reading confirmation
                        IncidentDetector.Settings three = noSpillBack(3, drop, jump, onTrack, area).jumpReadings(2)
                            .build();
                        out.add(three);
                        for (double deep : new double[] {0.6, 0.7}) {
                            for (boolean contrast : new boolean[] {false, true}) {
                                out.add(three.toBuilder().deepDrop(deep).deepContrast(contrast).build());
                            }
                            out.add(three.toBuilder().deepDrop(deep).deepContrast(true).deepQueue(true).build());
                        }
                    }
                }
            }
        }
        // the lower band capped: on a road read by a few floating cars the model's band reaches down to 0-25% of the
        // expectation, under which no incident reading falls; the drop under the expectation is the evidence there
        for (double cap : new double[] {0.3, 0.5}) {
            for (double drop : new double[] {0.2, 0.3}) {
                for (double jump : new double[] {0.2, 0.3}) {
                    for (double area : new double[] {1, IncidentDetector.Settings.DEFAULT_AREA_SHARE}) {
                        IncidentDetector.Settings three = noSpillBack(3, drop, jump, 1, area).bandCap(cap).build();
                        out.add(three);
                        for (double deep : new double[] {0.5, 0.6, 0.7}) {
                            for (boolean contrast : new boolean[] {false, true}) {
                                out.add(three.toBuilder().deepDrop(deep).deepContrast(contrast).build());
                            }
                        }
                    }
                }
            }
            for (double drop : new double[] {0.5, 0.6}) {
                for (double area : new double[] {1, IncidentDetector.Settings.DEFAULT_AREA_SHARE}) {
                    out.add(noSpillBack(2, drop, 0.3, 1, area).bandCap(cap).build());
                }
            }
        }
        // two readings below confirmed by the queue on the roads feeding it (or two deep ones, or three readings)
        for (double cap : new double[] {1, 0.5}) {
            for (double drop : new double[] {0.2, 0.3}) {
                for (double jump : new double[] {0.2, 0.3}) {
                    for (double area : new double[] {1, IncidentDetector.Settings.DEFAULT_AREA_SHARE}) {
                        IncidentDetector.Settings three = noSpillBack(3, drop, jump, 1, area).bandCap(cap)
                            .queueEarly(true).build();
                        out.add(three);
                        for (double deep : new double[] {0.6, 0.7}) {
                            out.add(three.toBuilder().deepDrop(deep).deepContrast(true).build());
                        }
                    }
                }
            }
        }
        // four readings below on a road read every step (a loop): an incident lasts 15-45 min and holds its road 25-40%
        // under, a probe's red-light dip or a signal's queue does not last 20 min; a probe road confirms on two deep
        // readings meanwhile
        for (double drop : new double[] {0.2, 0.3}) {
            for (double area : new double[] {1, IncidentDetector.Settings.DEFAULT_AREA_SHARE}) {
                for (int over : new int[] {1, 2}) {
                    IncidentDetector.Settings four = noSpillBack(4, drop, 0.2, 1, area).jumpReadings(over).build();
                    out.add(four);
                    out.add(four.toBuilder().deepDrop(0.7).deepContrast(true).build());
                }
            }
        }
        // three readings, two deep ones, or two at their own, lower threshold where a third rarely comes: taken apart
        // (different vehicles 10 min or more apart) or on a probe road (no loop): an incident there reads 50-70% under
        for (double lower : new double[] {0.5, 0.6}) {
            for (double drop : new double[] {0.2, 0.3}) {
                for (double jump : new double[] {0.2, 0.3}) {
                    for (double area : new double[] {1, IncidentDetector.Settings.DEFAULT_AREA_SHARE}) {
                        IncidentDetector.Settings three = noSpillBack(3, drop, jump, 1, area).deepDrop(0.7)
                            .deepContrast(true).build();
                        out.add(three.toBuilder().deepApartDrop(lower).build());
                        out.add(three.toBuilder().deepProbeDrop(lower).build());
                    }
                }
            }
        }
        // one deep reading on a sparse (probe-only) road, confirmed by its neighbours: the queue on the roads feeding it
        // and the area not slowing; such a road is often read once while its incident lasts
        for (double sparse : new double[] {0.5, 0.6, 0.7}) {
            for (double jump : new double[] {0.2, 0.3}) {
                for (double area : new double[] {1, IncidentDetector.Settings.DEFAULT_AREA_SHARE}) {
                    IncidentDetector.Settings three = noSpillBack(3, 0.2, jump, 1, area).sparseDrop(sparse).build();
                    out.add(three);
                    out.add(three.toBuilder().deepDrop(0.7).deepContrast(true).build());
                    // judged on its neighbours at the steps it goes unread too: the queue behind grows meanwhile
                    out.add(three.toBuilder().sparseHold(true).build());
                    out.add(three.toBuilder().sparseHold(true).deepDrop(0.7).deepContrast(true).build());
                }
            }
        }
        // the roads behind judged on their slowest source (queue-view=slowest): the queue a mid-road loop outweighs in
        // the fusion, read by the floating cars at the road's end, confirms two deep readings whose contrast fails
        // (under the band as the model gives it, or capped at the deep depth), two readings early, or one deep
        // reading on a probe road (at its step or the two after)
        for (double drop : new double[] {0.2, 0.3}) {
            for (double jump : new double[] {0.2, 0.3}) {
                for (double area : new double[] {1, IncidentDetector.Settings.DEFAULT_AREA_SHARE}) {
                    IncidentDetector.Settings three = noSpillBack(3, drop, jump, 1, area).queueSlowest(true).build();
                    for (double deep : new double[] {0.6, 0.7}) {
                        out.add(three.toBuilder().deepDrop(deep).deepContrast(true).deepQueue(true).build());
                    }
                    out.add(three.toBuilder().queueEarly(true).deepDrop(0.7).deepContrast(true).build());
                    // with the band capped at the deep depth: a probe road's band reaches 0 km/h (spider4's B3C3 reads
                    // 83% and 94% under, never under it), so its deep readings start nothing otherwise; beside it the
                    // same on the fused readings, and the cap with the contrast alone, to see what the view adds
                    IncidentDetector.Settings capped = three.toBuilder().bandCap(0.7).deepDrop(0.7).deepContrast(true)
                        .build();
                    out.add(capped.toBuilder().deepQueue(true).build());
                    out.add(capped.toBuilder().deepQueue(true).queueSlowest(false).build());
                    out.add(capped.toBuilder().queueSlowest(false).build());
                }
            }
        }
        for (double sparse : new double[] {0.5, 0.6, 0.7}) {
            for (double jump : new double[] {0.2, 0.3}) {
                for (double area : new double[] {1, IncidentDetector.Settings.DEFAULT_AREA_SHARE}) {
                    IncidentDetector.Settings three = noSpillBack(3, 0.2, jump, 1, area).sparseDrop(sparse)
                        .deepDrop(0.7).deepContrast(true).queueSlowest(true).build();
                    out.add(three);
                    out.add(three.toBuilder().sparseHold(true).build());
                }
            }
        }
        // a breakdown that slides under its band instead of falling (a mild incident on a loop road: 8-27% under over
        // 10-15 min), confirmed by its readings in a row with the roads ahead normal; beside the pooled validation's
        // two previous choices (the band capped, or the onset's fall over two readings), so the slide is all it adds
        for (double jump : new double[] {0.2, 0.3}) {
            IncidentDetector.Settings capped = noSpillBack(3, 0.2, jump, 1, 1).bandCap(0.7).deepDrop(0.7)
                .deepContrast(true).build();
            IncidentDetector.Settings overTwo = noSpillBack(3, 0.2, jump, 1, 1).jumpReadings(2).deepDrop(0.7)
                .deepContrast(true).build();
            for (IncidentDetector.Settings base : List.of(capped, overTwo)) {
                for (double slide : new double[] {0.1, 0.15, 0.2, 0.3}) {
                    for (int readings : new int[] {3, 4, 5}) {
                        out.add(base.toBuilder().slideDrop(slide).slideReadings(readings).build());
                    }
                }
            }
        }
        // two readings, one deep and one shallower (a probe road read twice while its incident lasts, the second
        // probe entering or leaving the slow zone), corroborated by the roads ahead running normally and, with +queue,
        // the queue behind; on the feed setting, so the pair is all it adds
        for (double pair : new double[] {0.4, 0.5, 0.6}) {
            for (boolean queue : new boolean[] {false, true}) {
                out.add(IncidentDetector.Settings.forFusedFeed().toBuilder().pairDrop(pair).pairQueue(queue).build());
            }
        }
        // one reading deep, the queue behind it and the roads ahead normal, at its onset or the step after: a
        // quarter of the feed cities' validation misses are read once while they last (README, issue 13)
        for (double one : new double[] {0.5, 0.6, 0.7}) {
            for (int queued = 1; queued <= 2; queued++) {
                out.add(IncidentDetector.Settings.forFusedFeed().toBuilder().oneDrop(one).oneQueue(queued).build());
            }
        }
        return out;
    }

    /**
     * The grid's common start: no spill-back required (upstream share 0), clearing after two steps, the other
     * settings at their defaults.
     */
    private static IncidentDetector.Settings.Builder noSpillBack(int persist, double drop, double jump, double onTrack,
                                                                 double area) {
        return IncidentDetector.Settings.builder().persistSteps(persist).clearSteps(2).minDrop(drop).minJump(jump)
            .upstreamShare(0).onTrack(onTrack).areaShare(area);
    }

    /**
     * Trains on rows [0, trainShare * steps), replays [that, endShare * steps) as the stream would through one
     * detector per setting (the forecasts are computed once) and scores each against the incidents starting in the
     * replayed part.
     */
    static List<Result> replay(Dataset data, Path eventsFile, TrainingConfig config, double trainShare,
                               double endShare, List<IncidentDetector.Settings> settings, Path explain,
                               ProgressListener progress) throws IOException {
        if (!Files.exists(eventsFile)) { // before training: a missing ground truth is known at once
            throw new IllegalArgumentException("no ground truth: " + eventsFile + " is missing (the generator and the "
                + "SUMO city write events.csv)");
        }
        int trainRows = (int) Math.round(data.history().steps() * trainShare);
        // the detector reads a feed as the stream would: fused by the fusion of the model's card, fitted on the
        // training rows only (the data set as loaded is fused by a fusion fitted on every row, the replayed part too)
        data = FeedDatasets.fittedOn(data, trainRows);
        SpeedHistory history = data.history();
        int steps = history.steps();
        int endRows = (int) Math.round(steps * endShare);
        TrainingRun.Outcome trained = TrainingRun.train(data, trainRows, config, progress);
        ManifoldModel model = trained.model();
        float[][] inputs = HistoryCleaner.clean(history, model.credibility()).cleaned().speed();
        // beside the fused reading, each road's slowest source (a feed's only): the queue a mid-road loop outweighs;
        // a second fusion pass over the whole history, so only when a setting reads it (the others ignore it)
        float[][] slowest = settings.stream().anyMatch(IncidentDetector.Settings::queueSlowest)
            ? slowestSources(data) : null;
        int n = history.segments();
        int horizons = model.horizonsMin().length;
        long first = history.epochMillis(0);
        long step = history.step().toMillis();
        int[][] downstream = downstream(model, n);
        List<IncidentDetector> detectors = new ArrayList<>();
        List<List<IncidentAlert>> alerts = new ArrayList<>();
        for (IncidentDetector.Settings s : settings) {
            detectors.add(new IncidentDetector(n, downstream, model.leads(), s));
            alerts.add(new ArrayList<>());
        }
        NetworkForecaster forecaster = new NetworkForecaster(model);
        NetworkForecast out = forecaster.newForecast();
        // the detector reads its own band (the model's unshrunk scale), not the published forecast's
        AlertBand band = new AlertBand(model);
        double[][] prevSpeed = new double[horizons][n];
        double[][] prevLower = new double[horizons][n];
        boolean havePrev = false;
        long prevIssued = 0;
        int warmFrom = (int) Math.max(1, trainRows - WARM_UP_MILLIS / step);
        long testStart = first + trainRows * step;
        long testEnd = first + endRows * step;
        List<Incident> scored = new ArrayList<>();
        for (Incident inc : readIncidents(eventsFile, data)) {
            if (inc.start() >= testStart && inc.start() < testEnd) {
                scored.add(inc);
            }
        }
        List<String> ids = Arrays.asList(history.segmentIds());
        List<String> trace = new ArrayList<>();
        List<Incident> traced = new ArrayList<>(); // the incident of each trace row
        for (int t = 0; t < endRows; t++) {
            long time = first + t * step;
            if (explain != null && havePrev) {
                for (Incident inc : scored) {
                    float x = inputs[t][inc.segment()];
                    // unread steps too (observed "-"): what the roads around an incident read once or never showed
                    if (time >= inc.start() - EARLY_MILLIS && time < inc.end()) {
                        trace.add(explainRow(inc, time, x, prevSpeed, prevLower, inputs[t], downstream, ids));
                        traced.add(inc);
                    }
                }
            }
            if (t >= warmFrom) {
                for (int k = 0; k < detectors.size(); k++) {
                    detectors.get(k).step(time, inputs[t], slowest == null ? null : slowest[t],
                        havePrev ? prevSpeed : null, havePrev ? prevLower : null, prevIssued, step, alerts.get(k));
                }
            }
            forecaster.observe(time, inputs[t]);
            if (t >= warmFrom - 1 && t + 1 < endRows) {
                forecaster.forecast(out);
                for (int h = 0; h < horizons; h++) {
                    for (int i = 0; i < n; i++) {
                        prevSpeed[h][i] = out.speed(h, i);
                    }
                }
                band.lower(out, prevLower);
                prevIssued = time;
                havePrev = true;
            }
        }
        List<Incident> incidents = new ArrayList<>();
        for (Incident inc : scored) {
            incidents.add(withReadings(inc, inputs, first, step));
        }
        List<Result> results = new ArrayList<>();
        for (int k = 0; k < detectors.size(); k++) {
            List<IncidentAlert> found = alerts.get(k);
            found.addAll(detectors.get(k).open());
            found.removeIf(a -> a.startMillis() < testStart);
            results.add(score(found, incidents, testStart, testEnd, trained.seconds(), settings.get(k)));
        }
        if (explain != null) {
            // the last column says whether the (first) setting found the incident: when its first alert was raised
            List<String> lines = new ArrayList<>();
            lines.add("incident,start,time,observed,expected,lower,under,upstream,downstream,found");
            for (int r = 0; r < trace.size(); r++) {
                long when = firstDetection(alerts.get(0), traced.get(r));
                lines.add(trace.get(r) + "," + (when == Long.MAX_VALUE ? "" : Instant.ofEpochMilli(when)));
            }
            Files.write(explain, lines, StandardCharsets.UTF_8);
            // beside it, every alert the (first) setting raised in the scored part and the incident it matched (empty:
            // a false alert), what a rule's false alerts are read from
            List<String> raised = new ArrayList<>();
            raised.add("segment,onset,detected,cleared,severity,incident_start");
            List<IncidentAlert> mine = new ArrayList<>(alerts.get(0));
            mine.sort(java.util.Comparator.comparingLong(IncidentAlert::startMillis));
            for (IncidentAlert a : mine) {
                Incident hit = incidents.stream().filter(inc -> matches(a, inc)).findFirst().orElse(null);
                raised.add(String.format(Locale.ROOT, "%s,%s,%s,%s,%.2f,%s", ids.get(a.segment()),
                    Instant.ofEpochMilli(a.startMillis()), Instant.ofEpochMilli(a.detectedMillis()),
                    a.open() ? "" : Instant.ofEpochMilli(a.clearedMillis()), a.severity(),
                    hit == null ? "" : Instant.ofEpochMilli(hit.start())));
            }
            Files.write(alertsFile(explain), raised, StandardCharsets.UTF_8);
        }
        return results;
    }

    /**
     * Each road's slowest calibrated source reading at every step ({@link roadcast.fusion.Fuser#slowestAll}), with
     * the fusion that fused the history the replay reads; null for a history that is not a feed of several sources.
     */
    static float[][] slowestSources(Dataset data) {
        if (data.feed() == null || data.fusion() == null) {
            return null;
        }
        return roadcast.fusion.Fuser.slowestAll(data.fusion(), data.feed().segmentIds(), data.feed().sources());
    }

    /** Where {@code --alerts-explain FILE} lists the alerts raised: FILE with {@code .alerts.csv} for its extension. */
    static Path alertsFile(Path explain) {
        String name = explain.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return explain.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".alerts.csv");
    }

    /**
     * One step of an incident's road: what was read ({@code -} = no reading), what the forecast issued the step before
     * expected and its lower band (the detector's, {@link AlertBand}), how far under the expectation, and each road
     * feeding it and fed by it as {@code id:read/expected} ({@code -} = no reading), separated by spaces.
     */
    private static String explainRow(Incident inc, long time, float x, double[][] speed, double[][] lower,
                                     float[] row, int[][] downstream, List<String> ids) {
        int i = inc.segment();
        StringBuilder up = new StringBuilder();
        for (int a = 0; a < downstream.length; a++) {
            for (int b : downstream[a] == null ? new int[0] : downstream[a]) {
                if (b == i && a != i) {
                    up.append(up.isEmpty() ? "" : " ").append(neighbour(a, row, speed, ids));
                }
            }
        }
        StringBuilder down = new StringBuilder();
        for (int b : downstream[i] == null ? new int[0] : downstream[i]) {
            if (b != i && b >= 0) {
                down.append(down.isEmpty() ? "" : " ").append(neighbour(b, row, speed, ids));
            }
        }
        boolean read = !Float.isNaN(x);
        return String.format(Locale.ROOT, "%s,%s,%s,%s,%.1f,%.1f,%s,%s,%s", ids.get(i),
            Instant.ofEpochMilli(inc.start()), Instant.ofEpochMilli(time),
            read ? String.format(Locale.ROOT, "%.1f", x) : "-", speed[0][i], lower[0][i],
            read ? String.format(Locale.ROOT, "%.2f", 1 - x / speed[0][i]) : "-", up, down);
    }

    private static String neighbour(int j, float[] row, double[][] speed, List<String> ids) {
        return Float.isNaN(row[j]) ? ids.get(j) + ":-/" + Math.round(speed[0][j])
            : ids.get(j) + ":" + Math.round(row[j]) + "/" + Math.round(speed[0][j]);
    }

    /**
     * The incident with the number of readings of its road in {@code inputs} (what the detector sees) over the steps
     * whose interval [t, t + step) overlaps it.
     */
    static Incident withReadings(Incident inc, float[][] inputs, long first, long step) {
        int from = (int) Math.max(0, Math.floorDiv(inc.start() - first, step));
        int readings = 0;
        for (int t = from; t < inputs.length && first + t * step < inc.end(); t++) {
            readings += Float.isNaN(inputs[t][inc.segment()]) ? 0 : 1;
        }
        return new Incident(inc.segment(), inc.start(), inc.end(), readings);
    }

    /**
     * An alert is the incident's when it is on its segment, its onset lies no more than {@link #EARLY_MILLIS} before
     * the incident's start, and it is raised while the incident lasts: at a step before the end (the step labelled
     * the end reads the interval after it). An alert raised after the incident ended is a false alarm for whoever
     * acts on it, even if its onset lay inside the incident; counting it found let a rule that alerts late win the
     * validation grid (issue 13).
     */
    static boolean matches(IncidentAlert a, Incident inc) {
        return inc.segment() == a.segment() && a.startMillis() >= inc.start() - EARLY_MILLIS
            && a.detectedMillis() < inc.end();
    }

    /** When the first of {@code alerts} matching the incident was raised; Long.MAX_VALUE when none matches. */
    static long firstDetection(List<IncidentAlert> alerts, Incident inc) {
        long first = Long.MAX_VALUE;
        for (IncidentAlert a : alerts) {
            if (matches(a, inc)) {
                first = Math.min(first, a.detectedMillis());
            }
        }
        return first;
    }

    /** Scores alerts against the incidents that start in [testStart, testEnd). */
    static Result score(List<IncidentAlert> alerts, List<Incident> incidents, long testStart, long testEnd,
                        double trainSeconds, IncidentDetector.Settings settings) {
        boolean[] detected = new boolean[incidents.size()];
        long[] firstDetection = new long[incidents.size()];
        Arrays.fill(firstDetection, Long.MAX_VALUE);
        int matched = 0;
        for (IncidentAlert a : alerts) {
            boolean hit = false;
            for (int k = 0; k < incidents.size(); k++) {
                Incident inc = incidents.get(k);
                if (matches(a, inc)) {
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
        int observable = 0;
        int detectedObservable = 0;
        for (int k = 0; k < incidents.size(); k++) {
            boolean seen = incidents.get(k).observable();
            observable += seen ? 1 : 0;
            if (detected[k]) {
                detectedCount++;
                detectedObservable += seen ? 1 : 0;
                delays.add(Math.max(0, firstDetection[k] - incidents.get(k).start()) / 60_000.0);
            }
        }
        double days = (testEnd - testStart) / 86_400_000.0;
        return new Result(incidents.size(), alerts.size(), matched, detectedCount,
            alerts.isEmpty() ? Double.NaN : (double) matched / alerts.size(),
            incidents.isEmpty() ? Double.NaN : (double) detectedCount / incidents.size(), median(delays),
            (alerts.size() - matched) / days, days, trainSeconds, settings, observable, detectedObservable,
            List.copyOf(delays));
    }

    public static void writeJson(Result r, String dataset, Path file) throws IOException {
        writeJson(r, dataset, null, file);
    }

    /** The test figures, and with a validation the chosen setting's validation figures under "validation". */
    public static void writeJson(Result r, String dataset, Validation validation, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ObjectNode o = r.toJson(dataset);
        if (validation != null) {
            ObjectNode v = validation.chosen().toJson(dataset);
            v.remove(List.of("dataset", "protocol"));
            v.put("settings_tried", validation.tried().size());
            v.put("rule", "highest F1 with median detection delay <= " + fmt(validation.maxDelayMin())
                + " min; trained on the first 60% of the steps, replayed 60-80%"
                + (validation.datasets().size() > 1 ? "; validation parts pooled over "
                + String.join(", ", validation.datasets()) : ""));
            // every setting's validation figures, in grid order: how far a rule not chosen was from the choice
            com.fasterxml.jackson.databind.node.ArrayNode tried = v.putArray("tried");
            for (Result t : validation.tried()) {
                ObjectNode row = tried.addObject();
                row.put("settings", t.settings().toString());
                row.put("alerts", t.alerts());
                row.put("detected_incidents", t.detectedIncidents());
                put(row, "precision", t.precision());
                put(row, "recall", t.recall());
                put(row, "detection_delay_min_median", t.delayMinMedian());
            }
            o.set("validation", v);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), o);
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
