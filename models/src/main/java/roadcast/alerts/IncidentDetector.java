package roadcast.alerts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import roadcast.model.HorizonLeads;

/**
 * Detects incidents as sudden breakdowns the model did not expect, segment by segment, one step at a time (the same
 * code for a replay and a live feed):
 * <ul>
 *   <li>a breakdown starts with a sudden fall: at least {@link Settings#minJump()} under the previous reading, which
 *       was itself no more than {@link Settings#onTrack()} under what the forecast expected (a road running as
 *       expected breaks down; a peak already deeper than usual that goes on deepening is not an incident);</li>
 *   <li>a step is <b>below</b> when the observed speed is under the lower band of the expectation and at least
 *       {@link Settings#minDrop()} under its speed; the band its callers give is the detector's own
 *       ({@link AlertBand}: each road's unshrunk error scale), not the published forecast band;</li>
 *   <li>the expectation is the forecast issued one step before the onset (the <b>anchor</b>), read at the lead that
 *       has passed since (its last horizon beyond): a forecast issued during the breakdown has already seen it and
 *       would call it normal;</li>
 *   <li>a breakdown starting while a segment directly downstream is itself breaking down, alerted or queued (since
 *       an earlier step, clearing at this one, or starting at this one at least as deep) is the queue of that
 *       incident spilling back, followed silently (no alert of its own), however many links the queue reaches as
 *       long as it is contiguous. The whole step is read before its onsets are told apart, so the segments' order
 *       in the network decides nothing;</li>
 *   <li>after {@link Settings#persistSteps()} steps below in a row the breakdown must show <b>spill-back</b>: an
 *       incident takes capacity away at one place, so a queue grows onto the segments feeding it while nothing else
 *       changes around them; a peak that is merely deeper than usual on one road has no such queue. At least
 *       {@link Settings#upstreamShare()} of the upstream neighbours with a reading must be
 *       {@link Settings#upstreamDrop()} under their own expectation (from the same anchor, at the same lead); a
 *       segment with no upstream neighbour reporting is judged on its own persistence. Confirmed, it is an alert
 *       (start = onset); not confirmed within {@link Settings#confirmSteps()} more steps, the breakdown is dismissed
 *       (the segment is normal again: only a new sudden fall starts another);</li>
 *   <li>when more than {@link Settings#areaShare()} of the reporting downstream neighbours have fallen as much
 *       (from the same anchor), the area is slowing, not one road breaking down: the breakdown is dismissed. This
 *       check stands on its own when no spill-back is required (a feed whose incident roads queue little behind
 *       them, as SUMO's rerouting vehicles do);</li>
 *   <li>opt-in ({@link Settings#slideDrop()}): a breakdown may also start as a <b>slide</b>, without a sudden fall,
 *       judged on its readings in a row under the band and the roads it feeds running normally;</li>
 *   <li>{@link Settings#clearSteps()} steps in a row not below clear an alert or a queue.</li>
 * </ul>
 * Not thread-safe; one per replay or operator.
 */
public final class IncidentDetector {

    /** The deep-pair setting's suffix that asks for the queue behind too ({@code deep-pair=0.50+queue}). */
    private static final String PAIR_QUEUE = "+queue";

    /**
     * @param persistSteps  steps below in a row before the spill-back is judged
     * @param clearSteps    steps not below in a row before an alert or a queue clears
     * @param minDrop       relative shortfall under the expected speed required, besides being under the band
     * @param minJump       relative fall from the segment's previous reading required at the onset: a breakdown is
     *                      sudden, a peak that is merely deeper than usual comes on over many steps
     * @param upstreamDrop  relative shortfall under its own expectation that counts an upstream neighbour as queued
     * @param upstreamShare share of the reporting upstream neighbours that must be queued to confirm an incident
     *                      (0 = no spill-back required: persistence alone makes an alert)
     * @param confirmSteps  further steps below during which the spill-back may still appear before the breakdown is
     *                      dismissed
     * @param onTrack       how far under its own expectation the reading before the onset may lie: an incident
     *                      breaks a road that was running as expected, a peak going deeper than usual was already
     *                      under it (1 = not checked)
     * @param areaShare     an incident is local: when more than this share of the reporting downstream neighbours
     *                      are {@link #upstreamDrop()} under their own expectation too, the area is slowing and the
     *                      breakdown is dismissed (1 = not checked). Independent of the spill-back requirement: a
     *                      feed whose incident roads queue little behind them (vehicles rerouting, sparse probes
     *                      upstream) can still tell a local breakdown from a jam over the area
     * @param deepDrop      a fall at least this far under the expectation on every reading so far is strong
     *                      evidence: two such readings confirm it when {@link #persistSteps()} asks for more (a feed
     *                      whose roads are read every 10-15 min cannot wait for three); 1 = off
     * @param deepContrast  the two deep readings confirm only when the roads it feeds show the contrast an incident
     *                      makes and recurrent congestion does not: at least one reporting, none of them
     *                      {@link #upstreamDrop()} under its expectation
     * @param deepQueue     with {@link #deepContrast()}: when a road it feeds has slowed too (the contrast fails), the
     *                      two deep readings still confirm when the queue shows behind: at least half of the reporting
     *                      upstream neighbours (one at least) {@link #upstreamDrop()} under their expectation, a larger
     *                      share than of the roads it feeds. One probe road ahead read slow (a red light) otherwise
     *                      hides an incident whose queue a loop behind it reads plainly
     * @param jumpReadings  the onset's fall is measured from the highest of this many readings before it (1 or 2): an
     *                      incident starting inside a data step splits its fall over two readings (a loop's 5-min
     *                      mean holds a few minutes of each), neither of them sudden enough alone. The reading before
     *                      last counts only when the three readings are at consecutive steps: on a road read now and
     *                      then by probes it is older, and a fall from it is a slide, not an onset
     * @param bandCap       the farthest under the expectation the forecast's lower band may reach and still count: a
     *                      reading is under the band when it is under max(lower, (1 - bandCap) x expected). A road
     *                      read by a few floating cars has a band down to 0-25% of its expectation (the model's band
     *                      is calibrated on noisy readings), under which no incident reading falls; its drop under
     *                      the expectation ({@link #minDrop()}, {@link #deepDrop()}) is then the evidence. 1 = the
     *                      band as the model gives it
     * @param queueEarly    two readings below confirm, before {@link #persistSteps()}, when the queue shows behind:
     *                      at least half of the reporting upstream neighbours (one at least) {@link #upstreamDrop()}
     *                      under their own expectation, and the area not slowing ({@link #areaShare()}). A road read
     *                      every 10-15 min rarely gives three readings; a queue on the roads feeding it is the evidence
     *                      a probe held at a red light does not make
     * @param sparseDrop    on a <b>sparse</b> road (its previous reading more than one step before: read by passing
     *                      floating cars, not by a loop) one reading this far under the expectation, band or not,
     *                      confirms at once when its neighbours agree: at least half of the reporting upstream
     *                      neighbours (one at least) {@link #upstreamDrop()} under their own expectation (the queue
     *                      behind it) and the area not slowing ({@link #areaShare()}). Such a road is often read once
     *                      while an incident lasts, and its band reaches down to 0-25% of the expectation; the
     *                      neighbours' agreement is what keeps a probe held at a red light from alerting. 1 = off
     * @param sparseHold    with {@link #sparseDrop()}: a breakdown on a probe road (unread at some step of the last
     *                      hour) whose every reading so far was {@link #sparseDrop()} under its expectation is also
     *                      judged on its neighbours at the {@link #HOLD_STEPS} steps after its last reading when it
     *                      goes unread: the queue behind an incident grows while no probe passes the road itself, so
     *                      the evidence often comes 5-10 min after its one or two readings. It confirms when at least
     *                      half of the reporting upstream neighbours (one at least) are {@link #upstreamDrop()} under
     *                      their expectation and none of the roads it feeds is (one at least reporting: the contrast
     *                      of {@link #deepContrast()})
     * @param deepApartDrop two readings at least this far under the expectation confirm like two deep ones
     *                      ({@link #deepDrop()}, with the same contrast check) when they were taken at least two steps
     *                      apart: on a road read by passing floating cars, not by a loop. Two readings 10 min or more
     *                      apart come from different vehicles, so one held at a red light does not make both, and
     *                      such a road rarely gives a third reading while an incident lasts; a loop road gives its
     *                      third 5 min later, so it keeps {@link #deepDrop()} and its persistence. 1 = off
     * @param deepProbeDrop two readings at least this far under the expectation confirm like two deep ones on a
     *                      <b>probe road</b>: one that went unread at some step of the last hour
     *                      ({@link #LOOP_WINDOW_MILLIS}), so no loop reads it. Such a road is read by passing floating
     *                      cars and rarely gives a third reading while an incident lasts; a loop road keeps
     *                      {@link #deepDrop()} and its persistence. 1 = off
     * @param queueSlowest  the roads feeding a suspect (its queue: {@link #upstreamShare()}, {@link #deepQueue()},
     *                      {@link #queueEarly()}, {@link #sparseDrop()}) are judged on the slowest of their sources'
     *                      calibrated readings when the caller gives them ({@link #step(long, float[], float[],
     *                      double[][], double[][], long, long, List)}), not on the fused one. A loop in the middle
     *                      of the road behind an incident keeps reading the free-flow speed of the few vehicles still
     *                      passing it while the floating cars read the queue at the road's end; the fusion, weighting
     *                      the loop, hides that queue. The roads ahead keep the fused reading (a probe held at a red
     *                      light ahead would otherwise refuse the contrast). false = the fused reading everywhere
     * @param slideDrop     a breakdown may also start <b>without</b> a sudden fall, a <b>slide</b>: a reading under
     *                      the band and at least this far under the expectation (not {@link #minDrop()}) starts one. A
     *                      mild incident (a slow-down to 40% of the limit) on a loop road slides 8-27% under its
     *                      expectation over 10-15 min with no step falling {@link #minJump()}, which the detector
     *                      otherwise waits for. A slide confirms only at {@link #slideReadings()} readings in a row
     *                      this far under, with the roads it feeds showing the contrast of {@link #deepContrast()}
     *                      (at least one reporting, none {@link #upstreamDrop()} under its expectation): a peak deeper
     *                      than usual slides the roads ahead as well. A sudden fall during a slide starts a breakdown
     *                      of the usual kind from it. 1 = off
     * @param slideReadings with {@link #slideDrop()}: the readings in a row a slide needs before it is judged
     * @param dropoutFeeders a suspect whose onset is its first reading after a <b>dropout</b> (its reading before
     *                      lies more than one step back) is also queued behind by a road feeding it that fell
     *                      {@link #upstreamDrop()} in one step while it was unread, and still reads that far under
     *                      its reading before that fall. Its anchor, issued the step before its onset, has already
     *                      seen those feeders slow and calls them normal (generated city 500/2, a validation seed:
     *                      S00260's incident began two hours into its dropout, its feeders fell 26-28% the step after,
     *                      and read at its expectation when it was read again, so it was dismissed); no forecast from
     *                      before the dropout reaches that far, so the feeders' own readings are the reference.
     *                      On in {@link #defaults()} (chosen on the 12 validation cities, README); a setting that
     *                      does not require spill-back ({@code up=...x0.00}, as {@link #forFusedFeed()}) never reads it
     * @param pairDrop      two readings confirm before {@link #persistSteps()} when one is {@link #deepDrop()} under
     *                      the expectation and the other only this far under, with the roads it feeds showing the
     *                      contrast of {@link #deepContrast()} (one at least reporting, none {@link #upstreamDrop()}
     *                      under): a probe road is read twice while many incidents last, and one of the two probes may
     *                      read it shallower (entering the slow zone, or past it: 61-67% under in the feed cities'
     *                      validation misses), which {@link #deepDrop()} alone refuses. 1 = off (in both validated
     *                      settings: the pooled validation does not choose it, README); needs {@link #deepDrop()} on
     * @param pairQueue     with {@link #pairDrop()}: the roads feeding it must also show its queue (at least half of
     *                      the reporting ones, one at least, {@link #upstreamDrop()} under their own expectation): the
     *                      corroboration a probe held at a red light twice does not make
     * @param oneDrop       one reading at least this far under the expectation (band or not) confirms a breakdown, at
     *                      its onset step or the step after (read or not), when the roads feeding it show its queue
     *                      ({@link #oneQueue()}) and the roads it feeds run normally (one at least reporting, none
     *                      {@link #upstreamDrop()} under: the contrast of {@link #deepContrast()}, so a slowing area
     *                      is not an incident). In the feed cities a quarter of the validation misses are read once
     *                      while the incident lasts (README, issue 13), which no rule waiting for a second reading of
     *                      the road finds; the neighbours are all the evidence there is. 1 = off (in both validated
     *                      settings: on the pooled validation it finds no incident more, as the queue behind rarely
     *                      shows at the one reading's step or the next, and adds 15-270 false alerts; README)
     * @param oneQueue      with {@link #oneDrop()}: how many roads feeding it must read {@link #upstreamDrop()} under
     *                      their expectation (all those reporting when fewer report, one at least)
     */
    public record Settings(int persistSteps, int clearSteps, double minDrop, double minJump, double upstreamDrop,
                           double upstreamShare, int confirmSteps, double onTrack, double areaShare, double deepDrop,
                           boolean deepContrast, boolean deepQueue, int jumpReadings, double bandCap,
                           boolean queueEarly, double sparseDrop, boolean sparseHold, double deepApartDrop,
                           double deepProbeDrop, boolean queueSlowest, double slideDrop, int slideReadings,
                           boolean dropoutFeeders, double pairDrop, boolean pairQueue, double oneDrop,
                           int oneQueue) {

        /** Steps after a probe road's last reading during which {@link #sparseHold()} judges its neighbours. */
        public static final int HOLD_STEPS = 2;

        /** A road unread at some step of this long before a reading is a probe road ({@link #deepProbeDrop()}). */
        public static final long LOOP_WINDOW_MILLIS = 60 * 60_000L;

        /** Chosen on validation carved from the training part (README, "Incident alerts"). */
        public static final double DEFAULT_UPSTREAM_DROP = 0.25;
        public static final double DEFAULT_UPSTREAM_SHARE = 0.5;
        public static final double DEFAULT_ON_TRACK = 0.2;
        public static final double DEFAULT_AREA_SHARE = 0.5;

        public Settings {
            if (persistSteps < 1 || clearSteps < 1 || confirmSteps < 0) {
                throw new IllegalArgumentException("persistSteps and clearSteps must be >= 1, confirmSteps >= 0");
            }
            if (!(upstreamShare >= 0 && upstreamShare <= 1) || !(upstreamDrop >= 0 && upstreamDrop < 1)) {
                throw new IllegalArgumentException("upstreamShare must be in [0, 1] and upstreamDrop in [0, 1)");
            }
            if (!(onTrack > 0 && onTrack <= 1)) {
                throw new IllegalArgumentException("onTrack must be in (0, 1], got " + onTrack);
            }
            if (!(areaShare >= 0 && areaShare <= 1)) {
                throw new IllegalArgumentException("areaShare must be in [0, 1], got " + areaShare);
            }
            if (!(deepDrop > 0 && deepDrop <= 1)) {
                throw new IllegalArgumentException("deepDrop must be in (0, 1], got " + deepDrop);
            }
            if (deepQueue && !deepContrast) {
                throw new IllegalArgumentException("deepQueue qualifies deepContrast: it needs deepContrast on");
            }
            if (jumpReadings < 1 || jumpReadings > 2) {
                throw new IllegalArgumentException("jumpReadings must be 1 or 2, got " + jumpReadings);
            }
            if (!(bandCap > 0 && bandCap <= 1)) {
                throw new IllegalArgumentException("bandCap must be in (0, 1], got " + bandCap);
            }
            if (!(sparseDrop > 0 && sparseDrop <= 1)) {
                throw new IllegalArgumentException("sparseDrop must be in (0, 1], got " + sparseDrop);
            }
            if (sparseHold && !(sparseDrop < 1)) {
                throw new IllegalArgumentException("sparseHold qualifies sparseDrop: it needs sparseDrop < 1");
            }
            if (!(deepApartDrop > 0 && deepApartDrop <= 1)) {
                throw new IllegalArgumentException("deepApartDrop must be in (0, 1], got " + deepApartDrop);
            }
            if (!(slideDrop > 0 && slideDrop <= 1) || slideReadings < 2) {
                throw new IllegalArgumentException("slideDrop must be in (0, 1] and slideReadings >= 2, got "
                    + slideDrop + " and " + slideReadings);
            }
            if (!(deepProbeDrop > 0 && deepProbeDrop <= 1)) {
                throw new IllegalArgumentException("deepProbeDrop must be in (0, 1], got " + deepProbeDrop);
            }
            if (!(pairDrop > 0 && pairDrop <= 1) || pairDrop < 1 && !(deepDrop < 1)
                || pairQueue && !(pairDrop < 1)) {
                throw new IllegalArgumentException("pairDrop must be in (0, 1] and needs deepDrop < 1; pairQueue needs "
                    + "pairDrop < 1, got " + pairDrop + ", " + deepDrop + ", " + pairQueue);
            }
            if (!(oneDrop > 0 && oneDrop <= 1) || oneQueue < 1) {
                throw new IllegalArgumentException("oneDrop must be in (0, 1] and oneQueue >= 1, got " + oneDrop
                    + " and " + oneQueue);
            }
        }

        /** The detector's defaults, chosen on validation carved from the training part (README, "Incident alerts"). */
        public static Settings defaults() {
            return new Settings(2, 2, 0.3, 0.3, DEFAULT_UPSTREAM_DROP, DEFAULT_UPSTREAM_SHARE, 0, DEFAULT_ON_TRACK,
                DEFAULT_AREA_SHARE, 1, false, false, 1, 1, false, 1, false, 1, 1, false, 1, 4, true, 1, false, 1, 1);
        }

        /**
         * The setting for a feed whose sources (loops, floating cars) are fused into one speed per road, as the
         * sumo-grid style cities are: chosen by the pooled validation of seven feed cities, on validation parts
         * carved from their training parts (README, "A slide rule, built and chosen by the pooled validation",
         * the line marked {@code <- chosen}). {@link #defaults()} is the choice for generated cities with one clean
         * speed per road; the feed's readings are sparser and noisier, which the longer persistence, the capped
         * band and the slide rule answer. {@code IncidentDetectorTest} holds this string equal to the README's.
         */
        public static Settings forFusedFeed() {
            return parse("persist=3 clear=2 drop=0.20 jump=0.30 up=0.25x0.00 confirm=0 on-track=1.00 area=1.00 "
                + "deep=0.70+contrast band-cap=0.70 slide=0.10x4");
        }

        /**
         * The validated setting for the kind of input the detector reads: {@link #forFusedFeed()} when its speeds
         * are a fused multi-source feed (a model whose card has a fusion), else {@link #defaults()}.
         */
        public static Settings forInput(boolean fusedFeed) {
            return fusedFeed ? forFusedFeed() : defaults();
        }

        /**
         * A builder starting at {@link #defaults()}: the way to state settings that differ from them, naming only
         * what differs ({@code Settings.builder().persistSteps(3).deepDrop(0.7).deepContrast(true).build()}).
         */
        public static Builder builder() {
            return defaults().toBuilder();
        }

        /** A builder starting at these settings: a variant of them. */
        public Builder toBuilder() {
            return new Builder(this);
        }

        /**
         * Settings one component at a time, each setter named after the record component it sets (documented on
         * {@link Settings}); {@link #build()} checks them as the record does.
         */
        public static final class Builder {
            private int persistSteps;
            private int clearSteps;
            private double minDrop;
            private double minJump;
            private double upstreamDrop;
            private double upstreamShare;
            private int confirmSteps;
            private double onTrack;
            private double areaShare;
            private double deepDrop;
            private boolean deepContrast;
            private boolean deepQueue;
            private int jumpReadings;
            private double bandCap;
            private boolean queueEarly;
            private double sparseDrop;
            private boolean sparseHold;
            private double deepApartDrop;
            private double deepProbeDrop;
            private boolean queueSlowest;
            private double slideDrop;
            private int slideReadings;
            private boolean dropoutFeeders;
            private double pairDrop;
            private boolean pairQueue;
            private double oneDrop;
            private int oneQueue;

            private Builder(Settings s) {
                persistSteps = s.persistSteps;
                clearSteps = s.clearSteps;
                minDrop = s.minDrop;
                minJump = s.minJump;
                upstreamDrop = s.upstreamDrop;
                upstreamShare = s.upstreamShare;
                confirmSteps = s.confirmSteps;
                onTrack = s.onTrack;
                areaShare = s.areaShare;
                deepDrop = s.deepDrop;
                deepContrast = s.deepContrast;
                deepQueue = s.deepQueue;
                jumpReadings = s.jumpReadings;
                bandCap = s.bandCap;
                queueEarly = s.queueEarly;
                sparseDrop = s.sparseDrop;
                sparseHold = s.sparseHold;
                deepApartDrop = s.deepApartDrop;
                deepProbeDrop = s.deepProbeDrop;
                queueSlowest = s.queueSlowest;
                slideDrop = s.slideDrop;
                slideReadings = s.slideReadings;
                dropoutFeeders = s.dropoutFeeders;
                pairDrop = s.pairDrop;
                pairQueue = s.pairQueue;
                oneDrop = s.oneDrop;
                oneQueue = s.oneQueue;
            }

            public Builder persistSteps(int v) {
                persistSteps = v;
                return this;
            }

            public Builder clearSteps(int v) {
                clearSteps = v;
                return this;
            }

            public Builder minDrop(double v) {
                minDrop = v;
                return this;
            }

            public Builder minJump(double v) {
                minJump = v;
                return this;
            }

            public Builder upstreamDrop(double v) {
                upstreamDrop = v;
                return this;
            }

            /** 0 = no spill-back required. */
            public Builder upstreamShare(double v) {
                upstreamShare = v;
                return this;
            }

            public Builder confirmSteps(int v) {
                confirmSteps = v;
                return this;
            }

            /** 1 = not checked. */
            public Builder onTrack(double v) {
                onTrack = v;
                return this;
            }

            /** 1 = not checked. */
            public Builder areaShare(double v) {
                areaShare = v;
                return this;
            }

            /** 1 = off. */
            public Builder deepDrop(double v) {
                deepDrop = v;
                return this;
            }

            public Builder deepContrast(boolean v) {
                deepContrast = v;
                return this;
            }

            public Builder deepQueue(boolean v) {
                deepQueue = v;
                return this;
            }

            public Builder jumpReadings(int v) {
                jumpReadings = v;
                return this;
            }

            /** 1 = the band as the model gives it. */
            public Builder bandCap(double v) {
                bandCap = v;
                return this;
            }

            public Builder queueEarly(boolean v) {
                queueEarly = v;
                return this;
            }

            /** 1 = off. */
            public Builder sparseDrop(double v) {
                sparseDrop = v;
                return this;
            }

            public Builder sparseHold(boolean v) {
                sparseHold = v;
                return this;
            }

            /** 1 = off. */
            public Builder deepApartDrop(double v) {
                deepApartDrop = v;
                return this;
            }

            /** 1 = off. */
            public Builder deepProbeDrop(double v) {
                deepProbeDrop = v;
                return this;
            }

            public Builder queueSlowest(boolean v) {
                queueSlowest = v;
                return this;
            }

            /** 1 = off. */
            public Builder slideDrop(double v) {
                slideDrop = v;
                return this;
            }

            public Builder slideReadings(int v) {
                slideReadings = v;
                return this;
            }

            public Builder dropoutFeeders(boolean v) {
                dropoutFeeders = v;
                return this;
            }

            /** 1 = off. */
            public Builder pairDrop(double v) {
                pairDrop = v;
                return this;
            }

            public Builder pairQueue(boolean v) {
                pairQueue = v;
                return this;
            }

            /** 1 = off. */
            public Builder oneDrop(double v) {
                oneDrop = v;
                return this;
            }

            public Builder oneQueue(int v) {
                oneQueue = v;
                return this;
            }

            /** @throws IllegalArgumentException as the record's constructor, naming the setting out of range */
            public Settings build() {
                return new Settings(persistSteps, clearSteps, minDrop, minJump, upstreamDrop, upstreamShare,
                    confirmSteps, onTrack, areaShare, deepDrop, deepContrast, deepQueue, jumpReadings, bandCap,
                    queueEarly, sparseDrop, sparseHold, deepApartDrop, deepProbeDrop, queueSlowest, slideDrop,
                    slideReadings, dropoutFeeders, pairDrop, pairQueue, oneDrop, oneQueue);
            }
        }

        /**
         * Reads the short form of {@link #toString()} ({@code persist=3 drop=0.20 deep=0.70+contrast ...}); a key
         * left out keeps its default, so {@code parse(s.toString()).equals(s)}.
         *
         * @throws IllegalArgumentException naming the bad or unknown part
         */
        public static Settings parse(String text) {
            Builder b = builder();
            for (String part : text.trim().split("\\s+")) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("'" + part + "' is not key=value (keys: persist, clear, drop, "
                        + "jump, jump-over, up=DROPxSHARE, confirm, on-track, area, deep=DROP[+contrast[|queue]], "
                        + "deep-apart, deep-probe, band-cap, queue-early, sparse, queue-view=fused|slowest, "
                        + "slide=DROPxREADINGS, dropout-feeders, deep-pair=DROP[+queue], one=DROPxQUEUED)");
                }
                String key = part.substring(0, eq);
                String value = part.substring(eq + 1);
                try {
                    switch (key) {
                        case "persist" -> b.persistSteps(Integer.parseInt(value));
                        case "clear" -> b.clearSteps(Integer.parseInt(value));
                        case "confirm" -> b.confirmSteps(Integer.parseInt(value));
                        case "jump-over" -> b.jumpReadings(Integer.parseInt(value));
                        case "drop" -> b.minDrop(Double.parseDouble(value));
                        case "jump" -> b.minJump(Double.parseDouble(value));
                        case "on-track" -> b.onTrack(Double.parseDouble(value));
                        case "area" -> b.areaShare(Double.parseDouble(value));
                        case "band-cap" -> b.bandCap(Double.parseDouble(value));
                        case "sparse" -> {
                            boolean hold = value.endsWith("+hold");
                            b.sparseHold(hold);
                            b.sparseDrop(Double.parseDouble(hold ? value.substring(0, value.length() - 5) : value));
                        }
                        case "deep-apart" -> b.deepApartDrop(Double.parseDouble(value));
                        case "deep-probe" -> b.deepProbeDrop(Double.parseDouble(value));
                        case "deep-pair" -> {
                            boolean queue = value.endsWith(PAIR_QUEUE);
                            b.pairQueue(queue);
                            b.pairDrop(Double.parseDouble(
                                    queue ? value.substring(0, value.length() - PAIR_QUEUE.length()) : value));
                        }
                        case "one" -> {
                            int x = pairAt(value, "one must be DROPxQUEUED, e.g. one=0.60x2");
                            b.oneDrop(Double.parseDouble(value.substring(0, x)));
                            b.oneQueue(Integer.parseInt(value.substring(x + 1)));
                        }
                        case "slide" -> {
                            int x = pairAt(value, "slide must be DROPxREADINGS, e.g. slide=0.15x4");
                            b.slideDrop(Double.parseDouble(value.substring(0, x)));
                            b.slideReadings(Integer.parseInt(value.substring(x + 1)));
                        }
                        case "queue-view" -> {
                            if (!value.equals("slowest") && !value.equals("fused")) {
                                throw new IllegalArgumentException("queue-view must be fused or slowest, got " + value);
                            }
                            b.queueSlowest(value.equals("slowest"));
                        }
                        case "queue-early" -> b.queueEarly(flag(key, value));
                        case "dropout-feeders" -> b.dropoutFeeders(flag(key, value));
                        case "up" -> {
                            int x = pairAt(value, "up must be DROPxSHARE, e.g. up=0.25x0.50");
                            b.upstreamDrop(Double.parseDouble(value.substring(0, x)));
                            b.upstreamShare(Double.parseDouble(value.substring(x + 1)));
                        }
                        case "deep" -> {
                            boolean queue = value.endsWith("+contrast|queue");
                            boolean contrast = queue || value.endsWith("+contrast");
                            b.deepContrast(contrast);
                            b.deepQueue(queue);
                            int plus = value.indexOf('+');
                            b.deepDrop(Double.parseDouble(contrast ? value.substring(0, plus) : value));
                        }
                        default -> throw new IllegalArgumentException("unknown key '" + key + "' (keys: persist, "
                            + "clear, drop, jump, jump-over, up, confirm, on-track, area, deep, deep-apart, "
                            + "deep-probe, band-cap, queue-early, sparse, queue-view, slide, dropout-feeders, "
                            + "deep-pair, one)");
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + part + "': " + value + " is not a number");
                }
            }
            return b.build();
        }

        /** A true|false value of {@code key}. */
        private static boolean flag(String key, String value) {
            if (!value.equals("true") && !value.equals("false")) {
                throw new IllegalArgumentException(key + " must be true or false, got " + value);
            }
            return value.equals("true");
        }

        /** Where a two-part value ({@code AxB}) splits; {@code expected} is the message when it does not. */
        private static int pairAt(String value, String expected) {
            int x = value.indexOf('x');
            if (x < 0) {
                throw new IllegalArgumentException(expected);
            }
            return x;
        }

        /**
         * Short form for tables: {@code persist=2 clear=2 drop=0.30 jump=0.30 up=0.25x0.50 confirm=0 on-track=0.20
         * area=0.50}, then {@code deep=0.60} or {@code deep=0.60+contrast} when deep falls confirm early and
         * {@code jump-over=2} when the onset's fall is measured over two readings, {@code band-cap=0.40} when the
         * lower band is capped.
         */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "persist=%d clear=%d drop=%.2f jump=%.2f up=%.2fx%.2f "
                + "confirm=%d on-track=%.2f area=%.2f", persistSteps, clearSteps, minDrop, minJump, upstreamDrop,
                upstreamShare, confirmSteps, onTrack, areaShare)
                + (deepDrop < 1 ? String.format(Locale.ROOT, " deep=%.2f%s", deepDrop,
                deepContrast ? (deepQueue ? "+contrast|queue" : "+contrast") : "") : "")
                + (deepApartDrop < 1 ? String.format(Locale.ROOT, " deep-apart=%.2f", deepApartDrop) : "")
                + (deepProbeDrop < 1 ? String.format(Locale.ROOT, " deep-probe=%.2f", deepProbeDrop) : "")
                + (jumpReadings > 1 ? " jump-over=" + jumpReadings : "")
                + (bandCap < 1 ? String.format(Locale.ROOT, " band-cap=%.2f", bandCap) : "")
                + (queueEarly ? " queue-early=true" : "")
                + (sparseDrop < 1 ? String.format(Locale.ROOT, " sparse=%.2f%s", sparseDrop,
                sparseHold ? "+hold" : "") : "")
                + (queueSlowest ? " queue-view=slowest" : "")
                + (slideDrop < 1 ? String.format(Locale.ROOT, " slide=%.2fx%d", slideDrop, slideReadings)
                : "")
                + (dropoutFeeders ? "" : " dropout-feeders=false") // on by default: printed when off
                + (pairDrop < 1 ? String.format(Locale.ROOT, " deep-pair=%.2f%s", pairDrop,
                pairQueue ? PAIR_QUEUE : "") : "")
                + (oneDrop < 1 ? String.format(Locale.ROOT, " one=%.2fx%d", oneDrop, oneQueue) : "");
        }
    }

    private static final byte NORMAL = 0;
    private static final byte SUSPECT = 1;
    private static final byte ALERT = 2;
    private static final byte QUEUE = 3;

    private final int n;
    private final int horizons;
    private final HorizonLeads leads;
    private final int[][] downstream;
    /** Upstream neighbours of i (the segments flowing into it): {@code upstream[upStart[i] .. upStart[i+1])}. */
    private final int[] upStart;
    private final int[] upstream;
    private final Settings settings;
    private final byte[] mode;
    private final int[] count;
    private final long[] onset;
    private final long[] detected;
    private final long[] anchorIssued;
    private final double[] anchorSpeed;
    private final double[] anchorLower;
    /** The anchor's expectation for each upstream neighbour of i, {@code [(upStart[i] + k) * horizons + h]}. */
    private final double[] upstreamAnchor;
    /** Downstream neighbours of i as CSR, and the anchor's expectation for each, like the upstream ones. */
    private final int[] downStart;
    private final int[] downList;
    private final double[] downstreamAnchor;
    private final double[] severity;
    /** Every reading of the current suspect so far was {@link Settings#deepDrop()} under its expectation. */
    private final boolean[] allDeep;
    /**
     * Every reading of the current suspect so far was {@link Settings#deepApartDrop()} under its expectation and each
     * after the first came more than one step after the one before it.
     */
    private final boolean[] allDeepApart;
    /** Every reading of the current suspect so far was on a probe road {@link Settings#deepProbeDrop()} under. */
    private final boolean[] allDeepProbe;
    /** Every reading of the current suspect so far was on a probe road {@link Settings#sparseDrop()} under. */
    private final boolean[] allSparseDeep;
    /** Every reading of the current suspect so far was {@link Settings#pairDrop()} under its expectation. */
    private final boolean[] allPair;
    /** The current breakdown's onset reading was {@link Settings#oneDrop()} under its expectation. */
    private final boolean[] oneOnset;
    /** The current breakdown started as a slide ({@link Settings#slideDrop()}), not with a sudden fall. */
    private final boolean[] sliding;
    /** The last step the segment had no reading (Long.MIN_VALUE: none yet): a probe road's ({@link #probeRoad}). */
    private final long[] lastUnread;
    /** The segment's previous reading (NaN before the first). */
    private final double[] last;
    /** The reading before it (NaN before the second). */
    private final double[] lastButOne;
    /** What the forecast expected for that reading (NaN when it had none). */
    private final double[] lastExpected;
    /** When that reading was taken (Long.MIN_VALUE before the first). */
    private final long[] lastTime;
    /** The downstream segment whose breakdown a queued segment was taken to be the queue of. */
    private final int[] queueHead;
    /** Readings below the expectation since the onset (a queued segment's, for judging it on its own). */
    private final int[] readingsBelow;
    /** The segment's last breakdown was dismissed (a suspect that went back to normal unconfirmed). */
    private final boolean[] dismissed;
    /** When the segment's last alert or queue cleared (Long.MIN_VALUE: never). */
    private final long[] clearedAt;
    /** The segments whose breakdown started at the current step, {@link #startCount} of them, told apart after it. */
    private final int[] started;
    private int startCount;
    /** The onset reading of a segment in {@link #started} was a deep one on a sparse road (it may confirm at once). */
    private final boolean[] startedSparseDeep;
    /** When the reading before it was taken (Long.MIN_VALUE before the second). */
    private final long[] lastButOneTime;
    /** The reading before the segment's latest one-step fall of {@link Settings#upstreamDrop()} (NaN: none yet). */
    private final double[] beforeFall;
    /** When that fall was read (Long.MIN_VALUE: none yet). */
    private final long[] fallAt;
    /**
     * A suspect's reading before its onset when the onset ended a dropout (more than one step before it), else
     * Long.MIN_VALUE: the feeders that fell since then fell unseen by its anchor ({@link Settings#dropoutFeeders()}).
     */
    private final long[] dropoutFrom;
    /**
     * This step's slowest calibrated source reading per road, read for the roads behind a suspect with
     * {@link Settings#queueSlowest()}; null when the caller gave none or the setting is off.
     */
    private float[] slowest;

    /**
     * @param downstream {@code downstream[i]} = the segments traffic on i flows into (network indices); null = no
     *                   network (no queues recognised, no spill-back required)
     * @param leads      steps ahead of the model's horizons (1..12 for 5-min data); the first must be one step: the
     *                   detector compares each reading with the forecast issued one step before it
     */
    public IncidentDetector(int segments, int[][] downstream, HorizonLeads leads, Settings settings) {
        if (leads.steps(0) != 1) {
            throw new IllegalArgumentException("the detector needs a one-step horizon, the model's leads are " + leads);
        }
        this.n = segments;
        this.horizons = leads.count();
        this.leads = leads;
        this.downstream = downstream;
        this.settings = settings;
        upStart = new int[n + 1];
        if (downstream != null) {
            for (int a = 0; a < n; a++) {
                for (int b : downstream[a] == null ? new int[0] : downstream[a]) {
                    if (b != a && b >= 0 && b < n) {
                        upStart[b + 1]++;
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) {
            upStart[i + 1] += upStart[i];
        }
        upstream = new int[upStart[n]];
        int[] fill = Arrays.copyOf(upStart, n);
        if (downstream != null) {
            for (int a = 0; a < n; a++) {
                for (int b : downstream[a] == null ? new int[0] : downstream[a]) {
                    if (b != a && b >= 0 && b < n) {
                        upstream[fill[b]++] = a;
                    }
                }
            }
        }
        downStart = new int[n + 1];
        for (int a = 0; a < n; a++) {
            downStart[a + 1] = downStart[a] + (downstream == null || downstream[a] == null ? 0 : downstream[a].length);
        }
        downList = new int[downStart[n]];
        for (int a = 0; a < n; a++) {
            for (int k = 0; k < downStart[a + 1] - downStart[a]; k++) {
                int b = downstream[a][k];
                downList[downStart[a] + k] = b >= 0 && b < n && b != a ? b : -1;
            }
        }
        downstreamAnchor = new double[downList.length * horizons];
        mode = new byte[n];
        count = new int[n];
        onset = new long[n];
        detected = new long[n];
        anchorIssued = new long[n];
        anchorSpeed = new double[n * horizons];
        anchorLower = new double[n * horizons];
        upstreamAnchor = new double[upstream.length * horizons];
        severity = new double[n];
        allDeep = new boolean[n];
        allDeepApart = new boolean[n];
        allDeepProbe = new boolean[n];
        allSparseDeep = new boolean[n];
        allPair = new boolean[n];
        oneOnset = new boolean[n];
        sliding = new boolean[n];
        lastUnread = filled(new long[n], Long.MIN_VALUE);
        last = filled(new double[n], Double.NaN);
        lastButOne = filled(new double[n], Double.NaN);
        lastExpected = filled(new double[n], Double.NaN);
        lastTime = filled(new long[n], Long.MIN_VALUE);
        queueHead = new int[n];
        readingsBelow = new int[n];
        dismissed = new boolean[n];
        clearedAt = filled(new long[n], Long.MIN_VALUE);
        started = new int[n];
        startedSparseDeep = new boolean[n];
        lastButOneTime = filled(new long[n], Long.MIN_VALUE);
        beforeFall = filled(new double[n], Double.NaN);
        fallAt = filled(new long[n], Long.MIN_VALUE);
        dropoutFrom = filled(new long[n], Long.MIN_VALUE);
    }

    /** {@code a} with every element {@code v}: a segment's "not known yet". */
    private static long[] filled(long[] a, long v) {
        Arrays.fill(a, v);
        return a;
    }

    /** {@code a} with every element {@code v}: a segment's "not known yet". */
    private static double[] filled(double[] a, double v) {
        Arrays.fill(a, v);
        return a;
    }

    /**
     * One step.
     *
     * @param timeMillis   time of the observed row
     * @param observed     speeds at {@code timeMillis} (NaN = no reading: the state is kept)
     * @param prevSpeed    forecast issued one step earlier, {@code [h][i]} (h = 0 is this step); null at the start
     * @param prevLower    its lower band, same shape: the detector's ({@link AlertBand})
     * @param prevIssued   its issue time
     * @param stepMillis   the data step
     * @param closed       receives alerts that cleared at this step
     */
    public void step(long timeMillis, float[] observed, double[][] prevSpeed, double[][] prevLower, long prevIssued,
                     long stepMillis, List<IncidentAlert> closed) {
        step(timeMillis, observed, null, prevSpeed, prevLower, prevIssued, stepMillis, closed);
    }

    /**
     * One step, with each road's slowest source reading beside the fused one: {@link Settings#queueSlowest()} judges
     * the roads behind a suspect on it.
     *
     * @param slowest the slowest of the calibrated source readings of each road at {@code timeMillis}
     *                ({@code roadcast.fusion.Fuser#lowest()}; NaN = none), or null when the feed has one source per
     *                road (then the fused reading stands for it)
     */
    public void step(long timeMillis, float[] observed, float[] slowest, double[][] prevSpeed, double[][] prevLower,
                     long prevIssued, long stepMillis, List<IncidentAlert> closed) {
        this.slowest = settings.queueSlowest() ? slowest : null;
        startCount = 0;
        for (int i = 0; i < n; i++) {
            // a suspect or queue not read beyond its anchor's last horizon is not known to be breaking any more: left
            // as it was, it would make every new breakdown behind it a silent queue for hours (a probe road read
            // once). Not dismissed: the queues already behind it stay queues (its sensor may have failed mid-incident)
            if ((mode[i] == SUSPECT || mode[i] == QUEUE) && timeMillis - lastTime[i] > leads.max() * stepMillis) {
                mode[i] = NORMAL;
            }
        }
        for (int i = 0; i < n; i++) {
            double x = observed[i];
            if (Double.isNaN(x)) {
                lastUnread[i] = timeMillis;
                if (mode[i] == SUSPECT && settings.sparseHold() && allSparseDeep[i] && prevSpeed != null
                    && timeMillis - lastTime[i] <= Settings.HOLD_STEPS * stepMillis) {
                    // unread now, but the roads around it are: the queue behind it may show at this step
                    judgeHeld(i, lead(i, timeMillis, stepMillis), timeMillis, observed);
                }
                if (prevSpeed != null && mode[i] == SUSPECT && oneOnset[i]) {
                    // unread the step after its one deep reading: the queue behind it may show now
                    judgeOneAfterOnset(i, lead(i, timeMillis, stepMillis), timeMillis, stepMillis, observed);
                }
                continue;
            }
            double previous = last[i];
            // the fall counts from the higher of the last jumpReadings readings (NaN: that one is not known), those
            // of the two steps just before: an onset inside a step splits over consecutive readings of a road read
            // every step; on a road read now and then the reading before last is older, and a fall from it is a slide
            boolean consecutive = timeMillis - lastTime[i] == stepMillis
                && lastTime[i] - lastButOneTime[i] == stepMillis;
            double fallFrom = settings.jumpReadings() > 1 && consecutive && lastButOne[i] > previous ? lastButOne[i]
                : previous;
            double previousExpected = lastExpected[i];
            // a road whose previous reading is older than one step is read by passing probes, not a loop
            boolean sparse = lastTime[i] == Long.MIN_VALUE || timeMillis - lastTime[i] > stepMillis;
            // a feeder's sudden fall, kept with the reading before it: judged later for a road ahead that was unread
            // then (Settings#dropoutFeeders), whose anchor has already seen it
            if (!sparse && x < (1 - settings.upstreamDrop()) * previous) {
                beforeFall[i] = previous;
                fallAt[i] = timeMillis;
            }
            lastButOneTime[i] = lastTime[i];
            lastTime[i] = timeMillis;
            lastButOne[i] = previous;
            last[i] = x;
            lastExpected[i] = prevSpeed == null ? Double.NaN : prevSpeed[0][i];
            boolean fell = x < (1 - settings.minJump()) * fallFrom; // NaN: no reading before, no fall
            if (mode[i] == SUSPECT && sliding[i] && fell) {
                mode[i] = NORMAL; // a sudden fall during a slide: a breakdown of the usual kind starts here
            }
            switch (mode[i]) {
                case NORMAL -> {
                    // on a sparse road one deep reading may start (and, with its neighbours, confirm) a breakdown
                    // however wide the band: a probe road's band reaches 0-25% of the expectation
                    boolean sparseDeep = sparse && prevSpeed != null && settings.sparseDrop() < 1
                        && x < (1 - settings.sparseDrop()) * prevSpeed[0][i];
                    // so may one oneDrop under (Settings#oneDrop), judged on its neighbours alone
                    boolean oneDeep = prevSpeed != null && settings.oneDrop() < 1
                        && x < (1 - settings.oneDrop()) * prevSpeed[0][i];
                    boolean sudden = prevSpeed != null && fell
                        && (sparseDeep || oneDeep || below(x, prevSpeed[0][i], prevLower[0][i]));
                    // no sudden breakdown, but a reading slid under the band and slideDrop under: a slide starts
                    boolean slide = !sudden && prevSpeed != null && !Double.isNaN(previous)
                        && slideBelow(x, prevSpeed[0][i], prevLower[0][i]);
                    if (!(sudden || slide)
                        || previous < (1 - settings.onTrack()) * previousExpected) { // NaN: not known, not refused
                        continue;
                    }
                    sliding[i] = slide;
                    anchorIssued[i] = prevIssued;
                    for (int h = 0; h < horizons; h++) {
                        anchorSpeed[i * horizons + h] = prevSpeed[h][i];
                        anchorLower[i * horizons + h] = prevLower[h][i];
                    }
                    for (int e = upStart[i]; e < upStart[i + 1]; e++) {
                        for (int h = 0; h < horizons; h++) {
                            upstreamAnchor[e * horizons + h] = prevSpeed[h][upstream[e]];
                        }
                    }
                    for (int e = downStart[i]; e < downStart[i + 1]; e++) {
                        for (int h = 0; h < horizons; h++) {
                            downstreamAnchor[e * horizons + h] = downList[e] < 0 ? Double.NaN
                                : prevSpeed[h][downList[e]];
                        }
                    }
                    onset[i] = timeMillis;
                    dropoutFrom[i] = sparse ? lastButOneTime[i] : Long.MIN_VALUE;
                    count[i] = 1;
                    severity[i] = 1 - x / prevSpeed[0][i];
                    allDeep[i] = deep(x, prevSpeed[0][i]);
                    allDeepApart[i] = deepApart(x, prevSpeed[0][i]);
                    allDeepProbe[i] = deepProbe(i, x, prevSpeed[0][i], timeMillis);
                    allSparseDeep[i] = sparseDeepOnProbeRoad(i, x, prevSpeed[0][i], timeMillis);
                    allPair[i] = pairDeep(x, prevSpeed[0][i]);
                    oneOnset[i] = sudden && oneDeep;
                    readingsBelow[i] = 1;
                    dismissed[i] = false;
                    // queue or suspect is told once the whole step is read (startedBreakdowns)
                    mode[i] = SUSPECT;
                    started[startCount++] = i;
                    startedSparseDeep[i] = sparseDeep;
                }
                case SUSPECT, ALERT, QUEUE -> {
                    int h = lead(i, timeMillis, stepMillis);
                    double expected = anchorSpeed[i * horizons + h];
                    // a slide is followed at its own depth until it clears: it started above the usual one
                    boolean low = sliding[i] ? slideBelow(x, expected, anchorLower[i * horizons + h])
                        : below(x, expected, anchorLower[i * horizons + h]);
                    if (mode[i] == QUEUE && headDismissed(i)) {
                        // the breakdown it queued behind was dismissed (a probe's dip ahead, not an incident): no queue
                        // explains this one any more, so it is judged as a breakdown of its own, from its onset
                        mode[i] = SUSPECT;
                        count[i] = readingsBelow[i];
                    }
                    if (mode[i] == SUSPECT) {
                        if (!low) {
                            mode[i] = NORMAL;
                            dismissed[i] = true;
                            continue;
                        }
                        severity[i] = Math.max(severity[i], 1 - x / expected);
                        allDeep[i] &= deep(x, expected);
                        allDeepApart[i] &= sparse && deepApart(x, expected);
                        allDeepProbe[i] &= deepProbe(i, x, expected, timeMillis);
                        allSparseDeep[i] &= sparseDeepOnProbeRoad(i, x, expected, timeMillis);
                        allPair[i] &= pairDeep(x, expected);
                        count[i]++;
                        judgeSuspect(i, h, timeMillis, observed);
                        judgeOneAfterOnset(i, h, timeMillis, stepMillis, observed);
                        continue;
                    }
                    if (low) {
                        severity[i] = Math.max(severity[i], 1 - x / expected);
                        allDeep[i] &= deep(x, expected);
                        allDeepApart[i] &= sparse && deepApart(x, expected);
                        allDeepProbe[i] &= deepProbe(i, x, expected, timeMillis);
                        allPair[i] &= pairDeep(x, expected);
                        readingsBelow[i]++;
                        count[i] = 0;
                    } else if (++count[i] >= settings.clearSteps()) {
                        if (mode[i] == ALERT) {
                            closed.add(new IncidentAlert(i, onset[i], detected[i],
                                timeMillis - (settings.clearSteps() - 1) * stepMillis, severity[i]));
                        }
                        mode[i] = NORMAL;
                        clearedAt[i] = timeMillis;
                    }
                }
                default -> throw new IllegalStateException("mode " + mode[i]);
            }
        }
        startedBreakdowns(timeMillis, observed);
        // a road read this step as the queue of one ahead whose breakdown was dismissed later in the same step (a
        // segment after it in this loop): judged on its own now, not at its next reading, which may never come
        for (int i = 0; i < n; i++) {
            if (mode[i] == QUEUE && lastTime[i] == timeMillis && headDismissed(i)) {
                int h = lead(i, timeMillis, stepMillis);
                double expected = anchorSpeed[i * horizons + h];
                double lowerBand = anchorLower[i * horizons + h];
                if (sliding[i] ? slideBelow(observed[i], expected, lowerBand) : below(observed[i], expected, lowerBand)) {
                    mode[i] = SUSPECT;
                    count[i] = readingsBelow[i];
                    judgeSuspect(i, h, timeMillis, observed);
                } else { // recovering: dismissed, as a suspect read above its band is
                    mode[i] = NORMAL;
                    dismissed[i] = true;
                }
            }
        }
    }

    /**
     * Tells the breakdowns that started this step into queues and suspects, after every road's reading of the step has
     * been taken: a road falling in the same step as the road it feeds (at free-flow speed a queue crosses a link
     * within one 5-minute step) is that queue whichever of the two comes first among the segments. Decided in the
     * loop over the segments, it was a queue only when the road ahead came first, and with the road ahead later it
     * raised an alert of its own (generated city 1000/33: a night incident alerted on each road feeding it with a
     * lower index). All queues are told first, then the suspects judged, so no judgement sees another's outcome.
     */
    private void startedBreakdowns(long timeMillis, float[] observed) {
        for (int k = 0; k < startCount; k++) {
            int i = started[k];
            queueHead[i] = downstreamBreaking(i, timeMillis);
            if (queueHead[i] >= 0) {
                mode[i] = QUEUE;
            }
        }
        // a breakdown explained by no road ahead may still be the queue of one the detector cannot read now
        for (int k = 0; k < startCount; k++) {
            int i = started[k];
            if (mode[i] == SUSPECT) {
                int head = unreadHeadBreaking(i, observed);
                if (head >= 0) {
                    mode[i] = QUEUE;
                    queueHead[i] = head;
                    // the head's latest breakdown is this one, seen through its queue: an old dismissal of it must
                    // not hand the queue back to be judged on its own (headDismissed)
                    dismissed[head] = false;
                }
            }
        }
        for (int k = 0; k < startCount; k++) {
            int i = started[k];
            if (mode[i] == SUSPECT && !sliding[i] && count[i] >= settings.persistSteps()) {
                judgeSpillBack(i, 0, timeMillis, observed);
            }
            if (mode[i] == SUSPECT && !sliding[i] && startedSparseDeep[i]) {
                judgeQueue(i, 0, timeMillis, observed);
            }
            if (mode[i] == SUSPECT && oneOnset[i]) {
                judgeOne(i, 0, timeMillis, observed);
            }
        }
    }

    /**
     * A road i feeds that has no reading at this step (a sensor dropout, or a reading the cleaner refused) while at
     * least two of the roads feeding it, and at least half of those read, are breaking down, alerted or queued, i
     * among them (-1 = none): roads that share nothing but the road ahead do not fall together by chance, so i's
     * breakdown is the queue of an incident on that unread road. Judged on their own, each of them showed a queue
     * behind it and its other roads ahead normal, and alerted: generated city 1000/33 (a validation seed) raised two
     * false alerts of three roads each this way, one for a road unread for its whole incident, one for a road whose
     * first two incident readings the cleaner dropped. Every started breakdown is still SUSPECT or QUEUE here (not
     * NORMAL), so the outcome does not depend on the segments' order.
     */
    private int unreadHeadBreaking(int i, float[] observed) {
        if (downstream == null || downstream[i] == null) {
            return -1;
        }
        for (int j : downstream[i]) {
            if (j == i || j < 0 || j >= n || !Float.isNaN(observed[j])) {
                continue;
            }
            int reporting = 0;
            int breaking = 0;
            for (int e = upStart[j]; e < upStart[j + 1]; e++) {
                int a = upstream[e];
                if (Float.isNaN(observed[a])) {
                    continue;
                }
                reporting++;
                if (mode[a] != NORMAL) {
                    breaking++;
                }
            }
            if (breaking >= 2 && 2 * breaking >= reporting) {
                return j;
            }
        }
        return -1;
    }

    /** The breakdown a queued segment followed was dismissed: nothing ahead explains its own any more. */
    private boolean headDismissed(int i) {
        return mode[queueHead[i]] == NORMAL && dismissed[queueHead[i]];
    }

    /**
     * A suspect with {@code count[i]} readings below: judged on its persistence and spill-back, two deep readings
     * (or two taken apart, {@link Settings#deepApartDrop()}, or two on a probe road, {@link Settings#deepProbeDrop()}),
     * or (with {@link Settings#queueEarly()}) two readings and the queue behind it.
     */
    private void judgeSuspect(int i, int h, long timeMillis, float[] observed) {
        if (sliding[i]) {
            // a slide has none of an onset's evidence: its readings in a row and the roads ahead running normally
            if (count[i] >= settings.slideReadings() && aheadNormal(i, h, observed)) {
                alert(i, timeMillis);
            }
            return;
        }
        if (count[i] >= settings.persistSteps()) {
            judgeSpillBack(i, h, timeMillis, observed);
        } else if (count[i] >= 2 && (allDeep[i] || allDeepApart[i] || allDeepProbe[i])) {
            judgeDeep(i, h, timeMillis, observed);
        } else if (count[i] >= 2 && allPair[i] && severity[i] >= settings.deepDrop()) {
            judgePair(i, h, timeMillis, observed);
        }
        if (mode[i] == SUSPECT && count[i] >= 2 && count[i] < settings.persistSteps() && settings.queueEarly()) {
            judgeQueue(i, h, timeMillis, observed);
        }
    }

    /** Confirms i's breakdown: an alert from its onset, detected now. */
    private void alert(int i, long timeMillis) {
        mode[i] = ALERT;
        detected[i] = timeMillis;
        count[i] = 0;
    }

    /** Alerts not cleared yet. */
    public List<IncidentAlert> open() {
        List<IncidentAlert> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (mode[i] == ALERT) {
                out.add(new IncidentAlert(i, onset[i], detected[i], Long.MIN_VALUE, severity[i]));
            }
        }
        return out;
    }

    /** Index of the anchor's horizon for the lead that has passed since it was issued (its last one beyond). */
    private int lead(int i, long timeMillis, long stepMillis) {
        // the anchor's horizon at or before the steps since it was issued (with spaced horizons the last one reached)
        return leads.indexAtOrBefore((timeMillis - anchorIssued[i]) / stepMillis);
    }

    private boolean below(double x, double expected, double lower) {
        return underBand(x, expected, lower) && x < (1 - settings.minDrop()) * expected;
    }

    /** Under the band and {@link Settings#slideDrop()} under the expectation (never, with the slide off). */
    private boolean slideBelow(double x, double expected, double lower) {
        return settings.slideDrop() < 1 && underBand(x, expected, lower) && x < (1 - settings.slideDrop()) * expected;
    }

    private boolean underBand(double x, double expected, double lower) {
        // under the band, where the band reaches no farther than bandCap under the expectation
        return Double.isFinite(expected) && x < Math.max(lower, (1 - settings.bandCap()) * expected);
    }

    /**
     * The contrast an incident makes and recurrent congestion does not: at least one road i feeds reporting, none of
     * them {@link Settings#upstreamDrop()} under its expectation.
     */
    private boolean aheadNormal(int i, int h, float[] observed) {
        return queuedShare(downList, downStart[i], downStart[i + 1], downstreamAnchor, h, observed) == 0;
    }

    private boolean deep(double x, double expected) {
        return settings.deepDrop() < 1 && x < (1 - settings.deepDrop()) * expected;
    }

    /** {@link Settings#pairDrop()} under the expectation (never, with the rule off). */
    private boolean pairDeep(double x, double expected) {
        return settings.pairDrop() < 1 && x < (1 - settings.pairDrop()) * expected;
    }

    private boolean deepApart(double x, double expected) {
        return settings.deepApartDrop() < 1 && x < (1 - settings.deepApartDrop()) * expected;
    }

    /** On a probe road ({@link #probeRoad}), {@link Settings#deepProbeDrop()} under the expectation. */
    private boolean deepProbe(int i, double x, double expected, long timeMillis) {
        return settings.deepProbeDrop() < 1 && probeRoad(i, timeMillis)
            && x < (1 - settings.deepProbeDrop()) * expected;
    }

    /** On a probe road ({@link #probeRoad}), {@link Settings#sparseDrop()} under the expectation. */
    private boolean sparseDeepOnProbeRoad(int i, double x, double expected, long timeMillis) {
        return settings.sparseDrop() < 1 && probeRoad(i, timeMillis) && x < (1 - settings.sparseDrop()) * expected;
    }

    /** Unread at some step of the last {@link Settings#LOOP_WINDOW_MILLIS}: no loop reads this road. */
    private boolean probeRoad(int i, long timeMillis) {
        return lastUnread[i] != Long.MIN_VALUE && timeMillis - lastUnread[i] <= Settings.LOOP_WINDOW_MILLIS;
    }

    /**
     * A suspect read deep twice before it has persisted: an alert when the area is not slowing (and, with
     * {@link Settings#deepContrast()}, the roads it feeds read normal); otherwise it waits for its persistence.
     */
    private void judgeDeep(int i, int h, long timeMillis, float[] observed) {
        double downShare = queuedShare(downList, downStart[i], downStart[i + 1], downstreamAnchor, h, observed);
        boolean confirmed = settings.deepContrast() ? downShare == 0 : !(downShare > settings.areaShare());
        if (!confirmed && settings.deepContrast() && settings.deepQueue()) {
            // a road ahead slowed too, but the queue behind is the larger: the incident's, not an area's slowing
            double upShare = queuedBehind(i, h, observed);
            confirmed = upShare >= 0.5 && !(downShare >= upShare); // NaN (none reporting behind): no evidence
        }
        if (confirmed) {
            alert(i, timeMillis);
        }
    }

    /**
     * A suspect read {@link Settings#pairDrop()} under at every reading and {@link Settings#deepDrop()} under at one
     * at least, before it has persisted: an alert when the roads it feeds run normally (one at least reporting, none
     * {@link Settings#upstreamDrop()} under) and, with {@link Settings#pairQueue()}, the roads feeding it show its
     * queue (half of those reporting, one at least); otherwise it waits for its persistence.
     */
    private void judgePair(int i, int h, long timeMillis, float[] observed) {
        boolean queued = !settings.pairQueue() || queuedBehind(i, h, observed) >= 0.5; // NaN: no evidence
        if (queued && aheadNormal(i, h, observed)) {
            alert(i, timeMillis);
        }
    }

    /**
     * A suspect read below twice before it has persisted: an alert when the roads feeding it show its queue (half of
     * those reporting, one at least) and the area is not slowing; otherwise it waits for its persistence.
     */
    private void judgeQueue(int i, int h, long timeMillis, float[] observed) {
        double upShare = queuedBehind(i, h, observed);
        double downShare = queuedShare(downList, downStart[i], downStart[i + 1], downstreamAnchor, h, observed);
        if (upShare >= 0.5 && !(downShare > settings.areaShare())) { // NaN (none reporting upstream): no evidence
            alert(i, timeMillis);
        }
    }

    /**
     * {@link #judgeOne} at the step after the onset of a suspect whose onset reading was {@link Settings#oneDrop()}
     * under, read (and still below) or not: the queue behind an incident takes a step to grow. Later steps are left to
     * the other rules.
     */
    private void judgeOneAfterOnset(int i, int h, long timeMillis, long stepMillis, float[] observed) {
        if (mode[i] == SUSPECT && oneOnset[i] && timeMillis - onset[i] == stepMillis) {
            judgeOne(i, h, timeMillis, observed);
        }
    }

    /**
     * A suspect whose onset reading was {@link Settings#oneDrop()} under: an alert when at least
     * {@link Settings#oneQueue()} of the roads feeding it (all those reporting when fewer report, one at least) are
     * {@link Settings#upstreamDrop()} under their expectation and the roads it feeds run normally.
     */
    private void judgeOne(int i, int h, long timeMillis, float[] observed) {
        Tally behind = tallyBehind(i, h, observed);
        if (behind.reporting() > 0 && behind.queued() >= Math.min(settings.oneQueue(), behind.reporting())
            && aheadNormal(i, h, observed)) {
            alert(i, timeMillis);
        }
    }

    /**
     * A deep probe-road suspect unread this step ({@link Settings#sparseHold()}): an alert when the roads feeding it
     * show its queue (half of those reporting, one at least) and the roads it feeds run normally (one at least
     * reporting, none {@link Settings#upstreamDrop()} under); otherwise it waits.
     */
    private void judgeHeld(int i, int h, long timeMillis, float[] observed) {
        double upShare = queuedBehind(i, h, observed);
        if (upShare >= 0.5 && aheadNormal(i, h, observed)) { // NaN on either side: no evidence
            alert(i, timeMillis);
        }
    }

    /**
     * A suspect that has persisted: alert when its upstream neighbours show the queue (or none reports), dismiss it
     * when they have not within {@link Settings#confirmSteps()} further steps, else wait.
     */
    private void judgeSpillBack(int i, int h, long timeMillis, float[] observed) {
        double upShare = queuedBehind(i, h, observed);
        double downShare = queuedShare(downList, downStart[i], downStart[i + 1], downstreamAnchor, h, observed);
        boolean queueBehind = Double.isNaN(upShare) || settings.upstreamShare() == 0
            || (upShare > 0 && upShare >= settings.upstreamShare());
        // an incident is local: the roads it feeds carry on; when most of them fall as much, the area is slowing
        boolean areaWide = downShare > settings.areaShare(); // NaN (none reporting): not known, not area-wide
        if (queueBehind && !areaWide) {
            alert(i, timeMillis);
        } else if (count[i] >= settings.persistSteps() + settings.confirmSteps()) {
            mode[i] = NORMAL; // a deeper-than-usual peak on this road or this area, not an incident
            dismissed[i] = true;
        }
    }

    /**
     * Share of the reporting roads feeding i that are queued ({@link #queuedShare}), each read as the slower of its
     * fused and its slowest source reading with {@link Settings#queueSlowest()}; a road already followed as i's queue
     * counts as queued whatever its anchor says.
     */
    private double queuedBehind(int i, int h, float[] observed) {
        return tallyBehind(i, h, observed).share();
    }

    /** The roads feeding i, queued and reporting, as {@link #queuedBehind} reads them. */
    private Tally tallyBehind(int i, int h, float[] observed) {
        return tally(upstream, upStart[i], upStart[i + 1], upstreamAnchor, h, observed, slowest, i);
    }

    /** {@link #tally} on the fused readings alone, as a share. */
    private double queuedShare(int[] list, int from, int to, double[] anchor, int h, float[] observed) {
        return tally(list, from, to, anchor, h, observed, null, -1).share();
    }

    /** Neighbours with a reading, and how many of them are queued. */
    private record Tally(int queued, int reporting) {
        /** Share queued; NaN when none reports. */
        double share() {
            return reporting == 0 ? Double.NaN : (double) queued / reporting;
        }
    }

    /**
     * The neighbours {@code list[from .. to)} with a reading, and those of them {@link Settings#upstreamDrop()} under
     * their anchored expectation at lead index h. A road's reading is the lower of
     * {@code observed} and {@code slower} (null: {@code observed} alone); a road is reporting by {@code observed}.
     * A road followed as the queue of {@code head} (-1: none) is queued: it broke down before head's own onset was
     * read ({@link #unreadHeadBreaking}), so head's anchor, issued after that, already expects the queue and would
     * call it normal; so is one that fell while head was unread ({@link #fellUnseen}).
     */
    private Tally tally(int[] list, int from, int to, double[] anchor, int h, float[] observed, float[] slower,
                        int head) {
        int reporting = 0;
        int queued = 0;
        for (int e = from; e < to; e++) {
            if (list[e] < 0) {
                continue;
            }
            double xj = observed[list[e]];
            double expected = anchor[e * horizons + h];
            if (Double.isNaN(xj) || !Double.isFinite(expected)) {
                continue;
            }
            if (slower != null && slower[list[e]] < xj) { // NaN: no source reading, the fused one stands
                xj = slower[list[e]];
            }
            reporting++;
            boolean itsQueue = head >= 0 && mode[list[e]] == QUEUE && queueHead[list[e]] == head;
            if (itsQueue || xj < (1 - settings.upstreamDrop()) * expected || fellUnseen(list[e], xj, head, observed)) {
                queued++;
            }
        }
        return new Tally(queued, reporting);
    }

    /**
     * Road j, feeding {@code head} and read {@code xj} now, is head's queue by {@link Settings#dropoutFeeders()}: it
     * fell unseen by head's anchor ({@link #fellDuringDropout}) while none of the roads head feeds did. Roads ahead
     * fallen in the dark too make the slowing an area's (or the queue of a road farther on), not head's own: the
     * contrast an incident makes (generated city 1000/3, a validation seed: S00282 read again at 17:50 behind a road
     * ahead that slid to 3 km/h during its dropout; without the contrast it alerted, with no incident on it).
     * Head -1 or the setting off: false.
     */
    private boolean fellUnseen(int j, double xj, int head, float[] observed) {
        if (head < 0 || !settings.dropoutFeeders() || dropoutFrom[head] == Long.MIN_VALUE
            || !fellDuringDropout(j, xj, head)) {
            return false;
        }
        for (int e = downStart[head]; e < downStart[head + 1]; e++) {
            int d = downList[e];
            if (d >= 0 && !Float.isNaN(observed[d]) && fellDuringDropout(d, observed[d], head)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Road r, read {@code x} now, fell {@link Settings#upstreamDrop()} in one step during the dropout that
     * {@code head}'s onset ended (after head's reading before it, before the onset) and still reads that far under
     * its reading before that fall: head's anchor, issued while head was unread, has seen the fall and calls r normal.
     */
    private boolean fellDuringDropout(int r, double x, int head) {
        return fallAt[r] > dropoutFrom[head] && fallAt[r] < onset[head]
            && x < (1 - settings.upstreamDrop()) * beforeFall[r];
    }

    /**
     * The first segment directly downstream of i that is breaking down, alerted or queued (-1 = none): i's breakdown
     * is that queue growing upstream. Contiguity, not a depth limit, bounds the queue. Called once the whole step is
     * read ({@link #startedBreakdowns}), so the step's own changes count the same whatever the segments' order:
     * <ul>
     *   <li>one that cleared at this step still counts: a queue dissolves from its front, so the road behind it may
     *       still be falling as the front recovers (the loop saw such a road ahead as breaking only when it came
     *       later among the segments);</li>
     *   <li>one that started at this step counts when it fell at least as deep as i (from each one's expectation):
     *       the deeper of two falls in one step is where capacity was lost. A deeper fall behind a shallower one ahead
     *       is judged on its own (a probe road's incident while a probe on the road ahead waits at a red light).</li>
     * </ul>
     */
    private int downstreamBreaking(int i, long timeMillis) {
        if (downstream == null || downstream[i] == null) {
            return -1;
        }
        for (int j : downstream[i]) {
            if (j == i || j < 0 || j >= n) {
                continue;
            }
            boolean breaking = mode[j] != NORMAL || clearedAt[j] == timeMillis;
            if (breaking && (onset[j] < timeMillis || severity[j] >= severity[i])) {
                return j;
            }
        }
        return -1;
    }
}
