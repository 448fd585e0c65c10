package roadcast.stream;

import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;

import roadcast.clean.CredibilityRules;
import roadcast.kriging.KrigingModel;
import roadcast.model.ManifoldModel;
import roadcast.model.ZoningRecord;

/**
 * What the stages before the zone operator need to know of the model, small enough to ship with the job graph:
 * segment ids in network order, the zone of each, the step and the credibility limits checked per record. The zone
 * operator holds the layout of the model in service and replaces it when a new version is accepted
 * ({@link #rezoned}); only the step and the time zone must stay the same for the life of a job.
 *
 * <p><b>Extended segments</b> (roads without history, forecast by the model's kriging layer) are laid out after the
 * observed ones: index {@code i >= observed segments} is kriging index {@code i - observed}, in the zone the kriging
 * layer placed it, at a row after the zone's observed segments (local index {@code observedSizes[z] + j} for the
 * zone's j-th extended segment in kriging order). So a live reading of one is cleaned and fused like any other; the
 * zone's kernel sees only the first {@code observedSizes[z]} rows.
 *
 * @param segmentIds            network order, then extended segments in kriging order
 * @param zoneOfSegment         {@code model.zoneOf(i)} per segment
 * @param localIndex            position of each segment in its zone's rows ({@code model.localIndexOf(i)})
 * @param zoneSizes             rows per zone: observed segments then extended ones
 * @param stepMillis            model step
 * @param timeZone              zone id of the data set's local time (times without offset)
 * @param maxSpeed              credibility maximum in the model's unit
 * @param allowedLatenessMillis how long after its end a step stays open
 * @param maxFutureMillis       how far event time may lead the wall clock
 * @param observedSizes         observed segments per zone (the kernel's rows); the rest of a zone's rows are extended
 * @param zoningFingerprint     the model's zoning fingerprint ({@link ZoningRecord#fingerprint}: stable zone ids over
 *                              sets of segment ids), as its card and {@code roadcast models} show it
 */
public record NetworkLayout(String[] segmentIds, int[] zoneOfSegment, int[] localIndex, int[] zoneSizes,
                            long stepMillis, String timeZone,
                            double maxSpeed, long allowedLatenessMillis, long maxFutureMillis, int[] observedSizes,
                            String zoningFingerprint) implements Serializable {

    /** A layout without extended segments whose zone ids are its zone indices (tests, models of format 1). */
    public NetworkLayout(String[] segmentIds, int[] zoneOfSegment, int[] localIndex, int[] zoneSizes, long stepMillis,
                         String timeZone, double maxSpeed, long allowedLatenessMillis, long maxFutureMillis) {
        this(segmentIds, zoneOfSegment, localIndex, zoneSizes, stepMillis, timeZone, maxSpeed, allowedLatenessMillis,
                maxFutureMillis, zoneSizes.clone(),
                ZoningRecord.fingerprint(byIndex(segmentIds, zoneOfSegment, zoneSizes.length)));
    }

    /** A layout with extended rows (after each zone's {@code observedSizes} rows) whose zone ids are its indices. */
    public NetworkLayout(String[] segmentIds, int[] zoneOfSegment, int[] localIndex, int[] zoneSizes, long stepMillis,
                         String timeZone, double maxSpeed, long allowedLatenessMillis, long maxFutureMillis,
                         int[] observedSizes) {
        this(segmentIds, zoneOfSegment, localIndex, zoneSizes, stepMillis, timeZone, maxSpeed, allowedLatenessMillis,
                maxFutureMillis, observedSizes,
                ZoningRecord.fingerprint(byIndex(segmentIds, zoneOfSegment, zoneSizes.length)));
    }

    private static Map<Integer, List<String>> byIndex(String[] segmentIds, int[] zoneOfSegment, int zones) {
        Map<Integer, List<String>> out = new HashMap<>();
        for (int z = 0; z < zones; z++) {
            out.put(z, new ArrayList<>());
        }
        for (int i = 0; i < segmentIds.length; i++) {
            out.get(zoneOfSegment[i]).add(segmentIds[i]);
        }
        return out;
    }

    public NetworkLayout {
        if (segmentIds.length != zoneOfSegment.length) {
            throw new IllegalArgumentException(segmentIds.length + " segments but " + zoneOfSegment.length + " zones");
        }
        if (observedSizes.length != zoneSizes.length) {
            throw new IllegalArgumentException(observedSizes.length + " observed sizes for " + zoneSizes.length
                    + " zones");
        }
        if (stepMillis <= 0) {
            throw new IllegalArgumentException("step must be positive, got " + stepMillis + " ms");
        }
    }

    /**
     * The layout of a model's network; lateness and future limits from the config when set, else from the model's
     * credibility rules.
     */
    public static NetworkLayout of(ManifoldModel model, Duration allowedLateness, Duration maxFuture) {
        int n = model.network().size();
        KrigingModel kriging = model.kriging();
        int m = kriging == null ? 0 : kriging.size();
        String[] ids = java.util.Arrays.copyOf(model.network().segmentIds(), n + m);
        int[] zoneOf = new int[n + m];
        int[] local = new int[n + m];
        for (int i = 0; i < n; i++) {
            zoneOf[i] = model.zoneOf(i);
            local[i] = model.localIndexOf(i);
        }
        int[] observed = new int[model.zoneCount()];
        for (int z = 0; z < observed.length; z++) {
            observed[z] = model.zone(z).size();
        }
        int[] sizes = observed.clone();
        for (int e = 0; e < m; e++) {
            // kriging order within a zone: the order of ExtendedReadings.members
            int z = kriging.zone()[e];
            ids[n + e] = kriging.segments().get(e).id();
            zoneOf[n + e] = z;
            local[n + e] = sizes[z]++;
        }
        CredibilityRules rules = model.credibility();
        return new NetworkLayout(ids, zoneOf, local, sizes, model.step().toMillis(),
                model.timeZone().getId(), rules.maxSpeed(),
                allowedLateness != null ? allowedLateness.toMillis() : rules.allowedLatenessMillis(),
                maxFuture != null ? maxFuture.toMillis() : rules.maxFutureMillis(), observed,
                ZoningRecord.fingerprint(model));
    }

    /**
     * Why a model cannot replace the running one in this job, or null when it can. Zones and segments may differ
     * (the zone operator migrates its state); the step and the local time zone may not (open steps, timers and the
     * archive are laid out in them), and a network with none of the running segments is another city, not a new
     * version of this one.
     */
    public String incompatibility(ManifoldModel other) {
        if (other.step().toMillis() != stepMillis) {
            return "its step is " + other.step() + ", the running model's " + Duration.ofMillis(stepMillis)
                    + " (restart the job to change the step)";
        }
        if (!other.timeZone().getId().equals(timeZone)) {
            return "its time zone is " + other.timeZone().getId() + ", the running model's " + timeZone;
        }
        Set<String> running = segmentSet();
        for (String id : other.network().segmentIds()) {
            if (running.contains(id)) {
                return null;
            }
        }
        return "its network shares no segment with the running model's (another network?)";
    }

    /**
     * The layout of another model of the same step: its segments and zones, this layout's lateness and future
     * limits (they come from the job's config or the first model), the new model's speed limit.
     */
    public NetworkLayout rezoned(ManifoldModel other) {
        NetworkLayout fresh = of(other, Duration.ofMillis(allowedLatenessMillis), Duration.ofMillis(maxFutureMillis));
        return new NetworkLayout(fresh.segmentIds, fresh.zoneOfSegment, fresh.localIndex, fresh.zoneSizes,
                stepMillis, timeZone, fresh.maxSpeed, allowedLatenessMillis, maxFutureMillis, fresh.observedSizes,
                fresh.zoningFingerprint);
    }

    /** Segment ids of zone {@code z} in zone-local order. */
    public String[] segmentsOfZone(int z) {
        String[] out = new String[zoneSizes[z]];
        for (int i = 0; i < segmentIds.length; i++) {
            if (zoneOfSegment[i] == z) {
                out[localIndex[i]] = segmentIds[i];
            }
        }
        return out;
    }

    /**
     * Whether zone memories (stored under some layout) hold exactly this layout's rows: as many zones, each naming
     * this layout's segments of that zone in its row order. The zoning fingerprint says which segments form which
     * zone; this also checks the row order the state was written in.
     */
    public boolean sameRows(ZoneMemory[] zones) {
        if (zones.length != zoneSizes.length) {
            return false;
        }
        for (int z = 0; z < zones.length; z++) {
            if (zones[z] == null || !Arrays.equals(zones[z].segments, segmentsOfZone(z))) {
                return false;
            }
        }
        return true;
    }

    public int zoneCount() {
        return zoneSizes.length;
    }

    public int size() {
        return segmentIds.length;
    }

    /** segment id -> network index; built on each call, so callers keep the result. */
    public Map<String, Integer> indexById() {
        Map<String, Integer> m = new HashMap<>(segmentIds.length * 2);
        for (int i = 0; i < segmentIds.length; i++) {
            m.put(segmentIds[i], i);
        }
        return m;
    }

    public Set<String> segmentSet() {
        return new HashSet<>(java.util.Arrays.asList(segmentIds));
    }

    /** Start of the step that contains {@code timeMillis} (steps aligned to the epoch). */
    public long stepStart(long timeMillis) {
        return Math.floorDiv(timeMillis, stepMillis) * stepMillis;
    }

    /**
     * Event time at which the step starting at {@code stepStart} closes: its last millisecond plus the allowed
     * lateness. A watermark W says no more readings at or before W will come, so the step [s, s + step) is complete
     * once W reaches s + step - 1.
     */
    public long closeTime(long stepStart) {
        return stepStart + stepMillis - 1 + allowedLatenessMillis;
    }

    /** Inverse of {@link #closeTime}. */
    public long stepOfCloseTime(long closeTime) {
        return closeTime - allowedLatenessMillis + 1 - stepMillis;
    }
}
