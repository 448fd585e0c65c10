package roadcast.stream;

import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import roadcast.clean.CredibilityRules;
import roadcast.model.ManifoldModel;

/**
 * What the stages before the zone operator need to know of the model, small enough to ship with the job graph:
 * segment ids in network order, the zone of each, the step and the credibility limits checked per record. The zone
 * partition is fixed for the life of a job (a reloaded model must keep it, see {@link ZoneOperator}).
 *
 * @param segmentIds            network order
 * @param zoneOfSegment         {@code model.zoneOf(i)} per segment
 * @param localIndex            position of each segment in its zone's rows ({@code model.localIndexOf(i)})
 * @param zoneSizes             segments per zone
 * @param stepMillis            model step
 * @param timeZone              zone id of the data set's local time (times without offset)
 * @param maxSpeed              credibility maximum in the model's unit
 * @param allowedLatenessMillis how long after its end a step stays open
 * @param maxFutureMillis       how far event time may lead the wall clock
 */
public record NetworkLayout(String[] segmentIds, int[] zoneOfSegment, int[] localIndex, int[] zoneSizes,
                            long stepMillis, String timeZone,
                            double maxSpeed, long allowedLatenessMillis, long maxFutureMillis) implements Serializable {

    public NetworkLayout {
        if (segmentIds.length != zoneOfSegment.length) {
            throw new IllegalArgumentException(segmentIds.length + " segments but " + zoneOfSegment.length + " zones");
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
        int[] zoneOf = new int[n];
        int[] local = new int[n];
        for (int i = 0; i < n; i++) {
            zoneOf[i] = model.zoneOf(i);
            local[i] = model.localIndexOf(i);
        }
        int[] sizes = new int[model.zoneCount()];
        for (int z = 0; z < sizes.length; z++) {
            sizes[z] = model.zone(z).size();
        }
        CredibilityRules rules = model.credibility();
        return new NetworkLayout(model.network().segmentIds(), zoneOf, local, sizes, model.step().toMillis(),
                model.timeZone().getId(), rules.maxSpeed(),
                allowedLateness != null ? allowedLateness.toMillis() : rules.allowedLatenessMillis(),
                maxFuture != null ? maxFuture.toMillis() : rules.maxFutureMillis());
    }

    /** Whether another model partitions the same segments into the same zones (required for a hot reload). */
    public String mismatch(ManifoldModel other) {
        String[] ids = other.network().segmentIds();
        if (ids.length != segmentIds.length) {
            return "its network has " + ids.length + " segments, the running model's " + segmentIds.length;
        }
        for (int i = 0; i < ids.length; i++) {
            if (!ids[i].equals(segmentIds[i])) {
                return "its segment " + i + " is '" + ids[i] + "', the running model's '" + segmentIds[i] + "'";
            }
        }
        if (other.step().toMillis() != stepMillis) {
            return "its step is " + other.step() + ", the running model's " + Duration.ofMillis(stepMillis);
        }
        for (int i = 0; i < ids.length; i++) {
            if (other.zoneOf(i) != zoneOfSegment[i] || other.localIndexOf(i) != localIndex[i]) {
                return "segment " + ids[i] + " is in another zone (restart the job to change the zoning)";
            }
        }
        return null;
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
