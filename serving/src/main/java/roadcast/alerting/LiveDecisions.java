package roadcast.alerting;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.alerts.Downstream;
import roadcast.alerts.IncidentAlert;
import roadcast.alerts.IncidentDetector;
import roadcast.api.AlertBoard;
import roadcast.api.ApiServer;
import roadcast.api.CatalogSegment;
import roadcast.api.CurrentOutlook;
import roadcast.api.DetectorBand;
import roadcast.api.SegmentCatalog;
import roadcast.api.ServedModel;
import roadcast.forecast.Forecast;
import roadcast.model.HorizonLeads;
import roadcast.outlook.Outlook;
import roadcast.store.OnlineStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The decisions computed as the service runs, at every network step of {@code roadcast.forecast}: incident alerts
 * ({@link IncidentDetector}, the one implementation, fed what the benchmark's replay feeds it: the step's observed
 * speeds, which the forecast records carry, and the forecast issued one step before with the detector's lower band,
 * {@link DetectorBand}: the issuing model's unshrunk scale, as in the benchmark's replay) and the
 * congestion outlook of the step ({@link CurrentOutlook}).
 *
 * <p>Published on {@code roadcast.alerts}: key = alert id {@code segment@start} (ISO-8601 onset), one record when the
 * alert is raised ({@code "status":"open"}) and one when it clears ({@code "cleared"}); on {@code roadcast.outlook}:
 * key {@value #OUTLOOK_KEY}, one record per step. Both are functions of the forecast topic alone, so they are
 * idempotent by key: after a restart the detector is rebuilt by replaying the store's last
 * {@link Settings#recovery()} of forecasts through the same code, which publishes the same alert records under the
 * same keys again (a consumer keeping the last record per key sees no change) and the newest step's outlook once.
 *
 * <p>Runs on the follower's thread after each durable store write; {@link #toJson} is called from HTTP threads.
 */
public final class LiveDecisions implements AlertBoard {

    private static final Logger LOG = LoggerFactory.getLogger(LiveDecisions.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Key of every {@code roadcast.outlook} record: one outlook of the whole network per step. */
    public static final String OUTLOOK_KEY = "network";
    /** Clusters a published outlook lists at most (largest impact first; {@code clusterCount} counts all). */
    static final int OUTLOOK_CLUSTERS = 100;

    /**
     * @param detector     the detector's settings
     * @param keepCleared  how long (event time) a cleared alert stays on {@code /api/alerts}
     * @param recovery     forecasts replayed from the store at start to rebuild the detector
     */
    public record Settings(IncidentDetector.Settings detector, Duration keepCleared, Duration recovery) {
        public static Settings defaults() {
            return new Settings(IncidentDetector.Settings.defaults(), Duration.ofHours(2), Duration.ofHours(3));
        }

        /** These settings with another detector setting (the one validated for the served model's input). */
        public Settings withDetector(IncidentDetector.Settings setting) {
            return new Settings(setting, keepCleared, recovery);
        }
    }

    private final SegmentCatalog catalog;
    private final DecisionSink sink;
    private final Settings settings;
    private final StepAssembler assembler;
    /** Without a catalog the detector's segments are the ones the first step names (and grow with later ones). */
    private final boolean dynamicIndex;
    /** The lower band the detector reads: the issuing model's scale for it, not the published band (issue 13). */
    private final DetectorBand detectorBand;

    private String[] ids;
    private Map<String, Integer> index;
    private int[][] downstream;
    private IncidentDetector detector;
    private int horizons;
    private HorizonLeads leads;
    private float[] observed;
    private double[][] prevSpeed;
    private double[][] prevLower;
    private long prevIssued = Long.MIN_VALUE;
    private long lastStep = Long.MIN_VALUE;
    private long steps;
    private long unknownSegments;
    /** During the restart replay only the newest step's outlook is published (the older ones were, before). */
    private boolean replaying;
    private String lastOutlook;
    /** Open alerts already published, by id. */
    private final Map<String, IncidentAlert> open = new LinkedHashMap<>();
    /** Cleared alerts kept for the board, by id. */
    private final Map<String, IncidentAlert> cleared = new LinkedHashMap<>();

    public LiveDecisions(SegmentCatalog catalog, DecisionSink sink, Settings settings) {
        this.catalog = catalog;
        this.sink = sink;
        this.settings = settings;
        this.detectorBand = catalog.model().map(ServedModel::detectorBand).orElse(DetectorBand.PUBLISHED);
        List<String> order = new ArrayList<>();
        int[][] links;
        if (catalog.model().isPresent()) {
            // the model's network indices first, so its links are the detector's downstream adjacency
            roadcast.network.RoadNetwork network = catalog.model().get().network();
            order.addAll(Arrays.asList(network.segmentIds()));
            for (CatalogSegment s : catalog.segments(List.of())) {
                if (!order.contains(s.id())) {
                    order.add(s.id());
                }
            }
            links = Downstream.of(network, order.size());
        } else {
            for (CatalogSegment s : catalog.segments(List.of())) {
                order.add(s.id());
            }
            links = new int[order.size()][0];
            List<List<Integer>> out = new ArrayList<>();
            for (int i = 0; i < order.size(); i++) {
                out.add(new ArrayList<>());
            }
            for (int[] l : catalog.links()) {
                if (l[0] < order.size() && l[1] < order.size() && l[0] != l[1]) {
                    out.get(l[0]).add(l[1]);
                }
            }
            for (int i = 0; i < order.size(); i++) {
                links[i] = out.get(i).stream().mapToInt(Integer::intValue).toArray();
            }
        }
        dynamicIndex = order.isEmpty();
        setIndex(order.toArray(String[]::new), links);
        assembler = new StepAssembler(order.size());
    }

    private void setIndex(String[] segments, int[][] links) {
        ids = segments;
        index = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            index.put(ids[i], i);
        }
        downstream = links;
        detector = null;
    }

    /**
     * Rebuilds the detector from the forecasts the store holds for the last {@link Settings#recovery()} before its
     * newest one, publishing what they give (the same records under the same keys as before the restart).
     */
    public synchronized void recover(OnlineStore store) {
        long newest = Long.MIN_VALUE;
        for (Forecast f : store.latestForecasts()) {
            newest = Math.max(newest, f.issuedAt());
        }
        if (newest == Long.MIN_VALUE) {
            return;
        }
        long from = newest - settings.recovery().toMillis();
        TreeMap<Long, List<Forecast>> byIssue = new TreeMap<>();
        for (String id : store.segmentIds()) {
            for (Forecast f : store.forecastsIssued(id, from, newest)) {
                byIssue.computeIfAbsent(f.issuedAt(), t -> new ArrayList<>()).add(f);
            }
        }
        int replayed = 0;
        replaying = true;
        try {
            for (List<Forecast> step : byIssue.values()) {
                accept(step);
                replayed++;
            }
        } finally {
            replaying = false;
        }
        if (lastOutlook != null) {
            sink.outlook(OUTLOOK_KEY, lastOutlook);
        }
        LOG.info("incident alerts: replayed {} stored steps from {} ({} open)", replayed, Instant.ofEpochMilli(from),
            open.size());
    }

    /** Forecast records as the follower stored them (any order, any mix of steps). */
    public synchronized void accept(List<Forecast> forecasts) {
        for (StepAssembler.Step step : assembler.add(forecasts)) {
            try {
                process(step);
            } catch (RuntimeException e) {
                // a decision that cannot be made never stops the store from following the topic
                LOG.error("live decisions: step {} skipped", Instant.ofEpochMilli(step.issuedAt()), e);
            }
        }
    }

    private void process(StepAssembler.Step step) {
        if (dynamicIndex && !index.keySet().containsAll(step.records().keySet())) {
            List<String> grown = new ArrayList<>(Arrays.asList(ids));
            step.records().keySet().stream().filter(id -> !index.containsKey(id)).sorted().forEach(grown::add);
            setIndex(grown.toArray(String[]::new), new int[grown.size()][0]);
        }
        int[] longest = null;
        for (Forecast f : step.records().values()) {
            if (longest == null || f.horizonsMin().length > longest.length) {
                longest = f.horizonsMin();
            }
        }
        if (longest == null) {
            return; // no forecast in the step: nothing to compare a reading with
        }
        HorizonLeads stepLeads = HorizonLeads.of(longest, step.stepMillis());
        int n = ids.length;
        if (detector == null || !stepLeads.equals(leads)) {
            // a model of other horizons: its expectations are not comparable, start afresh
            leads = stepLeads;
            horizons = leads.count();
            detector = new IncidentDetector(n, downstream, leads, settings.detector());
            observed = new float[n];
            prevSpeed = new double[horizons][n];
            prevLower = new double[horizons][n];
            prevIssued = Long.MIN_VALUE;
        }
        Arrays.fill(observed, Float.NaN);
        for (Forecast f : step.records().values()) {
            Integer i = index.get(f.segment());
            if (i == null) {
                unknownSegments++;
                continue;
            }
            observed[i] = (float) f.observedSpeed();
        }
        // the expectation is the forecast issued one step before; after a gap there is none this step
        boolean expectation = prevIssued == step.issuedAt() - step.stepMillis();
        List<IncidentAlert> closed = new ArrayList<>();
        detector.step(step.issuedAt(), observed, expectation ? prevSpeed : null, expectation ? prevLower : null,
            prevIssued, step.stepMillis(), closed);
        for (double[] row : prevSpeed) {
            Arrays.fill(row, Double.NaN);
        }
        for (double[] row : prevLower) {
            Arrays.fill(row, Double.NaN);
        }
        for (Forecast f : step.records().values()) {
            Integer i = index.get(f.segment());
            if (i == null) {
                continue;
            }
            for (int k = 0; k < Math.min(horizons, f.horizonsMin().length); k++) {
                prevSpeed[k][i] = f.speed()[k];
                prevLower[k][i] = detectorBand.lower(f, k);
            }
        }
        prevIssued = step.issuedAt();
        lastStep = step.issuedAt();
        steps++;

        java.util.Set<String> still = new java.util.HashSet<>();
        for (IncidentAlert a : detector.open()) {
            String id = id(a);
            still.add(id);
            if (open.put(id, a) == null) {
                sink.alert(id, toJson(a).toString());
            }
        }
        // a detector started afresh (a model of other horizons) no longer follows its alerts: they leave the board
        open.keySet().retainAll(still);
        for (IncidentAlert a : closed) {
            String id = id(a);
            open.remove(id);
            cleared.put(id, a);
            sink.alert(id, toJson(a).toString());
        }
        long keepFrom = step.issuedAt() - settings.keepCleared().toMillis();
        cleared.values().removeIf(a -> a.clearedMillis() < keepFrom);

        Outlook outlook = CurrentOutlook.of(new ArrayList<>(step.records().values()), List.of(), List.of(), catalog);
        lastOutlook = ApiServer.outlookJson(outlook, catalog, OUTLOOK_CLUSTERS).toString();
        if (!replaying) {
            sink.outlook(OUTLOOK_KEY, lastOutlook);
        }
    }

    /** The alert's id and record key: {@code segment@onset}, onset in ISO-8601 UTC. */
    String id(IncidentAlert a) {
        return ids[a.segment()] + "@" + Instant.ofEpochMilli(a.startMillis());
    }

    /** {@code {"id","segment","status","start","detectedAt","clearedAt","severity"}}; severity 0..1, 3 decimals. */
    ObjectNode toJson(IncidentAlert a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", id(a));
        o.put("segment", ids[a.segment()]);
        o.put("status", a.open() ? "open" : "cleared");
        o.put("start", Instant.ofEpochMilli(a.startMillis()).toString());
        o.put("detectedAt", Instant.ofEpochMilli(a.detectedMillis()).toString());
        if (a.open()) {
            o.putNull("clearedAt");
        } else {
            o.put("clearedAt", Instant.ofEpochMilli(a.clearedMillis()).toString());
        }
        o.put("severity", Math.round(a.severity() * 1000) / 1000.0);
        return o;
    }

    @Override
    public synchronized ObjectNode toJson(boolean openOnly, int limit) {
        ObjectNode o = JSON.createObjectNode();
        o.put("issuedAt", lastStep == Long.MIN_VALUE ? null : Instant.ofEpochMilli(lastStep).toString());
        o.put("open", open.size());
        o.put("recentlyCleared", cleared.size());
        o.put("keptClearedMin", settings.keepCleared().toMinutes());
        o.put("steps", steps);
        o.put("detectorSettings", settings.detector().toString());
        ArrayNode list = o.putArray("alerts");
        List<IncidentAlert> shown = new ArrayList<>();
        // the detector's view of open alerts (its severity grows while they last)
        List<IncidentAlert> current = detector == null ? List.of() : detector.open();
        current.stream().sorted(Comparator.comparingLong(IncidentAlert::startMillis).reversed()).forEach(shown::add);
        if (!openOnly) {
            cleared.values().stream().sorted(Comparator.comparingLong(IncidentAlert::clearedMillis).reversed())
                .forEach(shown::add);
        }
        for (IncidentAlert a : shown.subList(0, Math.min(limit, shown.size()))) {
            list.add(toJson(a));
        }
        return o;
    }

    /** The detector setting the alerts run. */
    public IncidentDetector.Settings detectorSettings() {
        return settings.detector();
    }

    /** Records of a step that arrived after the step was decided on. */
    public synchronized long lateRecords() {
        return assembler.late();
    }

    /** Records naming a segment the detector does not know (not in the catalog). */
    public synchronized long unknownSegments() {
        return unknownSegments;
    }
}
