package roadcast.alerting;

import roadcast.forecast.Forecast;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Forecast records, as the follower reads them from the partitions of {@code roadcast.forecast}, grouped back into
 * network steps (all records of one issue time). The stream issues a forecast for every segment of the model at every
 * closed step, so a step is ready when it holds as many records as the recent steps did; it is also ready, as complete
 * as it will get, when a later step is ready (each partition delivers its records in issue order) or when the newest
 * record is {@value #OVERTAKEN_STEPS} steps ahead of it. A record of a step already handed on is counted, not used.
 */
final class StepAssembler {

    /** One network step: every record issued at {@code issuedAt}, by segment. */
    record Step(long issuedAt, long stepMillis, Map<String, Forecast> records) {
    }

    static final int OVERTAKEN_STEPS = 3;
    /** Steps whose size sets the size a step must reach to be complete (the largest of them). */
    private static final int RECENT = 6;

    private final TreeMap<Long, Map<String, Forecast>> pending = new TreeMap<>();
    private final Deque<Integer> recentSizes = new ArrayDeque<>();
    private int expectedAtStart;
    private long lastHandedOn = Long.MIN_VALUE;
    private long newest = Long.MIN_VALUE;
    private long late;

    /** @param expected records a step holds before any was seen (the catalog's segments; 0 = unknown) */
    StepAssembler(int expected) {
        this.expectedAtStart = expected;
    }

    /** Adds records; returns the steps that became ready, oldest first. */
    List<Step> add(Collection<Forecast> forecasts) {
        for (Forecast f : forecasts) {
            if (f.issuedAt() <= lastHandedOn) {
                late++;
                continue;
            }
            pending.computeIfAbsent(f.issuedAt(), t -> new LinkedHashMap<>()).put(f.segment(), f);
            newest = Math.max(newest, f.issuedAt());
        }
        List<Step> ready = new ArrayList<>();
        while (!pending.isEmpty()) {
            Map.Entry<Long, Map<String, Forecast>> first = pending.firstEntry();
            long stepMillis = stepOf(first.getValue());
            boolean ready1 = complete(first.getValue()) || newest - first.getKey() >= OVERTAKEN_STEPS * stepMillis
                || pending.tailMap(first.getKey(), false).values().stream().anyMatch(this::complete);
            if (!ready1) {
                break;
            }
            pending.pollFirstEntry();
            lastHandedOn = first.getKey();
            recentSizes.addLast(first.getValue().size());
            if (recentSizes.size() > RECENT) {
                recentSizes.removeFirst();
            }
            ready.add(new Step(first.getKey(), stepMillis, first.getValue()));
        }
        return ready;
    }

    /** Records that came after their step was handed on. */
    long late() {
        return late;
    }

    private boolean complete(Map<String, Forecast> step) {
        int expected = recentSizes.isEmpty() ? expectedAtStart
            : recentSizes.stream().mapToInt(Integer::intValue).max().orElse(0);
        return expected > 0 && step.size() >= expected;
    }

    /** The model's step: its first horizon (every step is forecast, the first one step ahead). */
    static long stepOf(Map<String, Forecast> step) {
        for (Forecast f : step.values()) {
            if (f.horizonsMin().length > 0) {
                return f.horizonsMin()[0] * 60_000L;
            }
        }
        return 5 * 60_000L;
    }
}
