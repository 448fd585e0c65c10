package roadcast.datasets.network;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.datasets.DatasetFormatException;
import roadcast.datasets.csv.CsvScanner;
import roadcast.network.CoverageNetwork;
import roadcast.network.Link;
import roadcast.network.RoadClass;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;

/**
 * Builds a {@link RoadNetwork} from the shared layout's {@code sensors.csv} ({@code sensor_id[,latitude,longitude
 * [,road_class][,length_m]]}, road classes by {@link RoadClass#parse}) and {@code edges.csv} ({@code from,to,distance} or {@code from,to,weight}).
 *
 * <p>The network's segment order is the column order of the speed file, so every matrix lines up. Sensors listed
 * in sensors.csv without a speed column are the network's <em>extended</em> segments ({@link #readCoverage}); the
 * observed network ({@link #read}) leaves them and their edges out. An edge naming a sensor that is in neither file
 * is an error. Self-loops are dropped (a segment is not its own neighbour). A sensor without
 * coordinates gets NaN; a speed column missing from sensors.csv gets a segment without coordinates.
 */
public final class NetworkFiles {

    private static final Logger LOG = LoggerFactory.getLogger(NetworkFiles.class);

    private NetworkFiles() {
    }

    /**
     * A sensor row.
     *
     * @param lengthMetres the {@code length_m} column (the road's length), NaN where absent
     */
    public record SensorRow(String id, double latitude, double longitude, RoadClass roadClass, double lengthMetres) {

        public SensorRow(String id, double latitude, double longitude, RoadClass roadClass) {
            this(id, latitude, longitude, roadClass, Double.NaN);
        }
    }

    /**
     * The observed network only (segments with a speed column, links among them).
     *
     * @param columnIds  segment order (the speed file's columns)
     * @param sensorsCsv may be null or absent: segments without coordinates
     * @param edgesCsv   may be null or absent: no links
     */
    public static RoadNetwork read(String[] columnIds, Path sensorsCsv, Path edgesCsv) {
        return readCoverage(columnIds, sensorsCsv, edgesCsv).observed();
    }

    /**
     * Every road of the network files: the speed file's columns as observed segments, then the sensors of
     * sensors.csv that have no speed column as extended segments (in file order), with the links among all of them.
     * An extended segment with no coordinates and no road path to an observed one is excluded with a warning
     * ({@link CoverageNetwork#excluded()}).
     *
     * @throws DatasetFormatException for an edge naming a sensor that is in neither file
     */
    public static CoverageNetwork readCoverage(String[] columnIds, Path sensorsCsv, Path edgesCsv) {
        Map<String, SensorRow> sensors = sensorsCsv != null && Files.isRegularFile(sensorsCsv)
                ? readSensors(sensorsCsv) : Map.of();
        List<Segment> segments = new ArrayList<>(columnIds.length);
        Map<String, Integer> index = new HashMap<>(columnIds.length * 2);
        int withoutRow = 0;
        for (String id : columnIds) {
            SensorRow row = sensors.get(id);
            if (row == null) {
                withoutRow++;
                segments.add(new Segment(id, Double.NaN, Double.NaN, RoadClass.UNKNOWN));
            } else {
                segments.add(new Segment(id, row.latitude(), row.longitude(), row.roadClass()));
            }
            index.put(id, index.size());
        }
        if (!sensors.isEmpty() && withoutRow > 0) {
            LOG.warn("{} of {} segments are not in {}: no coordinates", withoutRow, columnIds.length, sensorsCsv);
        }
        List<Segment> extended = new ArrayList<>();
        for (SensorRow row : sensors.values()) {
            if (!index.containsKey(row.id())) {
                index.put(row.id(), columnIds.length + extended.size());
                extended.add(new Segment(row.id(), row.latitude(), row.longitude(), row.roadClass()));
            }
        }
        if (!extended.isEmpty()) {
            LOG.info("{}: {} sensors without a speed column join the network as extended segments", sensorsCsv,
                    extended.size());
        }
        List<Link> links = edgesCsv != null && Files.isRegularFile(edgesCsv)
                ? readEdges(edgesCsv, index) : List.of();
        return CoverageNetwork.of(segments, extended, links);
    }

    /** sensors.csv by id, in file order. */
    public static Map<String, SensorRow> readSensors(Path file) {
        Map<String, SensorRow> rows = new java.util.LinkedHashMap<>();
        try (CsvScanner in = CsvScanner.open(file)) {
            List<String> header = headerOf(in, file, "sensor_id[,latitude,longitude[,road_class]]");
            if (!header.get(0).equals("sensor_id") && !header.get(0).equals("id")) {
                throw new DatasetFormatException(file, 1, "missing column: first column must be 'sensor_id', found '"
                        + header.get(0) + "'");
            }
            int lat = header.indexOf("latitude");
            int lon = header.indexOf("longitude");
            int cls = header.indexOf("road_class");
            int len = header.indexOf("length_m");
            if ((lat < 0) != (lon < 0)) {
                throw new DatasetFormatException(file, 1, "missing column: latitude and longitude come together");
            }
            int term;
            while ((term = in.next()) != CsvScanner.END_OF_FILE) {
                long line = in.line();
                String id = in.fieldString();
                if (id.isEmpty()) {
                    throw in.error("empty sensor_id");
                }
                double latitude = Double.NaN;
                double longitude = Double.NaN;
                RoadClass roadClass = RoadClass.UNKNOWN;
                double length = Double.NaN;
                int column = 1;
                while (term == CsvScanner.MORE) {
                    term = in.next();
                    if (column == lat) {
                        latitude = in.fieldDouble("latitude");
                    } else if (column == lon) {
                        longitude = in.fieldDouble("longitude");
                    } else if (column == cls && !in.fieldIsEmpty()) {
                        roadClass = roadClass(in);
                    } else if (column == len) {
                        length = in.fieldDouble("length_m");
                        if (length < 0) {
                            throw in.error("length_m must not be negative, got " + length);
                        }
                    }
                    column++;
                }
                if (column != header.size()) {
                    throw new DatasetFormatException(file, line, "ragged row: " + column + " values, header has "
                            + header.size() + " columns");
                }
                if (rows.put(id, new SensorRow(id, latitude, longitude, roadClass, length)) != null) {
                    throw new DatasetFormatException(file, line, "duplicate sensor_id '" + id + "'");
                }
            }
        }
        return rows;
    }

    private static RoadClass roadClass(CsvScanner in) {
        try {
            return RoadClass.parse(in.fieldString());
        } catch (IllegalArgumentException e) {
            throw in.error(e.getMessage());
        }
    }

    private static List<Link> readEdges(Path file, Map<String, Integer> index) {
        List<Link> links = new ArrayList<>();
        int selfLoops = 0;
        try (CsvScanner in = CsvScanner.open(file)) {
            List<String> header = headerOf(in, file, "from,to,distance or from,to,weight");
            if (header.size() != 3 || !header.get(0).equals("from") || !header.get(1).equals("to")
                    || !(header.get(2).equals("distance") || header.get(2).equals("weight")
                    || header.get(2).equals("cost"))) {
                throw new DatasetFormatException(file, 1, "missing column: header must be 'from,to,distance' or "
                        + "'from,to,weight', found '" + String.join(",", header) + "'");
            }
            boolean isWeight = header.get(2).equals("weight");
            int term;
            while ((term = in.next()) != CsvScanner.END_OF_FILE) {
                long line = in.line();
                String from = in.fieldString();
                if (term != CsvScanner.MORE || in.next() != CsvScanner.MORE) {
                    throw new DatasetFormatException(file, line, "ragged row: expected 3 values");
                }
                String to = in.fieldString();
                if (in.next() != CsvScanner.END_OF_LINE) {
                    throw new DatasetFormatException(file, line, "ragged row: more than 3 values");
                }
                double value = in.fieldDouble(header.get(2));
                if (Double.isNaN(value) || value < 0) {
                    throw new DatasetFormatException(file, line, header.get(2) + " must be a non-negative number");
                }
                Integer a = index.get(from);
                Integer b = index.get(to);
                if (a == null || b == null) {
                    String unknown = a == null ? from : to;
                    throw new DatasetFormatException(file, line, "unknown sensor id '" + unknown
                            + "': not a segment of the speed file nor a row of sensors.csv");
                }
                if (a.equals(b)) {
                    selfLoops++;
                    continue;
                }
                if (isWeight) {
                    if (value == 0 || value > 1) {
                        throw new DatasetFormatException(file, line, "weight must be in (0, 1], got " + value);
                    }
                    links.add(new Link(a, b, Double.NaN, value));
                } else {
                    links.add(new Link(a, b, value, 1.0));
                }
            }
        }
        LOG.debug("{}: {} links, {} self-loops dropped", file, links.size(), selfLoops);
        return links;
    }

    private static List<String> headerOf(CsvScanner in, Path file, String expected) {
        List<String> header = new ArrayList<>();
        int term = in.next();
        if (term == CsvScanner.END_OF_FILE) {
            throw new DatasetFormatException(file, 1, "empty file: expected a header '" + expected + "'");
        }
        header.add(in.fieldString().toLowerCase(Locale.ROOT));
        while (term == CsvScanner.MORE) {
            term = in.next();
            header.add(in.fieldString().toLowerCase(Locale.ROOT));
        }
        return header;
    }
}
