package roadcast.stream;

import java.util.Arrays;

/**
 * The count-based close rule of {@link ZoneOperator} ({@code --close-when-expected}): a zone's step may be forecast as
 * soon as every observed segment that reported in the zone's previous step has reported in this one, without waiting
 * for the segments that did not (a sensor in a dropout stays silent for many steps; a whole zone is rarely complete in
 * a real network: at 20,000 generated segments almost no zone of a few hundred is, so before this rule nearly every
 * step waited for the quiet period). The quiet period ({@code closeAfterQuiet}) and event time stay the fallbacks; a
 * step that awaits only stragglers (one or a few segments that reported last step, {@link #onlyStragglersLeft}) waits
 * a tenth of the quiet period instead.
 *
 * <p>"Reported" means a reading was received for the segment and step, accepted or refused by the cleaning rules, in
 * time or too late: a segment whose reading arrives after its zone closed early (it was silent in the step before)
 * is refused as {@code TOO_LATE} ("already forecast", never lost) but counts as reported, so the zone waits for it in
 * the next step. A segment that returns from a dropout can therefore lose at most its first step, and only when its
 * reading comes after every expected one of its zone.
 *
 * <p>The rule applies only when the previous step is the zone's last closed one, when it was forecast from readings
 * (not from carried state) and when at most {@link #MAX_SILENT_SHARE} of the zone's observed segments were silent in
 * it (at least one may always be): after an outage of many segments their return is awaited by the quiet period,
 * not refused wholesale. Not checkpointed: after a restore or a model switch (new zones) the first step of each zone
 * falls back to completeness, quiet period or event time, which is what it did before this rule. Exactly once is
 * kept (what a restored job forecasts replaces what was not committed); under at least once a step forecast again
 * after a restore may differ from its first issue where the rule had refused a reading (as with the quiet period).
 */
final class ExpectedReadings {

    /** Most share of a zone's observed segments that may have been silent in the previous step for the rule to apply. */
    static final double MAX_SILENT_SHARE = 0.1;

    /**
     * Most share of a zone's observed segments (at least one) that may still be awaited for the step to count as
     * waiting only for stragglers ({@link #onlyStragglersLeft}): a sensor that reported last step and misses this one
     * (the generated city's single misses, a dropout starting). Such a step closes after a short pause of the zone's
     * readings instead of the whole quiet period (see {@link ZoneOperator#stragglerWaitMillis}).
     */
    static final double MAX_STRAGGLER_SHARE = 0.01;

    private final long stepMillis;
    private final int[] observed;
    /** [zone] start of the step {@link #reported} describes; Long.MIN_VALUE when none. */
    private final long[] referenceStep;
    /** [zone][observed row] whether the segment reported in the reference step. */
    private final boolean[][] reported;
    /** [zone] segments with {@link #reported} set. */
    private final int[] reportedCount;
    /** [zone] the step {@link #pending} counts down for; Long.MIN_VALUE when none. */
    private final long[] pendingStep;
    /** [zone] expected segments that have not reported yet in {@link #pendingStep}. */
    private final int[] pending;

    /** @param observedSizes observed segments per zone (the rows the kernel observes) */
    ExpectedReadings(int[] observedSizes, long stepMillis) {
        int n = observedSizes.length;
        this.stepMillis = stepMillis;
        this.observed = observedSizes.clone();
        this.referenceStep = new long[n];
        this.pendingStep = new long[n];
        Arrays.fill(referenceStep, Long.MIN_VALUE);
        Arrays.fill(pendingStep, Long.MIN_VALUE);
        this.reported = new boolean[n][];
        for (int z = 0; z < n; z++) {
            reported[z] = new boolean[observedSizes[z]];
        }
        this.reportedCount = new int[n];
        this.pending = new int[n];
    }

    /** Zone {@code z} closed {@code step} from readings: who reported in it is what the next step awaits. */
    void closed(int z, StepAccumulator step) {
        boolean[] r = reported[z];
        int count = 0;
        int rows = Math.min(r.length, step.firstSource.length);
        for (int i = 0; i < rows; i++) {
            r[i] = step.firstSource[i] >= 0;
            if (r[i]) {
                count++;
            }
        }
        Arrays.fill(r, rows, r.length, false);
        reportedCount[z] = count;
        referenceStep[z] = step.stepStart;
        pendingStep[z] = Long.MIN_VALUE;
    }

    /** Zone {@code z} closed {@code stepStart} without readings: nothing to await from, the next step falls back. */
    void closedEmpty(int z, long stepStart) {
        Arrays.fill(reported[z], false);
        reportedCount[z] = 0;
        referenceStep[z] = stepStart;
        pendingStep[z] = Long.MIN_VALUE;
    }

    /** A reading of zone-local row {@code local} for the already closed {@code stepStart} (refused as too late). */
    void late(int z, int local, long stepStart) {
        if (stepStart == referenceStep[z] && local < reported[z].length && !reported[z][local]) {
            reported[z][local] = true;
            reportedCount[z]++;
        }
    }

    /**
     * The first reading of zone-local row {@code local} in the open step {@code stepStart} (accepted or refused by
     * the cleaning rules). Returns true when with it every segment the step awaits has reported: the step may close.
     */
    boolean arrived(int z, int local, long stepStart) {
        if (referenceStep[z] == Long.MIN_VALUE || stepStart != referenceStep[z] + stepMillis) {
            return false;
        }
        int silent = observed[z] - reportedCount[z];
        if (reportedCount[z] == 0 || silent > Math.max(1, (int) (MAX_SILENT_SHARE * observed[z]))) {
            return false;
        }
        if (pendingStep[z] != stepStart) {
            pendingStep[z] = stepStart;
            pending[z] = reportedCount[z];
        }
        if (local < reported[z].length && reported[z][local]) {
            pending[z]--;
        }
        return pending[z] == 0;
    }

    /** Whether zone {@code z}'s row {@code local} reported in the step the next one is compared with. */
    boolean awaited(int z, int local) {
        return local < reported[z].length && reported[z][local];
    }

    /**
     * Whether the open step {@code stepStart} of zone {@code z} awaits only a few segments more (at least one, at most
     * {@link #MAX_STRAGGLER_SHARE} of the zone's observed ones, and at least one may always be): every other segment
     * the rule awaits has reported. False when the rule does not apply to the step (see {@link #arrived}).
     */
    boolean onlyStragglersLeft(int z, long stepStart) {
        return pendingStep[z] == stepStart && pending[z] > 0
                && pending[z] <= Math.max(1, (int) (MAX_STRAGGLER_SHARE * observed[z]));
    }
}
