package roadcast.stream;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.metrics.Counter;
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
import roadcast.forecast.Forecasts;
import roadcast.forecast.ZoneForecast;
import roadcast.forecast.ZoneForecaster;
import roadcast.forecast.ZoneState;
import roadcast.ingest.DeadLetter;
import roadcast.ingest.Rejection;
import roadcast.model.ManifoldModel;
import roadcast.publish.IssuedForecast;

/**
 * The zone operator, keyed by zone: it cleans each reading ({@link ZoneIntake}: too late, duplicate, credibility),
 * fuses the accepted ones into their open step, and when a step closes runs the kernel ({@link ZoneForecaster#observe},
 * {@link ZoneForecaster#forecast}) and issues one forecast per segment of the zone ({@link Forecasts#toRecords}).
 *
 * <p>A step closes when event time passes its end plus the allowed lateness (an event-time timer); optionally as soon
 * as every segment of the zone has a reading (with any older open step of the zone, in time order), or when the
 * zone's readings pause for {@code closeAfterQuietMillis} (processing time). Optionally a provisional forecast is issued
 * on every reading, from a copy of the state.
 *
 * <p><b>State.</b> Everything about a zone is one {@link ZoneMemory} in keyed state (RocksDB in production). The
 * operator works on the zones it owns in memory and writes the ones that changed back to keyed state when a checkpoint
 * is taken ({@link #snapshotState}, where it switches the key itself - the reason this is an operator and not a
 * process function). So a reading costs array accesses, not a RocksDB read and write, and every checkpoint still holds
 * the state as of its barrier: exactly once, restore and rescaling work as for any keyed state. After a restore a zone
 * is read from keyed state the first time it is touched. The heap holds the working copy of every zone this subtask
 * has seen (about 100 bytes per segment plus the open steps).
 *
 * <p><b>Event time</b> is the readings' watermark alone. The second input, the model-version control stream, carries
 * no event time: its watermarks and idleness are ignored. (Left to the default two-input rule, event time was the
 * minimum over active inputs, so when the readings went idle after a pause the control input's end-of-input watermark
 * closed every open step at once and every later reading was refused as too late.) While the feed pauses, event time
 * stays put; open steps close by completeness or quiet.
 *
 * <p><b>Models</b> come in on the second input as registry versions. A version is loaded and checked on arrival; a
 * corrupt file or a model of another network or zoning is refused (log line, {@code modelsRefused} metric) and the
 * running model stays. An accepted version is recorded in broadcast state and each zone switches to it at its next
 * step boundary, from a fresh state of the new model (the latent coordinates of two models are not comparable).
 */
public final class ZoneOperator extends AbstractStreamOperator<IssuedForecast>
        implements TwoInputStreamOperator<ReadingEvent, String, IssuedForecast>, Triggerable<Integer, VoidNamespace> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ZoneOperator.class);
    private static final String CURRENT = "current";

    /** Broadcast state: {@code "current"} -> the accepted model version. */
    public static final MapStateDescriptor<String, String> MODEL_VERSION =
            new MapStateDescriptor<>("model-version", String.class, String.class);

    /** Side output of the readings accepted into a step (the history archive). */
    public static final OutputTag<ReadingEvent> ACCEPTED =
            new OutputTag<>("accepted-readings", TypeInformation.of(ReadingEvent.class));

    private final ModelRef initial;
    private final NetworkLayout layout;
    private final boolean forecastOnEveryUpdate;
    private final boolean closeWhenComplete;
    private final long closeAfterQuietMillis;
    private final boolean emitAccepted;

    private transient Map<String, RunningModel> loaded;
    private transient Set<String> refused;
    private transient ZoneIntake intake;
    private transient ValueState<ZoneMemory> memory;
    private transient TypeSerializer<ZoneMemory> memoryCopier;
    private transient TypeSerializer<ZoneState> stateCopier;
    private transient BroadcastState<String, String> versions;
    private transient InternalTimerService<VoidNamespace> timers;
    /** [zone] working copy, null until the zone is first touched by this subtask. */
    private transient ZoneMemory[] working;
    /** Zones changed since the last checkpoint: {@code dirtyZones[0..dirtyCount)}, flagged in {@code dirty}. */
    private transient boolean[] dirty;
    private transient int[] dirtyZones;
    private transient int dirtyCount;
    private transient float[][] rowOfZone;
    private transient StreamRecord<IssuedForecast> forecastRecord;
    private transient Counter forecasts;
    private transient Counter stepsClosed;
    private transient Counter modelsAccepted;
    private transient Counter modelsRefused;
    private transient RejectionCounters rejected;
    /** Most steps a zone keeps open; more close the oldest ones (see {@link #processElement1}). */
    private transient int maxOpenSteps;
    /** Processing time at which this instance was restored from a checkpoint, Long.MIN_VALUE when it started fresh. */
    private transient long restoredAtMillis;

    /**
     * @param emitAccepted also send every accepted reading to the {@link #ACCEPTED} side output
     */
    public ZoneOperator(ModelRef initial, NetworkLayout layout, boolean forecastOnEveryUpdate, boolean closeWhenComplete,
                        long closeAfterQuietMillis, boolean emitAccepted) {
        this.initial = initial;
        this.layout = layout;
        this.forecastOnEveryUpdate = forecastOnEveryUpdate;
        this.closeWhenComplete = closeWhenComplete;
        this.closeAfterQuietMillis = closeAfterQuietMillis;
        this.emitAccepted = emitAccepted;
    }

    @Override
    public void open() throws Exception {
        super.open();
        ManifoldModel model = initial.load();
        loaded = new HashMap<>();
        refused = new HashSet<>();
        loaded.put(initial.version(), new RunningModel(model));
        intake = new ZoneIntake(layout, model.credibility());
        ValueStateDescriptor<ZoneMemory> descriptor = new ValueStateDescriptor<>("zone-memory", ZoneMemory.class);
        memory = getPartitionedState(descriptor);
        memoryCopier = getRuntimeContext().createSerializer(TypeInformation.of(ZoneMemory.class));
        stateCopier = getRuntimeContext().createSerializer(TypeInformation.of(ZoneState.class));
        versions = getOperatorStateBackend().getBroadcastState(MODEL_VERSION);
        timers = getInternalTimerService("zone-steps", VoidNamespaceSerializer.INSTANCE, this);
        int zones = layout.zoneCount();
        working = new ZoneMemory[zones];
        dirty = new boolean[zones];
        dirtyZones = new int[zones];
        rowOfZone = new float[zones][];
        for (int z = 0; z < zones; z++) {
            rowOfZone[z] = new float[layout.zoneSizes()[z]];
        }
        forecastRecord = new StreamRecord<>(null);
        var metrics = getMetricGroup();
        forecasts = metrics.counter("forecasts");
        stepsClosed = metrics.counter("stepsClosed");
        modelsAccepted = metrics.counter("modelsAccepted");
        modelsRefused = metrics.counter("modelsRefused");
        rejected = new RejectionCounters(metrics);
        maxOpenSteps = (int) Math.max(ZoneMemory.MAX_OPEN_STEPS,
                layout.allowedLatenessMillis() / layout.stepMillis() + 4);
    }

    @Override
    public void initializeState(org.apache.flink.runtime.state.StateInitializationContext context) throws Exception {
        super.initializeState(context);
        restoredAtMillis = context.isRestored()
                ? getProcessingTimeService().getCurrentProcessingTime() : Long.MIN_VALUE;
    }

    @Override
    public void processElement1(StreamRecord<ReadingEvent> record) throws Exception {
        ReadingEvent e = record.getValue();
        ZoneMemory zone = touch(e.zone);
        long stepStart = layout.stepStart(e.timeMillis);
        StepAccumulator step = zone.openStep(stepStart);
        if (step == null) {
            Rejection late = intake.tooLate(zone, e, stepStart, timers.currentWatermark());
            if (late == null && zone.openSteps.length >= maxOpenSteps) {
                // Event time stalls (an input holds the watermark back): close the oldest steps rather than grow.
                closeSteps(e.zone, zone, zone.openSteps[zone.openSteps.length - maxOpenSteps].stepStart);
                late = intake.tooLate(zone, e, stepStart, timers.currentWatermark());
            }
            if (late != null) {
                deadLetter(e, late);
                return;
            }
            step = zone.open(stepStart, layout.zoneSizes()[e.zone]);
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, layout.closeTime(stepStart));
        }
        Rejection refusedReading = intake.admit(zone, step, e);
        if (refusedReading != null) {
            deadLetter(e, refusedReading);
            return;
        }
        if (emitAccepted) {
            output.collect(ACCEPTED, new StreamRecord<>(e, e.timeMillis));
        }
        if (closeAfterQuietMillis > 0) {
            long now = getProcessingTimeService().getCurrentProcessingTime();
            zone.lastReadingProcessingMillis = now;
            if (zone.quietTimerMillis == Long.MIN_VALUE) {
                zone.quietTimerMillis = now + closeAfterQuietMillis;
                timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, zone.quietTimerMillis);
            }
        }
        if (closeWhenComplete && step.complete()) {
            closeSteps(e.zone, zone, zone.newestCompleteStep());
        } else if (forecastOnEveryUpdate) {
            issueProvisional(e.zone, zone, step);
        }
    }

    @Override
    public void onEventTime(InternalTimer<Integer, VoidNamespace> timer) throws Exception {
        int z = timer.getKey();
        ZoneMemory zone = touch(z);
        long stepStart = layout.stepOfCloseTime(timer.getTimestamp());
        if (zone.openStep(stepStart) == null) {
            return; // closed early
        }
        closeSteps(z, zone, stepStart);
        if (closeWhenComplete) {
            closeSteps(z, zone, zone.newestCompleteStep());
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<Integer, VoidNamespace> timer) throws Exception {
        int z = timer.getKey();
        ZoneMemory zone = touch(z);
        zone.quietTimerMillis = Long.MIN_VALUE;
        if (zone.lastReadingProcessingMillis == Long.MIN_VALUE) {
            return;
        }
        if (zone.lastReadingProcessingMillis < restoredAtMillis) {
            // A timer restored from a checkpoint, due while the job was down: the zone has had no reading since the
            // restore, and the readings after the checkpoint are about to be replayed. Closing now would forecast the
            // open steps on partial data. The first reading after the restore sets a new quiet timer.
            return;
        }
        if (timer.getTimestamp() - zone.lastReadingProcessingMillis >= closeAfterQuietMillis) {
            closeSteps(z, zone, Long.MAX_VALUE);
        } else {
            // Readings came in since the timer was set: look again a quiet period after the newest one.
            zone.quietTimerMillis = zone.lastReadingProcessingMillis + closeAfterQuietMillis;
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, zone.quietTimerMillis);
        }
    }

    /** Closes every open step of the zone that starts at or before {@code upTo}, in time order. */
    private void closeSteps(int z, ZoneMemory zone, long upTo) throws Exception {
        if (upTo == Long.MIN_VALUE) {
            return;
        }
        for (StepAccumulator step : zone.takeUpTo(upTo)) {
            timers.deleteEventTimeTimer(VoidNamespace.INSTANCE, layout.closeTime(step.stepStart));
            close(z, zone, step);
        }
    }

    /** observe + forecast of one closed step, on the model that is current at this step boundary. */
    private void close(int z, ZoneMemory zone, StepAccumulator step) throws Exception {
        if (step.readings == 0) {
            return; // only refused readings: as if the step had never been opened
        }
        RunningModel model = current();
        if (zone.state == null || !model.version.equals(zone.modelVersion)) {
            if (zone.state != null) {
                LOG.info("zone {} switches to model {} at step {}", z, model.version, Instant.ofEpochMilli(step.stepStart));
            }
            zone.state = model.forecaster(z).newState();
            zone.modelVersion = model.version;
        }
        zone.lastClosedStep = step.stepStart;
        if (zone.state.stepMillis != Long.MIN_VALUE && step.stepStart <= zone.state.stepMillis) {
            // Steps close in time order and late readings are refused, so this means state from another run.
            LOG.warn("zone {}: step {} is not after the last observed step {}; skipped", z,
                    Instant.ofEpochMilli(step.stepStart), Instant.ofEpochMilli(zone.state.stepMillis));
            return;
        }
        float[] row = rowOfZone[z];
        step.fusedInto(row);
        model.forecaster(z).observe(zone.state, step.stepStart, row);
        stepsClosed.inc();
        emit(model, z, zone.state, row, step.maxAppendMillis);
    }

    private void issueProvisional(int z, ZoneMemory zone, StepAccumulator step) throws Exception {
        RunningModel model = current();
        ZoneState copy = zone.state == null || !model.version.equals(zone.modelVersion)
                ? model.forecaster(z).newState() : stateCopier.copy(zone.state);
        if (copy.stepMillis != Long.MIN_VALUE && step.stepStart <= copy.stepMillis) {
            return;
        }
        float[] row = rowOfZone[z];
        step.fusedInto(row);
        model.forecaster(z).observe(copy, step.stepStart, row);
        emit(model, z, copy, row, step.maxAppendMillis);
    }

    private void emit(RunningModel model, int z, ZoneState state, float[] row, long appendMillis) {
        ZoneForecast buffer = model.buffer(z);
        model.forecaster(z).forecast(state, buffer);
        for (Forecast f : Forecasts.toRecords(model.model, z, buffer, row)) {
            output.collect(forecastRecord.replace(new IssuedForecast(f, appendMillis)));
            forecasts.inc();
        }
    }

    private void deadLetter(ReadingEvent e, Rejection rejection) {
        rejected.inc(rejection.reason());
        output.collect(ForecastJob.DEAD_LETTERS, new StreamRecord<>(DeadLetter.of(rejection,
                e.segment.getBytes(StandardCharsets.UTF_8), e.payload, e.topic, e.partition, e.offset,
                System.currentTimeMillis())));
    }

    /** The working copy of zone {@code z} (the current key), read from keyed state on first touch; marked changed. */
    private ZoneMemory touch(int z) throws Exception {
        ZoneMemory zone = working[z];
        if (zone == null) {
            zone = memory.value();
            if (zone == null) {
                zone = ZoneMemory.fresh(layout.zoneSizes()[z]);
            }
            working[z] = zone;
        }
        if (!dirty[z]) {
            dirty[z] = true;
            dirtyZones[dirtyCount++] = z;
        }
        return zone;
    }

    /**
     * Writes the zones changed since the last checkpoint to keyed state, before the state backend takes its
     * snapshot. RocksDB serialises the value on update; a backend that keeps the object it is given (the heap one)
     * gets a copy, since the working copy goes on changing while the snapshot is written out.
     */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        boolean backendSerialises = getKeyedStateBackend().isSafeToReuseKVState();
        for (int k = 0; k < dirtyCount; k++) {
            int z = dirtyZones[k];
            setCurrentKey(z);
            memory.update(backendSerialises ? working[z] : memoryCopier.copy(working[z]));
            dirty[z] = false;
        }
        dirtyCount = 0;
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
        if (version == null || version.isBlank()) {
            return;
        }
        String current = versions.contains(CURRENT) ? versions.get(CURRENT) : initial.version();
        if (version.equals(current) || refused.contains(version)) {
            return;
        }
        ManifoldModel candidate;
        try {
            candidate = initial.withVersion(version).load();
        } catch (Exception e) {
            refuse(version, e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        String mismatch = layout.mismatch(candidate);
        if (mismatch != null) {
            refuse(version, mismatch);
            return;
        }
        loaded.put(version, new RunningModel(candidate));
        versions.put(CURRENT, version);
        modelsAccepted.inc();
        LOG.info("model {} accepted (was {}); zones switch at their next step", version, current);
    }

    private void refuse(String version, String why) {
        refused.add(version);
        modelsRefused.inc();
        LOG.warn("model {} refused, keeping the running model: {}", version, why);
    }

    /** The accepted model (loading it here after a restore, when broadcast state names one this instance lacks). */
    private RunningModel current() throws Exception {
        String version = versions.contains(CURRENT) ? versions.get(CURRENT) : initial.version();
        RunningModel m = loaded.get(version);
        if (m == null) {
            m = new RunningModel(initial.withVersion(version).load());
            loaded.put(version, m);
        }
        return m;
    }

    /** A loaded model with one kernel and one output buffer per zone, made on first use. */
    private static final class RunningModel {
        final ManifoldModel model;
        final String version;
        final ZoneForecaster[] forecasters;
        final ZoneForecast[] buffers;

        RunningModel(ManifoldModel model) {
            this.model = model;
            this.version = model.version();
            this.forecasters = new ZoneForecaster[model.zoneCount()];
            this.buffers = new ZoneForecast[model.zoneCount()];
        }

        ZoneForecaster forecaster(int zone) {
            if (forecasters[zone] == null) {
                forecasters[zone] = new ZoneForecaster(model.zone(zone));
            }
            return forecasters[zone];
        }

        ZoneForecast buffer(int zone) {
            if (buffers[zone] == null) {
                buffers[zone] = new ZoneForecast(model.zone(zone).horizons(), model.zone(zone).size());
            }
            return buffers[zone];
        }
    }
}
