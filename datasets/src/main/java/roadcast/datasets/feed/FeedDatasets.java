package roadcast.datasets.feed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetConventions;
import roadcast.datasets.network.NetworkFiles;
import roadcast.fusion.FusionFitter;
import roadcast.fusion.FusionModel;
import roadcast.fusion.FusionSettings;
import roadcast.fusion.Fuser;
import roadcast.fusion.SourceSeries;
import roadcast.history.SpeedHistory;
import roadcast.network.CoverageNetwork;

/**
 * A data set whose history is a live feed of several sources ({@code sources.csv.gz}, {@link SourceFeed}): the
 * segments with at least one reading are observed (in sensors.csv's order), the other roads of sensors.csv are
 * extended (kriged), and the history is the feed fused by a {@link FusionModel} learned from the feed itself. The
 * folder's ground truth ({@code speed.csv.gz}), if any, is never read here.
 *
 * <p>The fusion is refitted on the training rows by {@link #fittedOn} (every trainer calls it), so a benchmark or a
 * gate's held-out day never informs it.
 */
public final class FeedDatasets {

    private static final Logger LOG = LoggerFactory.getLogger(FeedDatasets.class);
    /** The feed's file names, in order of preference. */
    public static final List<String> FEED_FILES = List.of("sources.csv.gz", "sources.csv");

    private FeedDatasets() {
    }

    /** The feed file of a data-set folder, if it has one. */
    public static Optional<Path> feedFile(Path folder) {
        for (String name : FEED_FILES) {
            if (Files.isRegularFile(folder.resolve(name))) {
                return Optional.of(folder.resolve(name));
            }
        }
        return Optional.empty();
    }

    /** True when {@code file} is named as a feed ({@code sources.csv[.gz]}). */
    public static boolean isFeedFile(Path file) {
        return FEED_FILES.contains(file.getFileName().toString());
    }

    /**
     * Loads the feed beside its network files, fused with a fusion fitted on every row.
     *
     * @param file   the feed
     * @param filter the service mode's sources and the dark roads
     */
    public static Dataset load(Path file, FeedFilter filter) {
        Path folder = file.toAbsolutePath().getParent();
        DatasetConventions conventions = DatasetConventions.fromFolder(folder);
        Path sensors = folder.resolve("sensors.csv");
        List<String> order = Files.isRegularFile(sensors)
                ? new ArrayList<>(NetworkFiles.readSensors(sensors).keySet()) : List.of();
        SourceFeed.Grids grids = SourceFeed.read(file, conventions.timeZone(), filter, order);
        CoverageNetwork coverage = NetworkFiles.readCoverage(grids.segmentIds(), sensors, folder.resolve("edges.csv"));
        if (!filter.dark().isEmpty()) {
            List<String> unknown = filter.dark().stream().filter(id -> coverage.all().indexOf(id).isEmpty()).toList();
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("dark segments not in " + sensors + ": " + unknown);
            }
        }
        String name = folder.getFileName().toString();
        LOG.info("{}: feed {} with {} rows ({} dropped by the service mode), {} sources, {} segments read, {} roads "
                        + "without a reading", name, file.getFileName(), grids.rowsRead(), grids.rowsDropped(),
                grids.sources().size(), grids.segmentIds().length, coverage.extendedCount());
        SpeedHistory unfused = new SpeedHistory(grids.segmentIds(), grids.start(), grids.step(),
                conventions.timeZone(), conventions.unit(), new float[grids.steps()][grids.segmentIds().length],
                flowOf(grids), occupancyOf(grids));
        // not fused yet: fittedOn fits the fusion and fuses the history
        Dataset blank = new Dataset(name, coverage.observed(), unfused, conventions.readme(), coverage, grids, null);
        return fittedOn(blank, grids.steps());
    }

    /**
     * The data set with its history fused by a fusion fitted on rows [0, rows) of its feed (the whole history is
     * fused, in time order, tracks running, as the stream would); the data set itself when it has no feed or is
     * already fitted on those rows.
     */
    public static Dataset fittedOn(Dataset data, int rows) {
        if (data.feed() == null) {
            return data;
        }
        String label = label(data.name(), rows);
        if (data.fusion() != null && label.equals(data.fusion().fittedOn())) {
            return data;
        }
        SourceFeed.Grids grids = data.feed();
        FusionModel fusion = FusionFitter.fit(grids.segmentIds(), grids.sources(), rows, data.name(),
                FusionSettings.defaults());
        float[][] fused = Fuser.fuseAll(fusion, grids.segmentIds(), grids.sources());
        SpeedHistory h = data.history();
        SpeedHistory history = new SpeedHistory(h.segmentIds(), h.start(), h.step(), h.timeZone(), h.unit(), fused,
                h.flow(), h.occupancy());
        for (String line : fusion.summaryLines()) {
            LOG.info(line);
        }
        return new Dataset(data.name(), data.network(), history, data.provenance(), data.coverage(), grids, fusion);
    }

    private static String label(String name, int rows) {
        return "rows [0, " + rows + ") of " + name;
    }

    private static float[][] flowOf(SourceFeed.Grids grids) {
        for (SourceSeries s : grids.sources()) {
            if (s.flow() != null) {
                return s.flow();
            }
        }
        return null;
    }

    private static float[][] occupancyOf(SourceFeed.Grids grids) {
        for (SourceSeries s : grids.sources()) {
            if (s.occupancy() != null) {
                return s.occupancy();
            }
        }
        return null;
    }
}
