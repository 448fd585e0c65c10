package roadcast.stream;

import java.util.Arrays;

/**
 * The schedule close rule of {@link ZoneOperator} ({@code --close-on-schedule GRACE}): each sensor reports at its own
 * place within the step (a detector's phase, a poller's turn, a burst's order), and that place is the same from step
 * to step. The rule learns each segment's place as its offset from the first reading of the step on its input
 * partition (append time), and closes a zone's step once every segment it awaits has reported or is known to be
 * absent: its partition has been read past a reading scheduled at least {@code grace} after the segment's own place
 * (or on to a later step), or, at the step's tail (within the grace of the previous step's last place: the end of a
 * burst or of the feed), the wall clock has passed the segment's place plus the grace and the input has stayed empty
 * (for the quiet period, see ZoneOperator).
 *
 * <p>Why: the quiet close ({@code closeAfterQuiet}, made for feeds that send a step in one burst) closes a zone at
 * the first pause of its readings; a feed spread over the step pauses within a zone (between the grid rows it covers,
 * or between two sensors' phases), so the step closed early and the rest of its readings were refused as
 * {@code TOO_LATE}, 3.9 % of them at 200,000 segments in segment order (README, issue 12); and a feed that never
 * pauses (every sensor at its own phase) never fired it, leaving the zones that miss a reading to event time,
 * minutes later. The count-based close ({@link ExpectedReadings}) awaits only the segments of the previous step, so a
 * sensor back from a dropout whose reading comes after the others is refused. Here every segment seen since the start
 * is awaited, at its place: a pause within a zone's readings closes nothing (the segments after it are not due yet),
 * a sensor that misses a step costs its zone the grace after its place, and a sensor back from a dropout at its old
 * place is not refused.
 *
 * <p>Absence is judged by order, not by elapsed time: a partition is read in append order, so once it has been read
 * past a reading scheduled later than a segment's place (plus the grace), the segment's reading, if it kept its place,
 * would have been read. A feed running late as a whole (a stalled sender) keeps its order and loses nothing. A feed
 * that does not keep its order ({@link #BREAK_READINGS} readings of a step read after the feed was read more than the
 * grace past their places, e.g. a feed that changed its shape) breaks the schedule of its partition for that step and
 * the next: the zones awaiting a segment there fall back to the other rules (quiet period, count, event time) until
 * the new order has held for a step (a log line says so). The rule applies to a zone ({@link #tracks}) once at most
 * {@link ExpectedReadings#MAX_SILENT_SHARE} of its observed segments (at least one) have not been seen since the start,
 * or once every partition has been read through a whole step (after a start the first step falls back), and decides
 * its oldest open step. The places live in the zones' memories
 * ({@link #attach}: checkpointed with them and moved by segment to a new zoning) and the partitions' anchors in
 * {@link SchedulePartitions}, so that the first step after a restore or a model switch closes by the schedule too.
 */
final class ReadingSchedule {

    /** {@link #check}: every awaited segment has reported or is known to be absent: the step may close. */
    static final long CLOSE = 0;
    /** {@link #check}: the rule does not decide this step (a partition off its schedule, or not in the step yet). */
    static final long NOT_APPLICABLE = -1;
    /** {@link #check}: a segment's place plus the grace has passed on the wall clock; the input must stay empty. */
    static final long CONFIRM = -2;

    private static final long UNKNOWN = Long.MIN_VALUE;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReadingSchedule.class);

    /**
     * Readings of one step out of the order their places say (read after the feed was read more than the grace past
     * them) after which a partition counts as off its schedule: a feed that changed its shape sends thousands; a few
     * segments whose places are stale (silent since a step whose sending stalled) must not take every zone off the
     * rule (each such reading is at worst refused itself).
     */
    static final int BREAK_READINGS = 10;

    private final long graceMillis;
    private final long stepMillis;
    private final int[] observed;
    /**
     * [zone][row] offset of its last reading from the first of that step on its partition, ms: the zone's
     * {@link ZoneMemory#placeOffsets} once {@link #attach}ed (only the observed rows are used).
     */
    private final long[][] offset;
    /** [zone][row] step of its last reading with a known place; {@link #UNKNOWN} when never seen ({@link ZoneMemory#placeSteps}). */
    private final long[][] seenStep;
    /** [zone] rows with a known place. */
    private final int[] known;
    /** [zone] the step {@link #pending} counts down for. */
    private final long[] pendingStep;
    /** [zone] rows with a known place that have not reported yet in {@link #pendingStep}. */
    private final int[] pending;
    /**
     * [partition slot] newest step read, its first reading's append time, and how far the feed has been read in it:
     * the largest place read, each taken as the smaller of two readings' in a row, so that one segment whose place
     * is stale (learned in a step whose sending stalled, it was silent since) does not carry the position past
     * segments still due.
     */
    private long[] anchorStep = new long[0];
    private long[] anchorAppend = new long[0];
    private long[] position = new long[0];
    /**
     * [partition slot] newest step in which {@link #BREAK_READINGS} readings came after the feed had been read more
     * than the grace past their places, and the count of such readings in its newest step.
     */
    private long[] brokenStep = new long[0];
    private int[] disorders = new int[0];
    /**
     * [partition slot] the latest reading read in its newest step: append time and place (the anchor and 0 until a
     * reading with a known place is read): where the feed stands against its schedule, for the wall-clock path.
     */
    private long[] lastAppend = new long[0];
    private long[] lastPlace = new long[0];
    /** [partition slot] place of the reading before the latest; Long.MIN_VALUE when none in the step. */
    private long[] previousPlace = new long[0];
    /**
     * [partition slot] the largest offset read in its newest step, and in the step before ({@link Long#MIN_VALUE}
     * until one has ended): only a segment within the grace of the previous step's last place may be taken as absent
     * by the wall clock. Earlier in the step an empty input means a stalled sender (at load 10 the feed's thread is
     * starved for hundreds of ms), not absent readings; the readings after the stall say which are absent.
     */
    private long[] stepLastOffset = new long[0];
    private long[] tailPlace = new long[0];
    /**
     * [partition slot] steps it has entered since the start, counted up to 3 (a restored slot starts at 1, its
     * restored step): the first may have been joined midway, the second was entered at its first reading, so at the
     * third the second has been read whole.
     */
    private int[] entered = new int[0];
    /** Partition slots read so far, and how many of them have been read through a whole step ({@link #entered}). */
    private int slotsRead;
    private int slotsThroughAStep;

    /**
     * @param observedSizes observed segments per zone (extended segments are not awaited)
     * @param graceMillis   how far behind its place a reading may come (in the feed's order) and still be awaited
     */
    ReadingSchedule(int[] observedSizes, long stepMillis, long graceMillis) {
        int n = observedSizes.length;
        this.graceMillis = graceMillis;
        this.stepMillis = stepMillis;
        this.observed = observedSizes.clone();
        this.offset = new long[n][];
        this.seenStep = new long[n][];
        for (int z = 0; z < n; z++) {
            offset[z] = new long[observedSizes[z]];
            seenStep[z] = new long[observedSizes[z]];
            Arrays.fill(seenStep[z], UNKNOWN);
        }
        this.known = new int[n];
        this.pendingStep = new long[n];
        Arrays.fill(pendingStep, UNKNOWN);
        this.pending = new int[n];
    }

    /**
     * Takes the places kept in {@code zones} (this layout's, one per zone; state written before the places were
     * kept has none, and the rule learns them again) as the rule's own: it learns into them from now on, so they are
     * checkpointed and moved to a new zoning with the zones.
     */
    void attach(ZoneMemory[] zones) {
        for (int z = 0; z < zones.length && z < offset.length; z++) {
            ZoneMemory m = zones[z];
            m.ensurePlaces();
            offset[z] = m.placeOffsets;
            seenStep[z] = m.placeSteps;
            int k = 0;
            for (int local = 0; local < observed[z]; local++) {
                if (seenStep[z][local] != UNKNOWN) {
                    k++;
                }
            }
            known[z] = k;
            pendingStep[z] = UNKNOWN;
        }
    }

    /** Where the rule stands on each input partition slot, into {@code into} (see {@link SchedulePartitions}). */
    void save(SchedulePartitions into) {
        into.anchorStep = anchorStep.clone();
        into.anchorAppend = anchorAppend.clone();
        into.stepLastOffset = stepLastOffset.clone();
        into.tailPlace = tailPlace.clone();
    }

    /**
     * Takes up where {@link #save} left each partition slot (after a restore, or from the rule of the model before a
     * switch): the step it is in and its anchor, so that the places learned in a step restored midway are still
     * measured from that step's first reading. How far the step has been read is not kept: nothing counts as read
     * past until two readings with places have been read again.
     */
    void restore(SchedulePartitions from) {
        if (from.anchorStep == null || from.anchorAppend == null || from.stepLastOffset == null
                || from.tailPlace == null) {
            return;
        }
        int n = Math.min(Math.min(from.anchorStep.length, from.anchorAppend.length),
                Math.min(from.stepLastOffset.length, from.tailPlace.length));
        if (n == 0) {
            return;
        }
        ensureSlot(n - 1);
        for (int slot = 0; slot < n; slot++) {
            anchorStep[slot] = from.anchorStep[slot];
            anchorAppend[slot] = from.anchorAppend[slot];
            stepLastOffset[slot] = from.stepLastOffset[slot];
            tailPlace[slot] = from.tailPlace[slot];
            lastAppend[slot] = from.anchorAppend[slot];
            lastPlace[slot] = 0;
            // the restored step, replayed from the checkpoint, is not read whole
            entered[slot] = from.anchorStep[slot] == Long.MIN_VALUE ? 0 : 1;
        }
    }

    /**
     * A reading of zone {@code z}'s row {@code local} for step {@code stepStart}, read from partition {@code slot}
     * ({@link InputProgress#read}) with append time {@code appendMillis}; every reading read, whatever becomes of it.
     * Returns true when with it every segment the rule awaits in that step has reported (see {@link #tracks}).
     */
    boolean read(int z, int local, int slot, long stepStart, long appendMillis) {
        ensureSlot(slot);
        slotsRead = Math.max(slotsRead, slot + 1);
        if (stepStart > anchorStep[slot]) {
            if (entered[slot] < 3 && ++entered[slot] == 3) {
                slotsThroughAStep++;
            }
            if (anchorStep[slot] != Long.MIN_VALUE) {
                tailPlace[slot] = stepLastOffset[slot];
            }
            stepLastOffset[slot] = 0;
            anchorStep[slot] = stepStart;
            anchorAppend[slot] = appendMillis;
            position[slot] = Long.MIN_VALUE;
            lastAppend[slot] = appendMillis;
            lastPlace[slot] = 0;
            previousPlace[slot] = Long.MIN_VALUE;
            disorders[slot] = 0;
        }
        if (local >= observed[z]) {
            return false;
        }
        long seen = seenStep[z][local];
        if (seen != UNKNOWN && seen >= stepStart) {
            return false; // a second reading of the step (another source, a duplicate), or an older step's
        }
        boolean inStep = stepStart == anchorStep[slot];
        // Only places learned in the step just before say where the feed is: a segment silent since keeps a place
        // from a step whose sending may have stalled differently (a stall compresses the places of the readings due
        // during it), and two such in a row carried the position past segments still due.
        if (inStep && seen == stepStart - stepMillis) {
            long place = offset[z][local];
            if (place + graceMillis < position[slot] && ++disorders[slot] == BREAK_READINGS) {
                brokenStep[slot] = stepStart; // the feed no longer keeps the order its places say
                LOG.warn("input partition slot {} does not keep its schedule in step {} ({} readings came after the"
                        + " feed was read more than {} ms past their places): zones awaiting its segments fall back to"
                        + " the other close rules for this step and the next", slot, stepStart, BREAK_READINGS,
                        graceMillis);
            }
            position[slot] = Math.max(position[slot], Math.min(place, previousPlace[slot]));
            previousPlace[slot] = place;
            lastAppend[slot] = appendMillis;
            lastPlace[slot] = place;
        }
        if (pendingStep[z] != stepStart) {
            pendingStep[z] = stepStart;
            pending[z] = 0;
            long[] steps = seenStep[z];
            for (int row = 0; row < observed[z]; row++) {
                if (steps[row] != UNKNOWN && steps[row] < stepStart) {
                    pending[z]++;
                }
            }
        }
        if (seen != UNKNOWN) {
            pending[z]--;
        }
        if (inStep) {
            if (seen == UNKNOWN) {
                known[z]++;
            }
            offset[z][local] = appendMillis - anchorAppend[slot];
            stepLastOffset[slot] = Math.max(stepLastOffset[slot], offset[z][local]);
            seenStep[z][local] = stepStart;
        } else if (seen != UNKNOWN) {
            seenStep[z][local] = stepStart; // reported; its partition has moved on, so its place stays the old one
        }
        return seen != UNKNOWN && pending[z] == 0 && tracks(z);
    }

    /**
     * Whether the rule speaks for zone {@code z}: one of its segments has a place, and either every input partition
     * has been read through a whole step since the start (or a restore), or at most
     * {@link ExpectedReadings#MAX_SILENT_SHARE} of its observed segments (at least one) have not been seen since the
     * start. Until a whole step has been read, a segment not seen may only have reported before the job joined the
     * step (a start midway through it): awaited by nobody, most of a zone would be refused in the next step. After a
     * whole step it is silent: a sensor in an outage, whose first reading back is refused if it comes after the rest
     * of its zone, once. The share held for good, a zone with more than a tenth of its sensors in an outage (12.8 % of
     * a zone of the generated 20,000-segment city) fell back to the quiet close for as long as they were out, which in
     * a feed spread over the step closes at the first pause of its readings and refuses the rest: one zone's 200
     * readings a step, and the job's lag p99 at 20,000 segments (README, issue 12, twelfth pass).
     */
    boolean tracks(int z) {
        if (known[z] == 0) {
            return false;
        }
        boolean wholeStepRead = slotsRead > 0 && slotsThroughAStep == slotsRead;
        int unseen = observed[z] - known[z];
        return wholeStepRead || unseen <= Math.max(1, (int) (ExpectedReadings.MAX_SILENT_SHARE * observed[z]));
    }

    /**
     * Whether zone {@code z}'s open step {@code stepStart} may close now ({@link #CLOSE}), waits for the input to be
     * read ({@link #CONFIRM}), or is to be looked at again at the returned wall-clock time; {@link #NOT_APPLICABLE}
     * when an awaited segment's partition has not reached the step or is off its schedule.
     *
     * @param nowMillis   wall clock (the same clock as the input's append times, up to the grace)
     * @param inputEmpty  the operator has read nothing for at least the grace: nothing sent in time is still queued
     * @param slotPlusOne [zone-local row] the partition slot of the segment's last reading + 1; 0 = none
     */
    long check(int z, long stepStart, long nowMillis, boolean inputEmpty, int[] slotPlusOne) {
        if (!tracks(z)) {
            return NOT_APPLICABLE;
        }
        long[] seen = seenStep[z];
        long latestDue = Long.MIN_VALUE;
        boolean confirm = false;
        for (int local = 0; local < observed[z]; local++) {
            if (seen[local] == UNKNOWN || seen[local] >= stepStart) {
                continue; // not awaited, or reported
            }
            int slot = slotPlusOne[local] - 1;
            if (slot < 0 || slot >= anchorStep.length || anchorStep[slot] < stepStart) {
                return NOT_APPLICABLE;
            }
            if (anchorStep[slot] > stepStart) {
                // its partition is on to a later step: by the feed's step order, whatever the places say (a zone
                // whose readings run to the step's end, as in a sensor-phase feed, closes at the next step's first)
                continue;
            }
            if (brokenStep[slot] >= stepStart - stepMillis) {
                return NOT_APPLICABLE;
            }
            long place = offset[z][local] + graceMillis;
            if (position[slot] >= place) {
                continue; // read past its place
            }
            // due on the wall clock as the feed now runs: a feed late (or early) against the places it showed in
            // earlier steps (a sender that was slow then, or is now) moves every later place by as much
            long due = lastAppend[slot] + place - lastPlace[slot];
            if (place < tailPlace[slot]) {
                // not at the step's tail: only readings after it can say it is absent; look again a grace later
                latestDue = Math.max(latestDue, Math.max(due, nowMillis + graceMillis));
            } else if (nowMillis >= due) {
                confirm |= !inputEmpty;
            } else {
                latestDue = Math.max(latestDue, due);
            }
        }
        if (latestDue != Long.MIN_VALUE) {
            return latestDue;
        }
        return confirm ? CONFIRM : CLOSE;
    }

    private void ensureSlot(int slot) {
        if (slot < anchorStep.length) {
            return;
        }
        int from = anchorStep.length;
        int n = Math.max(slot + 1, 2 * from);
        anchorStep = Arrays.copyOf(anchorStep, n);
        anchorAppend = Arrays.copyOf(anchorAppend, n);
        position = Arrays.copyOf(position, n);
        previousPlace = Arrays.copyOf(previousPlace, n);
        disorders = Arrays.copyOf(disorders, n);
        brokenStep = Arrays.copyOf(brokenStep, n);
        stepLastOffset = Arrays.copyOf(stepLastOffset, n);
        tailPlace = Arrays.copyOf(tailPlace, n);
        Arrays.fill(tailPlace, from, n, Long.MIN_VALUE);
        lastAppend = Arrays.copyOf(lastAppend, n);
        lastPlace = Arrays.copyOf(lastPlace, n);
        entered = Arrays.copyOf(entered, n);
        Arrays.fill(anchorStep, from, n, Long.MIN_VALUE);
        Arrays.fill(position, from, n, Long.MIN_VALUE);
        Arrays.fill(previousPlace, from, n, Long.MIN_VALUE);
        Arrays.fill(brokenStep, from, n, Long.MIN_VALUE);
    }
}
