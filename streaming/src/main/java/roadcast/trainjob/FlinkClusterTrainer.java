package roadcast.trainjob;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import roadcast.clean.CleaningReport;
import roadcast.clean.CleaningResult;
import roadcast.clean.HistoryCleaner;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.datasets.StreamedDataset;
import roadcast.datasets.csv.WideCsv;
import roadcast.datasets.feed.FeedDatasets;
import roadcast.fit.ManifoldTrainer;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.fit.ZoneFitException;
import roadcast.fit.ZoneFitter;
import roadcast.history.SpeedHistory;
import roadcast.manifold.LocalClock;
import roadcast.model.HorizonLeads;
import roadcast.model.ManifoldModel;
import roadcast.zone.AnchoredZoning;
import roadcast.zone.Zoning;
import roadcast.network.RoadNetwork;
import roadcast.promote.HeldOutWindow;
import roadcast.promote.Promotion;
import roadcast.train.ClusterTrainer;
import roadcast.train.TrainingRun;

/**
 * Training with the zones fitted by a Flink batch job: the entry point of {@code roadcast train --flink}.
 *
 * <p>On the driver (this JVM): the training rows streamed in, cleaned and zoned exactly as {@link TrainingRun} does
 * (the same cleaner one row at a time, the same zoning from its hour-of-week means and sampled rows), without ever
 * holding the history, and each zone's columns written to its own file in the run folder. On the cluster ({@link ZoneTrainingJob}): each zone fitted by {@link ZoneFitter#fitZone}
 * from its file alone, its part written back. On the driver again: the parts assembled by
 * {@link ManifoldTrainer#assemble} into the model the local trainer would have made (same arrays, same card, same
 * checksum), returned for the caller to publish. A zone whose fit fails refuses the model with its id, as locally.
 */
public final class FlinkClusterTrainer implements ClusterTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(FlinkClusterTrainer.class);
    /** Set to keep the run folder (zone histories and parts) after training, for inspection. */
    public static final String KEEP_RUN_PROPERTY = "roadcast.train.keepRun";

    @Override
    public TrainingRun.Outcome train(Dataset dataset, int trainRows, TrainingConfig config, String flinkAddress,
                                     String workDir, int parallelism, ProgressListener progress,
                                     ManifoldModel anchor) throws Exception {
        Remote remote = Remote.of(flinkAddress, parallelism);
        return train(dataset, trainRows, config, remote.env, workDir, remote.tasks, progress, anchor);
    }

    @Override
    public TrainingRun.Outcome trainStreamed(StreamedDataset dataset, int firstRow, int endRow,
                                             TrainingConfig config, String flinkAddress, String workDir,
                                             int parallelism, ProgressListener progress) throws Exception {
        Remote remote = Remote.of(flinkAddress, parallelism);
        return train(dataset, firstRow, endRow, config, remote.env, workDir, remote.tasks, progress, null);
    }

    @Override
    public Promotion.Candidate trainStreamedGated(StreamedDataset dataset, int firstRow, int endRow,
                                                  Duration holdout, TrainingConfig config, String flinkAddress,
                                                  String workDir, int parallelism, ProgressListener progress,
                                                  ManifoldModel anchor) throws Exception {
        Remote remote = Remote.of(flinkAddress, parallelism);
        return trainGated(dataset, firstRow, endRow, holdout, config, remote.env, workDir, remote.tasks, progress,
                anchor);
    }

    /** A session cluster's environment and the fit tasks to run there. */
    private record Remote(StreamExecutionEnvironment env, int tasks) {
        static Remote of(String flinkAddress, int parallelism) throws IOException, InterruptedException {
            int colon = flinkAddress.lastIndexOf(':');
            if (colon <= 0 || colon == flinkAddress.length() - 1) {
                throw new IllegalArgumentException("--flink '" + flinkAddress
                        + "' is not HOST:PORT (the REST address)");
            }
            String host = flinkAddress.substring(0, colon);
            int port = Integer.parseInt(flinkAddress.substring(colon + 1));
            int tasks = parallelism > 0 ? parallelism : availableSlots(host, port);
            return new Remote(StreamExecutionEnvironment.createRemoteEnvironment(host, port, jobConfiguration(),
                    jobJar().toString()), tasks);
        }
    }

    /**
     * The whole run on a given environment (a remote cluster, or the tests' mini-cluster), from a loaded data set:
     * its rows go through the same streaming driver as {@link #train(Path, TrainingConfig, StreamExecutionEnvironment,
     * String, int, ProgressListener, ManifoldModel)}, one copied row at a time (the data set is left unchanged).
     *
     * @param workDir folder or URI below which this run's folder is made (and removed afterwards)
     * @param anchor  the model in service whose zones the new zoning keeps where the data allow, or null
     */
    public static TrainingRun.Outcome train(Dataset dataset, int trainRows, TrainingConfig config,
                                            StreamExecutionEnvironment env, String workDir, int parallelism,
                                            ProgressListener progress, ManifoldModel anchor) throws Exception {
        SpeedHistory loaded = dataset.history();
        if (trainRows < 2 || trainRows > loaded.steps()) {
            throw new IllegalArgumentException("cannot train " + dataset.name() + " on " + trainRows + " rows: it has "
                    + loaded.steps());
        }
        // a feed's fusion is learned from the training rows only, as the local trainer does
        Dataset fitted = FeedDatasets.fittedOn(dataset, trainRows);
        SpeedHistory history = fitted.history();
        RowSource rows = visitor -> {
            float[] copy = new float[history.segments()];
            for (int t = 0; t < trainRows; t++) {
                System.arraycopy(history.speed()[t], 0, copy, 0, copy.length);
                if (!visitor.row(t, history.time(t), copy)) {
                    return;
                }
            }
        };
        TrainingRun.Outcome outcome = train(fitted, rows, trainRows, config, env, workDir, parallelism, progress,
                anchor);
        if (fitted.fusion() != null) {
            ManifoldModel model = outcome.model();
            outcome = new TrainingRun.Outcome(model.withCard(model.card().withFusion(fitted.fusion())),
                    outcome.cleaning(), outcome.trainRows(), outcome.seconds());
        }
        return outcome;
    }

    /**
     * The whole run from a data set on disk that is read row by row and never loaded (a shared-layout folder, a wide
     * or long CSV, the stream's archive: {@link DatasetLoader#openStreamed}), on every row: the driver holds one row, the cleaner's
     * per-segment state, the zoning's hour-of-week means and sampled rows (48 + 512 values per segment) and the
     * network; the cleaned rows wait in a file on its local disk until the zones are known.
     *
     * @param config from the header of the same data set ({@link StreamedDataset#header})
     */
    public static TrainingRun.Outcome train(java.nio.file.Path dataset, TrainingConfig config,
                                            StreamExecutionEnvironment env, String workDir, int parallelism,
                                            ProgressListener progress, ManifoldModel anchor) throws Exception {
        return train(dataset, Integer.MAX_VALUE, config, env, workDir, parallelism, progress, anchor);
    }

    /** {@link #train(java.nio.file.Path, TrainingConfig, StreamExecutionEnvironment, String, int, ProgressListener,
     * ManifoldModel)} on the first {@code maxRows} rows only ({@code --until}). */
    public static TrainingRun.Outcome train(java.nio.file.Path dataset, int maxRows, TrainingConfig config,
                                            StreamExecutionEnvironment env, String workDir, int parallelism,
                                            ProgressListener progress, ManifoldModel anchor) throws Exception {
        try (StreamedDataset data = DatasetLoader.openStreamed(dataset)) {
            return train(data, 0, maxRows, config, env, workDir, parallelism, progress, anchor);
        }
    }

    /**
     * The whole run on rows [firstRow, endRow) of a streamed data set (a wide or long CSV, a shared-layout folder or
     * the stream's archive, {@link DatasetLoader#openStreamed}): read row by row, never loaded; row firstRow is the
     * window's first (the daily retrain's newest days).
     *
     * @param endRow rows read at most (Integer.MAX_VALUE: to the end)
     */
    public static TrainingRun.Outcome train(StreamedDataset dataset, int firstRow, int endRow,
                                            TrainingConfig config, StreamExecutionEnvironment env, String workDir,
                                            int parallelism, ProgressListener progress, ManifoldModel anchor)
            throws Exception {
        return train(window(dataset.header(), firstRow), window(dataset, firstRow), endRow - firstRow, config, env,
                workDir, parallelism, progress, anchor);
    }

    /** {@link #trainGated(StreamedDataset, int, int, Duration, TrainingConfig, StreamExecutionEnvironment, String,
     * int, ProgressListener, ManifoldModel)} on the first {@code maxRows} rows of a data set on disk. */
    public static Promotion.Candidate trainGated(java.nio.file.Path dataset, int maxRows, Duration holdout,
                                                 TrainingConfig config, StreamExecutionEnvironment env,
                                                 String workDir, int parallelism, ProgressListener progress,
                                                 ManifoldModel anchor) throws Exception {
        try (StreamedDataset data = DatasetLoader.openStreamed(dataset)) {
            return trainGated(data, 0, maxRows, holdout, config, env, workDir, parallelism, progress, anchor);
        }
    }

    /**
     * The daily retrain's run on a streamed data set (a model in service): the window's rows [firstRow, endRow)
     * read once, each offered to the promotion gate's {@link HeldOutWindow.Collector} (a continuing cleaner's counts
     * and a ring of the newest day and held-out block) and written as recorded to a spill on local disk; when the
     * window's end is known the held-out block is cut off and the rows before it go from the spill through the
     * streaming driver ({@link #train(Dataset, RowSource, int, TrainingConfig, StreamExecutionEnvironment, String,
     * int, ProgressListener, ManifoldModel)}). The driver so holds the ring (a day and the held-out block), never the
     * window: the same candidate and the same gate figures as {@code Promotion.run} on the loaded window.
     *
     * @param config from the header of the same data set
     * @param anchor the model in service, its zone-id high-water mark raised to the registry's
     */
    public static Promotion.Candidate trainGated(StreamedDataset dataset, int firstRow, int endRow, Duration holdout,
                                                 TrainingConfig config, StreamExecutionEnvironment env,
                                                 String workDir, int parallelism, ProgressListener progress,
                                                 ManifoldModel anchor) throws Exception {
        Dataset header = window(dataset.header(), firstRow);
        int maxRows = endRow - firstRow;
        SpeedHistory grid = header.history();
        int n = grid.segments();
        HeldOutWindow.Collector gate = new HeldOutWindow.Collector(grid.segmentIds(), grid.start(), grid.step(),
                grid.timeZone(), grid.unit(), config.credibility(), holdout);
        try (RowSpill recorded = new RowSpill(n)) {
            progress.progress("reading the window", 0, 1);
            window(dataset, firstRow).forEach((t, time, values) -> {
                if (t >= maxRows) {
                    return false;
                }
                gate.accept(values);
                recorded.append(values);
                return true;
            });
            progress.progress("reading the window", 1, 1);
            int rows = recorded.rows();
            int minRows = (int) (2 * 86_400_000L / grid.step().toMillis());
            if (rows < minRows) {
                throw new IllegalArgumentException("only " + rows + " rows of " + header.name() + "; at least two "
                        + "days (" + minRows + " rows) are needed");
            }
            int trainRows = Promotion.trainRows(rows, grid.step(), holdout);
            RowSource training = visitor -> {
                float[] row = new float[n];
                for (int t = 0; t < trainRows; t++) {
                    if (!visitor.row(t, grid.time(t), recorded.read(t, row))) {
                        return;
                    }
                }
            };
            TrainingRun.Outcome outcome = train(header, training, trainRows, config, env, workDir, parallelism,
                    progress, anchor);
            return new Promotion.Candidate(outcome, gate.finish(trainRows));
        }
    }

    /** The header of a window that starts at row {@code firstRow}: the same grid shifted (its rows unused). */
    static Dataset window(Dataset header, int firstRow) {
        if (firstRow == 0) {
            return header;
        }
        SpeedHistory h = header.history();
        SpeedHistory shifted = new SpeedHistory(h.segmentIds(), h.start().plus(h.step().multipliedBy(firstRow)),
                h.step(), h.timeZone(), h.unit(), h.speed(), null, null);
        return new Dataset(header.name(), header.network(), shifted, header.provenance(), header.coverage());
    }

    /** The rows from {@code firstRow} on, numbered from 0. */
    static RowSource window(StreamedDataset dataset, int firstRow) {
        return visitor -> dataset.scan((t, time, values) -> t < firstRow || visitor.row(t - firstRow, time, values));
    }

    /** The training rows as a stream, in time order, each offered once. */
    interface RowSource {
        void forEach(WideCsv.RowVisitor visitor);
    }

    /**
     * The streaming driver. Pass 1 over the rows: each cleaned as it arrives ({@link HistoryCleaner.RowCleaner}, the
     * local trainer's rules, in time order), added to the zoning's hour-of-week means ({@link Zoning.Deviations})
     * and spilled to local disk. Then the zoning from the sampled rows read back, each zone's history written from
     * the spill in one ordered pass, the zones fitted on the cluster, and the model assembled from the parts and the
     * history's grid alone: the same model as {@link TrainingRun#train}.
     *
     * @param header    the data set's network, coverage and grid (start, step, time zone, unit); its rows unused
     * @param trainRows rows [0, trainRows) are trained on (fewer when the source ends earlier)
     */
    static TrainingRun.Outcome train(Dataset header, RowSource rows, int trainRows, TrainingConfig config,
                                     StreamExecutionEnvironment env, String workDir, int parallelism,
                                     ProgressListener progress, ManifoldModel anchor) throws Exception {
        long start = System.nanoTime();
        SpeedHistory grid = header.history();
        RoadNetwork network = header.network();
        if (!java.util.Arrays.equals(network.segmentIds(), grid.segmentIds())) {
            throw new IllegalArgumentException("history columns (" + grid.segments()
                    + " segments) are not the network's segments in network order (" + network.size() + ")");
        }
        int n = grid.segments();
        long stepMillis = grid.step().toMillis();
        long firstMillis = grid.epochMillis(0);
        LocalClock clock = new LocalClock(grid.timeZone(), stepMillis);
        HistoryCleaner.RowCleaner cleaner = new HistoryCleaner.RowCleaner(grid.segmentIds(), config.credibility());
        Zoning.Deviations deviations = new Zoning.Deviations(n, clock.slotsPerDay());
        try (RowSpill spill = new RowSpill(n)) {
            IntList profileRows = new IntList();
            progress.progress("reading and cleaning", 0, 1);
            rows.forEach((t, time, values) -> {
                if (t >= trainRows) {
                    return false;
                }
                if (values.length != n) {
                    throw new IllegalArgumentException("row " + t + " has " + values.length + " values for " + n
                            + " segments");
                }
                cleaner.clean(values);
                int profileRow = clock.profileRow(firstMillis + t * stepMillis);
                profileRows.add(profileRow);
                deviations.add(profileRow, values);
                spill.append(values);
                return true;
            });
            progress.progress("reading and cleaning", 1, 1);
            int steps = spill.rows();
            if (steps < 2) {
                throw new IllegalArgumentException("cannot train " + header.name() + " on " + steps + " rows");
            }
            LOG.info("driver: {} rows x {} segments cleaned and spilled in {} s", steps, n,
                    String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
            progress.progress("zoning", 0, 1);
            float[] row = new float[n];
            float[][] series = deviations.series(profileRows.toArray(), t -> spill.read(t, row));
            AnchoredZoning.Result zoning = ManifoldTrainer.zoning(network, series, config, anchor);
            series = null;
            progress.progress("zoning", 1, 1);
            int[] horizonsMin = ManifoldTrainer.horizonsMin(grid.step(), config);
            ZoneFitter.Result[] results = fitZones(steps, t -> spill.read(t, row), zoning,
                    HorizonLeads.of(horizonsMin, stepMillis), firstMillis, stepMillis, grid.timeZone(), grid.unit(),
                    network, config, env, workDir, parallelism, progress);
            ManifoldModel model = ManifoldTrainer.assemble(grid.time(0), grid.time(steps - 1), grid.step(),
                    grid.timeZone(), grid.unit(), network, config, horizonsMin, results, zoning, anchor);
            CleaningReport report = cleaner.report();
            if (header.coverage().extendedCount() > 0) {
                // kriging (roads without data) learns from the whole cleaned history: only then is it loaded here
                float[][] cleaned = new float[steps][];
                for (int t = 0; t < steps; t++) {
                    cleaned[t] = spill.read(t, new float[n]);
                }
                SpeedHistory history = new SpeedHistory(grid.segmentIds(), grid.start(), grid.step(),
                        grid.timeZone(), grid.unit(), cleaned, null, null);
                model = TrainingRun.extendCoverage(model, new CleaningResult(history, report), header, progress);
            }
            return new TrainingRun.Outcome(model, report, steps, (System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * The zones of a given zoning fitted on the cluster from an in-memory cleaned history and assembled here (the
     * tests' way to hand the job a zoning of their own); the run folder is removed afterwards.
     */
    static ManifoldModel fitZones(SpeedHistory history, RoadNetwork network, AnchoredZoning.Result zoning,
                                  ManifoldModel anchor, TrainingConfig config, StreamExecutionEnvironment env,
                                  String workDir, int parallelism, ProgressListener progress) throws Exception {
        int[] horizonsMin = ManifoldTrainer.horizonsMin(history, config);
        ZoneFitter.Result[] results = fitZones(history.steps(), t -> history.speed()[t], zoning,
                HorizonLeads.of(horizonsMin, history.step().toMillis()), history.epochMillis(0),
                history.step().toMillis(), history.timeZone(), history.unit(), network, config, env, workDir,
                parallelism, progress);
        return ManifoldTrainer.assemble(history, network, config, horizonsMin, results, zoning, anchor);
    }

    /** Zone histories written to a new run folder, the job run, the parts read back; the folder removed after. */
    private static ZoneFitter.Result[] fitZones(int steps, IntFunction<float[]> row, AnchoredZoning.Result zoning,
                                                HorizonLeads leads, long firstMillis, long stepMillis,
                                                ZoneId timeZone, roadcast.history.SpeedUnit unit, RoadNetwork network,
                                                TrainingConfig config, StreamExecutionEnvironment env, String workDir,
                                                int parallelism, ProgressListener progress) throws Exception {
        int[][] zones = zoning.zones();
        Path run = new Path(new Path(workDir), "train-" + UUID.randomUUID());
        try {
            ZoneHistoryFiles.write(run, steps, row, zones, leads, firstMillis, stepMillis, timeZone, progress);
            int[] sizes = new int[zones.length];
            for (int z = 0; z < zones.length; z++) {
                sizes[z] = zones[z].length;
            }
            progress.progress("fitting zones on the cluster", 0, zones.length);
            roadcast.network.RoadClass[][] classes = new roadcast.network.RoadClass[zones.length][];
            for (int z = 0; z < zones.length; z++) {
                classes[z] = ManifoldTrainer.roadClasses(network, zones[z]);
            }
            List<ZoneOutcome> outcomes = new ZoneTrainingJob(run.toString(), config, sizes, parallelism, unit, classes)
                    .execute(env);
            progress.progress("fitting zones on the cluster", outcomes.size(), zones.length);
            checkEveryZone(outcomes, sizes);
            ZoneFitter.Result[] results = new ZoneFitter.Result[zones.length];
            for (int z = 0; z < zones.length; z++) {
                results[z] = ZoneHistoryFiles.readPart(run, z);
            }
            return results;
        } finally {
            if (Boolean.getBoolean(KEEP_RUN_PROPERTY)) {
                LOG.info("run folder kept: {}", run);
            } else {
                ZoneHistoryFiles.delete(run);
            }
        }
    }

    /** A growable int array (a step's profile row per training row: 4 bytes a step, not a boxed list). */
    private static final class IntList {
        private int[] values = new int[1024];
        private int size;

        void add(int v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }

    /**
     * Every zone exactly once and none failed; otherwise the model is refused with the failed zones' ids (the first
     * one as {@link ZoneFitException#zone()}, all of them in the message), never assembled with a hole.
     */
    static void checkEveryZone(List<ZoneOutcome> outcomes, int[] sizes) {
        boolean[] seen = new boolean[sizes.length];
        List<ZoneOutcome> failed = new ArrayList<>();
        for (ZoneOutcome o : outcomes) {
            if (o.zone < 0 || o.zone >= sizes.length || seen[o.zone]) {
                throw new IllegalStateException("the training job reported zone " + o.zone + " twice or out of range");
            }
            seen[o.zone] = true;
            if (o.failure != null) {
                failed.add(o);
            }
        }
        for (int z = 0; z < sizes.length; z++) {
            if (!seen[z]) {
                throw new IllegalStateException("the training job reported nothing for zone " + z);
            }
        }
        if (!failed.isEmpty()) {
            ZoneOutcome first = failed.get(0);
            StringBuilder reason = new StringBuilder(first.failure);
            if (failed.size() > 1) {
                reason.append("; ").append(failed.size() - 1).append(" more zone(s) failed:");
                for (ZoneOutcome o : failed.subList(1, failed.size())) {
                    reason.append(" zone ").append(o.zone).append(" (").append(o.failure).append(')');
                }
            }
            throw new ZoneFitException(first.zone, first.segments, reason.toString());
        }
    }

    /** Job settings: a lost TaskManager reruns only the affected tasks (region failover), a few times. */
    static Configuration jobConfiguration() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
        return conf;
    }

    /** Free task slots of the session cluster, from its REST API. */
    static int availableSlots(String host, int port) throws IOException, InterruptedException {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + host + ":" + port + "/overview")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IOException("no Flink REST API at " + host + ":" + port + ": " + res.statusCode());
        }
        int slots = new ObjectMapper().readTree(res.body()).path("slots-available").asInt();
        if (slots < 1) {
            throw new IOException("the Flink cluster at " + host + ":" + port + " has no free task slot");
        }
        return slots;
    }

    /**
     * The job jar shipped to the cluster: {@code -Droadcast.jobJar}, else the streaming module's shaded jar under
     * {@code roadcast.home} (set by ./roadcast), which holds our modules but not Flink.
     */
    public static java.nio.file.Path jobJar() throws IOException {
        String explicit = System.getProperty("roadcast.jobJar");
        if (explicit != null) {
            return java.nio.file.Path.of(explicit);
        }
        java.nio.file.Path target = java.nio.file.Path.of(System.getProperty("roadcast.home", "."), "streaming",
                "target");
        if (Files.isDirectory(target)) {
            try (Stream<java.nio.file.Path> jars = Files.list(target)) {
                var jar = jars.filter(p -> p.getFileName().toString().matches("streaming-.*-job\\.jar")).findFirst();
                if (jar.isPresent()) {
                    return jar.get();
                }
            }
        }
        throw new IOException("no job jar: build it (mvn -B -pl streaming -am package -DskipTests) or name it "
                + "with -Droadcast.jobJar=...");
    }
}
