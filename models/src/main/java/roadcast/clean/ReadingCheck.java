package roadcast.clean;

/**
 * The credibility check of one reading against what its segment sent before. Causal by design (it only looks
 * back), so the offline cleaner, which runs the same check cell by cell, gives exactly the verdicts the stream
 * gives. Not thread-safe per track; the check itself is stateless.
 *
 * <p>Order of the rules: missing, range, stuck, spike. Stuck = the same exact value {@code stuckSteps} times in a
 * row, except at the highest speed the segment has ever reported: flat free-flow nights at a detector's speed cap
 * are real data, not a frozen sensor. Missing and out-of-range readings leave the track untouched;
 * stuck and spike readings still enter it, so that a genuine level shift (congestion onset) is accepted again after
 * two readings instead of being rejected forever.
 */
public final class ReadingCheck {

    private final CredibilityRules rules;

    public ReadingCheck(CredibilityRules rules) {
        this.rules = rules;
    }

    public CredibilityRules rules() {
        return rules;
    }

    /** Judges {@code speed} and updates {@code track}. */
    public Verdict check(SegmentTrack track, double speed) {
        track.seen++;
        Verdict verdict = judge(track, speed);
        if (verdict != Verdict.OK) {
            track.rejected++;
        }
        return verdict;
    }

    /**
     * The stream's full check: time first (FUTURE against the processing clock, LATE against the segment's newest
     * event time), then the value rules.
     */
    public Verdict check(SegmentTrack track, long eventMillis, double speed, long nowMillis) {
        if (eventMillis > nowMillis + rules.maxFutureMillis()) {
            track.seen++;
            track.rejected++;
            return Verdict.FUTURE;
        }
        if (track.newestMillis != Long.MIN_VALUE && eventMillis < track.newestMillis - rules.allowedLatenessMillis()) {
            track.seen++;
            track.rejected++;
            return Verdict.LATE;
        }
        Verdict verdict = check(track, speed);
        if (verdict != Verdict.MISSING && eventMillis > track.newestMillis) {
            track.newestMillis = eventMillis;
        }
        return verdict;
    }

    /**
     * The rules that need no track (missing, range): what a stream that fuses several sources checks each reading
     * with before fusing; the fused value then passes {@link #check(SegmentTrack, double)} as the trainer's cleaner
     * checks the fused history.
     */
    public Verdict checkRange(double speed) {
        if (Double.isNaN(speed) || (speed == 0.0 && rules.zeroIsMissing())) {
            return Verdict.MISSING;
        }
        if (speed < rules.minSpeed() || speed > rules.maxSpeed() || Double.isInfinite(speed)) {
            return Verdict.OUT_OF_RANGE;
        }
        return Verdict.OK;
    }

    private Verdict judge(SegmentTrack track, double speed) {
        Verdict range = checkRange(speed);
        if (range != Verdict.OK) {
            return range;
        }
        if (speed == track.runValue) {
            track.runLength++;
        } else {
            track.runValue = speed;
            track.runLength = 1;
        }
        // speed-capped detectors (METR-LA clips at 70 mph) report their cap for whole nights: a legitimate flat run
        boolean atCap = !(speed < track.maxSeen);
        if (!(speed <= track.maxSeen)) {
            track.maxSeen = speed;
        }
        boolean spike = track.recentCount == 3 && Math.abs(speed - track.recentMedian()) > rules.maxJump();
        track.push(speed);
        if (track.runLength >= rules.stuckSteps() && !atCap) {
            return Verdict.STUCK;
        }
        return spike ? Verdict.SPIKE : Verdict.OK;
    }
}
