package roadcast.api;

import roadcast.network.Link;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * The segments the dashboard draws: from a model's network (with zones), from a CSV file, or empty, in which case the
 * segments the store has seen are listed without coordinates.
 */
public final class SegmentCatalog {

    private final Map<String, CatalogSegment> byId;
    private final List<int[]> links;
    private final SpeedGrader grader;
    /** The model in service (network with distances, unit, clock, skill); null for a CSV or empty catalog. */
    private final ServedModel model;

    private SegmentCatalog(List<CatalogSegment> segments, List<int[]> links) {
        this(segments, links, null, null);
    }

    private SegmentCatalog(List<CatalogSegment> segments, List<int[]> links, SpeedGrader grader, ServedModel model) {
        this.grader = grader;
        this.model = model;
        this.byId = new LinkedHashMap<>();
        for (CatalogSegment s : segments) {
            byId.put(s.id(), s);
        }
        this.links = Collections.unmodifiableList(links);
    }

    public static SegmentCatalog empty() {
        return new SegmentCatalog(List.of(), List.of());
    }

    /** A model's network; {@code zoneOf} maps a network index to its zone. */
    public static SegmentCatalog of(RoadNetwork network, IntUnaryOperator zoneOf) {
        return of(network, zoneOf, null);
    }

    /** A model's network with the model's own grading of current speeds (road class and free-flow speed). */
    public static SegmentCatalog of(RoadNetwork network, IntUnaryOperator zoneOf, SpeedGrader grader) {
        List<CatalogSegment> segments = new ArrayList<>(network.size());
        for (int i = 0; i < network.size(); i++) {
            Segment s = network.segment(i);
            segments.add(new CatalogSegment(s.id(), s.latitude(), s.longitude(), s.roadClass().name(),
                zoneOf.applyAsInt(i)));
        }
        return new SegmentCatalog(segments, drawnLinks(network), grader, null);
    }

    /** The same catalog knowing the model in service (reliability flags, routes, congestion clusters). */
    public SegmentCatalog withModel(ServedModel served) {
        return new SegmentCatalog(new ArrayList<>(byId.values()), links, grader, served);
    }

    /** The model in service, empty for a catalog read from a CSV file. */
    public java.util.Optional<ServedModel> model() {
        return java.util.Optional.ofNullable(model);
    }

    /**
     * This catalog with roads without history (a model's extended segments) after its own segments; links keep
     * their indices. A {@code grader} for the whole catalog replaces this one's.
     */
    public SegmentCatalog withExtended(List<CatalogSegment> extended, SpeedGrader wholeGrader) {
        List<CatalogSegment> all = new ArrayList<>(byId.values());
        all.addAll(extended);
        return new SegmentCatalog(all, links, wholeGrader, model);
    }

    /**
     * A CSV file with a header naming the columns: {@code id} (or {@code sensor_id}, {@code segment}),
     * {@code latitude}, {@code longitude}, and optionally {@code road_class} and {@code zone}. The shared data sets'
     * {@code sensors.csv} reads as is.
     */
    public static SegmentCatalog fromCsv(Path file) {
        List<CatalogSegment> segments = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                throw new IllegalArgumentException(file + ":1: empty file, expected a header with id,latitude,longitude");
            }
            String[] names = header.trim().toLowerCase(Locale.ROOT).split(",", -1);
            int id = column(names, "id", "sensor_id", "segment", "segment_id");
            int lat = column(names, "latitude", "lat");
            int lon = column(names, "longitude", "lon", "lng");
            int roadClass = column(names, "road_class", "roadclass");
            int zone = column(names, "zone");
            if (id < 0 || lat < 0 || lon < 0) {
                throw new IllegalArgumentException(file + ":1: header '" + header
                    + "' must name an id (id/sensor_id/segment), latitude and longitude column");
            }
            String line;
            int lineNo = 1;
            Map<String, Integer> seen = new LinkedHashMap<>();
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",", -1);
                if (f.length < names.length) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": expected " + names.length
                        + " fields, found " + f.length);
                }
                String segmentId = f[id].trim();
                if (segmentId.isEmpty()) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": empty segment id");
                }
                if (seen.put(segmentId, lineNo) != null) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": duplicate segment id " + segmentId);
                }
                try {
                    String rc = roadClass >= 0 && !f[roadClass].isBlank()
                        ? roadcast.network.RoadClass.valueOf(f[roadClass].trim().toUpperCase(Locale.ROOT)).name()
                        : "UNKNOWN";
                    int z = zone >= 0 && !f[zone].isBlank() ? Integer.parseInt(f[zone].trim()) : -1;
                    segments.add(new CatalogSegment(segmentId, coordinate(f[lat]), coordinate(f[lon]), rc, z));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read segment file " + file + ": " + e.getMessage(), e);
        }
        return new SegmentCatalog(segments, new ArrayList<>());
    }

    private static double coordinate(String text) {
        String t = text.trim();
        if (t.isEmpty() || t.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("coordinate '" + text + "' is not a number");
        }
    }

    private static int column(String[] names, String... candidates) {
        for (String c : candidates) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].trim().equals(c)) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** The level of a current speed by the model's rules, or null when the catalog has no model. */
    public String grade(String segmentId, double speed) {
        return grader == null || !Double.isFinite(speed) ? null : grader.level(segmentId, speed);
    }

    public boolean contains(String id) {
        return byId.containsKey(id);
    }

    public int size() {
        return byId.size();
    }

    /** Links between catalog segments as index pairs into {@link #segments(List)} (catalog order first). */
    public List<int[]> links() {
        return links;
    }

    /** The catalog's segments, followed by segments only the store knows (no coordinates, zone -1). */
    public List<CatalogSegment> segments(List<String> storeIds) {
        List<CatalogSegment> out = new ArrayList<>(byId.values());
        for (String id : storeIds) {
            if (!byId.containsKey(id)) {
                out.add(new CatalogSegment(id, Double.NaN, Double.NaN, "UNKNOWN", -1));
            }
        }
        return out;
    }

    /** Links the map draws per segment: its nearest downstream neighbours, not every pair a distance table lists. */
    static final int DRAWN_LINKS_PER_SEGMENT = 2;

    /**
     * Distance tables such as METR-LA's list a road distance for every pair within ~12 km (11,546 pairs for 207
     * sensors), which draws as a solid web; each segment keeps its {@value #DRAWN_LINKS_PER_SEGMENT} nearest
     * downstream links (by distance, or by highest weight where no distance is known).
     */
    static List<int[]> drawnLinks(roadcast.network.RoadNetwork network) {
        java.util.Map<Integer, List<Link>> byFrom = new java.util.TreeMap<>();
        for (Link link : network.links()) {
            if (link.from() != link.to()) {
                byFrom.computeIfAbsent(link.from(), k -> new ArrayList<>()).add(link);
            }
        }
        java.util.Comparator<Link> nearestFirst = java.util.Comparator
                .comparingDouble((Link l) -> Double.isNaN(l.distance()) ? Double.POSITIVE_INFINITY : l.distance())
                .thenComparingDouble(l -> -l.weight());
        List<int[]> drawn = new ArrayList<>();
        for (List<Link> out : byFrom.values()) {
            out.sort(nearestFirst);
            for (Link link : out.subList(0, Math.min(DRAWN_LINKS_PER_SEGMENT, out.size()))) {
                drawn.add(new int[] {link.from(), link.to()});
            }
        }
        return drawn;
    }
}
