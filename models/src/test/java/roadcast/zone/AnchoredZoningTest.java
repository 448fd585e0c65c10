package roadcast.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import roadcast.clean.CredibilityRules;
import roadcast.clean.HistoryCleaner;
import roadcast.fit.ManifoldTrainer;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.history.SpeedHistory;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelCard;
import roadcast.model.ZoningRecord;
import roadcast.network.Link;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;
import roadcast.testdata.LosLoop;

/**
 * Zones anchored to the model in service on the real Los-loop network (207 segments, zones of at most 64): a
 * retrain on the same data keeps every zone id and set; removing or adding 10 segments keeps the ids of zones that
 * survive and gives new zones ids above every id used before, so an id never names a different set.
 */
class AnchoredZoningTest {

    private static LosLoop los;
    private static TrainingConfig cfg;

    @BeforeAll
    static void read() throws Exception {
        Optional<Path> dir = LosLoop.find(LosLoop.NAME);
        Assumptions.assumeTrue(dir.isPresent(), LosLoop.absentMessage(LosLoop.NAME));
        los = LosLoop.read(dir.get());
        CredibilityRules rules = CredibilityRules.defaults(los.history().unit());
        cfg = TrainingConfig.defaults(LosLoop.NAME, "test", rules).withFixed(5, 2, 1.0).withMaxZoneSize(64)
                .withSmoothing(0);
    }

    /** The first {@code days} days of Los-loop without the segments at {@code dropped} (network indices). */
    private static ManifoldModel train(int fromDay, int days, Set<Integer> dropped, ManifoldModel anchor) {
        SpeedHistory all = los.history();
        int perDay = 288;
        SpeedHistory rows = all.rows(fromDay * perDay, (fromDay + days) * perDay);
        RoadNetwork net = los.network();
        int n = net.size();
        int[] keep = java.util.stream.IntStream.range(0, n).filter(i -> !dropped.contains(i)).toArray();
        Map<Integer, Integer> newIndex = new HashMap<>();
        List<Segment> segments = new ArrayList<>();
        for (int k = 0; k < keep.length; k++) {
            newIndex.put(keep[k], k);
            segments.add(net.segment(keep[k]));
        }
        List<Link> links = new ArrayList<>();
        for (Link l : net.links()) {
            if (newIndex.containsKey(l.from()) && newIndex.containsKey(l.to())) {
                links.add(new Link(newIndex.get(l.from()), newIndex.get(l.to()), l.distance(), l.weight()));
            }
        }
        float[][] speed = new float[rows.steps()][keep.length];
        for (int t = 0; t < rows.steps(); t++) {
            for (int k = 0; k < keep.length; k++) {
                speed[t][k] = rows.speed()[t][keep[k]];
            }
        }
        String[] ids = segments.stream().map(Segment::id).toArray(String[]::new);
        SpeedHistory sub = new SpeedHistory(ids, rows.start(), rows.step(), rows.timeZone(), rows.unit(), speed,
                null, null);
        SpeedHistory cleaned = HistoryCleaner.clean(sub, cfg.credibility()).cleaned();
        return ManifoldTrainer.fit(cleaned, new RoadNetwork(segments, links), cfg, ProgressListener.NONE, anchor)
                .withVersion(anchor == null ? "v0001-20260101T000000" : "v0002-20260102T000000");
    }

    /** Ten segments spread over the network. */
    private static Set<Integer> tenSegments() {
        Set<Integer> out = new HashSet<>();
        for (int k = 0; k < 10; k++) {
            out.add(3 + k * 20);
        }
        return out;
    }

    @Test
    void sameDataKeepsEveryZoneIdAndSet() {
        ManifoldModel first = train(0, 5, Set.of(), null);
        assertTrue(first.zoneCount() >= 4, "Los-loop with zones of 64 has at least 4 zones, got " + first.zoneCount());
        ManifoldModel again = train(0, 5, Set.of(), first);
        assertEquals(ZoningRecord.zones(first), ZoningRecord.zones(again));
        assertEquals(ZoningRecord.fingerprint(first), ZoningRecord.fingerprint(again));
        ModelCard.ZoningCard card = again.card().zoning();
        assertEquals(first.version(), card.anchoredTo());
        assertEquals(ZoningRecord.fingerprint(again), card.fingerprint());
        assertEquals(first.zoneCount(), card.changes().kept().size());
        assertTrue(card.changes().created().isEmpty() && card.changes().removed().isEmpty());
        assertEquals(0, card.changes().segmentsMoved());
    }

    @Test
    void newerDaysKeepTheZonesTheyStillSupport() {
        ManifoldModel first = train(0, 5, Set.of(), null);
        ManifoldModel later = train(2, 5, Set.of(), first);
        ModelCard.ZoningChanges changes = later.card().zoning().changes();
        assertNeverReused(first, later);
        assertTrue(2 * changes.kept().size() >= first.zoneCount(), "kept " + changes.kept() + " of "
                + first.zoneCount() + " zones over a window moved by two days");
        assertEquals(later.zoneCount(), changes.kept().size() + changes.created().size());
    }

    @Test
    void removingTenSegmentsKeepsTheOtherZonesIds() {
        ManifoldModel first = train(0, 5, Set.of(), null);
        Set<Integer> ten = tenSegments();
        ManifoldModel fewer = train(0, 5, ten, first);
        ModelCard.ZoningChanges changes = fewer.card().zoning().changes();
        assertEquals(10, changes.segmentsRemoved().size());
        assertTrue(changes.kept().size() >= first.zoneCount() - 1, "kept " + changes.kept() + " of "
                + first.zoneCount());
        assertNeverReused(first, fewer);
        // and adding them back: kept zones keep their ids, none reused for a different set
        ManifoldModel more = train(0, 5, Set.of(), fewer.withVersion("v0002-20260102T000000"));
        ModelCard.ZoningChanges back = more.card().zoning().changes();
        assertEquals(10, back.segmentsAdded().size());
        assertTrue(back.kept().size() >= fewer.zoneCount() - 1, "kept " + back.kept() + " of " + fewer.zoneCount());
        assertNeverReused(fewer, more);
        assertTrue(more.card().zoning().idHighWater() >= fewer.card().zoning().idHighWater());
    }

    /**
     * Every id in both models names (nearly) the same set: all its old members still there (but removed segments),
     * joiners at most as many as they; every new id is above the anchor's high-water mark.
     */
    private static void assertNeverReused(ManifoldModel before, ManifoldModel after) {
        Map<Integer, List<String>> a = ZoningRecord.zones(before);
        Map<Integer, List<String>> b = ZoningRecord.zones(after);
        Set<String> common = new HashSet<>(los.network().segmentIds().length);
        a.values().forEach(common::addAll);
        Set<String> inAfter = new HashSet<>();
        b.values().forEach(inAfter::addAll);
        common.retainAll(inAfter);
        int highWater = ZoningRecord.idHighWater(before);
        for (var e : b.entrySet()) {
            if (a.containsKey(e.getKey())) {
                Set<String> was = new HashSet<>(a.get(e.getKey()));
                Set<String> now = new HashSet<>(e.getValue());
                was.retainAll(common);
                assertTrue(now.containsAll(was), "zone " + e.getKey() + " kept its id but lost members");
                assertTrue(2 * was.size() >= now.size(), "zone " + e.getKey() + " kept its id but grew from "
                        + was.size() + " to " + now.size() + " common segments");
            } else {
                assertTrue(e.getKey() > highWater, "new zone id " + e.getKey() + " not above " + highWater);
            }
        }
        assertNotEquals(-1, highWater);
    }
}
