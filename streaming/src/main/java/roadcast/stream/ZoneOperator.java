package roadcast.stream;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.operators.coordination.OperatorEventGateway;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.forecast.Forecast;
import roadcast.forecast.ForecastJsonWriter;
import roadcast.forecast.Forecasts;
import roadcast.forecast.ZoneForecast;
import roadcast.forecast.ZoneIssue;
import roadcast.forecast.ZoneForecaster;
import roadcast.forecast.ZoneState;
import roadcast.ingest.DeadLetter;
import roadcast.kriging.ExtendedForecast;
import roadcast.kriging.ExtendedForecaster;
import roadcast.kriging.ExtendedReadings;
import roadcast.ingest.RejectReason;
import roadcast.ingest.Rejection;
import roadcast.model.ManifoldModel;
import roadcast.publish.IssuedForecast;

/**
 * The zone operator: it cleans each reading ({@link ZoneIntake}: unknown segment, too late, duplicate, credibility),
 * fuses the accepted ones into their zone's open step, and when a step closes runs the kernel
 * ({@link ZoneForecaster#observe}, {@link ZoneForecaster#forecast}) and issues one forecast per segment of the zone
 * ({@link ZoneIssue}: the values of {@link Forecasts#toRecords}, encoded without a record per segment), then, when
 * the model has a kriging layer, one per extended segment of the zone (a road without history:
 * {@link ExtendedForecaster} on the same state and forecast, its live readings, if any, fused by
 * {@link ExtendedReadings}; {@link Forecasts#extendedRecords}). A reading of an extended segment is cleaned and
 * fused like any other (its rows follow the zone's observed ones, see {@link NetworkLayout}); it is not awaited for
 * a step to be complete.
 *
 * <p>A step closes when event time passes its end plus the allowed lateness (an event-time timer); optionally as soon
 * as every segment of the zone has a reading, or every segment that reported in the zone's previous step
 * ({@link ExpectedReadings}) (with any older open step of the zone, in time order), or when the
 * zone's readings pause for {@code closeAfterQuietMillis} (processing time; a tenth of it,
 * {@link #stragglerWaitMillis}, when the count-based rule awaits only one or a few stragglers). Optionally a
 * provisional forecast is issued on every reading, from a copy of the state.
 *
 * <p><b>Keying: one network key.</b> The readings are keyed by the constant {@link #NETWORK_KEY}, not by zone: the
 * zoning changes with every model version, and a segment that moves to a zone owned by another subtask would need
 * its state to cross subtasks at run time, which keyed state cannot do. With one key, every zone lives in one
 * operator instance, so a new zoning is a regrouping of in-memory state ({@link Rezoning}) at a step boundary, and
 * exactly-once, restore and rescaling are those of one key group (the owner's subtask is whichever the key group
 * lands on at any parallelism; the other subtasks of this operator stay idle). The cost is that the forecast stage
 * does not scale past one subtask; parsing, sources and sinks still do. (Routing each reading by its zone under the
 * current version via broadcast state before the keyBy would spread zones, but a switch would then have to re-key
 * state between subtasks and agree on the switch step across them; more machinery for throughput this stage already
 * reaches at parallelism 1 in bench-stream.)
 *
 * <p><b>State.</b> Each zone is one {@link ZoneMemory} (which names its segments) in the map state of the network key,
 * plus the layout it was written under (model version and zoning fingerprint). The operator works on the zones in
 * memory and writes the ones that changed back when a checkpoint is taken ({@link #snapshotState}), so a reading
 * costs array accesses, not a RocksDB read and write, and every checkpoint still holds the state as of its barrier.
 * After a restore the zones are read the first time the network key is touched; when they were written under another
 * version or zoning (a savepoint of an older version, or a model published meanwhile) they are migrated like a live
 * switch, by segment id, never by position.
 *
 * <p><b>Event time</b> is the readings' watermark alone. The second input, the model-version control stream, carries
 * no event time: its watermarks and idleness are ignored. (Left to the default two-input rule, event time was the
 * minimum over active inputs, so when the readings went idle after a pause the control input's end-of-input watermark
 * closed every open step at once and every later reading was refused as too late.) While the feed pauses, event time
 * stays put; open steps close by completeness or quiet.
 *
 * <p><b>Models</b> come in on the second input as registry versions. A version is loaded and checked on arrival; a
 * corrupt file or a model with another step or time zone is refused (log line, {@code modelsRefused} metric) and
 * the running model stays. An accepted version may have other zones and other segments: the operator first closes,
 * under the old model, every open step at or before the newest step any zone has closed (a step boundary of the whole
 * network), then moves each segment's credibility track, open-step sums and recent fused rows to its new zone,
 * re-estimates each zone's latent state by running the new kernel over those rows (so the first forecast after the
 * switch is what the new model's backtest gives, not a cold start), starts added segments cold (imputed from the
 * zone's projection until they report) and drops removed ones (log line, {@code segmentsRemoved} metric). Readings of
 * a segment the model in service does not know are dead-lettered here ({@code UNKNOWN_SEGMENT}), so the parser
 * accepts the segments of any version. Only the model in service is kept loaded. A version that cannot be loaded
 * after a restore (deleted from the registry) is replaced by the registry's newest loadable one (log line,
 * {@code modelFallbacks} metric) rather than failing the job into a restart loop.
 */
public final class ZoneOperator extends AbstractStreamOperator<IssuedForecast>
        implements TwoInputStreamOperator<ReadingEvent, String, IssuedForecast>, Triggerable<Integer, VoidNamespace> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ZoneOperator.class);
    private static final String CURRENT = "current";
    private static final String STARTED_WITH = "started-with";

    /**
     * How long the input must also stay empty before a zone whose readings paused for {@code closeAfterQuietMillis}
     * is closed (at most the quiet period itself). A processing-time timer runs as a mail ahead of input already
     * queued for the operator: when the operator was busy (a checkpoint, a burst of closes) or descheduled for the
     * quiet period, the zone's readings are waiting, not absent. Within this window the task reads what is queued;
     * any reading read meanwhile restarts the check. Short, since it adds to the lag of every quiet close. While the
     * input stays busy (a step's burst) the pause is confirmed instead in append time ({@link #stragglersPartitionsReadPast}).
     */
    static final long QUIET_CONFIRM_MILLIS = 5;

    /**
     * The pause of a zone's readings after which a step that awaits only stragglers
     * ({@link ExpectedReadings#onlyStragglersLeft}: every segment that reported last step has, but one or a few) is
     * closed, as a share of the quiet period. At 20,000 generated segments a few zones in every step miss one sensor
     * that reported the step before (single misses, dropouts starting); with the count-based close alone each of them
     * waited the whole quiet period, and as a zone holds a few hundred segments, those zones were the lag's p99.
     */
    static final int STRAGGLER_WAIT_DIVISOR = 10;

    /** The one key of the forecast stage (see the class comment). */
    public static final Integer NETWORK_KEY = 0;

    /**
     * Broadcast state: {@code "current"} -> the model version in service; {@code "started-with"} -> the initial
     * version of the job that wrote it (a restore under another initial version takes the new one).
     */
    public static final MapStateDescriptor<String, String> MODEL_VERSION =
            new MapStateDescriptor<>("model-version", String.class, String.class);

    /** Side output of the readings accepted into a step (the history archive). */
    public static final OutputTag<ReadingEvent> ACCEPTED =
            new OutputTag<>("accepted-readings", TypeInformation.of(ReadingEvent.class));

    private final ModelRef initial;
    /** The first model's layout: the step, lateness and future limits every later layout keeps. */
    private final NetworkLayout startLayout;
    private final boolean forecastOnEveryUpdate;
    private final boolean closeWhenComplete;
    private final long closeAfterQuietMillis;
    private final boolean emitAccepted;
    /** The count-based close rule ({@link ExpectedReadings}); set by {@link #withCloseWhenExpected}. */
    private boolean closeWhenExpected;
    /** The schedule close rule's grace ({@link ReadingSchedule}), 0 = off; set by {@link #withCloseOnSchedule}. */
    private long scheduleGraceMillis;
    /** Threads of the zone work pool ({@link ZoneWorkers}), 0 = the kernel on the task thread; {@link #withZoneWorkers}. */
    private int zoneWorkers;
    /** Whether the pool also writes the forecasts' JSON records (the forecast sink is chained and writes JSON). */
    private boolean encodeOnWorkers;
    /** Tell the {@link CheckpointPacer} when a step's forecasts are all issued ({@link #withCheckpointOnStep}). */
    private boolean checkpointOnStep;

    /** Each zone worker's JSON writer (one per thread). */
    private static final ThreadLocal<ForecastJsonWriter> WORKER_JSON = ThreadLocal.withInitial(ForecastJsonWriter::new);

    /** The zone work pool; null without one. */
    private transient ZoneWorkers<Issued> workers;
    /** The way to the {@link CheckpointPacer} ({@link ZoneOperatorFactory}); null when not created by it. */
    private transient OperatorEventGateway pacer;
    /** Newest step every zone has closed whose signal to the pacer is still to go; Long.MIN_VALUE when none. */
    private transient long stepToSignal;
    /**
     * The mailbox of this operator's place in the chain, as Flink's operator factories hand it to asynchronous
     * operators (AsyncWaitOperator): a mail runs on the task thread between records.
     */
    private transient MailboxExecutor mailbox;

    private transient RunningModel model;
    private transient NetworkLayout layout;
    private transient Map<String, Integer> indexOfSegment;
    private transient Set<String> refused;
    private transient ZoneIntake intake;
    /** The count-based close rule (closeWhenExpected): who the zones' next steps await; null without it. */
    private transient ExpectedReadings expected;
    /** The schedule close rule: where in the step each segment reports; null without it. */
    private transient ReadingSchedule schedule;
    private transient MapState<Integer, ZoneMemory> zoneMemory;
    private transient ValueState<String> storedLayout;
    /** The input partitions' slots and where the schedule rule stands on each ({@link SchedulePartitions}). */
    private transient ValueState<SchedulePartitions> storedPartitions;
    private transient TypeSerializer<ZoneMemory> memoryCopier;
    private transient TypeSerializer<ZoneState> stateCopier;
    private transient BroadcastState<String, String> versions;
    private transient InternalTimerService<VoidNamespace> timers;
    /** [zone] working copy; null until the network key is first touched on this subtask (only its owner does). */
    private transient ZoneMemory[] zones;
    /** Zones changed since the last checkpoint: {@code dirtyZones[0..dirtyCount)}, flagged in {@code dirty}. */
    private transient boolean[] dirty;
    private transient int[] dirtyZones;
    private transient int dirtyCount;
    /** The zoning changed since the last checkpoint: rewrite every zone and the layout. */
    private transient boolean rewriteAll;
    /** [zone] the fused row of a step: observed segments, then extended ones. */
    private transient float[][] rowOfZone;
    /** [zone] its first {@code observedSizes[z]} values: what the zone's kernel observes. */
    private transient float[][] kernelRow;
    private transient StreamRecord<IssuedForecast> forecastRecord;
    private transient Counter forecasts;
    private transient Counter stepsClosed;
    /** Steps closed before event time passed them because a zone reached its open-step cap (inputs out of step). */
    private transient Counter stepsForceClosed;
    /**
     * Steps (with readings) closed per rule: every awaited segment reported, the schedule rule's verdict on the absent
     * ones, the quiet period, event time, a model switch's boundary, the open-step cap ({@link #stepsForceClosed}
     * counts the times it acted); they add up to the steps closed with readings. Which rule closes a feed's steps
     * decides its lag and its refusals (README, issue 12).
     */
    private transient Counter closedReported;
    private transient Counter closedOnSchedule;
    private transient Counter closedQuiet;
    private transient Counter closedByEventTime;
    private transient Counter closedOnSwitch;
    private transient Counter closedAtCap;
    private transient Counter modelsAccepted;
    private transient Counter modelsRefused;
    private transient Counter modelFallbacks;
    private transient Counter stateMigrations;
    private transient Counter segmentsAdded;
    private transient Counter segmentsRemoved;
    private transient RejectionCounters rejected;
    /** Fused values (learned fusion) the track rules refused at a step's close. */
    private transient Counter fusedRejected;
    /** Most steps a zone keeps open; more close the oldest ones (see {@link #processElement1}). */
    private transient int maxOpenSteps;
    /** Most steps a zone keeps open while catching up ({@link ZoneMemory#maxOpenStepsCatchingUp}). */
    private transient int maxOpenStepsCatchingUp;
    /**
     * Newest step opened on this subtask before its first watermark since the (re)start, Long.MIN_VALUE when none:
     * until event time passes its close time the job is catching up and zones keep up to
     * {@link #maxOpenStepsCatchingUp} steps open. Not checkpointed: after a restore the watermark starts at
     * Long.MIN_VALUE again.
     */
    private transient long newestStepBeforeEventTime = Long.MIN_VALUE;
    /** Processing time at which this instance was restored from a checkpoint, Long.MIN_VALUE when it started fresh. */
    private transient long restoredAtMillis;
    /** Readings this instance has processed (any zone): whether input arrived during a quiet confirmation window. */
    private transient long readingsSeen;
    /** {@link #readingsSeen} when the pending quiet confirmation was set; -1 when none is pending. */
    private transient long readingsAtQuietCheck = -1;
    /**
     * {@link #readingsSeen} when the schedule rule's wall-clock confirmation began, -1 when none is pending, and when
     * ({@link #scheduleLookAt}): the input must stay empty for {@link #scheduleConfirmMillis}, not
     * {@link #QUIET_CONFIRM_MILLIS}, so that readings on their way (a sender paused with the JVM, the source's fetch,
     * a checkpoint) are read before a segment past its place counts as absent.
     */
    private transient long readingsAtScheduleLook = -1;
    private transient long scheduleLookAt;
    /** Append time read per input partition: a straggler's absence confirmed in its partition's order. */
    private transient InputProgress inputProgress;
    /** [zone][local row] the {@link #inputProgress} slot + 1 of the segment's last reading; 0 = none yet. */
    private transient int[][] inputSlotOfRow;

    /**
     * @param initial      the job's first model
     * @param startLayout  its layout (step, lateness and future limits for the life of the job)
     * @param emitAccepted also send every accepted reading to the {@link #ACCEPTED} side output
     */
    public ZoneOperator(ModelRef initial, NetworkLayout startLayout, boolean forecastOnEveryUpdate,
                        boolean closeWhenComplete, long closeAfterQuietMillis, boolean emitAccepted) {
        this.initial = initial;
        this.startLayout = startLayout;
        this.forecastOnEveryUpdate = forecastOnEveryUpdate;
        this.closeWhenComplete = closeWhenComplete;
        this.closeAfterQuietMillis = closeAfterQuietMillis;
        this.emitAccepted = emitAccepted;
    }

    /**
     * Also close a zone's step as soon as every segment that reported in its previous step has reported
     * ({@link ExpectedReadings}).
     */
    public ZoneOperator withCloseWhenExpected(boolean on) {
        this.closeWhenExpected = on;
        return this;
    }

    /**
     * Also close a zone's step once every segment seen since the start has reported or is known to be absent by the
     * feed's own schedule ({@link ReadingSchedule}); {@code graceMillis} 0 = off. Where it speaks for a zone it
     * replaces the count-based and quiet closes.
     */
    public ZoneOperator withCloseOnSchedule(long graceMillis) {
        this.scheduleGraceMillis = Math.max(0, graceMillis);
        return this;
    }

    /**
     * Runs a closed zone's kernel (observe, forecast, the issue's copy) and, with {@code encodeJson}, its forecasts'
     * JSON records on {@code threads} threads beside the task thread, which goes on reading (see {@link ZoneWorkers});
     * the forecasts and their order per segment are the same. 0 = all on the task thread.
     *
     * @param encodeJson the forecasts go to a sink chained to this operator that writes JSON (its serializer then
     *                   takes the records written here, {@link roadcast.forecast.ForecastValues#json})
     */
    public ZoneOperator withZoneWorkers(int threads, boolean encodeJson) {
        this.zoneWorkers = Math.max(0, threads);
        this.encodeOnWorkers = encodeJson;
        return this;
    }

    /**
     * Ask for a checkpoint as soon as every zone has closed a step (its forecasts are then all issued), so exactly-once
     * output is committed about one checkpoint later instead of at the next periodic one ({@link CheckpointPacer}).
     */
    public ZoneOperator withCheckpointOnStep(boolean on) {
        this.checkpointOnStep = on;
        return this;
    }

    /** Called by {@link ZoneOperatorFactory} on the task, before {@link #open}. */
    void pacedBy(OperatorEventGateway gateway) {
        this.pacer = gateway;
    }

    @Override
    public void open() throws Exception {
        super.open();
        var metrics = getMetricGroup();
        forecasts = metrics.counter("forecasts");
        stepsClosed = metrics.counter("stepsClosed");
        stepsForceClosed = metrics.counter("stepsForceClosed");
        closedReported = metrics.counter("stepsClosedReported");
        closedOnSchedule = metrics.counter("stepsClosedOnSchedule");
        closedQuiet = metrics.counter("stepsClosedQuiet");
        closedByEventTime = metrics.counter("stepsClosedByEventTime");
        closedOnSwitch = metrics.counter("stepsClosedOnSwitch");
        closedAtCap = metrics.counter("stepsClosedAtCap");
        modelsAccepted = metrics.counter("modelsAccepted");
        modelsRefused = metrics.counter("modelsRefused");
        modelFallbacks = metrics.counter("modelFallbacks");
        stateMigrations = metrics.counter("stateMigrations");
        segmentsAdded = metrics.counter("segmentsAdded");
        segmentsRemoved = metrics.counter("segmentsRemoved");
        rejected = new RejectionCounters(metrics);
        fusedRejected = metrics.counter("fusedValuesRejected");
        maxOpenSteps = ZoneMemory.maxOpenSteps(startLayout);
        maxOpenStepsCatchingUp = ZoneMemory.maxOpenStepsCatchingUp(startLayout);
        refused = new HashSet<>();
        inputProgress = new InputProgress();
        zoneMemory = getPartitionedState(new MapStateDescriptor<>("network-zones",
                TypeInformation.of(Integer.class), TypeInformation.of(ZoneMemory.class)));
        storedLayout = getPartitionedState(new ValueStateDescriptor<>("zone-layout", String.class));
        storedPartitions = getPartitionedState(new ValueStateDescriptor<>("input-partitions",
                SchedulePartitions.class));
        memoryCopier = getRuntimeContext().createSerializer(TypeInformation.of(ZoneMemory.class));
        stateCopier = getRuntimeContext().createSerializer(TypeInformation.of(ZoneState.class));
        versions = getOperatorStateBackend().getBroadcastState(MODEL_VERSION);
        timers = getInternalTimerService("zone-steps", VoidNamespaceSerializer.INSTANCE, this);
        forecastRecord = new StreamRecord<>(null);
        stepToSignal = Long.MIN_VALUE; // a transient field's initialiser does not run when the operator is deserialised
        mailbox = getContainingTask().getMailboxExecutorFactory().createExecutor(getOperatorConfig().getChainIndex());
        if (!checkpointOnStep) {
            pacer = null;
        }
        if (zoneWorkers > 0) {
            workers = new ZoneWorkers<>(zoneWorkers, 0, mailbox, this::publish); // a worker's wake-up is a mail
        }

        // A failover restores the version in service; a restore by a job started with another initial version
        // (a restart onto a new model) takes that one. Either way the zones are migrated on first touch if needed.
        String version = initial.version();
        if (versions.contains(CURRENT) && initial.version().equals(versions.get(STARTED_WITH))) {
            version = versions.get(CURRENT);
        }
        ManifoldModel loadedModel;
        try {
            loadedModel = initial.withVersion(version).load();
        } catch (Exception e) {
            loadedModel = newestLoadable(version, e);
        }
        install(loadedModel);
    }

    /** The registry's newest model that loads and fits this job, when the one in service cannot be read. */
    private ManifoldModel newestLoadable(String missing, Exception why) throws Exception {
        List<String> all = new java.util.ArrayList<>(initial.registry().versions());
        java.util.Collections.reverse(all);
        for (String v : all) {
            try {
                ManifoldModel m = initial.withVersion(v).load();
                if (startLayout.incompatibility(m) == null) {
                    modelFallbacks.inc();
                    LOG.warn("model {} cannot be loaded ({}); falling back to {}, the registry's newest loadable model",
                            missing, why.toString(), v);
                    return m;
                }
            } catch (Exception ignored) {
                // try the next older one
            }
        }
        throw new java.io.IOException("model " + missing + " cannot be loaded (" + why + ") and registry "
                + initial.registryDir() + " holds no other loadable model", why);
    }

    /** Puts {@code m} in service (only it stays loaded), recorded in broadcast state. */
    private void install(ManifoldModel m) throws Exception {
        model = new RunningModel(m);
        layout = startLayout.rezoned(m);
        indexOfSegment = layout.indexById();
        intake = new ZoneIntake(layout, m.credibility(), m.card().fusion());
        expected = closeWhenExpected ? new ExpectedReadings(layout.observedSizes(), layout.stepMillis()) : null;
        ReadingSchedule previous = schedule;
        schedule = scheduleGraceMillis > 0
                ? new ReadingSchedule(layout.observedSizes(), layout.stepMillis(), scheduleGraceMillis) : null;
        if (previous != null && schedule != null) {
            // a model switch: the partitions' anchors carry on (the places move with the zones, see migrate)
            SchedulePartitions carried = new SchedulePartitions();
            previous.save(carried);
            schedule.restore(carried);
        }
        int n = layout.zoneCount();
        if (workers != null) {
            workers.rezoned(n); // drained by the caller: no zone's work is pending across a switch
        }
        rowOfZone = new float[n][];
        kernelRow = new float[n][];
        inputSlotOfRow = new int[n][];
        for (int z = 0; z < n; z++) {
            rowOfZone[z] = new float[layout.zoneSizes()[z]];
            kernelRow[z] = new float[layout.observedSizes()[z]];
            inputSlotOfRow[z] = new int[layout.zoneSizes()[z]];
        }
        versions.put(CURRENT, m.version());
        versions.put(STARTED_WITH, initial.version());
    }

    /** What the stored zones are grouped by: model version and zoning. */
    private String layoutKey() {
        return model.version + "/" + layout.zoningFingerprint();
    }

    /** Makes {@link #zones} the working copy of the current layout (first touch of the network key). */
    private void ensureZones() throws Exception {
        if (zones != null) {
            return;
        }
        SchedulePartitions partitions = storedPartitions.value();
        if (partitions != null) {
            // before any reading is read: the zones' place slots name these partitions
            inputProgress.restore(partitions);
            if (schedule != null) {
                schedule.restore(partitions);
            }
        }
        String stored = storedLayout.value();
        int n = layout.zoneCount();
        if (stored == null) {
            zones = new ZoneMemory[n];
            for (int z = 0; z < n; z++) {
                zones[z] = ZoneMemory.fresh(layout.segmentsOfZone(z));
            }
            resetDirty(n, true);
        } else if (stored.equals(layoutKey())) {
            zones = new ZoneMemory[n];
            for (int z = 0; z < n; z++) {
                ZoneMemory m = zoneMemory.get(z);
                zones[z] = m != null ? m : ZoneMemory.fresh(layout.segmentsOfZone(z));
            }
            resetDirty(n, false);
        } else {
            List<ZoneMemory> old = new java.util.ArrayList<>();
            for (ZoneMemory m : zoneMemory.values()) {
                old.add(m);
            }
            ZoneMemory[] byIndex = new ZoneMemory[n];
            for (int z = 0; z < n; z++) {
                byIndex[z] = zoneMemory.get(z);
            }
            if (stored.startsWith(model.version + "/") && old.size() == n && layout.sameRows(byIndex)) {
                // Written under this very version by a build whose layout key held another fingerprint function
                // (before the zoning fingerprint became ZoningRecord's): the rows are this layout's, so the state is
                // taken as it is, not migrated; the next checkpoint rewrites the key.
                LOG.info("restored state was written under {}: the same version and rows as {}; taken as it is",
                        stored, layoutKey());
                zones = byIndex;
                resetDirty(n, true);
            } else {
                LOG.info("restored state was written under {}; migrating it to {}", stored, layoutKey());
                migrate(old.toArray(new ZoneMemory[0]), stored);
            }
        }
        attachPlaces();
    }

    /**
     * The zones' kept places become the schedule rule's and their place slots the operator's
     * ({@link #inputSlotOfRow}): learned into from now on, checkpointed with the zones.
     */
    private void attachPlaces() {
        for (int z = 0; z < zones.length; z++) {
            zones[z].ensurePlaces();
            inputSlotOfRow[z] = zones[z].placeSlots;
        }
        if (schedule != null) {
            schedule.attach(zones);
        }
    }

    private void resetDirty(int zoneCount, boolean all) {
        dirty = new boolean[zoneCount];
        dirtyZones = new int[zoneCount];
        dirtyCount = 0;
        rewriteAll = all;
    }

    /** Regroups {@code old} under the model in service (see {@link Rezoning}). */
    private void migrate(ZoneMemory[] old, String from) {
        Rezoning.Result r = Rezoning.regroup(old, layout, model.version, model::forecaster);
        zones = r.zones();
        resetDirty(zones.length, true);
        attachPlaces();
        stateMigrations.inc();
        segmentsAdded.inc(r.added().size());
        segmentsRemoved.inc(r.removed().size());
        LOG.info("state migrated from {} to {}: {} zones, {} segments moved, {} added (cold: imputed until they"
                        + " report), {} removed", from, layoutKey(), zones.length, r.moved(), r.added().size(),
                r.removed().size());
        if (!r.removed().isEmpty()) {
            LOG.warn("model {} drops {} segments, their state is discarded: {}", model.version, r.removed().size(),
                    r.removed().size() <= 20 ? r.removed() : r.removed().subList(0, 20) + " ...");
        }
    }

    @Override
    public void initializeState(org.apache.flink.runtime.state.StateInitializationContext context) throws Exception {
        super.initializeState(context);
        restoredAtMillis = context.isRestored()
                ? getProcessingTimeService().getCurrentProcessingTime() : Long.MIN_VALUE;
    }

    @Override
    public void processElement1(StreamRecord<ReadingEvent> record) throws Exception {
        ensureZones();
        readingsSeen++;
        ReadingEvent e = record.getValue();
        int inputSlot = inputProgress.read(e.topic, e.partition, e.appendMillis);
        Integer index = indexOfSegment.get(e.segment);
        if (index == null) {
            deadLetter(e, new Rejection(RejectReason.UNKNOWN_SEGMENT, "segment '" + e.segment
                    + "' is not in the network of model " + model.version));
            return;
        }
        e.segmentIndex = index;
        e.zone = layout.zoneOfSegment()[index];
        int local = layout.localIndex()[index];
        inputSlotOfRow[e.zone][local] = inputSlot + 1;
        ZoneMemory zone = touch(e.zone);
        long stepStart = layout.stepStart(e.timeMillis);
        // Every reading read is the feed's schedule, the refused ones too; true: the schedule's awaited all reported.
        boolean scheduleDone = schedule != null
                && schedule.read(e.zone, local, inputSlot, stepStart, e.appendMillis);
        StepAccumulator step = zone.openStep(stepStart);
        if (step == null) {
            long watermark = timers.currentWatermark();
            Rejection late = intake.tooLate(zone, e, stepStart, watermark);
            int cap = openStepCap(watermark);
            if (late == null && zone.openSteps.length >= cap) {
                // Event time stalls (an input holds the watermark back): close the oldest steps rather than grow.
                // Readings of the slower input for them become TOO_LATE, so say so (first time, then every 100th).
                if (stepsForceClosed.getCount() % 100 == 0) {
                    LOG.warn("zone {}: {} steps open at watermark {}; closing the oldest early (open-step cap {}, {}"
                            + " so far): the inputs' event times are further apart than the cap allows",
                            e.zone, zone.openSteps.length, watermark, cap, stepsForceClosed.getCount() + 1);
                }
                stepsForceClosed.inc();
                closeSteps(e.zone, zone, zone.openSteps[zone.openSteps.length - cap].stepStart, closedAtCap);
                late = intake.tooLate(zone, e, stepStart, watermark);
            }
            if (late != null) {
                if (expected != null) {
                    expected.late(e.zone, local, stepStart);
                }
                deadLetter(e, late);
                return;
            }
            step = zone.open(stepStart, layout.zoneSizes()[e.zone], layout.observedSizes()[e.zone]);
            if (watermark == Long.MIN_VALUE && stepStart > newestStepBeforeEventTime) {
                newestStepBeforeEventTime = stepStart;
            }
            // One timer per step for the whole network (same key and time: registered once).
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, layout.closeTime(stepStart));
            // A zone whose readings run across the step's end (every zone of a sensor-phase feed): the next step's
            // first reading may come before the timer that closes the step a segment is missing from.
            closeOnSchedule(e.zone, zone, stepStart, getProcessingTimeService().getCurrentProcessingTime(), false);
        }
        boolean firstOfSegment = expected != null && step.firstSource[local] < 0;
        Rejection refusedReading = intake.admit(zone, step, e);
        // Every segment the step awaits has now reported (see ExpectedReadings), this reading accepted or not.
        boolean awaitedAll = firstOfSegment && expected.arrived(e.zone, local, stepStart);
        if (onSchedule(e.zone, zone)) {
            awaitedAll = scheduleDone; // the schedule awaits every segment seen since the start, at its place
        }
        if (refusedReading != null) {
            deadLetter(e, refusedReading);
            if (awaitedAll) {
                closeSteps(e.zone, zone, stepStart, closedReported);
            }
            return;
        }
        if (emitAccepted) {
            output.collect(ACCEPTED, new StreamRecord<>(e, e.timeMillis));
        }
        long wait = onSchedule(e.zone, zone) ? scheduleLookMillis() : quietWait(e.zone, zone);
        if (wait > 0) {
            long now = getProcessingTimeService().getCurrentProcessingTime();
            zone.lastReadingProcessingMillis = now;
            // A timer already set for later is brought forward when the step now awaits only stragglers.
            long due = now + wait;
            if (zone.quietTimerMillis == Long.MIN_VALUE || due < zone.quietTimerMillis) {
                zone.quietTimerMillis = due;
                timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, due);
            }
        }
        boolean complete = closeWhenComplete && step.complete();
        if (awaitedAll || complete) {
            closeSteps(e.zone, zone, Math.max(awaitedAll ? stepStart : Long.MIN_VALUE,
                    closeWhenComplete ? zone.newestCompleteStep() : Long.MIN_VALUE), closedReported);
        } else if (forecastOnEveryUpdate) {
            issueProvisional(e.zone, zone, step);
        }
    }

    /**
     * Open steps a zone may hold before its oldest is closed early. While the job catches up after a (re)start (no
     * watermark yet, or event time still before the close of the newest step opened without one) one input's
     * backlog may be read before another's first watermark has come: {@link #maxOpenStepsCatchingUp}, so its steps
     * wait for the other input's readings. Otherwise {@link #maxOpenSteps}.
     */
    private int openStepCap(long watermark) {
        boolean catchingUp = watermark == Long.MIN_VALUE || (newestStepBeforeEventTime != Long.MIN_VALUE
                && watermark < layout.closeTime(newestStepBeforeEventTime));
        return catchingUp ? maxOpenStepsCatchingUp : maxOpenSteps;
    }

    @Override
    public void onEventTime(InternalTimer<Integer, VoidNamespace> timer) throws Exception {
        ensureZones();
        long stepStart = layout.stepOfCloseTime(timer.getTimestamp());
        for (int z = 0; z < zones.length; z++) {
            ZoneMemory zone = zones[z];
            if (zone.openSteps.length > 0 && zone.openSteps[0].stepStart <= stepStart) {
                touch(z);
                closeSteps(z, zone, stepStart, closedByEventTime);
                if (closeWhenComplete) {
                    closeSteps(z, zone, zone.newestCompleteStep(), closedReported);
                }
            }
            if (zone.lastClosedStep < stepStart) {
                // The network's step closes: a zone without an accepted reading in it (a sensor outage, or segments
                // just added by a new model) is forecast too, from the kernel's carried state, as the backtest does
                // with a row of NaN.
                touch(z);
                closeEmpty(z, zone, stepStart);
            }
        }
        if (workers != null) {
            workers.drainAll(); // the step's forecasts go out before the watermark that closed it
        }
    }

    /** observe of a row without readings + forecast (imputed from the zone's dynamics or profile). */
    private void closeEmpty(int z, ZoneMemory zone, long stepStart) throws Exception {
        awaitZone(z);
        if (zone.state == null || !model.version.equals(zone.modelVersion)) {
            zone.state = model.forecaster(z).newState();
            zone.modelVersion = model.version;
        }
        zone.lastClosedStep = stepStart;
        if (expected != null) {
            expected.closedEmpty(z, stepStart);
        }
        if (zone.state.stepMillis != Long.MIN_VALUE && stepStart <= zone.state.stepMillis) {
            return;
        }
        float[] row = rowOfZone[z];
        java.util.Arrays.fill(row, Float.NaN);
        zone.remember(stepStart, row);
        stepsClosed.inc();
        issue(z, zone.state, stepStart, row, Long.MIN_VALUE);
        stepIssued(stepStart);
    }

    /**
     * A zone has issued step {@code stepStart}: once every zone has closed it, the step's forecasts are all issued, and
     * the pacer is told in a mail, which runs once the current record or timer is done: the closes of one call (an
     * event-time timer closes every zone's step in one) make one signal, not one per zone. (Not "no zone holds the
     * step open": in a burst one zone's readings may all come before another's first, which then has nothing open
     * yet.) A zone with no reading at all in the step closes it at event time, and so holds the signal until then;
     * the periodic checkpoint commits meanwhile, as without the pacer. Forecasts a zone worker still computes need no
     * wait: the checkpoint's barrier publishes them first ({@link #prepareSnapshotPreBarrier}).
     */
    private void stepIssued(long stepStart) {
        if (pacer == null) {
            return;
        }
        for (ZoneMemory zone : zones) {
            if (zone.lastClosedStep < stepStart) {
                return;
            }
        }
        if (stepToSignal == Long.MIN_VALUE) {
            mailbox.execute(this::signalStep, "step issued: checkpoint");
        }
        stepToSignal = Math.max(stepToSignal, stepStart);
    }

    private void signalStep() {
        long step = stepToSignal;
        stepToSignal = Long.MIN_VALUE;
        pacer.sendEventToCoordinator(new CheckpointPacer.StepIssued(step));
    }

    @Override
    public void onProcessingTime(InternalTimer<Integer, VoidNamespace> timer) throws Exception {
        ensureZones();
        long now = timer.getTimestamp();
        // Quiet zones close only once the input has stayed empty for QUIET_CONFIRM_MILLIS since the last look.
        boolean inputEmpty = readingsAtQuietCheck == readingsSeen;
        boolean waiting = false;
        // A timer that fires late (the operator was busy, or stalled: a checkpoint's synchronous part, a GC pause) runs
        // as a mail ahead of the input queued meanwhile, which the operator could not read: the time it stalled says
        // nothing about the input, so the empty-input confirmation starts again from now. Counted, it closed a zone
        // whose last segment's reading, sent on time, was queued behind the stall, and refused it (TOO_LATE).
        long actual = getProcessingTimeService().getCurrentProcessingTime();
        boolean stalled = actual - now > scheduleLookMillis();
        boolean emptyForGrace = !stalled && readingsAtScheduleLook == readingsSeen
                && now - scheduleLookAt >= scheduleConfirmMillis();
        boolean scheduleWaiting = false;
        for (int z = 0; z < zones.length; z++) {
            ZoneMemory zone = zones[z];
            if (zone.quietTimerMillis == Long.MIN_VALUE || zone.quietTimerMillis > now) {
                continue;
            }
            touch(z);
            if (zone.lastReadingProcessingMillis == Long.MIN_VALUE) {
                zone.quietTimerMillis = Long.MIN_VALUE;
                continue;
            }
            if (zone.lastReadingProcessingMillis < restoredAtMillis) {
                // A timer restored from a checkpoint, due while the job was down: the zone has had no reading since
                // the restore, and the readings after the checkpoint are about to be replayed. Closing now would
                // forecast the open steps on partial data. The first reading after the restore sets a new timer.
                zone.quietTimerMillis = Long.MIN_VALUE;
                continue;
            }
            if (onSchedule(z, zone)) {
                long verdict = closeOnSchedule(z, zone, Long.MAX_VALUE, now, emptyForGrace);
                if (zone.openSteps.length == 0) {
                    zone.quietTimerMillis = Long.MIN_VALUE;
                    continue;
                }
                if (verdict == ReadingSchedule.CONFIRM) {
                    scheduleWaiting = true; // the timer stays due: the confirmation looks at this zone again
                    continue;
                }
                if (verdict != ReadingSchedule.NOT_APPLICABLE) {
                    // Awaited segments are not due yet: not a pause to close on; look again when the last is due.
                    zone.quietTimerMillis = Math.max(verdict, now + 1);
                    timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, zone.quietTimerMillis);
                    continue;
                }
                // a partition off its schedule: the quiet period as without the rule
            }
            long wait = quietWait(z, zone);
            if (wait <= 0) {
                zone.quietTimerMillis = Long.MIN_VALUE;
                continue;
            }
            if (now - zone.lastReadingProcessingMillis >= wait) {
                if (inputEmpty || stragglersPartitionsReadPast(z, zone, wait)) {
                    zone.quietTimerMillis = Long.MIN_VALUE;
                    closeSteps(z, zone, Long.MAX_VALUE, closedQuiet);
                } else {
                    waiting = true; // the timer stays due: the confirmation looks at this zone again
                }
            } else {
                // Readings came in since the timer was set: look again a quiet period after the newest one.
                zone.quietTimerMillis = zone.lastReadingProcessingMillis + wait;
                timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, zone.quietTimerMillis);
            }
        }
        if (waiting) {
            readingsAtQuietCheck = readingsSeen;
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE,
                    now + (closeAfterQuietMillis > 0 ? Math.min(QUIET_CONFIRM_MILLIS, closeAfterQuietMillis)
                            : QUIET_CONFIRM_MILLIS));
        } else {
            readingsAtQuietCheck = -1;
        }
        if (scheduleWaiting) {
            if (readingsAtScheduleLook != readingsSeen || stalled) {
                readingsAtScheduleLook = readingsSeen;
                scheduleLookAt = stalled ? actual : now;
            }
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, scheduleLookAt + scheduleConfirmMillis());
        } else {
            readingsAtScheduleLook = -1;
        }
    }

    /**
     * Whether zone {@code z}'s open step awaits only stragglers ({@link ExpectedReadings#onlyStragglersLeft}) and
     * each straggler's partition (where its last reading came from) has been read past the zone's newest reading's
     * append time plus {@code wait}: a straggler's reading appended within the pause would have been read. While a
     * step's burst is read the input is never empty, and the empty-input confirmation alone kept every zone whose
     * pause fell inside the burst (most of a step's stragglers) open until the whole burst was read: the
     * at-least-once lag's tail at 20,000 segments (issue 12). A straggler not read since the start, a restore or a
     * model switch (partition unknown) leaves the zone to the empty-input confirmation.
     */
    private boolean stragglersPartitionsReadPast(int z, ZoneMemory zone, long wait) {
        if (expected == null || zone.openSteps.length != 1) {
            return false;
        }
        StepAccumulator step = zone.openSteps[0];
        if (step.maxAppendMillis == Long.MIN_VALUE || !expected.onlyStragglersLeft(z, step.stepStart)) {
            return false;
        }
        long pauseEnd = step.maxAppendMillis + wait;
        int[] slots = inputSlotOfRow[z];
        int rows = Math.min(slots.length, step.firstSource.length);
        for (int local = 0; local < rows; local++) {
            if (expected.awaited(z, local) && step.firstSource[local] < 0
                    && (slots[local] == 0 || !inputProgress.past(slots[local] - 1, pauseEnd))) {
                return false;
            }
        }
        return true;
    }

    /** Whether the schedule close rule speaks for zone {@code z}'s steps ({@link ReadingSchedule#tracks}). */
    private boolean onSchedule(int z, ZoneMemory zone) {
        return schedule != null && zone.openSteps.length > 0 && schedule.tracks(z);
    }

    /**
     * Closes zone {@code z}'s open steps that start before {@code before}, oldest first, while the schedule rule says
     * every segment it awaits in the oldest has reported or is absent; returns its verdict on the oldest step left
     * open ({@link ReadingSchedule#CLOSE} when none is left).
     */
    private long closeOnSchedule(int z, ZoneMemory zone, long before, long now, boolean emptyForGrace)
            throws Exception {
        while (onSchedule(z, zone) && zone.openSteps[0].stepStart < before) {
            long oldest = zone.openSteps[0].stepStart;
            long verdict = schedule.check(z, oldest, now, emptyForGrace, inputSlotOfRow[z]);
            if (verdict != ReadingSchedule.CLOSE) {
                return verdict;
            }
            closeSteps(z, zone, oldest, closedOnSchedule);
        }
        return ReadingSchedule.CLOSE;
    }

    /**
     * How long the input must stay empty before the schedule rule takes a segment whose place has passed on the wall
     * clock (nothing read past it: the end of a burst or of the feed) as absent: the quiet period when there is one
     * (what the operator otherwise takes for the feed having paused), else the grace. Shorter, a reading still on its
     * way (the source's fetch, a checkpoint, a loaded machine: 200 ms seen in tests at load 14) was refused.
     */
    private long scheduleConfirmMillis() {
        return Math.max(scheduleGraceMillis, closeAfterQuietMillis);
    }

    /**
     * How soon after a reading of a zone on the schedule rule the rule looks at it: the lag of a zone that misses a
     * reading is its grace plus up to this, so a quarter of the grace, at least {@link #QUIET_CONFIRM_MILLIS}.
     */
    private long scheduleLookMillis() {
        return Math.max(QUIET_CONFIRM_MILLIS, scheduleGraceMillis / 4);
    }

    /**
     * How long zone {@code z}'s readings must pause before its open steps close: the quiet period, or
     * {@link #stragglerWaitMillis} when its one open step awaits only stragglers (count-based close on).
     */
    private long quietWait(int z, ZoneMemory zone) {
        if (expected != null && zone.openSteps.length == 1
                && expected.onlyStragglersLeft(z, zone.openSteps[0].stepStart)) {
            return stragglerWaitMillis();
        }
        return closeAfterQuietMillis;
    }

    /**
     * The pause after which a step awaiting only stragglers closes: the quiet period over
     * {@link #STRAGGLER_WAIT_DIVISOR}, at least {@link #QUIET_CONFIRM_MILLIS} (and never longer than the quiet period).
     * A straggler whose reading comes after it is refused as too late ("already forecast": dead-lettered, never
     * dropped) and awaited in the next step, as with the count-based close.
     */
    long stragglerWaitMillis() {
        return Math.min(closeAfterQuietMillis,
                Math.max(QUIET_CONFIRM_MILLIS, closeAfterQuietMillis / STRAGGLER_WAIT_DIVISOR));
    }

    /**
     * Closes every open step of the zone that starts at or before {@code upTo}, in time order, each step with readings
     * counted in {@code rule} (the close rule that acted). The step's event-time timer stays: other zones share it,
     * and it finds nothing to close here.
     */
    private void closeSteps(int z, ZoneMemory zone, long upTo, Counter rule) throws Exception {
        if (upTo == Long.MIN_VALUE) {
            return;
        }
        for (StepAccumulator step : zone.takeUpTo(upTo)) {
            if (close(z, zone, step)) {
                rule.inc();
            }
        }
    }

    /** observe + forecast of one closed step, on the model in service; false when it had no reading to close on. */
    private boolean close(int z, ZoneMemory zone, StepAccumulator step) throws Exception {
        if (step.readings == 0) {
            return false; // only refused readings: as if the step had never been opened
        }
        awaitZone(z);
        if (zone.state == null || !model.version.equals(zone.modelVersion)) {
            zone.state = model.forecaster(z).newState();
            zone.modelVersion = model.version;
        }
        zone.lastClosedStep = step.stepStart;
        if (expected != null) {
            expected.closed(z, step);
        }
        if (zone.state.stepMillis != Long.MIN_VALUE && step.stepStart <= zone.state.stepMillis) {
            // Steps close in time order and late readings are refused, so this means state from another run.
            LOG.warn("zone {}: step {} is not after the last observed step {}; skipped", z,
                    Instant.ofEpochMilli(step.stepStart), Instant.ofEpochMilli(zone.state.stepMillis));
            return false;
        }
        float[] row = rowOfZone[z];
        fuse(z, zone, step, row, true);
        zone.remember(step.stepStart, row);
        stepsClosed.inc();
        issue(z, zone.state, step.stepStart, row, step.maxAppendMillis);
        stepIssued(step.stepStart);
        return true;
    }

    private void issueProvisional(int z, ZoneMemory zone, StepAccumulator step) throws Exception {
        awaitZone(z);
        ZoneState copy = zone.state == null || !model.version.equals(zone.modelVersion)
                ? model.forecaster(z).newState() : stateCopier.copy(zone.state);
        if (copy.stepMillis != Long.MIN_VALUE && step.stepStart <= copy.stepMillis) {
            return;
        }
        float[] row = rowOfZone[z];
        fuse(z, zone, step, row, false);
        issue(z, copy, step.stepStart, row, step.maxAppendMillis);
    }

    /** Publishes zone {@code z}'s pending work first: its state, rows and buffers are the task thread's again. */
    private void awaitZone(int z) throws Exception {
        if (workers != null) {
            workers.awaitZone(z);
        }
    }

    /**
     * The step's fused row: by the model's learned fusion when its card has one (its credibility tracks in the zone's
     * state, then the track rules on the fused values, as the trainer's and backtest's fused history), else by the
     * fixed source weights.
     *
     * @param closing true when the step closes (tracks move on); false for a provisional forecast (copies)
     */
    private void fuse(int z, ZoneMemory zone, StepAccumulator step, float[] row, boolean closing) {
        roadcast.fusion.Fuser fuser = model.fuser(z, layout);
        if (fuser == null || step.sources == null || step.sources.length == 0) {
            // no learned fusion; or a step whose readings were taken before it (restored from state written without
            // per-source cells, or opened under a model without one before a switch): its credibility-weighted sums
            step.fusedInto(row);
            return;
        }
        double[] tracks = closing ? zone.fusionTracks() : zone.fusionTracks().clone();
        step.fusedInto(row, fuser, tracks, model.fuseSpeed, model.fuseFlow, model.fuseOccupancy);
        if (closing) {
            fusedRejected.inc(intake.cleanFused(zone, row));
        }
    }

    /**
     * The zone's kernel observes the observed segments' part of {@code row} (extended rows follow them) and forecasts;
     * then its forecasts are published ({@link #publish}): at once, or, with the pool, on a zone worker and published
     * in order on this thread later. The work touches only the zone's {@code state}, its kernel row and its output
     * buffer, which stay the work's until it is published ({@link #awaitZone}).
     *
     * @param row the step's fused row (observed segments, then extended ones)
     */
    private void issue(int z, ZoneState state, long stepStart, float[] row, long appendMillis) throws Exception {
        // Made here (lazily, in arrays the worker must not grow), used by the work below.
        ZoneForecaster forecaster = model.forecaster(z);
        ZoneIssue.Layout issueLayout = model.issueLayout(z);
        ZoneForecast buffer = model.buffer(z);
        float[] kernel = kernelRow[z];
        if (workers == null) {
            publish(new Issued(z, forecastZone(forecaster, issueLayout, buffer, kernel, state, stepStart, row, null),
                    state, row, appendMillis));
            return;
        }
        boolean encode = encodeOnWorkers;
        workers.submit(z, () -> new Issued(z, forecastZone(forecaster, issueLayout, buffer, kernel, state, stepStart,
                row, encode ? WORKER_JSON.get() : null), state, row, appendMillis));
    }

    /**
     * A zone's forecasts of one step: the kernel's observe of the row's observed part and its forecast, copied into a
     * {@link ZoneIssue} (encoded by the sink straight from it: no Forecast record per segment), its JSON records
     * written when {@code json} is given. Pure for the zone: any thread may run it while it owns the zone's state,
     * kernel row and buffer.
     */
    private static ZoneIssue forecastZone(ZoneForecaster forecaster, ZoneIssue.Layout issueLayout,
                                          ZoneForecast buffer, float[] kernel, ZoneState state, long stepStart,
                                          float[] row, ForecastJsonWriter json) {
        System.arraycopy(row, 0, kernel, 0, kernel.length);
        forecaster.observe(state, stepStart, kernel);
        forecaster.forecast(state, buffer);
        ZoneIssue issue = new ZoneIssue(issueLayout, buffer, kernel);
        return json == null ? issue : issue.encodeJson(json);
    }

    /**
     * A zone's forecasts of one step, ready to publish.
     *
     * @param state the state the kernel observed into (the zone's, or a provisional copy)
     * @param row   the fused row it observed (extended segments' readings follow the observed ones)
     */
    private record Issued(int zone, ZoneIssue issue, ZoneState state, float[] row, long appendMillis) {
    }

    /**
     * Forecasts of the zone's observed segments, then of its extended ones: the kriging layer on the same state and
     * forecast ({@link ExtendedForecaster}), live readings of extended segments fused by {@link ExtendedReadings}, as
     * {@link roadcast.kriging.NetworkKriging} does in the backtest. On the task thread; the zone's output buffer still
     * holds this issue's forecast (its next work waits for this to be published).
     */
    private void publish(Issued r) {
        ZoneIssue issue = r.issue();
        for (int i = 0, n = issue.size(); i < n; i++) {
            output.collect(forecastRecord.replace(new IssuedForecast(issue.segment(i), r.appendMillis())));
            forecasts.inc();
        }
        int z = r.zone();
        ExtendedReadings readings = model.readings(z);
        if (readings == null || readings.size() == 0) {
            return;
        }
        int observed = kernelRow[z].length;
        ExtendedForecast extended = model.extendedBuffer();
        model.extendedForecaster(z).estimate(r.state(), model.buffer(z), extended);
        readings.apply(r.row(), observed, extended);
        for (Forecast f : Forecasts.extendedRecords(model.model, z, model.members(z), extended, r.row(), observed)) {
            output.collect(forecastRecord.replace(new IssuedForecast(f, r.appendMillis())));
            forecasts.inc();
        }
    }

    private void deadLetter(ReadingEvent e, Rejection rejection) {
        rejected.inc(rejection.reason());
        output.collect(ForecastJob.DEAD_LETTERS, new StreamRecord<>(DeadLetter.of(rejection,
                e.segment.getBytes(StandardCharsets.UTF_8), e.payload, e.topic, e.partition, e.offset,
                System.currentTimeMillis())));
    }

    /** The working copy of zone {@code z}, marked changed. */
    private ZoneMemory touch(int z) {
        if (!dirty[z]) {
            dirty[z] = true;
            dirtyZones[dirtyCount++] = z;
        }
        return zones[z];
    }

    /**
     * Every zone's pending forecasts go out before the barrier: they belong to the state this checkpoint holds (its
     * zones have closed the step), so under exactly once they must be in the transaction it commits. Flink calls this
     * along the chain from its head, so the chained forecast sink's pre-commit, which follows, writes them too.
     */
    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        if (workers != null) {
            workers.drainAll();
        }
    }

    /** At the end of the input: the last forecasts go out before the operator finishes. */
    @Override
    public void finish() throws Exception {
        if (workers != null) {
            workers.drainAll();
        }
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            if (workers != null) {
                workers.close();
            }
        }
    }

    /**
     * Writes the zones changed since the last checkpoint to keyed state, before the state backend takes its
     * snapshot (all of them, and the layout, after a migration). RocksDB serialises the value on update, on this
     * thread, which then waits for the backend's native snapshot (memtable flush, hard links); a backend that keeps
     * the object it is given (the heap one, {@code --heap-state}) gets a copy, since the working copy goes on changing
     * while the snapshot is written out: array clones here, the serialising on the checkpoint's asynchronous thread
     * (README, issue 12, eighth pass).
     */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        if (workers != null && workers.size() > 0) {
            // prepareSnapshotPreBarrier drained them; a zone's state still with a worker would be written mid-change
            throw new IllegalStateException(workers.size() + " zone results pending at a snapshot");
        }
        if (zones == null) {
            return; // this subtask does not own the network key, or has not touched it since the restore
        }
        setCurrentKey(NETWORK_KEY);
        boolean backendSerialises = getKeyedStateBackend().isSafeToReuseKVState();
        if (rewriteAll) {
            zoneMemory.clear();
            for (int z = 0; z < zones.length; z++) {
                zoneMemory.put(z, backendSerialises ? zones[z] : memoryCopier.copy(zones[z]));
            }
            storedLayout.update(layoutKey());
            rewriteAll = false;
        } else {
            for (int k = 0; k < dirtyCount; k++) {
                int z = dirtyZones[k];
                zoneMemory.put(z, backendSerialises ? zones[z] : memoryCopier.copy(zones[z]));
            }
        }
        for (int k = 0; k < dirtyCount; k++) {
            dirty[dirtyZones[k]] = false;
        }
        dirtyCount = 0;
        SchedulePartitions partitions = new SchedulePartitions();
        inputProgress.save(partitions);
        if (schedule != null) {
            schedule.save(partitions);
        }
        storedPartitions.update(partitions);
    }

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        // Event time is the readings' watermark alone (see the class comment): the one-input path, not the minimum.
        super.processWatermark(mark);
    }

    @Override
    public void processWatermark2(Watermark mark) {
        // The control stream carries no event time.
    }

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int inputId) {
        if (inputId == 0) {
            output.emitWatermarkStatus(status);
        }
    }

    @Override
    public void processElement2(StreamRecord<String> record) throws Exception {
        String version = record.getValue();
        if (version == null || version.isBlank() || version.equals(model.version) || refused.contains(version)) {
            return;
        }
        ManifoldModel candidate;
        try {
            candidate = initial.withVersion(version).load();
        } catch (Exception e) {
            refuse(version, e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        String incompatible = layout.incompatibility(candidate);
        if (incompatible != null) {
            refuse(version, incompatible);
            return;
        }
        String was = layoutKey();
        ZoneMemory[] old = zones;
        if (old != null) {
            // A step boundary of the whole network: what any zone has closed, every zone closes (old model).
            long boundary = Long.MIN_VALUE;
            for (ZoneMemory zone : old) {
                boundary = Math.max(boundary, zone.lastClosedStep);
            }
            for (int z = 0; z < old.length; z++) {
                closeSteps(z, old[z], boundary, closedOnSwitch);
            }
            // A zone with no reading in the newest steps is forecast for them now, as their event-time timers would
            // have done under the old model (they fire up to the allowed lateness later, after the switch), so that
            // no step before the switch is forecast by the new version.
            if (boundary != Long.MIN_VALUE) {
                long step = layout.stepMillis();
                for (int z = 0; z < old.length; z++) {
                    ZoneMemory zone = old[z];
                    if (zone.lastClosedStep >= boundary) {
                        continue;
                    }
                    touch(z);
                    // At most as many steps as a zone may hold open (the furthest one zone's early closes can run
                    // ahead of another's), the catch-up cap included: filling fewer would leave steps unforecast.
                    long first = zone.lastClosedStep == Long.MIN_VALUE ? boundary
                            : Math.max(zone.lastClosedStep + step,
                                    boundary - (long) (maxOpenStepsCatchingUp - 1) * step);
                    for (long s = first; s <= boundary; s += step) {
                        closeEmpty(z, zone, s);
                    }
                }
            }
        }
        if (workers != null) {
            workers.drainAll(); // the old model's last forecasts, before the zones are regrouped
        }
        install(candidate);
        modelsAccepted.inc();
        LOG.info("model {} accepted (was {}), zoning {}", version, was, layout.zoningFingerprint());
        if (old != null) {
            migrate(old, was);
        }
        // else: this subtask does not hold the zones (or not yet since a restore): they migrate on first touch.
    }

    /** State migrations so far on this subtask (the {@code stateMigrations} metric), for tests. */
    long stateMigrationCount() {
        return stateMigrations.getCount();
    }

    private void refuse(String version, String why) {
        refused.add(version);
        modelsRefused.inc();
        LOG.warn("model {} refused, keeping the running model: {}", version, why);
    }

    /** A loaded model with one kernel and one output buffer per zone, made on first use. */
    private static final class RunningModel {
        final ManifoldModel model;
        final String version;
        final ZoneForecaster[] forecasters;
        final ZoneForecast[] buffers;
        /** What the zone's published forecasts share from step to step (null entries until first use). */
        final ZoneIssue.Layout[] issueLayouts;
        /** The kriging layer per zone (null entries until first use; all null when the model has none). */
        final ExtendedForecaster[] extendedForecasters;
        final ExtendedReadings[] readings;
        final int[][] members;
        /** One output buffer of the kriging layer for all zones (zones are forecast one at a time). */
        ExtendedForecast extendedBuffer;
        /** The learned fusion per zone (null entries until first use; all null when the card has no fusion). */
        final roadcast.fusion.Fuser[] fusers;
        /** Scratch of the fusion: per slot, one cell's speed, flow and occupancy. */
        final double[] fuseSpeed;
        final double[] fuseFlow;
        final double[] fuseOccupancy;

        RunningModel(ManifoldModel model) {
            this.model = model;
            this.version = model.version();
            this.forecasters = new ZoneForecaster[model.zoneCount()];
            this.buffers = new ZoneForecast[model.zoneCount()];
            this.issueLayouts = new ZoneIssue.Layout[model.zoneCount()];
            this.extendedForecasters = new ExtendedForecaster[model.zoneCount()];
            this.readings = new ExtendedReadings[model.zoneCount()];
            this.members = new int[model.zoneCount()][];
            this.fusers = new roadcast.fusion.Fuser[model.zoneCount()];
            int slots = model.card().fusion() == null ? 0 : model.card().fusion().sources().size();
            this.fuseSpeed = new double[slots];
            this.fuseFlow = new double[slots];
            this.fuseOccupancy = new double[slots];
        }

        /** The zone's learned fusion over its rows ({@code layout}'s zone-local order), null without one. */
        roadcast.fusion.Fuser fuser(int zone, NetworkLayout layout) {
            if (model.card().fusion() == null) {
                return null;
            }
            if (fusers[zone] == null) {
                fusers[zone] = new roadcast.fusion.Fuser(model.card().fusion(), layout.segmentsOfZone(zone));
            }
            return fusers[zone];
        }

        /** The live-reading rule of the zone's extended segments; null when the model has no kriging layer. */
        ExtendedReadings readings(int zone) {
            if (model.kriging() == null) {
                return null;
            }
            if (readings[zone] == null) {
                readings[zone] = new ExtendedReadings(model.zone(zone), model.kriging(), zone);
                members[zone] = readings[zone].members();
            }
            return readings[zone];
        }

        int[] members(int zone) {
            readings(zone);
            return members[zone];
        }

        ExtendedForecaster extendedForecaster(int zone) {
            if (extendedForecasters[zone] == null) {
                extendedForecasters[zone] = new ExtendedForecaster(model.zone(zone), model.kriging(), zone);
            }
            return extendedForecasters[zone];
        }

        ExtendedForecast extendedBuffer() {
            if (extendedBuffer == null) {
                extendedBuffer = new ExtendedForecast(model.kriging().rows(), model.kriging().size());
            }
            return extendedBuffer;
        }

        ZoneForecaster forecaster(int zone) {
            if (forecasters[zone] == null) {
                forecasters[zone] = new ZoneForecaster(model.zone(zone));
            }
            return forecasters[zone];
        }

        ZoneIssue.Layout issueLayout(int zone) {
            if (issueLayouts[zone] == null) {
                issueLayouts[zone] = new ZoneIssue.Layout(model, zone);
            }
            return issueLayouts[zone];
        }

        ZoneForecast buffer(int zone) {
            if (buffers[zone] == null) {
                buffers[zone] = new ZoneForecast(model.zone(zone).horizons(), model.zone(zone).size());
            }
            return buffers[zone];
        }
    }
}
