package roadcast.alerts;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import roadcast.model.HorizonLeads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The detector on hand-made replays: a chain of segments 0 -> 1 -> ... -> m-1 (traffic flows towards m-1, queues
 * grow towards 0), the model always expecting 60 km/h with a band down to 50.
 */
class IncidentDetectorTest {

    static final long STEP = 300_000L;
    static final int H = 12;

    static int[][] chain(int m) {
        int[][] down = new int[m][];
        for (int i = 0; i < m; i++) {
            down[i] = i + 1 < m ? new int[] {i + 1} : new int[0];
        }
        return down;
    }

    /** Replays rows of observed speeds on a chain; the forecast issued each step expects 60 (lower 50) everywhere. */
    static List<IncidentAlert> replay(float[][] rows, int[][] downstream, IncidentDetector.Settings settings) {
        return replay(rows, downstream, settings, 50);
    }

    /** The same with the forecast's lower band at {@code lowerBand} everywhere (the expectation stays 60). */
    static List<IncidentAlert> replay(float[][] rows, int[][] downstream, IncidentDetector.Settings settings,
                                      double lowerBand) {
        return replay(rows, null, downstream, settings, lowerBand);
    }

    /** The same with each road's slowest source reading beside the fused one ({@code slowest}, null = none). */
    static List<IncidentAlert> replay(float[][] rows, float[][] slowest, int[][] downstream,
                                      IncidentDetector.Settings settings, double lowerBand) {
        int m = rows[0].length;
        IncidentDetector d = new IncidentDetector(m, downstream, HorizonLeads.consecutive(H), settings);
        double[][] speed = new double[H][m];
        double[][] lower = new double[H][m];
        for (double[] r : speed) {
            Arrays.fill(r, 60);
        }
        for (double[] r : lower) {
            Arrays.fill(r, lowerBand);
        }
        List<IncidentAlert> alerts = new ArrayList<>();
        for (int t = 0; t < rows.length; t++) {
            d.step(t * STEP, rows[t], slowest == null ? null : slowest[t], t == 0 ? null : speed,
                t == 0 ? null : lower, (t - 1) * STEP, STEP, alerts);
        }
        alerts.addAll(d.open());
        return alerts;
    }

    static List<IncidentAlert> replay(float[][] rows) {
        return replay(rows, chain(rows[0].length), IncidentDetector.Settings.defaults());
    }

    /** Exactly one alert, on {@code segment}, with that onset and detection step. */
    static void assertOneAlert(List<IncidentAlert> alerts, int segment, int onsetStep, int detectedStep) {
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals(segment, alerts.get(0).segment(), alerts.toString());
        assertEquals(onsetStep * STEP, alerts.get(0).startMillis(), "onset: " + alerts);
        assertEquals(detectedStep * STEP, alerts.get(0).detectedMillis(), "detection: " + alerts);
    }

    static float[][] normal(int steps, int segments) {
        float[][] rows = new float[steps][segments];
        for (float[] r : rows) {
            Arrays.fill(r, 60);
        }
        return rows;
    }

    /**
     * Three readings below, no spill-back required, the reading before the onset not checked: the start most tests
     * vary.
     */
    static IncidentDetector.Settings.Builder noSpillBack(double drop, double jump, double area) {
        return IncidentDetector.Settings.builder().persistSteps(3).minDrop(drop).minJump(jump).upstreamShare(0)
            .onTrack(1).areaShare(area);
    }

    @Test
    void suddenBreakdownWithItsQueueIsAlertedAfterTwoStepsAndClearedWhenSpeedsReturn() {
        float[][] rows = normal(30, 3);
        for (int t = 10; t < 18; t++) {
            rows[t][2] = 20; // c breaks down at step 10 for 8 steps
            if (t >= 11) {
                rows[t][1] = 35; // and its queue reaches b one step later (42% under b's expectation)
            }
        }
        List<IncidentAlert> alerts = replay(rows);
        assertEquals(1, alerts.size(), alerts.toString());
        IncidentAlert a = alerts.get(0);
        assertEquals(2, a.segment());
        assertEquals(10 * STEP, a.startMillis(), "start = onset");
        assertEquals(11 * STEP, a.detectedMillis(), "alert after two steps below, the queue behind it");
        assertEquals(18 * STEP, a.clearedMillis(), "cleared at the first of two steps back to normal");
        assertEquals(1 - 20 / 60.0, a.severity(), 1e-9);
    }

    @Test
    void theQueueSpillingBackAnyNumberOfLinksIsOneIncident() {
        // an incident on the last of 9 segments; its queue climbs one link a step all the way to the first
        float[][] rows = normal(40, 9);
        for (int t = 10; t < 30; t++) {
            for (int k = 0; k < 9; k++) {
                if (t >= 10 + k) {
                    rows[t][8 - k] = 20;
                }
            }
        }
        List<IncidentAlert> alerts = replay(rows);
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals(8, alerts.get(0).segment());
    }

    @Test
    void aQueueFrontBeyondAGapInTheQueueIsNotAnIncident() {
        // incident on 7 (queue on 6), a shallow stretch 5..3 (20% down, not a breakdown), then segment 2, five links
        // upstream, falls 35% by chance while the road behind it (1, 0) hardly moves: no queue behind it
        float[][] rows = normal(40, 8);
        for (int t = 10; t < 30; t++) {
            rows[t][7] = 20;
            if (t >= 11) {
                rows[t][6] = 28;
            }
            for (int k = 3; k <= 5; k++) {
                if (t >= 10 + 7 - k) {
                    rows[t][k] = 48;
                }
            }
            if (t >= 15) {
                rows[t][2] = 39;
                rows[t][1] = 55;
            }
        }
        List<IncidentAlert> alerts = replay(rows);
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals(7, alerts.get(0).segment(), "only the incident, not the front five links upstream");
    }

    @Test
    void aPeakDeeperThanUsualOnOneRoadIsNotAnIncident() {
        // the middle road falls abruptly to half its expected speed for two hours; nothing queues behind it
        float[][] rows = normal(50, 3);
        for (int t = 10; t < 34; t++) {
            rows[t][1] = 30;
        }
        assertTrue(replay(rows).isEmpty(), replay(rows).toString());
    }

    @Test
    void aPeakDeeperThanUsualOverTheWholeAreaIsNotAnIncident() {
        // a ring road 0 -> 1 -> 2 -> 3 -> 0 falls everywhere at once: every road behind a segment has fallen, but so
        // has every road it feeds (nothing local about it)
        float[][] rows = normal(50, 4);
        for (int t = 10; t < 34; t++) {
            Arrays.fill(rows[t], 25);
        }
        int[][] ring = {{1}, {2}, {3}, {0}};
        List<IncidentAlert> alerts = replay(rows, ring, IncidentDetector.Settings.defaults());
        assertTrue(alerts.isEmpty(), alerts.toString());
        // the same fall on one road of the ring, its queue behind it and the road ahead free, is an incident
        float[][] local = normal(50, 4);
        for (int t = 10; t < 34; t++) {
            local[t][2] = 25;
            if (t >= 11) {
                local[t][1] = 35;
            }
        }
        alerts = replay(local, ring, IncidentDetector.Settings.defaults());
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals(2, alerts.get(0).segment());
    }

    @Test
    void aRoadAlreadyUnderItsExpectationThatFallsFurtherIsNotANewIncident() {
        // b has run 25% under its expectation for an hour (a peak deeper than usual), then falls sharply, and so does
        // the road behind it: no breakdown of a road that was running as expected
        float[][] rows = normal(50, 3);
        for (int t = 0; t < 40; t++) {
            rows[t][1] = t < 10 ? 45 : 25;
            if (t >= 11) {
                rows[t][0] = 35;
            }
        }
        assertTrue(replay(rows).isEmpty(), replay(rows).toString());
        // the same fall from 60 is an incident with its queue behind it
        for (int t = 0; t < 10; t++) {
            rows[t][1] = 60;
        }
        assertEquals(1, replay(rows).size(), replay(rows).toString());
    }

    @Test
    void aSegmentWithNoUpstreamReadingIsJudgedOnItsOwnPersistence() {
        float[][] rows = normal(30, 3);
        for (int t = 10; t < 20; t++) {
            rows[t][0] = 15; // the first road has no upstream neighbour
            rows[t][2] = 15; // the last one's upstream sensor (1) is out
            rows[t][1] = Float.NaN;
        }
        List<IncidentAlert> alerts = replay(rows);
        assertEquals(2, alerts.size(), alerts.toString());
        assertEquals(List.of(0, 2), alerts.stream().map(IncidentAlert::segment).sorted().toList());
    }

    @Test
    void noIncidentNoAlert() {
        float[][] rows = normal(60, 3);
        // a peak deeper than expected that comes on slowly (2 km/h a step) and a one-step dip: no breakdown
        for (int t = 10; t < 40; t++) {
            rows[t][0] = Math.max(20, 60 - 2 * (t - 10));
        }
        rows[45][1] = 10;
        // a missing reading keeps the state, it does not clear or raise anything
        rows[46][1] = Float.NaN;
        assertTrue(replay(rows).isEmpty(), replay(rows).toString());
    }

    @Test
    void alertStillOpenAtTheEndIsReportedOpen() {
        float[][] rows = normal(20, 3);
        for (int t = 15; t < 20; t++) {
            rows[t][1] = 12;
            if (t >= 16) {
                rows[t][0] = 30;
            }
        }
        List<IncidentAlert> alerts = replay(rows);
        assertEquals(1, alerts.size());
        assertTrue(alerts.get(0).open());
        assertEquals(15 * STEP, alerts.get(0).startMillis());
    }

    @Test
    void aQueueThatNeedsLongerToShowIsWaitedForConfirmSteps() {
        float[][] rows = normal(30, 3);
        for (int t = 10; t < 20; t++) {
            rows[t][2] = 20;
            if (t >= 12) {
                rows[t][1] = 35; // the queue reaches b two steps after the onset
            }
        }
        assertTrue(replay(rows).isEmpty(), "by default the spill-back is judged at the second step");
        IncidentDetector.Settings patient = IncidentDetector.Settings.builder().confirmSteps(1).onTrack(1).build();
        List<IncidentAlert> alerts = replay(rows, chain(3), patient);
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals(12 * STEP, alerts.get(0).detectedMillis());
    }

    @Test
    void aBuilderLeftAloneGivesTheDefaultsAndNoSpillBackRequiredAlertsOnPersistence() {
        assertEquals(IncidentDetector.Settings.defaults(), IncidentDetector.Settings.builder().build());
        float[][] rows = normal(30, 3);
        for (int t = 10; t < 20; t++) {
            rows[t][1] = 30;
        }
        IncidentDetector.Settings persistenceOnly = IncidentDetector.Settings.builder().upstreamShare(0).onTrack(1)
            .areaShare(1).build();
        assertEquals(1, replay(rows, chain(3), persistenceOnly).size());
        // without a network there is nothing to compare with either
        assertEquals(1, replay(rows, null, IncidentDetector.Settings.defaults()).size());
    }

    /**
     * The area check on its own (no spill-back required, as a feed whose incident roads queue little behind them
     * needs): a road that breaks down while the road it feeds carries on is an incident; the same fall on both roads
     * is the area slowing. With the check off both alert on persistence.
     */
    @Test
    void withoutSpillBackTheAreaCheckStillTellsALocalBreakdownFromAnAreaSlowing() {
        IncidentDetector.Settings areaOnly = noSpillBack(0.4, 0.3, IncidentDetector.Settings.DEFAULT_AREA_SHARE)
            .build();
        IncidentDetector.Settings unchecked = noSpillBack(0.4, 0.3, 1).build();

        float[][] local = normal(30, 4);
        float[][] area = normal(30, 4);
        for (int t = 10; t < 20; t++) {
            local[t][1] = 20; // b breaks down, c (downstream) carries on at 60
            area[t][1] = 20;
            area[t][2] = 25; // c falls as much at the same time
        }
        List<IncidentAlert> alerts = replay(local, chain(4), areaOnly);
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals(1, alerts.get(0).segment());
        assertEquals(12 * STEP, alerts.get(0).detectedMillis(), "three readings below");
        assertTrue(replay(area, chain(4), areaOnly).stream().noneMatch(a -> a.segment() == 1),
            "b's fall with c's is the area slowing");
        assertTrue(replay(area, chain(4), unchecked).stream().anyMatch(a -> a.segment() == 1),
            "with the check off b alerts on persistence alone");
    }

    /**
     * A probe-only road read twice while an incident lasts (every other step): three readings never come, but two
     * readings 83% under the expectation while the road it feeds reads normal confirm it at the second. The same two
     * readings with the road it feeds fallen too (recurrent congestion), or with nothing read there (no contrast
     * shown), or only 50% under (a probe held at a red light) wait for a third reading and never alert.
     */
    @Test
    void twoDeepReadingsWithTheRoadAheadNormalConfirmWhereThreeNeverCome() {
        IncidentDetector.Settings deep = noSpillBack(0.2, 0.3, IncidentDetector.Settings.DEFAULT_AREA_SHARE)
            .deepDrop(0.7).deepContrast(true).build();
        assertEquals("persist=3 clear=2 drop=0.20 jump=0.30 up=0.25x0.00 confirm=0 on-track=1.00 area=0.50 "
            + "deep=0.70+contrast", deep.toString());
        assertEquals(deep, IncidentDetector.Settings.parse(deep.toString()), "the printed form reads back");
        assertEquals(IncidentDetector.Settings.defaults(), IncidentDetector.Settings.parse("persist=2"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
            () -> IncidentDetector.Settings.parse("persist=3 depth=0.7"));
        assertTrue(bad.getMessage().contains("unknown key 'depth'"), bad.getMessage());
        float[][] incident = sparse(10);
        List<IncidentAlert> alerts = replay(incident, chain(4), deep);
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals(1, alerts.get(0).segment());
        assertEquals(10 * STEP, alerts.get(0).startMillis());
        assertEquals(12 * STEP, alerts.get(0).detectedMillis(), "confirmed at the second deep reading");
        IncidentDetector.Settings threeReadings = noSpillBack(0.2, 0.3, IncidentDetector.Settings.DEFAULT_AREA_SHARE)
            .build();
        assertTrue(replay(incident, chain(4), threeReadings).isEmpty(), "without it: two readings never confirm");

        float[][] congestion = sparse(10);
        for (int t = 10; t < 14; t++) {
            congestion[t][2] = 20; // the road ahead falls as much
        }
        assertTrue(replay(congestion, chain(4), deep).stream().noneMatch(a -> a.segment() == 1),
            "the road ahead fallen too: no contrast");
        float[][] unseenAhead = sparse(10);
        for (int t = 8; t < 16; t++) {
            unseenAhead[t][2] = Float.NaN;
        }
        assertTrue(replay(unseenAhead, chain(4), deep).stream().noneMatch(a -> a.segment() == 1),
            "nothing read ahead: no contrast shown");
        float[][] redLight = sparse(30);
        assertTrue(replay(redLight, chain(4), deep).isEmpty(), "50% under is not deep");
    }

    /**
     * Segment 1 feeds 2 and 3. Two deep readings of 1 (83% under) with road 2 ahead read slow too (35 km/h, 42%
     * under: a probe at a red light there) fail the contrast; with {@code deep=0.70+contrast|queue} they still confirm
     * at the second reading when the road feeding it (0) queues (30 km/h, 50% under): a larger share behind than
     * ahead is the incident's queue. With the road behind normal or unread, or with both roads ahead fallen (as large
     * a share as behind: the area slowing), they do not.
     */
    @Test
    void twoDeepReadingsConfirmByTheQueueBehindWhenARoadAheadSlowedToo() {
        IncidentDetector.Settings queue = noSpillBack(0.2, 0.3, 1).deepDrop(0.7).deepContrast(true).deepQueue(true)
            .build();
        assertEquals("persist=3 clear=2 drop=0.20 jump=0.30 up=0.25x0.00 confirm=0 on-track=1.00 area=1.00 "
            + "deep=0.70+contrast|queue", queue.toString());
        assertEquals(queue, IncidentDetector.Settings.parse(queue.toString()), "the printed form reads back");
        assertThrows(IllegalArgumentException.class,
            () -> noSpillBack(0.2, 0.3, 1).deepDrop(0.7).deepQueue(true).build(), "the queue qualifies the contrast");
        int[][] fork = {{1}, {2, 3}, {}, {}};
        float[][] aheadSlow = sparse(10);
        for (int t = 10; t < 14; t++) {
            aheadSlow[t][2] = 35;
        }
        float[][] queued = copy(aheadSlow);
        for (int t = 10; t < 14; t++) {
            queued[t][0] = 30;
        }
        IncidentDetector.Settings contrastOnly = queue.toBuilder().deepQueue(false).build();
        assertTrue(replay(queued, fork, contrastOnly).stream().noneMatch(a -> a.segment() == 1),
            "the contrast alone refuses them");
        List<IncidentAlert> alerts = replay(queued, fork, queue);
        assertTrue(alerts.stream().anyMatch(a -> a.segment() == 1 && a.startMillis() == 10 * STEP
            && a.detectedMillis() == 12 * STEP), "confirmed at the second deep reading: " + alerts);
        assertTrue(replay(aheadSlow, fork, queue).stream().noneMatch(a -> a.segment() == 1),
            "the road behind normal: no queue");
        float[][] unreadBehind = copy(aheadSlow);
        for (int t = 8; t < 16; t++) {
            unreadBehind[t][0] = Float.NaN;
        }
        assertTrue(replay(unreadBehind, fork, queue).stream().noneMatch(a -> a.segment() == 1),
            "nothing read behind: no evidence");
        float[][] area = copy(queued);
        for (int t = 10; t < 14; t++) {
            area[t][3] = 35; // both roads ahead slowed: as large a share as behind
        }
        assertTrue(replay(area, fork, queue).stream().noneMatch(a -> a.segment() == 1),
            "both roads ahead fallen: the area slowing");
    }

    /**
     * Issue 13 (spider4's B3C3): a probe road (1) read twice 83% under, one of the two roads it feeds (2) slowed too
     * (a probe at a red light: the contrast fails), and the road feeding it (0) a loop road whose fused reading stays
     * normal (55 of 60: the loop in its middle reads the few vehicles still passing, its flow collapsed) while its
     * probes read the queue at its end (5 km/h). With {@code queue-view=slowest} the road behind is judged on its
     * slowest source and the two deep readings confirm at the second; on the fused readings alone (the setting off,
     * or no slowest readings given), or with the probes behind reading as normal as the loop, nothing is raised.
     */
    @Test
    void theQueueBehindThatOnlyTheProbesReadConfirmsWithTheSlowestSourceView() {
        IncidentDetector.Settings fused = noSpillBack(0.2, 0.3, 1).deepDrop(0.7).deepContrast(true).deepQueue(true)
            .build();
        IncidentDetector.Settings slowestView = fused.toBuilder().queueSlowest(true).build();
        assertEquals(fused.toString() + " queue-view=slowest", slowestView.toString());
        assertEquals(slowestView, IncidentDetector.Settings.parse(slowestView.toString()), "the printed form reads back");
        assertEquals(fused, IncidentDetector.Settings.parse(fused.toString() + " queue-view=fused"));
        assertThrows(IllegalArgumentException.class,
            () -> IncidentDetector.Settings.parse("queue-view=probes"));
        int[][] fork = {{1}, {2, 3}, {}, {}};
        float[][] rows = sparse(10);
        for (int t = 10; t < 14; t++) {
            rows[t][2] = 35;
            rows[t][0] = 55; // the loop behind: normal
        }
        float[][] probesQueued = copy(rows);
        for (int t = 10; t < 14; t++) {
            probesQueued[t][0] = 5; // its probes: the queue
        }
        List<IncidentAlert> alerts = replay(rows, probesQueued, fork, slowestView, 50);
        assertTrue(alerts.stream().anyMatch(a -> a.segment() == 1 && a.startMillis() == 10 * STEP
            && a.detectedMillis() == 12 * STEP), "confirmed at the second deep reading: " + alerts);
        assertTrue(replay(rows, probesQueued, fork, fused, 50).stream().noneMatch(a -> a.segment() == 1),
            "the fused readings alone: the loop hides the queue");
        assertTrue(replay(rows, null, fork, slowestView, 50).stream().noneMatch(a -> a.segment() == 1),
            "no slowest readings given: the fused ones stand");
        assertTrue(replay(rows, copy(rows), fork, slowestView, 50).stream().noneMatch(a -> a.segment() == 1),
            "the probes behind as normal as the loop: no queue");
    }

    /** The rows with each of {@code segments} at 30 km/h (50% under the expectation) from step {@code from} to 15. */
    private static float[][] slowFrom(float[][] rows, int from, int... segments) {
        for (int t = from; t < 16; t++) {
            for (int i : segments) {
                rows[t][i] = 30;
            }
        }
        return rows;
    }

    private static float[][] copy(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int t = 0; t < rows.length; t++) {
            out[t] = rows[t].clone();
        }
        return out;
    }

    /**
     * Two readings 65% under the expectation taken two steps apart (a probe road, two different vehicles) confirm at
     * the second with {@code deep-apart=0.60} while the road ahead reads normal; {@code deep=0.70} alone waits for a
     * third reading that never comes. The same two readings at consecutive steps (a loop road, whose next reading
     * comes 5 min later) do not: a short dip there is judged on its persistence and recovers unalerted. With the road
     * ahead fallen as much the contrast refuses them, as for two deep readings.
     */
    @Test
    void twoReadingsTakenApartConfirmAtTheirOwnDeepThreshold() {
        IncidentDetector.Settings deep = noSpillBack(0.2, 0.2, 1).deepDrop(0.7).deepContrast(true).build();
        IncidentDetector.Settings apart = deep.toBuilder().deepApartDrop(0.6).build();
        assertEquals("persist=3 clear=2 drop=0.20 jump=0.20 up=0.25x0.00 confirm=0 on-track=1.00 area=1.00 "
            + "deep=0.70+contrast deep-apart=0.60", apart.toString());
        assertEquals(apart, IncidentDetector.Settings.parse(apart.toString()), "the printed form reads back");
        float[][] probe = sparse(21);
        assertTrue(replay(probe, chain(4), deep).isEmpty(), "65% under is not 70%: a third reading never comes");
        assertOneAlert(replay(probe, chain(4), apart), 1, 10, 12);

        float[][] loop = normal(30, 4);
        loop[10][1] = 21;
        loop[11][1] = 21;
        assertTrue(replay(loop, chain(4), apart).isEmpty(), "consecutive readings: a loop's short dip");
        // the loop dip a flat 0.6 takes
        assertOneAlert(replay(loop, chain(4), deep.toBuilder().deepDrop(0.6).build()), 1, 10, 11);

        float[][] congestion = sparse(21);
        for (int t = 10; t < 14; t++) {
            congestion[t][2] = 20;
        }
        assertTrue(replay(congestion, chain(4), apart).stream().noneMatch(a -> a.segment() == 1),
            "the road ahead fallen too: no contrast");
    }

    /**
     * On a probe road (unread at some step of the last hour) two readings 65% under confirm with
     * {@code deep-probe=0.60}, taken apart or at consecutive steps (two probes passing in a row); on a loop road read
     * every step the same two readings do not (its third reading comes 5 min later and the dip had recovered).
     */
    @Test
    void twoReadingsOnAProbeRoadConfirmAtTheirOwnDeepThreshold() {
        IncidentDetector.Settings deep = noSpillBack(0.2, 0.2, 1).deepDrop(0.7).deepContrast(true).build();
        IncidentDetector.Settings probe = deep.toBuilder().deepProbeDrop(0.6).build();
        assertEquals(deep.toString() + " deep-probe=0.60", probe.toString());
        assertEquals(probe, IncidentDetector.Settings.parse(probe.toString()), "the printed form reads back");
        assertOneAlert(replay(sparse(21), chain(4), probe), 1, 10, 12);
        float[][] inARow = sparse(60);
        inARow[10][1] = 21;
        inARow[11][1] = 21; // a second probe the next step
        assertTrue(replay(inARow, chain(4), deep.toBuilder().deepApartDrop(0.6).build()).isEmpty(), "not apart");
        assertOneAlert(replay(inARow, chain(4), probe), 1, 10, 11);
        float[][] loop = normal(30, 4);
        loop[10][1] = 21;
        loop[11][1] = 21;
        assertTrue(replay(loop, chain(4), probe).isEmpty(), "a loop road read every step waits for a third reading");
    }

    /**
     * A probe road read twice while its incident lasts, 83% then 42% under (the second probe reading the incident
     * shallower: entering or leaving the slow zone): {@code deep=0.70+contrast} waits for a third reading that never
     * comes. With {@code deep-pair=0.40} the pair confirms at the second reading, the road ahead normal; with
     * {@code +queue} only when the road feeding it queues too (30 km/h, 50% under). Both readings shallow (42%, a probe
     * at a red light twice), the second under 40%, or the road ahead slowed as well: no alert.
     */
    @Test
    void aDeepReadingAndAShallowerOneConfirmWhenTheNeighboursCorroborate() {
        IncidentDetector.Settings deep = noSpillBack(0.2, 0.3, 1).deepDrop(0.7).deepContrast(true).build();
        IncidentDetector.Settings pair = deep.toBuilder().pairDrop(0.4).build();
        IncidentDetector.Settings pairQueue = pair.toBuilder().pairQueue(true).build();
        assertEquals(deep + " deep-pair=0.40", pair.toString());
        assertEquals(deep + " deep-pair=0.40+queue", pairQueue.toString());
        assertEquals(pairQueue, IncidentDetector.Settings.parse(pairQueue.toString()), "the printed form reads back");
        assertThrows(IllegalArgumentException.class,
            () -> IncidentDetector.Settings.parse("deep-pair=0.40"), "a pair needs the deep threshold on");

        float[][] deepThenShallow = sparse(10);
        deepThenShallow[12][1] = 35; // 42% under
        assertTrue(replay(deepThenShallow, chain(4), deep).isEmpty(), "without the rule a third reading is waited for");
        assertOneAlert(replay(deepThenShallow, chain(4), pair), 1, 10, 12);
        assertTrue(replay(deepThenShallow, chain(4), pairQueue).isEmpty(), "+queue: the road behind reads normal");
        float[][] queued = sparse(10);
        queued[12][1] = 35;
        for (int t = 10; t < 14; t++) {
            queued[t][0] = 30; // the queue behind it
        }
        assertTrue(replay(queued, chain(4), pairQueue).stream().anyMatch(a -> a.segment() == 1
            && a.detectedMillis() == 12 * STEP), "+queue with the queue behind: alerted at the second reading");

        float[][] shallowThenDeep = sparse(35);
        shallowThenDeep[12][1] = 10; // the order does not matter: one deep, one 42% under
        assertOneAlert(replay(shallowThenDeep, chain(4), pair), 1, 10, 12);
        assertTrue(replay(sparse(35), chain(4), pair).isEmpty(), "two shallow readings: a red light, twice");
        float[][] tooShallow = sparse(10);
        tooShallow[12][1] = 40; // 33% under
        assertTrue(replay(tooShallow, chain(4), pair).isEmpty(), "the second under the pair's depth");
        float[][] aheadSlow = sparse(10);
        aheadSlow[12][1] = 35;
        for (int t = 10; t < 14; t++) {
            aheadSlow[t][2] = 20;
        }
        assertTrue(replay(aheadSlow, chain(4), pair).stream().noneMatch(a -> a.segment() == 1),
            "the road ahead fallen too: no contrast");
    }

    /**
     * A road read once while its incident lasts (step 10, 12 km/h, 80% under 60; the band reaching down to 5, as a
     * probe road's does): {@code one=0.70x1} alerts from that one reading when the road behind it queues (30 km/h, 50%
     * under) at the same step or the step after, the road ahead running normally; nothing without the rule (the
     * feed's {@code deep=0.70+contrast} waits for a second reading), nothing when the road behind reads normal (a
     * probe at a red light), when it queues only two steps later, when the road ahead has slowed too (an area), or
     * when the reading is 50% under. On a merge (J fed by A and B) {@code x2} asks both roads behind to queue.
     */
    @Test
    void oneDeepReadingConfirmsWithTheQueueBehindAndTheRoadAheadNormal() {
        IncidentDetector.Settings feed = noSpillBack(0.2, 0.3, 1).deepDrop(0.7).deepContrast(true).build();
        IncidentDetector.Settings one = feed.toBuilder().oneDrop(0.7).oneQueue(1).build();
        assertEquals(feed + " one=0.70x1", one.toString());
        assertEquals(one, IncidentDetector.Settings.parse(one.toString()), "the printed form reads back");
        assertThrows(IllegalArgumentException.class,
            () -> IncidentDetector.Settings.parse("one=0.70x0"), "one road behind at least");

        float[][] sameStep = slowFrom(oneReading(), 10, 0);
        assertOneAlert(replay(sameStep, chain(3), one, 5), 1, 10, 10);
        assertTrue(replay(sameStep, chain(3), feed, 5).isEmpty(), "without the rule: one reading is not enough");
        assertOneAlert(replay(slowFrom(oneReading(), 11, 0), chain(3), one, 5), 1, 10, 11);
        assertTrue(replay(oneReading(), chain(3), one, 5).isEmpty(), "the road behind normal: a red light");
        assertTrue(replay(slowFrom(oneReading(), 12, 0), chain(3), one, 5).isEmpty(),
            "the queue two steps after the reading: not judged");
        assertTrue(replay(slowFrom(oneReading(), 10, 0, 2), chain(3), one, 5).stream().noneMatch(a -> a.segment() == 1),
            "the road ahead slowing too: the area, not one road");
        float[][] shallow = slowFrom(oneReading(), 10, 0);
        shallow[10][1] = 30; // 50% under
        assertTrue(replay(shallow, chain(3), one, 5).isEmpty(), "under the rule's depth");

        float[][] merge = normal(30, 6);
        for (int t = 0; t < 30; t++) {
            merge[t][J] = t == 4 ? 60 : t == 10 ? 12 : Float.NaN;
        }
        float[][] oneBehind = slowFrom(merge, 10, A);
        IncidentDetector.Settings two = one.toBuilder().oneQueue(2).build();
        assertOneAlert(replay(oneBehind, MERGE, one, 5), J, 10, 10);
        assertTrue(replay(oneBehind, MERGE, two, 5).isEmpty(), "x2: one of the two roads behind is not enough");
        assertOneAlert(replay(slowFrom(merge, 10, A, B), MERGE, two, 5), J, 10, 10);
    }

    /** Segment 1 of a 4-chain read every other step, at {@code speed} on steps 10 and 12 only, 60 otherwise. */
    private static float[][] sparse(float speed) {
        float[][] rows = normal(30, 4);
        for (int t = 0; t < rows.length; t++) {
            rows[t][1] = t % 2 == 1 ? Float.NaN : t == 10 || t == 12 ? speed : 60;
        }
        return rows;
    }

    /**
     * An incident starting inside a step: the loop's 5-min mean holds a few minutes before it, so the fall splits over
     * two readings (60 -> 46 -> 36), neither 30% under the reading before it. Measured over two readings the second
     * is (40% under 60): the onset, confirmed by persistence. Over one reading it never starts.
     */
    @Test
    void aFallSplitOverTwoReadingsStartsABreakdownWhenMeasuredOverTwo() {
        IncidentDetector.Settings oneReading = noSpillBack(0.2, 0.3, 1).build();
        IncidentDetector.Settings twoReadings = oneReading.toBuilder().jumpReadings(2).build();
        assertEquals(twoReadings, IncidentDetector.Settings.parse(twoReadings.toString()));
        assertTrue(twoReadings.toString().endsWith(" jump-over=2"), twoReadings.toString());
        float[][] rows = normal(30, 3);
        rows[10][1] = 46;
        for (int t = 11; t < 18; t++) {
            rows[t][1] = 36;
        }
        assertTrue(replay(rows, chain(3), oneReading).isEmpty(), "no reading falls 30% from the one before");
        List<IncidentAlert> alerts = replay(rows, chain(3), twoReadings);
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals(11 * STEP, alerts.get(0).startMillis(), "onset at the reading 30% under the higher of the two");
        assertEquals(13 * STEP, alerts.get(0).detectedMillis());
        // a slow slide (60, 52, 45, 38: never 30% under the higher of the last two) stays a slow slide
        float[][] slide = normal(30, 3);
        slide[10][1] = 52;
        slide[11][1] = 45;
        for (int t = 12; t < 18; t++) {
            slide[t][1] = 38;
        }
        assertTrue(replay(slide, chain(3), twoReadings).isEmpty());
    }

    /**
     * A breakdown taken for the queue of one ahead is judged on its own when that one is dismissed: c (segment 2) dips
     * for two readings and recovers (a probe held at a light, dismissed unconfirmed); b (segment 1) breaks down one
     * step after c's dip began and holds 20 km/h for eight steps. While c is a suspect b is followed as its queue;
     * once c is dismissed nothing ahead explains b, and b's own persistence alerts it, from its onset.
     */
    @Test
    void aQueueBehindADismissedDipIsJudgedOnItsOwn() {
        IncidentDetector.Settings settings = noSpillBack(0.2, 0.3, 1).build();
        float[][] rows = normal(30, 3);
        rows[10][2] = 20;
        rows[11][2] = 20;
        for (int t = 11; t < 19; t++) {
            rows[t][1] = 20;
        }
        // from b's own onset, at its third reading below once c is dismissed
        assertOneAlert(replay(rows, chain(3), settings), 1, 11, 13);
        // c dismissed in the step of b's second reading, b read twice (80% under) and then not at all (a probe road):
        // b is judged in that same step, where two deep readings confirm it
        float[][] sparse = normal(30, 3);
        sparse[10][2] = 35; // 42% under: not deep, so c itself waits for a third reading
        sparse[11][2] = 35;
        for (int t = 11; t < 19; t++) {
            sparse[t][1] = t < 13 ? 12 : Float.NaN;
        }
        // in the step c was dismissed
        assertOneAlert(replay(sparse, chain(3), settings.toBuilder().deepDrop(0.6).build()), 1, 11, 12);
        // behind an incident confirmed ahead, the same breakdown stays its queue (one alert, c's)
        float[][] incident = normal(30, 3);
        for (int t = 10; t < 19; t++) {
            incident[t][2] = 20;
            if (t >= 11) {
                incident[t][1] = 20;
            }
        }
        List<IncidentAlert> one = replay(incident, chain(3), settings);
        assertEquals(1, one.size(), one.toString());
        assertEquals(2, one.get(0).segment());
    }

    /**
     * Issue 13 (generated city 1000/33's validation part): a night incident on H whose queue reaches Q, the road
     * feeding it, within the same step (at free-flow speed a queue crosses a link in under 5 min), and U, the road
     * feeding Q, at the next step. Q also feeds X and Y, which carry on. One incident, one alert (H's, from its onset
     * at its second reading), whatever indices the five roads have: every one of the 120 orders gives the same alerts.
     * Before, Q raised an alert of its own whenever its index was lower than H's (its queue behind it, U, and its
     * other roads normal).
     */
    @Test
    void aQueueReachingTheRoadBehindWithinTheIncidentsStepGivesTheSameAlertsInEveryOrderOfTheSegments() {
        float[][] rows = normal(30, 5);
        for (int t = 10; t < 20; t++) {
            rows[t][H_ROAD] = 20;
            rows[t][Q_ROAD] = 25;
            if (t >= 11) {
                rows[t][U_ROAD] = 30;
            }
        }
        assertOneAlertInEveryOrder(rows, 10, 11);
    }

    /**
     * Issue 13 (generated city 2000/7's validation part): a road falls in the step the alert of the road it feeds
     * clears (a queue dissolves from its front, so the road behind can still be falling as the front recovers). H is
     * alerted from step 10 (Q queued behind it at 11-13, recovered at 14-15), recovers at 15 and clears at 16 (two
     * readings not below); Q falls again at 16 and U behind it at 17. Q is H's queue in every order of the segments.
     * Before, the loop over the segments saw H still alerted only when Q came first; with Q after H, Q raised an
     * alert of its own.
     */
    @Test
    void aRoadFallingAsTheAlertAheadClearsIsItsQueueInEveryOrderOfTheSegments() {
        float[][] rows = normal(40, 5);
        for (int t = 10; t < 28; t++) {
            if (t < 15) {
                rows[t][H_ROAD] = 20;
            }
            if (t >= 11 && t < 14 || t >= 16) {
                rows[t][Q_ROAD] = 25;
            }
            if (t >= 17) {
                rows[t][U_ROAD] = 30;
            }
        }
        assertOneAlertInEveryOrder(rows, 10, 11);
    }

    /** The roads of the two replays above: U -> Q -> {H, X, Y}. */
    static final int U_ROAD = 0, Q_ROAD = 1, H_ROAD = 2;
    static final int[][] U_Q_H = {{Q_ROAD}, {H_ROAD, 3, 4}, {}, {}, {}};

    /**
     * Replays {@code rows} on {@link #U_Q_H} with the five roads at each of their 120 orders of indices: exactly one
     * alert in each, on H, from {@code onsetStep}, detected at {@code detectedStep}.
     */
    static void assertOneAlertInEveryOrder(float[][] rows, int onsetStep, int detectedStep) {
        List<int[]> orders = new ArrayList<>();
        permutations(new int[] {0, 1, 2, 3, 4}, 0, orders);
        assertEquals(120, orders.size());
        for (int[] at : orders) { // at[k] = the index road k has in this order
            float[][] permuted = new float[rows.length][5];
            int[][] permutedDown = new int[5][];
            for (int k = 0; k < 5; k++) {
                for (int t = 0; t < rows.length; t++) {
                    permuted[t][at[k]] = rows[t][k];
                }
                permutedDown[at[k]] = Arrays.stream(U_Q_H[k]).map(j -> at[j]).toArray();
            }
            List<IncidentAlert> alerts = replay(permuted, permutedDown, IncidentDetector.Settings.defaults());
            String order = "order " + Arrays.toString(at) + ": " + alerts;
            assertEquals(1, alerts.size(), order);
            assertEquals(at[H_ROAD], alerts.get(0).segment(), order);
            assertEquals(onsetStep * STEP, alerts.get(0).startMillis(), order);
            assertEquals(detectedStep * STEP, alerts.get(0).detectedMillis(), order);
        }
    }

    /** Every order of {@code a[from..]} (a's head fixed), each added to {@code out} as a copy. */
    private static void permutations(int[] a, int from, List<int[]> out) {
        if (from == a.length) {
            out.add(a.clone());
            return;
        }
        for (int k = from; k < a.length; k++) {
            int swap = a[from];
            a[from] = a[k];
            a[k] = swap;
            permutations(a, from + 1, out);
            a[k] = a[from];
            a[from] = swap;
        }
    }

    /**
     * A suspect never read again (a probe road passed once) is not breaking down for ever: c dips once at step 10 and
     * is not read after; b breaks down at step 30 and holds 20 km/h. c's suspicion has outlived its anchor's last
     * horizon (12 steps), so b is not its queue and is alerted on its own persistence.
     */
    @Test
    void aSuspectNotReadBeyondItsHorizonNoLongerMakesQueuesBehindIt() {
        IncidentDetector.Settings settings = noSpillBack(0.2, 0.3, 1).build();
        float[][] rows = normal(45, 3);
        rows[10][2] = 20;
        for (int t = 11; t < 45; t++) {
            rows[t][2] = Float.NaN;
        }
        for (int t = 30; t < 38; t++) {
            rows[t][1] = 20;
        }
        assertOneAlert(replay(rows, chain(3), settings), 1, 30, 32);
    }

    /**
     * The fall over two readings is an onset split over two consecutive steps, not a slide between readings far
     * apart: a road read by passing probes reads 60, then nothing for 35 min, then 44 and 33 (25% under 44). The
     * reading before last (60) is older than the step before the previous one, so the fall counts from 44 and no
     * breakdown starts; with the same readings at consecutive steps (60, 44, 33) it does.
     */
    @Test
    void aFallOverTwoReadingsCountsOnlyFromConsecutiveSteps() {
        IncidentDetector.Settings twoReadings = noSpillBack(0.2, 0.3, 1).jumpReadings(2).build();
        float[][] rows = normal(30, 3);
        for (int t = 6; t < 12; t++) {
            rows[t][1] = Float.NaN; // not read between the probe at step 5 and the next at step 12
        }
        rows[12][1] = 44;
        for (int t = 13; t < 18; t++) {
            rows[t][1] = 33;
        }
        assertTrue(replay(rows, chain(3), twoReadings).isEmpty(),
            "a slide from a reading 35 min old is not a sudden fall");
        float[][] consecutive = normal(30, 3);
        consecutive[12][1] = 44;
        for (int t = 13; t < 18; t++) {
            consecutive[t][1] = 33;
        }
        List<IncidentAlert> alerts = replay(consecutive, chain(3), twoReadings);
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals(13 * STEP, alerts.get(0).startMillis());
    }

    /**
     * A road read by a few floating cars: the model's band reaches down to 6 km/h under an expectation of 60. An
     * incident holding it at 24 km/h (60% under) for three readings is never under that band; with the band capped
     * at 50% under the expectation it is, and the persistence alerts it. Capped or not, a road under a normal band
     * (50) behaves as before, and a dip to 40 (33% under) stays above the capped band.
     */
    @Test
    void aBandReachingFarUnderTheExpectationIsCappedSoIncidentsOnProbeRoadsShow() {
        IncidentDetector.Settings asGiven = noSpillBack(0.2, 0.3, 1).build();
        IncidentDetector.Settings capped = asGiven.toBuilder().bandCap(0.5).build();
        assertEquals(asGiven.toString() + " band-cap=0.50", capped.toString());
        assertEquals(capped, IncidentDetector.Settings.parse(capped.toString()), "the printed form reads back");
        assertEquals(1.0, asGiven.bandCap());
        assertThrows(IllegalArgumentException.class,
            () -> asGiven.toBuilder().bandCap(0).build());
        float[][] rows = normal(30, 3);
        for (int t = 10; t < 16; t++) {
            rows[t][1] = 24;
        }
        assertTrue(replay(rows, chain(3), asGiven, 6).isEmpty(), "24 is above a band reaching down to 6");
        List<IncidentAlert> alerts = replay(rows, chain(3), capped, 6);
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals(1, alerts.get(0).segment());
        assertEquals(10 * STEP, alerts.get(0).startMillis());
        assertEquals(12 * STEP, alerts.get(0).detectedMillis(), "three readings under the capped band");
        assertEquals(16 * STEP, alerts.get(0).clearedMillis());
        assertEquals(replay(rows, chain(3), asGiven, 50), replay(rows, chain(3), capped, 50),
            "under a narrow band the cap changes nothing");
        float[][] dip = normal(30, 3);
        for (int t = 10; t < 16; t++) {
            dip[t][1] = 40;
        }
        assertTrue(replay(dip, chain(3), capped, 6).isEmpty(), "33% under: above the band capped at 50% under");
    }

    /**
     * A band reaching down to 0 km/h hides every reading: a probe road read at 4 km/h twice (93% under an expectation
     * of 60) never starts a breakdown. With the band capped at 70% under the expectation (band-cap=0.70, the depth of
     * {@code deep=0.70}) a deep reading counts as below, and the two deep readings confirm as anywhere else (the road
     * ahead normal); a 60% fall (24 km/h) is still hidden by that band, and the cap does not replace the contrast.
     */
    @Test
    void aDeepReadingCountsUnderABandReachingZeroWhenTheBandIsCappedAtTheDeepDepth() {
        IncidentDetector.Settings deep = noSpillBack(0.2, 0.2, 1).deepDrop(0.7).deepContrast(true).build();
        IncidentDetector.Settings capped = deep.toBuilder().bandCap(0.7).build();
        float[][] crawl = sparse(4);
        assertTrue(replay(crawl, chain(4), deep, 0).isEmpty(), "4 km/h is not under a band reaching 0");
        assertOneAlert(replay(crawl, chain(4), capped, 0), 1, 10, 12);
        assertTrue(replay(sparse(24), chain(4), capped, 0).isEmpty(), "60% under: hidden by the band, not deep");
        float[][] congestion = sparse(4);
        for (int t = 10; t < 14; t++) {
            congestion[t][2] = 20;
        }
        assertTrue(replay(congestion, chain(4), capped, 0).stream().noneMatch(a -> a.segment() == 1),
            "the road ahead fallen too: no contrast");
    }

    /**
     * A road read twice while its incident lasts (steps 10 and 12, 40% under), on a chain 0 -> 1 -> 2: with the road
     * feeding it (0) queued 50% under its expectation at the second reading, the two readings confirm; with that
     * road normal, or unread, they do not (three readings would be needed, and never come).
     */
    @Test
    void twoReadingsBelowConfirmWhenTheRoadFeedingItQueues() {
        IncidentDetector.Settings early = noSpillBack(0.2, 0.3, 1).queueEarly(true).build();
        assertEquals(early, IncidentDetector.Settings.parse(early.toString()), "the printed form reads back");
        assertTrue(early.toString().endsWith(" queue-early=true"), early.toString());
        float[][] queued = twoReadings();
        for (int t = 11; t < 16; t++) {
            queued[t][0] = 30;
        }
        assertOneAlert(replay(queued, chain(3), early), 1, 10, 12); // confirmed at the second reading
        assertTrue(replay(queued, chain(3), early.toBuilder().queueEarly(false).build()).isEmpty(),
            "without it: three needed");
        assertTrue(replay(twoReadings(), chain(3), early).isEmpty(), "the road behind normal: no queue");
        float[][] unread = twoReadings();
        for (int t = 8; t < 16; t++) {
            unread[t][0] = Float.NaN;
        }
        assertTrue(replay(unread, chain(3), early).isEmpty(), "nothing read behind: no evidence");
    }

    /**
     * A probe road (segment 1, read at steps 4 and 10 only) whose one reading during its incident is 80% under the
     * expectation, inside a band that reaches down to 5 km/h: with {@code sparse=0.60} the queue on the road feeding
     * it (30 km/h, 50% under) and the road it feeds running normally confirm it at that reading. Without the queue, with
     * the area slowing, or on a loop road (read every step: its persistence is the evidence), it does not.
     */
    @Test
    void oneDeepReadingOnASparseRoadConfirmsWhenItsNeighboursAgree() {
        IncidentDetector.Settings sparse = noSpillBack(0.2, 0.3, 0.5).sparseDrop(0.6).build();
        assertEquals(sparse, IncidentDetector.Settings.parse(sparse.toString()), "the printed form reads back");
        assertTrue(sparse.toString().endsWith(" sparse=0.60"), sparse.toString());
        float[][] queued = oneReading();
        for (int t = 10; t < 16; t++) {
            queued[t][0] = 30;
        }
        List<IncidentAlert> alerts = replay(queued, chain(3), sparse, 5);
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals(1, alerts.get(0).segment());
        assertEquals(10 * STEP, alerts.get(0).startMillis());
        assertEquals(10 * STEP, alerts.get(0).detectedMillis(), "confirmed at its one reading");
        assertTrue(replay(queued, chain(3), sparse.toBuilder().sparseDrop(1).build(), 5).isEmpty(),
            "off: the band hides it");
        assertTrue(replay(oneReading(), chain(3), sparse, 5).isEmpty(), "the road behind normal: a red light");
        float[][] area = oneReading();
        for (int t = 10; t < 16; t++) {
            area[t][0] = 30;
            area[t][2] = 30;
        }
        assertTrue(replay(area, chain(3), sparse, 5).isEmpty(), "the road ahead slowing too: the area, not one road");
        float[][] loop = normal(30, 3);
        loop[10][1] = 12;
        for (int t = 10; t < 16; t++) {
            loop[t][0] = 30;
        }
        assertTrue(replay(loop, chain(3), sparse, 5).isEmpty(), "a loop road's single deep reading: not sparse");
    }

    /**
     * The same probe road read once 80% under (step 10), its queue on the road feeding it showing only from step 11,
     * when no probe reads the road itself: {@code sparse=0.60} judges the neighbours at its one reading and misses
     * it; {@code sparse=0.60+hold} judges them again at the steps it goes unread and confirms at step 11 (onset 10),
     * the road ahead running normally. The road behind normal, the road ahead slowing as well (the area) or unread,
     * the queue showing only three steps after the reading, or a reading only 40% under alert nothing.
     */
    @Test
    void aProbeRoadReadOnceIsJudgedOnItsNeighboursWhileItGoesUnread() {
        IncidentDetector.Settings hold = noSpillBack(0.2, 0.3, 0.5).sparseDrop(0.6).sparseHold(true).build();
        assertEquals(hold, IncidentDetector.Settings.parse(hold.toString()), "the printed form reads back");
        assertTrue(hold.toString().endsWith(" sparse=0.60+hold"), hold.toString());
        assertThrows(IllegalArgumentException.class,
            () -> noSpillBack(0.2, 0.3, 0.5).sparseHold(true).build(), "the hold qualifies sparse");
        float[][] queuedLater = slowFrom(oneReading(), 11, 0);
        assertOneAlert(replay(queuedLater, chain(3), hold, 5), 1, 10, 11);
        assertTrue(replay(queuedLater, chain(3), hold.toBuilder().sparseHold(false).build(), 5).isEmpty(),
            "judged at its one reading only: the queue came later");
        assertTrue(replay(oneReading(), chain(3), hold, 5).isEmpty(), "the road behind normal: a red light");
        float[][] area = slowFrom(oneReading(), 11, 0, 2);
        assertTrue(replay(area, chain(3), hold, 5).stream().noneMatch(a -> a.segment() == 1),
            "the road ahead slowing too: the area, not one road");
        float[][] unreadAhead = copy(queuedLater);
        for (int t = 11; t < 16; t++) {
            unreadAhead[t][2] = Float.NaN;
        }
        assertTrue(replay(unreadAhead, chain(3), hold, 5).isEmpty(), "nothing read ahead: no contrast");
        float[][] late = slowFrom(oneReading(), 13, 0);
        assertTrue(replay(late, chain(3), hold, 5).isEmpty(), "the queue three steps after the reading: not held");
        float[][] shallow = copy(queuedLater);
        shallow[10][1] = 36;
        assertTrue(replay(shallow, chain(3), hold, 5).stream().noneMatch(a -> a.segment() == 1),
            "40% under is not held");
    }

    /**
     * Road 1 slides from 60 to 24 km/h (40%) over 10-25 min, no reading falling 20% under the one before: under the
     * band (50) and 15% under from 48 km/h at step 11, four readings in a row at step 14, while the road it feeds
     * reads 60. {@code slide=0.15x4} alerts once, onset 11, detected 14; without it nothing alerts (no sudden fall
     * starts a breakdown). The same slide on every road (a peak over the area, the roads ahead sliding too) raises
     * none, nor does a slide that recovers at its fourth reading.
     */
    @Test
    void aSlideUnderTheBandWithTheRoadsAheadNormalIsAlertedAtItsReadingsInARow() {
        IncidentDetector.Settings base = noSpillBack(0.2, 0.2, 1).deepDrop(0.7).deepContrast(true).bandCap(0.7)
            .build();
        IncidentDetector.Settings slide = base.toBuilder().slideDrop(0.15).slideReadings(4).build();
        assertTrue(slide.toString().endsWith(" slide=0.15x4"), slide.toString());
        assertEquals(slide, IncidentDetector.Settings.parse(slide.toString()), "the printed form reads back");
        IllegalArgumentException noReadings = assertThrows(
            IllegalArgumentException.class, () -> IncidentDetector.Settings.parse("slide=0.15"));
        assertTrue(noReadings.getMessage().contains("DROPxREADINGS"), noReadings.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> IncidentDetector.Settings.parse("slide=0.15x1"), "one reading is no slide");
        float[] slope = {54, 48, 42, 36, 30, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24};
        float[][] rows = normal(30, 4);
        for (int k = 0; k < slope.length; k++) {
            rows[10 + k][1] = slope[k];
        }
        assertOneAlert(replay(rows, chain(4), slide), 1, 11, 14);
        assertTrue(replay(rows, chain(4), base).isEmpty(), "without the slide rule no sudden fall starts anything");

        float[][] area = normal(30, 4);
        for (int k = 0; k < slope.length; k++) {
            Arrays.fill(area[10 + k], slope[k]);
        }
        assertTrue(replay(area, chain(4), slide).isEmpty(), "the roads ahead slid too: a peak, not an incident");

        float[][] recovers = normal(30, 4);
        for (int k = 0; k < 3; k++) {
            recovers[10 + k][1] = slope[k];
        }
        recovers[13][1] = 56; // back above the band at its fourth reading
        assertTrue(replay(recovers, chain(4), slide).isEmpty(), "recovered before four readings in a row");
    }

    /**
     * A road sliding 15% under (51 km/h: under the band at 52, not yet {@code drop=0.20} under) and then falling 41%
     * to 30 km/h in one step: the fall starts a breakdown of the usual kind from it (onset 12), confirmed as usual
     * by three readings (detected 14), not by the slide's four readings from step 11.
     */
    @Test
    void aSuddenFallDuringASlideStartsAnOrdinaryBreakdown() {
        IncidentDetector.Settings slide = noSpillBack(0.2, 0.2, 1).slideDrop(0.1).slideReadings(4).build();
        float[][] rows = normal(30, 4);
        rows[11][1] = 51;
        for (int t = 12; t < 20; t++) {
            rows[t][1] = 30;
        }
        assertOneAlert(replay(rows, chain(4), slide, 52), 1, 12, 14);
    }

    /**
     * The feed setting in the code is the one the README's pooled seven-city validation chose: its printed form
     * equals the README's last "the feed setting is now `...`" (whitespace as in running text), so a new validation
     * round that updates one and not the other fails here. Skipped when the tests run without the repository's
     * README beside the module.
     */
    @Test
    void theFusedFeedSettingIsTheReadmesValidatedChoice() throws java.io.IOException {
        java.nio.file.Path readme = java.nio.file.Path.of("..", "README.md");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(readme), "no README.md at " + readme);
        String text = java.nio.file.Files.readString(readme).replaceAll("\\s+", " ");
        String marker = "the feed setting is now `";
        int at = text.lastIndexOf(marker);
        assertTrue(at >= 0, "the README states the chosen feed setting as: " + marker + "...`");
        String chosen = text.substring(at + marker.length(), text.indexOf('`', at + marker.length()));
        assertEquals(chosen, IncidentDetector.Settings.forFusedFeed().toString());
        assertEquals(IncidentDetector.Settings.forFusedFeed(), IncidentDetector.Settings.forInput(true));
        assertEquals(IncidentDetector.Settings.defaults(), IncidentDetector.Settings.forInput(false));
        assertTrue(!IncidentDetector.Settings.forFusedFeed().equals(IncidentDetector.Settings.defaults()));
    }

    /**
     * The roads of the two replays below: A0 -> A -> J and B0 -> B -> J, J -> K. J is the incident's road; A and B
     * are the two roads feeding it (they share nothing else), A0 and B0 the roads behind them.
     */
    static final int A0 = 0, B0 = 1, A = 2, B = 3, J = 4, K = 5;
    static final int[][] MERGE = {{A}, {B}, {J}, {J}, {K}, {}};

    /**
     * Issue 13 (generated city 1000/33, a validation seed: S00664's sensor out for its whole incident): J is unread
     * from step 8 to 25 and its queue reaches both roads feeding it at step 10, and the roads behind them at 11.
     * Two roads sharing only the unread road ahead fall together: its queue, not two incidents. No alert (J itself
     * is never read). Before, A and B each showed a queue behind them and nothing ahead read slow, and both alerted.
     */
    @Test
    void twoRoadsFallingTogetherBehindAnUnreadRoadAreItsQueueNotTwoIncidents() {
        float[][] rows = queueOnBothFeeders();
        for (int t = 8; t < 26; t++) {
            rows[t][J] = Float.NaN;
        }
        assertEquals(List.of(), replayOnPersistence(rows, MERGE), "in the network's order");
        assertEquals(List.of(), replayOnPersistence(reversed(rows), reversed(MERGE)), "in the reverse order");
    }

    /**
     * Issue 13 (generated city 1000/33, S00585): the cleaner refused J's first two incident readings (steps 10-11),
     * so its queue on A and B was read before J's own fall (step 12). The forecast follows what it reads, so the one
     * issued before J's onset, J's anchor, already expects A and B slow and does not call them queued: the roads
     * already followed as J's queue are its spill-back. One alert, on J, from step 12, detected at 13. Before, A and
     * B alerted at 11 and J was dismissed for want of spill-back.
     */
    @Test
    void theQueueReadBeforeItsRoadIsTheSpillBackOfThatRoadOnceItIsRead() {
        float[][] rows = queueOnBothFeeders();
        rows[10][J] = Float.NaN;
        rows[11][J] = Float.NaN;
        for (int t = 12; t < 24; t++) {
            rows[t][J] = 20;
        }
        assertOneAlert(replayOnPersistence(rows, MERGE), J, 12, 13);
        assertOneAlert(replayOnPersistence(reversed(rows), reversed(MERGE)), MERGE.length - 1 - J, 12, 13);
    }

    /**
     * Issue 13 (generated city 500/2, a validation seed: S00260, unread for two hours when its incident began): J is
     * unread from step 5 to 11, A and B fall 27% at step 9 (60 -> 44, under the 30% that starts a breakdown, so
     * they are nobody's queue), and J is read again at step 12, 67% under. The forecast follows the readings, so J's
     * anchor (issued at 11) expects A and B at 44 and calls them normal: without {@code dropout-feeders} J is
     * dismissed at 13 for want of spill-back and nothing alerts. With it (on by default) A and B, fallen during J's
     * dropout and still 27% under their readings before the fall, are J's queue: one alert on J, from 12, detected
     * at 13.
     */
    @Test
    void feedersThatFellWhileTheRoadWasUnreadAreItsQueueWhenItIsReadAgain() {
        float[][] rows = feedersFallenInTheDark();
        IncidentDetector.Settings on = IncidentDetector.Settings.defaults();
        IncidentDetector.Settings off = IncidentDetector.Settings.parse("dropout-feeders=false");
        assertEquals(IncidentDetector.Settings.builder().dropoutFeeders(false).build(), off);
        assertTrue(off.toString().endsWith(" dropout-feeders=false"), off.toString());
        assertEquals(List.of(), replayOnPersistence(rows, MERGE, off), "without the rule: dismissed");
        assertOneAlert(replayOnPersistence(rows, MERGE, on), J, 12, 13);
        assertOneAlert(replayOnPersistence(reversed(rows), reversed(MERGE), on), MERGE.length - 1 - J, 12, 13);
        // a fall J's anchor did see (A and B slow since step 3, J read at 4 before its dropout): not J's queue
        for (int t = 3; t < 9; t++) {
            rows[t][A] = 44;
            rows[t][B] = 44;
        }
        assertEquals(List.of(), replayOnPersistence(rows, MERGE, on), "fallen before the dropout");
    }

    /**
     * Issue 13 (generated city 1000/3, a validation seed: S00282, read again behind a road ahead that slid to 3 km/h
     * during its dropout, and no incident on it): the replay of
     * {@link #feedersThatFellWhileTheRoadWasUnreadAreItsQueueWhenItIsReadAgain} with K, the road J feeds, fallen in
     * the dark as well (60 -> 44 at step 8, under the fall that starts a breakdown). A and B fell unseen, but so did
     * the road ahead: an area slowing (or the queue of a road beyond K), not J's incident, and nothing alerts.
     */
    @Test
    void feedersFallenInTheDarkAreNoQueueWhenTheRoadAheadFellToo() {
        float[][] rows = feedersFallenInTheDark();
        for (int t = 8; t < 24; t++) {
            rows[t][K] = 44;
        }
        assertEquals(List.of(), replayOnPersistence(rows, MERGE));
        assertEquals(List.of(), replayOnPersistence(reversed(rows), reversed(MERGE)), "in the reverse order");
    }

    /**
     * {@link #MERGE} at 60 km/h but: J unread from step 5 to 11 and at 20 from 12 to 23, A and B at 44 from 9 to 23
     * (fallen 27% while J was unread).
     */
    private static float[][] feedersFallenInTheDark() {
        float[][] rows = normal(30, 6);
        for (int t = 5; t < 24; t++) {
            rows[t][J] = t < 12 ? Float.NaN : 20;
        }
        for (int t = 9; t < 24; t++) {
            rows[t][A] = 44;
            rows[t][B] = 44;
        }
        return rows;
    }

    /** {@link #MERGE} at 60 km/h but J's queue: A and B at 25 km/h from step 10 to 23, A0 and B0 at 30 from 11. */
    private static float[][] queueOnBothFeeders() {
        float[][] rows = normal(40, 6);
        for (int t = 10; t < 24; t++) {
            rows[t][A] = 25;
            rows[t][B] = 25;
            if (t >= 11) {
                rows[t][A0] = 30;
                rows[t][B0] = 30;
            }
        }
        return rows;
    }

    /**
     * Replays rows with the defaults and a forecast that follows the readings as the model's does: each step's
     * forecast expects every road's last reading (60 before any), its lower band 5/6 of that.
     */
    static List<IncidentAlert> replayOnPersistence(float[][] rows, int[][] downstream) {
        return replayOnPersistence(rows, downstream, IncidentDetector.Settings.defaults());
    }

    /** {@link #replayOnPersistence(float[][], int[][])} with other settings. */
    static List<IncidentAlert> replayOnPersistence(float[][] rows, int[][] downstream,
                                                   IncidentDetector.Settings settings) {
        int m = rows[0].length;
        IncidentDetector d = new IncidentDetector(m, downstream, HorizonLeads.consecutive(H), settings);
        double[] lastRead = new double[m];
        Arrays.fill(lastRead, 60);
        double[][] speed = new double[H][m];
        double[][] lower = new double[H][m];
        List<IncidentAlert> alerts = new ArrayList<>();
        for (int t = 0; t < rows.length; t++) {
            d.step(t * STEP, rows[t], t == 0 ? null : speed, t == 0 ? null : lower, (t - 1) * STEP, STEP, alerts);
            for (int i = 0; i < m; i++) {
                lastRead[i] = Float.isNaN(rows[t][i]) ? lastRead[i] : rows[t][i];
                for (int h = 0; h < H; h++) {
                    speed[h][i] = lastRead[i];
                    lower[h][i] = lastRead[i] * 5 / 6;
                }
            }
        }
        alerts.addAll(d.open());
        return alerts;
    }

    /** The rows with the roads' indices reversed. */
    private static float[][] reversed(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int t = 0; t < rows.length; t++) {
            out[t] = new float[rows[t].length];
            for (int i = 0; i < rows[t].length; i++) {
                out[t][rows[t].length - 1 - i] = rows[t][i];
            }
        }
        return out;
    }

    /** The network with the roads' indices reversed. */
    private static int[][] reversed(int[][] downstream) {
        int m = downstream.length;
        int[][] out = new int[m][];
        for (int i = 0; i < m; i++) {
            out[m - 1 - i] = Arrays.stream(downstream[i]).map(j -> m - 1 - j).toArray();
        }
        return out;
    }

    /** Segment 1 of a 3-chain read at steps 4 (60 km/h) and 10 (12 km/h, 80% under 60) only. */
    private static float[][] oneReading() {
        float[][] rows = normal(30, 3);
        for (int t = 0; t < 30; t++) {
            rows[t][1] = t == 4 ? 60 : t == 10 ? 12 : Float.NaN;
        }
        return rows;
    }

    /** Segment 1 of a 3-chain read at steps 10 and 12 only (36 km/h, 40% under 60) around its incident. */
    private static float[][] twoReadings() {
        float[][] rows = normal(30, 3);
        for (int t = 9; t < 16; t++) {
            rows[t][1] = t == 10 || t == 12 ? 36 : Float.NaN;
        }
        return rows;
    }
}
