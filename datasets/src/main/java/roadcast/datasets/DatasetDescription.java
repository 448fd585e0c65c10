package roadcast.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Locale;
import roadcast.history.SpeedUnit;
import roadcast.network.Link;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;

/**
 * Writes what a data-set folder says beyond its readings, in the forms the loader reads back: the README lines of
 * {@link DatasetConventions} and the network files of {@link roadcast.datasets.network.NetworkFiles}
 * ({@code sensors.csv}, {@code edges.csv}). Files that exist are left alone, so a description someone edited by hand
 * is never overwritten.
 */
public final class DatasetDescription {

    private DatasetDescription() {
    }

    /** README lines that {@link DatasetConventions#fromText} reads as this unit, zone and zero convention. */
    public static String conventionLines(SpeedUnit unit, ZoneId zone, boolean zeroIsMissing) {
        return "Speed unit: " + (unit == SpeedUnit.MPH ? "mph" : "km/h") + "\n"
                + "Time zone: " + zone.getId() + "\n"
                + (zeroIsMissing ? "Zeros = missing (a zero mean speed is not a credible reading)\n"
                : "Zeros are kept (a zero speed is a measured standstill)\n");
    }

    /** Writes {@code text} to {@code file} unless the file exists; returns whether it wrote. */
    public static boolean writeIfMissing(Path file, String text) {
        if (Files.exists(file)) {
            return false;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Writes {@code sensors.csv} (and {@code edges.csv} when the network has links) into {@code folder} unless they
     * exist. Sensors are in network order, which the loader uses as the column order of data without one of its own.
     */
    public static void writeNetworkIfMissing(Path folder, RoadNetwork network) {
        writeIfMissing(folder.resolve("sensors.csv"), sensorsCsv(network));
        if (!network.links().isEmpty()) {
            writeIfMissing(folder.resolve("edges.csv"), edgesCsv(network));
        }
    }

    /** {@code sensors.csv}: id, coordinates (empty where unknown) and road class per segment, in network order. */
    public static String sensorsCsv(RoadNetwork network) {
        StringBuilder sensors = new StringBuilder("sensor_id,latitude,longitude,road_class\n");
        for (Segment s : network.segments()) {
            sensors.append(cell(s.id())).append(',').append(coordinate(s.latitude())).append(',')
                    .append(coordinate(s.longitude())).append(',')
                    .append(s.roadClass().name().toLowerCase(Locale.ROOT)).append('\n');
        }
        return sensors.toString();
    }

    /** {@code edges.csv}: one line per link, by segment id. */
    public static String edgesCsv(RoadNetwork network) {
        // NetworkFiles reads one kind of value per file: distances when every link has one, else the weights
        // (which are 1 for links known only by distance)
        boolean distances = network.links().stream().noneMatch(l -> Double.isNaN(l.distance()));
        StringBuilder edges = new StringBuilder(distances ? "from,to,distance\n" : "from,to,weight\n");
        for (Link l : network.links()) {
            edges.append(cell(network.segment(l.from()).id())).append(',').append(cell(network.segment(l.to()).id()))
                    .append(',').append(distances ? l.distance() : l.weight()).append('\n');
        }
        return edges.toString();
    }

    private static String coordinate(double degrees) {
        return Double.isNaN(degrees) ? "" : Double.toString(degrees);
    }

    private static String cell(String text) {
        return text.indexOf(',') < 0 && text.indexOf('"') < 0 ? text : '"' + text.replace("\"", "\"\"") + '"';
    }
}
