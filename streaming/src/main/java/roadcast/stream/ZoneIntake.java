package roadcast.stream;

import java.time.Instant;
import java.util.Locale;

import roadcast.clean.CredibilityRules;
import roadcast.clean.ReadingCheck;
import roadcast.clean.ReadingFusion;
import roadcast.clean.Verdict;
import roadcast.fusion.FusionModel;
import roadcast.ingest.RejectReason;
import roadcast.ingest.Rejection;

/**
 * The per-segment rules a parsed reading passes before it is fused into its zone's open step, in the order a reading
 * can fail them: too late (its step has already been forecast), duplicate (same segment, time and source), then the
 * credibility rules of the model ({@link ReadingCheck} on the segment's track: the rules the trainer cleaned its
 * history with). No Flink in here, so the rules are tested alone; {@link ZoneOperator} applies them.
 */
final class ZoneIntake {

    private final NetworkLayout layout;
    private final ReadingCheck check;
    /** The model's learned fusion, null when it has none (then readings are fused by {@code ReadingFusion}). */
    private final FusionModel fusion;

    ZoneIntake(NetworkLayout layout, CredibilityRules rules) {
        this(layout, rules, null);
    }

    /**
     * @param fusion the model card's learned fusion, or null: with one, a reading passes the rules that need no
     *               track (missing, range) and is kept per source; the fused value of the step passes the track
     *               rules at the step's close ({@link #cleanFused}), as the trainer cleaned its fused history
     */
    ZoneIntake(NetworkLayout layout, CredibilityRules rules, FusionModel fusion) {
        this.layout = layout;
        this.check = new ReadingCheck(rules);
        this.fusion = fusion;
    }

    /**
     * TOO_LATE when a reading's step is not open and cannot be opened any more: event time has passed the step's
     * close time, or the zone has already forecast that step or a later one (closed early, when complete or quiet).
     *
     * @param watermark the operator's event time, Long.MIN_VALUE before the first watermark
     * @return null when the step may be opened
     */
    Rejection tooLate(ZoneMemory zone, ReadingEvent e, long stepStart, long watermark) {
        if (watermark != Long.MIN_VALUE && watermark >= layout.closeTime(stepStart)) {
            return new Rejection(RejectReason.TOO_LATE, "time " + Instant.ofEpochMilli(e.timeMillis)
                    + ": its step was closed at watermark " + Instant.ofEpochMilli(watermark) + " (allowed lateness "
                    + layout.allowedLatenessMillis() + " ms)");
        }
        if (zone.lastClosedStep != Long.MIN_VALUE && stepStart <= zone.lastClosedStep) {
            return new Rejection(RejectReason.TOO_LATE, "step " + Instant.ofEpochMilli(stepStart) + " of zone "
                    + e.zone + " already forecast");
        }
        return null;
    }

    /**
     * The duplicate and credibility rules; an accepted reading is fused into {@code step}. Every reading that gets
     * this far is remembered (a resent rejected reading is a DUPLICATE) and moves its segment's track on.
     *
     * @return null when accepted
     */
    Rejection admit(ZoneMemory zone, StepAccumulator step, ReadingEvent e) {
        int local = layout.localIndex()[e.segmentIndex];
        int remembered = step.remember(local, e.timeMillis, e.source);
        if (remembered == StepAccumulator.DUPLICATE) {
            return new Rejection(RejectReason.DUPLICATE, "segment '" + e.segment + "' at "
                    + Instant.ofEpochMilli(e.timeMillis) + " from " + roadcast.ingest.SourceNames.name(e.source)
                    + " already received");
        }
        if (remembered == StepAccumulator.FLOODED) {
            return new Rejection(RejectReason.TOO_MANY_READINGS, "segment '" + e.segment + "' already has "
                    + StepAccumulator.MAX_READINGS_PER_SEGMENT + " readings in step "
                    + Instant.ofEpochMilli(step.stepStart));
        }
        if (fusion != null) {
            if (fusion.slot(e.source) < 0) {
                return new Rejection(RejectReason.WRONG_TYPE, "source " + roadcast.ingest.SourceNames.name(e.source)
                        + " is not one the model's fusion was fitted on (" + fusedSources() + ")");
            }
            Verdict range = check.checkRange(e.speed);
            if (range != Verdict.OK) {
                return new Rejection(reasonOf(range), "credibility rule " + range.name().toLowerCase(Locale.ROOT)
                        + ": speed " + e.speed + " of segment " + e.segment + " at "
                        + Instant.ofEpochMilli(e.timeMillis));
            }
            step.add(local, e.speed, 1.0, e.appendMillis);
            step.addForFusion(local, e.source, e.speed, e.flow, e.occupancy);
            return null;
        }
        Verdict verdict = check.check(zone.tracks[local], e.speed);
        if (verdict != Verdict.OK) {
            return new Rejection(reasonOf(verdict), "credibility rule " + verdict.name().toLowerCase(Locale.ROOT)
                    + ": speed " + e.speed + " of segment " + e.segment + " at " + Instant.ofEpochMilli(e.timeMillis));
        }
        step.add(local, e.speed, ReadingFusion.weight(e.source), e.appendMillis);
        return null;
    }

    /**
     * The track rules (stuck, spike) on a row fused by the learned fusion, segment by segment, in step order: the
     * check the trainer's {@code HistoryCleaner} ran over its fused history. A rejected value becomes NaN (the
     * kernel imputes it); its readings were each accepted (and archived), so there is no record to dead-letter.
     *
     * @return fused values rejected
     */
    int cleanFused(ZoneMemory zone, float[] row) {
        int rejected = 0;
        for (int i = 0; i < row.length; i++) {
            if (!Float.isNaN(row[i]) && check.check(zone.tracks[i], row[i]) != Verdict.OK) {
                row[i] = Float.NaN;
                rejected++;
            }
        }
        return rejected;
    }

    private String fusedSources() {
        StringBuilder names = new StringBuilder();
        for (var c : fusion.sources()) {
            names.append(names.length() == 0 ? "" : ", ").append(roadcast.ingest.SourceNames.name(c.source()));
        }
        return names.toString();
    }

    /** The dead-letter reason of a credibility verdict (the verdict is also named in the detail text). */
    static RejectReason reasonOf(Verdict verdict) {
        switch (verdict) {
            case MISSING:
                return RejectReason.NOT_A_NUMBER;
            case OUT_OF_RANGE:
                return RejectReason.IMPOSSIBLE_SPEED;
            case STUCK:
                return RejectReason.STUCK;
            case SPIKE:
                return RejectReason.SPIKE;
            case FUTURE:
                return RejectReason.TOO_FAR_IN_FUTURE;
            case LATE:
                return RejectReason.TOO_LATE;
            default:
                throw new IllegalArgumentException("verdict " + verdict + " is not a rejection");
        }
    }
}
