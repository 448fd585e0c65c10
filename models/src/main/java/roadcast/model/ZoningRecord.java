package roadcast.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import roadcast.network.RoadNetwork;
import roadcast.zone.AnchoredZoning;

/** The zoning of a model as its card records it: zones by stable id, a fingerprint, changes against an anchor. */
public final class ZoningRecord {

    private ZoningRecord() {
    }

    /** Zone id to its segment ids (network order), by ascending zone id. */
    public static Map<Integer, List<String>> zones(ManifoldModel model) {
        Map<Integer, List<String>> out = new TreeMap<>();
        RoadNetwork network = model.network();
        for (int z = 0; z < model.zoneCount(); z++) {
            List<String> ids = new ArrayList<>();
            for (int s : model.segmentsOfZone(z)) {
                ids.add(network.segment(s).id());
            }
            out.put(model.zoneId(z), ids);
        }
        return out;
    }

    /**
     * sha256 (hex) of the canonical zoning text: one line per zone by ascending id, {@code id:seg,seg,...\n} with the
     * segment ids sorted as strings. Equal for two models exactly when they have the same zone ids over the same sets
     * of segments, whatever the order of their network's columns. The one zoning fingerprint: the model card, the
     * registry listing, the trainer and the stream's state layout all use it.
     */
    public static String fingerprint(ManifoldModel model) {
        return fingerprint(zones(model));
    }

    /** {@link #fingerprint(ManifoldModel)} of a zoning given as zone id to its segment ids (any order). */
    public static String fingerprint(Map<Integer, List<String>> zonesById) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(zonesById).forEach((id, segments) -> {
            String[] sorted = segments.toArray(String[]::new);
            Arrays.sort(sorted);
            text.append(id).append(':').append(String.join(",", sorted)).append('\n');
        });
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Highest zone id given in this model's line: the card's mark, else the largest id. */
    public static int idHighWater(ManifoldModel model) {
        int max = Arrays.stream(model.zoneIds()).max().orElse(-1);
        ModelCard.ZoningCard z = model.card().zoning();
        return z == null ? max : Math.max(max, z.idHighWater());
    }

    /** The anchor's zoning as {@link AnchoredZoning} takes it. */
    public static AnchoredZoning.Previous previous(ManifoldModel anchor) {
        Map<Integer, List<String>> zones = zones(anchor);
        int[] ids = zones.keySet().stream().mapToInt(Integer::intValue).toArray();
        String[][] members = zones.values().stream().map(l -> l.toArray(String[]::new)).toArray(String[][]::new);
        return new AnchoredZoning.Previous(ids, members, idHighWater(anchor));
    }

    /** The card's zoning record of {@code model}, with its changes against {@code anchor} (null: a fresh zoning). */
    public static ModelCard.ZoningCard card(ManifoldModel model, int idHighWater, ManifoldModel anchor) {
        Map<Integer, List<String>> zones = zones(model);
        List<ModelCard.ZoneEntry> entries = new ArrayList<>();
        zones.forEach((id, segments) -> entries.add(new ModelCard.ZoneEntry(id, List.copyOf(segments))));
        return new ModelCard.ZoningCard(fingerprint(model), anchor == null ? null : anchor.version(),
                Math.max(idHighWater, Arrays.stream(model.zoneIds()).max().orElse(-1)), entries,
                anchor == null ? null : changes(zones(anchor), zones));
    }

    /** What changed from {@code before} to {@code after} (zone id to segment ids). */
    public static ModelCard.ZoningChanges changes(Map<Integer, List<String>> before, Map<Integer, List<String>> after) {
        Map<String, Integer> zoneBefore = new HashMap<>();
        before.forEach((id, segs) -> segs.forEach(s -> zoneBefore.put(s, id)));
        Map<String, Integer> zoneAfter = new HashMap<>();
        after.forEach((id, segs) -> segs.forEach(s -> zoneAfter.put(s, id)));
        List<Integer> kept = new ArrayList<>();
        List<Integer> removed = new ArrayList<>();
        List<Integer> split = new ArrayList<>();
        for (var e : before.entrySet()) {
            if (after.containsKey(e.getKey())) {
                kept.add(e.getKey());
                continue;
            }
            removed.add(e.getKey());
            Set<Integer> went = new HashSet<>();
            for (String s : e.getValue()) {
                if (zoneAfter.containsKey(s)) {
                    went.add(zoneAfter.get(s));
                }
            }
            if (went.size() >= 2) {
                split.add(e.getKey());
            }
        }
        List<Integer> created = new ArrayList<>();
        List<Integer> merged = new ArrayList<>();
        for (var e : after.entrySet()) {
            if (before.containsKey(e.getKey())) {
                continue;
            }
            created.add(e.getKey());
            Set<Integer> came = new LinkedHashSet<>();
            for (String s : e.getValue()) {
                if (zoneBefore.containsKey(s)) {
                    came.add(zoneBefore.get(s));
                }
            }
            if (came.size() >= 2) {
                merged.add(e.getKey());
            }
        }
        List<String> added = new ArrayList<>();
        int moved = 0;
        for (var e : after.entrySet()) {
            for (String s : e.getValue()) {
                Integer was = zoneBefore.get(s);
                if (was == null) {
                    added.add(s);
                } else if (!was.equals(e.getKey())) {
                    moved++;
                }
            }
        }
        List<String> gone = new ArrayList<>();
        before.values().forEach(segs -> segs.stream().filter(s -> !zoneAfter.containsKey(s)).forEach(gone::add));
        return new ModelCard.ZoningChanges(kept, split, merged, created, removed, added, gone, moved);
    }
}
