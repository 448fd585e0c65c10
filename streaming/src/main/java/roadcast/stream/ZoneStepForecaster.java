package roadcast.stream;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.clean.ReadingFusion;
import roadcast.forecast.Forecast;
import roadcast.forecast.Forecasts;
import roadcast.forecast.ZoneForecast;
import roadcast.forecast.ZoneForecaster;
import roadcast.forecast.ZoneState;
import roadcast.ingest.DeadLetter;
import roadcast.ingest.RejectReason;
import roadcast.ingest.Rejection;
import roadcast.model.ManifoldModel;
import roadcast.publish.IssuedForecast;

/**
 * The zone operator, keyed by zone. Readings of a step are fused as they arrive ({@link StepAccumulator}); an
 * event-time timer at the step's end plus the allowed lateness closes the step: the fused row (NaN for segments
 * without reading) goes through {@link ZoneForecaster#observe}, then {@link ZoneForecaster#forecast}, and
 * {@link Forecasts#toRecords} makes one forecast per segment of the zone. Optionally a step closes as soon as every
 * segment of the zone has a reading (with any older open step of the zone, in time order), and optionally a provisional
 * forecast is issued on every reading, from a copy of the state.
 *
 * <p>Models come in on the broadcast input as registry versions. A version is loaded and checked on arrival; a
 * corrupt file or a model of another network or zoning is refused (log line, {@code modelsRefused} metric) and the
 * running model stays. An accepted version is recorded in broadcast state and each zone switches to it at its next
 * step boundary, starting from a fresh state of the new model (the latent coordinates of two models are not
 * comparable).
 */
public final class ZoneStepForecaster
        extends KeyedBroadcastProcessFunction<Integer, ReadingEvent, String, IssuedForecast> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ZoneStepForecaster.class);
    private static final String CURRENT = "current";

    /** Broadcast state: {@code "current"} -> the accepted model version. */
    public static final MapStateDescriptor<String, String> MODEL_VERSION =
            new MapStateDescriptor<>("model-version", String.class, String.class);

    private final ModelRef initial;
    private final NetworkLayout layout;
    private final boolean forecastOnEveryUpdate;
    private final boolean closeWhenComplete;
    private final long closeAfterQuietMillis;

    private transient Map<String, RunningModel> loaded;
    private transient Set<String> refused;
    private transient ValueState<ZoneState> zoneState;
    private transient ValueState<String> zoneModelVersion;
    private transient MapState<Long, StepAccumulator> pending;
    private transient ValueState<Long> lastClosedStep;
    private transient ValueState<Long> lastReadingProcessingTime;
    private transient TypeSerializer<ZoneState> stateCopier;
    private transient float[][] rowOfZone;
    private transient Counter forecasts;
    private transient Counter stepsClosed;
    private transient Counter modelsAccepted;
    private transient Counter modelsRefused;
    private transient RejectionCounters rejected;

    public ZoneStepForecaster(ModelRef initial, NetworkLayout layout, boolean forecastOnEveryUpdate,
                              boolean closeWhenComplete, long closeAfterQuietMillis) {
        this.closeAfterQuietMillis = closeAfterQuietMillis;
        this.initial = initial;
        this.layout = layout;
        this.forecastOnEveryUpdate = forecastOnEveryUpdate;
        this.closeWhenComplete = closeWhenComplete;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        loaded = new HashMap<>();
        refused = new HashSet<>();
        loaded.put(initial.version(), new RunningModel(initial.load()));
        zoneState = getRuntimeContext().getState(new ValueStateDescriptor<>("zone-state", ZoneState.class));
        zoneModelVersion = getRuntimeContext().getState(new ValueStateDescriptor<>("zone-model", String.class));
        lastClosedStep = getRuntimeContext().getState(new ValueStateDescriptor<>("last-closed-step", Long.class));
        lastReadingProcessingTime = getRuntimeContext().getState(
                new ValueStateDescriptor<>("last-reading-processing-time", Long.class));
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-steps", Long.class,
                StepAccumulator.class));
        stateCopier = getRuntimeContext().createSerializer(TypeInformation.of(ZoneState.class));
        rowOfZone = new float[layout.zoneCount()][];
        for (int z = 0; z < rowOfZone.length; z++) {
            rowOfZone[z] = new float[layout.zoneSizes()[z]];
        }
        var metrics = getRuntimeContext().getMetricGroup();
        forecasts = metrics.counter("forecasts");
        stepsClosed = metrics.counter("stepsClosed");
        modelsAccepted = metrics.counter("modelsAccepted");
        modelsRefused = metrics.counter("modelsRefused");
        rejected = new RejectionCounters(metrics);
    }

    @Override
    public void processElement(ReadingEvent e, ReadOnlyContext ctx, Collector<IssuedForecast> out) throws Exception {
        long stepStart = layout.stepStart(e.timeMillis);
        long close = layout.closeTime(stepStart);
        StepAccumulator acc = pending.get(stepStart);
        if (acc == null) {
            Long closed = lastClosedStep.value();
            if (close <= ctx.timerService().currentWatermark() || (closed != null && stepStart <= closed)) {
                // The cleaner refuses readings of steps closed by event time; a step closed early (complete) or a
                // race with the watermark ends here, so that no reading is ever dropped silently.
                rejected.inc(RejectReason.TOO_LATE);
                ctx.output(ForecastJob.DEAD_LETTERS, DeadLetter.of(new Rejection(RejectReason.TOO_LATE,
                                "step " + Instant.ofEpochMilli(stepStart) + " of zone " + e.zone + " already forecast"),
                        e.segment.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        e.payload.getBytes(java.nio.charset.StandardCharsets.UTF_8), e.topic, e.partition, e.offset,
                        System.currentTimeMillis()));
                return;
            }
            acc = new StepAccumulator(layout.zoneSizes()[e.zone]);
            ctx.timerService().registerEventTimeTimer(close);
        }
        acc.add(layout.localIndex()[e.segmentIndex], e.speed, ReadingFusion.weight(e.source), e.appendMillis);
        pending.put(stepStart, acc);
        if (closeAfterQuietMillis > 0) {
            long now = ctx.timerService().currentProcessingTime();
            lastReadingProcessingTime.update(now);
            // Rounded up to 100 ms, so that a burst of readings shares one timer.
            ctx.timerService().registerProcessingTimeTimer(((now + closeAfterQuietMillis) / 100 + 1) * 100);
        }
        if (closeWhenComplete && acc.complete()) {
            closeCompleteSteps(e.zone, ctx.getBroadcastState(MODEL_VERSION), ctx.timerService(), out);
        } else if (forecastOnEveryUpdate) {
            issueProvisional(e.zone, stepStart, acc, ctx.getBroadcastState(MODEL_VERSION), out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<IssuedForecast> out) throws Exception {
        if (ctx.timeDomain() == org.apache.flink.streaming.api.TimeDomain.PROCESSING_TIME) {
            Long last = lastReadingProcessingTime.value();
            if (last != null && timestamp - last >= closeAfterQuietMillis) {
                closeSteps(ctx.getCurrentKey(), Long.MAX_VALUE, ctx.getBroadcastState(MODEL_VERSION),
                        ctx.timerService(), out);
            }
            return;
        }
        long stepStart = layout.stepOfCloseTime(timestamp);
        StepAccumulator acc = pending.get(stepStart);
        if (acc == null) {
            return; // closed early
        }
        pending.remove(stepStart);
        var versions = ctx.getBroadcastState(MODEL_VERSION);
        close(ctx.getCurrentKey(), stepStart, acc, versions, out);
        if (closeWhenComplete) {
            closeCompleteSteps(ctx.getCurrentKey(), versions, ctx.timerService(), out);
        }
    }

    /**
     * Closes, in time order, every pending step of the zone up to the newest complete one. Older incomplete steps go
     * with it: a complete newer step shows the feed has moved past them, so waiting for their timers would only hold
     * the complete step back (steps must be observed in order).
     */
    private void closeCompleteSteps(int zone, ReadOnlyBroadcastState<String, String> versions,
                                    org.apache.flink.streaming.api.TimerService timers, Collector<IssuedForecast> out)
            throws Exception {
        long newestComplete = Long.MIN_VALUE;
        for (Map.Entry<Long, StepAccumulator> entry : pending.entries()) {
            if (entry.getValue().complete()) {
                newestComplete = Math.max(newestComplete, entry.getKey());
            }
        }
        closeSteps(zone, newestComplete, versions, timers, out);
    }

    /** Closes every pending step of the zone that starts at or before {@code upTo}, in time order. */
    private void closeSteps(int zone, long upTo, ReadOnlyBroadcastState<String, String> versions,
                            org.apache.flink.streaming.api.TimerService timers, Collector<IssuedForecast> out)
            throws Exception {
        java.util.TreeMap<Long, StepAccumulator> open = new java.util.TreeMap<>();
        for (Map.Entry<Long, StepAccumulator> entry : pending.entries()) {
            if (entry.getKey() <= upTo) {
                open.put(entry.getKey(), entry.getValue());
            }
        }
        for (Map.Entry<Long, StepAccumulator> step : open.entrySet()) {
            pending.remove(step.getKey());
            timers.deleteEventTimeTimer(layout.closeTime(step.getKey()));
            close(zone, step.getKey(), step.getValue(), versions, out);
        }
    }

    /** observe + forecast of one closed step, on the model that is current at this step boundary. */
    private void close(int zone, long stepStart, StepAccumulator acc, ReadOnlyBroadcastState<String, String> versions,
                       Collector<IssuedForecast> out) throws Exception {
        RunningModel model = current(versions);
        ZoneState state = zoneState.value();
        if (state == null || !model.version.equals(zoneModelVersion.value())) {
            if (state != null) {
                LOG.info("zone {} switches to model {} at step {}", zone, model.version, Instant.ofEpochMilli(stepStart));
            }
            state = model.forecaster(zone).newState();
            zoneModelVersion.update(model.version);
        }
        lastClosedStep.update(stepStart);
        if (state.stepMillis != Long.MIN_VALUE && stepStart <= state.stepMillis) {
            // Timers fire in time order and late readings are refused, so this means state from another run.
            LOG.warn("zone {}: step {} is not after the last observed step {}; skipped", zone,
                    Instant.ofEpochMilli(stepStart), Instant.ofEpochMilli(state.stepMillis));
            return;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("zone {} step {}: {} readings, {} of {} segments", zone, Instant.ofEpochMilli(stepStart),
                    acc.readings, acc.covered, acc.weight.length);
        }
        float[] row = rowOfZone[zone];
        acc.fusedInto(row);
        model.forecaster(zone).observe(state, stepStart, row);
        zoneState.update(state);
        stepsClosed.inc();
        emit(model, zone, state, row, acc.maxAppendMillis, out);
    }

    private void issueProvisional(int zone, long stepStart, StepAccumulator acc, ReadOnlyBroadcastState<String, String> versions,
                                  Collector<IssuedForecast> out) throws Exception {
        RunningModel model = current(versions);
        ZoneState state = zoneState.value();
        ZoneState copy = state == null || !model.version.equals(zoneModelVersion.value())
                ? model.forecaster(zone).newState() : stateCopier.copy(state);
        if (copy.stepMillis != Long.MIN_VALUE && stepStart <= copy.stepMillis) {
            return;
        }
        float[] row = rowOfZone[zone];
        acc.fusedInto(row);
        model.forecaster(zone).observe(copy, stepStart, row);
        emit(model, zone, copy, row, acc.maxAppendMillis, out);
    }

    private void emit(RunningModel model, int zone, ZoneState state, float[] row, long appendMillis,
                      Collector<IssuedForecast> out) {
        ZoneForecast buffer = model.buffer(zone);
        model.forecaster(zone).forecast(state, buffer);
        for (Forecast f : Forecasts.toRecords(model.model, zone, buffer, row)) {
            out.collect(new IssuedForecast(f, appendMillis));
            forecasts.inc();
        }
    }

    @Override
    public void processBroadcastElement(String version, Context ctx, Collector<IssuedForecast> out) throws Exception {
        if (version == null || version.isBlank()) {
            return;
        }
        var state = ctx.getBroadcastState(MODEL_VERSION);
        String current = state.contains(CURRENT) ? state.get(CURRENT) : initial.version();
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
        state.put(CURRENT, version);
        modelsAccepted.inc();
        LOG.info("model {} accepted (was {}); zones switch at their next step", version, current);
    }

    private void refuse(String version, String why) {
        refused.add(version);
        modelsRefused.inc();
        LOG.warn("model {} refused, keeping the running model: {}", version, why);
    }

    /** The accepted model (loading it here after a restore, when broadcast state names one this instance lacks). */
    private RunningModel current(ReadOnlyBroadcastState<String, String> versions) throws Exception {
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
