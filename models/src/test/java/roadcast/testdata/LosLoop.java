package roadcast.testdata;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import roadcast.history.SpeedHistory;
import roadcast.history.SpeedUnit;
import roadcast.network.Link;
import roadcast.network.RoadClass;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;

/** A tiny private reader of the shared Los-loop folder (models cannot depend on the datasets module). */
public record LosLoop(RoadNetwork network, SpeedHistory history) {

    public static final String NAME = "los-loop";

    /** ../shared/datasets/NAME via -Droadcast.shared (set by surefire) or a shared/ folder above the working dir. */
    public static Optional<Path> find(String name) {
        String configured = System.getProperty("roadcast.shared");
        if (configured != null && Files.isDirectory(Path.of(configured, "datasets", name))) {
            return Optional.of(Path.of(configured, "datasets", name));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("datasets").resolve(name);
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static String absentMessage(String name) {
        return "real data set '" + name + "' not found beside the project (../shared/datasets/" + name + ")";
    }

    public static LosLoop read(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(dir.resolve("speed.csv.gz"))), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
        }
        String[] header = lines.get(0).split(",");
        String[] ids = java.util.Arrays.copyOfRange(header, 1, header.length);
        float[][] speed = new float[lines.size() - 1][];
        LocalDateTime start = null;
        LocalDateTime second = null;
        for (int t = 1; t < lines.size(); t++) {
            String[] cells = lines.get(t).split(",");
            if (t == 1) {
                start = LocalDateTime.parse(cells[0]);
            } else if (t == 2) {
                second = LocalDateTime.parse(cells[0]);
            }
            float[] row = new float[ids.length];
            for (int i = 0; i < ids.length; i++) {
                row[i] = cells[i + 1].isEmpty() ? Float.NaN : Float.parseFloat(cells[i + 1]);
            }
            speed[t - 1] = row;
        }
        Map<String, double[]> coords = new HashMap<>();
        Path sensors = dir.resolve("sensors.csv");
        if (Files.exists(sensors)) {
            for (String line : Files.readAllLines(sensors).subList(1, Files.readAllLines(sensors).size())) {
                String[] c = line.split(",");
                coords.put(c[0], new double[] {Double.parseDouble(c[1]), Double.parseDouble(c[2])});
            }
        }
        List<Segment> segments = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            double[] c = coords.getOrDefault(ids[i], new double[] {Double.NaN, Double.NaN});
            segments.add(new Segment(ids[i], c[0], c[1], RoadClass.UNKNOWN));
            index.put(ids[i], i);
        }
        List<Link> links = new ArrayList<>();
        Path edges = dir.resolve("edges.csv");
        if (Files.exists(edges)) {
            List<String> e = Files.readAllLines(edges);
            for (String line : e.subList(1, e.size())) {
                String[] c = line.split(",");
                Integer a = index.get(c[0]);
                Integer b = index.get(c[1]);
                if (a != null && b != null) {
                    links.add(new Link(a, b, Double.parseDouble(c[2]), 1));
                }
            }
        }
        RoadNetwork network = new RoadNetwork(segments, links);
        SpeedHistory history = new SpeedHistory(ids, start, Duration.between(start, second),
                ZoneId.of("America/Los_Angeles"), SpeedUnit.MPH, speed, null, null);
        return new LosLoop(network, history);
    }
}
