package roadcast.stream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;

import roadcast.forecast.ZoneForecaster;
import roadcast.forecast.ZoneState;

/**
 * Moves the zone operator's state from one zoning to another, segment by segment (by id, never by position): the
 * credibility track, the open steps' fused sums and received (time, source) pairs, and the recent fused rows go to
 * the segment's zone under the new layout. Segments the new layout adds start with a fresh track and no rows (the
 * kernel imputes them from the zone's projection until they report); segments it drops are left behind and named in
 * the result. Each new zone's forecaster state is re-estimated by observing its recent rows in time order with the
 * new model's kernel, from a fresh state: what the new model's backtest over the same rows holds after them, once the
 * rows cover the kernel's lags (see {@link ZoneMemory#RECENT_STEPS}).
 *
 * <p>The caller ({@link ZoneOperator}) first closes, under the old model, every open step at or before the newest
 * step any zone has closed, so that all open steps lie after all recent rows (a step boundary of the whole network).
 * Pure: no Flink, tested alone.
 */
final class Rezoning {

    /**
     * @param zones   the new zones' memories, index = new zone
     * @param moved   segments carried over (credibility track and rows)
     * @param added   ids the new layout has and the old state had not
     * @param removed ids the old state had and the new layout has not
     */
    record Result(ZoneMemory[] zones, int moved, List<String> added, List<String> removed) {
    }

    private Rezoning() {
    }

    /** Where a segment was: its old zone's memory and its row there. */
    private record Place(ZoneMemory zone, int local) {
    }

    /**
     * @param old          memories of the old zoning (any order; null entries are zones never touched)
     * @param layout       the new layout
     * @param version      registry version of the new model
     * @param forecasterOf the new model's kernel of a zone
     */
    static Result regroup(ZoneMemory[] old, NetworkLayout layout, String version, IntFunction<ZoneForecaster> forecasterOf) {
        Map<String, Place> placeOf = new HashMap<>();
        for (ZoneMemory zone : old) {
            if (zone == null) {
                continue;
            }
            for (int j = 0; j < zone.segments.length; j++) {
                placeOf.put(zone.segments[j], new Place(zone, j));
            }
        }
        // The network's newest closed step: a zone made only of added segments starts after it, so that the
        // event-time timers of steps already closed (they fire up to the allowed lateness later) do not forecast
        // steps before the switch under the new version.
        long networkClosed = Long.MIN_VALUE;
        for (ZoneMemory zone : old) {
            if (zone != null) {
                networkClosed = Math.max(networkClosed, zone.lastClosedStep);
            }
        }
        Set<String> present = new HashSet<>();
        List<String> added = new ArrayList<>();
        int moved = 0;
        ZoneMemory[] zones = new ZoneMemory[layout.zoneCount()];
        for (int z = 0; z < zones.length; z++) {
            String[] ids = layout.segmentsOfZone(z);
            int n = ids.length;
            ZoneMemory m = ZoneMemory.fresh(ids);
            Place[] from = new Place[n];
            Set<ZoneMemory> sources = new LinkedHashSet<>();
            for (int j = 0; j < n; j++) {
                from[j] = placeOf.get(ids[j]);
                present.add(ids[j]);
                if (from[j] == null) {
                    added.add(ids[j]);
                    continue;
                }
                moved++;
                m.tracks[j] = from[j].zone.tracks[from[j].local];
                moveFusionTracks(from[j].zone, from[j].local, m, j);
                movePlace(from[j].zone, from[j].local, m, j);
                sources.add(from[j].zone);
            }
            for (ZoneMemory src : sources) {
                m.lastClosedStep = Math.max(m.lastClosedStep, src.lastClosedStep);
                m.lastReadingProcessingMillis = Math.max(m.lastReadingProcessingMillis, src.lastReadingProcessingMillis);
                if (src.quietTimerMillis != Long.MIN_VALUE
                        && (m.quietTimerMillis == Long.MIN_VALUE || src.quietTimerMillis < m.quietTimerMillis)) {
                    m.quietTimerMillis = src.quietTimerMillis;
                }
            }
            if (sources.isEmpty()) {
                m.lastClosedStep = networkClosed;
            }
            int observed = layout.observedSizes()[z];
            long firstOpen = moveOpenSteps(m, from, sources, observed);
            rebuildRecentRows(m, from, sources, firstOpen);
            m.modelVersion = version;
            if (m.recentSteps[0] != Long.MIN_VALUE) {
                ZoneForecaster kernel = forecasterOf.apply(z);
                ZoneState state = kernel.newState();
                // the kernel's rows: the zone's observed segments (extended rows follow them)
                float[] row = new float[observed];
                for (int k = ZoneMemory.RECENT_STEPS - 1; k >= 0; k--) {
                    if (m.recentSteps[k] != Long.MIN_VALUE) {
                        System.arraycopy(m.recentSpeeds, k * n, row, 0, observed);
                        kernel.observe(state, m.recentSteps[k], row);
                    }
                }
                m.state = state;
            }
            zones[z] = m;
        }
        List<String> removed = new ArrayList<>();
        for (String id : placeOf.keySet()) {
            if (!present.contains(id)) {
                removed.add(id);
            }
        }
        removed.sort(null);
        return new Result(zones, moved, added, removed);
    }

    /**
     * Re-lays the open steps of the source zones in the new zone's rows (those where one of its segments had a reading);
     * returns the earliest open step of any source zone.
     */
    private static long moveOpenSteps(ZoneMemory m, Place[] from, Set<ZoneMemory> sources, int observed) {
        TreeSet<Long> starts = new TreeSet<>();
        for (ZoneMemory src : sources) {
            for (StepAccumulator s : src.openSteps) {
                starts.add(s.stepStart);
            }
        }
        int n = from.length;
        for (long start : starts) {
            if (!anyReceived(from, start)) {
                continue; // none of this zone's segments had a reading in that step
            }
            StepAccumulator to = m.open(start, n, observed);
            for (int j = 0; j < n; j++) {
                if (from[j] == null) {
                    continue;
                }
                StepAccumulator s = from[j].zone.openStep(start);
                if (s == null) {
                    continue;
                }
                int o = from[j].local;
                to.weightedSpeed[j] = s.weightedSpeed[o];
                to.weight[j] = s.weight[o];
                to.firstTime[j] = s.firstTime[o];
                to.firstSource[j] = s.firstSource[o];
                if (s.weight[o] > 0) {
                    if (j < observed) {
                        to.covered++;
                    }
                    to.readings++;
                }
                for (int k = 0; k < s.extraCount; k++) {
                    if (s.extraSegment[k] == o) {
                        appendExtra(to, j, s.extraTime[k], s.extraSource[k]);
                    }
                }
                if (s.sources != null) {
                    for (SourceCells c : s.sources) {
                        if (c.speedCount[o] > 0 || c.flow != null && c.flowCount[o] > 0
                                || c.occupancy != null && c.occupancyCount[o] > 0) {
                            to.cellsOf(roadcast.reading.Source.values()[c.source]).copyCell(c, o, j);
                        }
                    }
                }
                to.maxAppendMillis = Math.max(to.maxAppendMillis, s.maxAppendMillis);
            }
        }
        return starts.isEmpty() ? Long.MAX_VALUE : starts.first();
    }

    /**
     * The schedule close rule's place of one segment, from its old row to its new one: where in the step a sensor
     * reports does not depend on the zone it is grouped in, so the first step after a switch closes by the schedule.
     */
    private static void movePlace(ZoneMemory src, int from, ZoneMemory to, int row) {
        if (src.placeSteps == null || src.placeOffsets == null || src.placeSlots == null
                || from >= src.placeSteps.length) {
            return; // state written before the places were kept: unknown, as after a start
        }
        to.placeOffsets[row] = src.placeOffsets[from];
        to.placeSteps[row] = src.placeSteps[from];
        to.placeSlots[row] = src.placeSlots[from];
    }

    /** The learned fusion's tracks of one segment (every source), from its old row to its new one. */
    private static void moveFusionTracks(ZoneMemory src, int from, ZoneMemory to, int row) {
        if (src.fusionTracks == null) {
            return;
        }
        double[] target = to.fusionTracks();
        int oldSize = src.segments.length;
        int newSize = to.segments.length;
        for (int s = 0; s < roadcast.reading.Source.values().length; s++) {
            target[s * newSize + row] = src.fusionTracks[s * oldSize + from];
        }
    }

    private static boolean anyReceived(Place[] from, long start) {
        for (Place p : from) {
            if (p != null) {
                StepAccumulator s = p.zone.openStep(start);
                if (s != null && s.firstSource[p.local] >= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void appendExtra(StepAccumulator to, int local, long time, byte source) {
        if (to.extraCount == to.extraSegment.length) {
            int grown = Math.max(8, to.extraCount * 2);
            to.extraSegment = Arrays.copyOf(to.extraSegment, grown);
            to.extraTime = Arrays.copyOf(to.extraTime, grown);
            to.extraSource = Arrays.copyOf(to.extraSource, grown);
        }
        to.extraSegment[to.extraCount] = local;
        to.extraTime[to.extraCount] = time;
        to.extraSource[to.extraCount] = source;
        to.extraCount++;
    }

    /**
     * The new zone's recent rows: the union of its source zones' recent steps before {@code before} (newest
     * {@link ZoneMemory#RECENT_STEPS}), each segment's value where its old zone had that step, NaN elsewhere (a
     * segment that had no reading, or is new).
     */
    private static void rebuildRecentRows(ZoneMemory m, Place[] from, Set<ZoneMemory> sources, long before) {
        TreeSet<Long> steps = new TreeSet<>();
        for (ZoneMemory src : sources) {
            for (long s : src.recentSteps) {
                if (s != Long.MIN_VALUE && s < before) {
                    steps.add(s);
                }
            }
        }
        int n = from.length;
        Arrays.fill(m.recentSpeeds, Float.NaN);
        int k = 0;
        for (Long step : steps.descendingSet()) {
            if (k == ZoneMemory.RECENT_STEPS) {
                break;
            }
            m.recentSteps[k] = step;
            for (int j = 0; j < n; j++) {
                if (from[j] == null) {
                    continue;
                }
                ZoneMemory src = from[j].zone;
                int row = indexOf(src.recentSteps, step);
                if (row >= 0) {
                    m.recentSpeeds[k * n + j] = src.recentSpeeds[row * src.segments.length + from[j].local];
                }
            }
            k++;
        }
    }

    private static int indexOf(long[] steps, long step) {
        for (int k = 0; k < steps.length; k++) {
            if (steps[k] == step) {
                return k;
            }
        }
        return -1;
    }
}
