package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import roadcast.clean.HistoryCleaner;
import roadcast.datasets.feed.FeedFilter;
import roadcast.datasets.feed.FeedRow;
import roadcast.datasets.feed.SourceFeed;
import roadcast.forecast.Forecast;
import roadcast.forecast.Forecasts;
import roadcast.forecast.NetworkForecast;
import roadcast.forecast.NetworkForecaster;
import roadcast.fusion.Fuser;
import roadcast.fusion.FusionFitter;
import roadcast.fusion.FusionModel;
import roadcast.fusion.FusionSettings;
import roadcast.fusion.SourceSeries;
import roadcast.history.SpeedHistory;
import roadcast.history.SpeedUnit;
import roadcast.ingest.DeadLetter;
import roadcast.ingest.ReadingJson;
import roadcast.kafka.RawRecord;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;
import roadcast.publish.IssuedForecast;
import roadcast.reading.Source;
import roadcast.reading.SpeedReading;

/**
 * Learned fusion in the stream (issue 15): a model trained on a two-source feed (loops reading ~6 mph high with flow
 * and occupancy, sparse floating cars) carries its fusion in the card, and the Flink job fuses the live readings with
 * it, credibility tracks in its zone state, so that its forecasts equal the backtest's over the same feed rows
 * (the feed reader's grids, {@link Fuser#fuseAll}, the credibility rules on the fused history, the kernel). One loop
 * starts reading 20% high in the replayed part: its track must follow it in the stream as in the backtest.
 */
class FusionStreamTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestMiniCluster.withSlots(2);

    static final int DAYS = 4;
    static final int TRAIN_ROWS = 3 * 288;
    static final int[] LOOPS = {0, 2, 6, 9};
    static final int DRIFTING = 2;
    static final int DRIFT_FROM = TRAIN_ROWS + 8;

    @TempDir
    static Path tmp;

    static SmallCity city;
    static Path feed;
    static SourceFeed.Grids grids;
    static FusionModel fusion;
    static ManifoldModel model;
    static Path registry;
    static String version;

    @BeforeAll
    static void trainOnTheFeed() throws IOException {
        city = SmallCity.generate("f", DAYS, 21);
        feed = writeFeed(tmp.resolve("sources.csv"));
        String[] ids = city.history.segmentIds();
        grids = SourceFeed.read(feed, ZoneOffset.UTC, FeedFilter.ALL, List.of(ids));
        assertArrayEquals(ids, grids.segmentIds());
        fusion = FusionFitter.fit(ids, grids.sources(), TRAIN_ROWS, "fusion-stream-test", FusionSettings.defaults());
        float[][] fused = Fuser.fuseAll(fusion, ids, grids.sources());
        SpeedHistory history = new SpeedHistory(ids, city.history.start(), city.history.step(), ZoneId.of("UTC"),
                SpeedUnit.MPH, fused, null, null);
        ManifoldModel trained = city.withHistory(history).train(TRAIN_ROWS, 3);
        model = trained.withCard(trained.card().withFusion(fusion));
        registry = tmp.resolve("registry");
        version = new ModelRegistry(registry).publish(model);
    }

    /**
     * Loops on {@link #LOOPS}: the true speed + 6 + noise (one of them 20% high from {@link #DRIFT_FROM}), flow and
     * occupancy (percent, as SUMO writes it) falling with speed; floating cars on any segment with probability 0.7,
     * the true speed + noise of sd 2.5.
     */
    static Path writeFeed(Path file) throws IOException {
        Random random = new Random(5);
        StringBuilder out = new StringBuilder("timestamp,segment,speed,flow,occupancy,source\n");
        String[] ids = city.history.segmentIds();
        for (int t = 0; t < city.history.steps(); t++) {
            String time = city.history.time(t).toString();
            for (int i : LOOPS) {
                double truth = city.history.speed()[t][i];
                double loop = (truth + 6 + random.nextGaussian()) * (i == DRIFTING && t >= DRIFT_FROM ? 1.2 : 1.0);
                double flow = Math.round(Math.max(0, 2400 - 25 * truth + 60 * random.nextGaussian()));
                double occupancy = Math.max(0, 45 - 0.6 * truth + random.nextGaussian());
                out.append(String.format(Locale.ROOT, "%s,%s,%.2f,%.0f,%.2f,loop%n", time, ids[i], loop, flow,
                        occupancy));
            }
            for (int i = 0; i < ids.length; i++) {
                if (random.nextDouble() < 0.7) {
                    double probe = Math.max(1, city.history.speed()[t][i] + 2.5 * random.nextGaussian());
                    out.append(String.format(Locale.ROOT, "%s,%s,%.2f,,,floating_car%n", time, ids[i], probe));
                }
            }
        }
        return Files.writeString(file, out.toString());
    }

    /** The feed's rows of steps [from, to) as input records, in file order (the reader's units: occupancy 0..1). */
    static List<RawRecord> records(int from, int to) {
        long first = city.history.epochMillis(from);
        long end = city.history.epochMillis(to);
        List<RawRecord> out = new ArrayList<>();
        long[] offset = {0};
        SourceFeed.forEach(feed, ZoneOffset.UTC, FeedFilter.ALL, (FeedRow r) -> {
            long time = r.time().toInstant(ZoneOffset.UTC).toEpochMilli();
            if (time < first || time >= end) {
                return;
            }
            SpeedReading reading = new SpeedReading(r.segment(), time, r.speed(), r.flow(), r.occupancy(),
                    r.source());
            out.add(new RawRecord(r.segment().getBytes(StandardCharsets.UTF_8), ReadingJson.encode(reading),
                    SmallCity.TOPIC, 0, offset[0]++, 1_000_000L + offset[0]));
        });
        return out;
    }

    /**
     * The backtest over steps [from, to) of the feed, tracks and credibility rules starting fresh at {@code from} as
     * a stream started there: the reader's grids, fused by {@link Fuser#fuseAll}, cleaned by {@link HistoryCleaner},
     * observed and forecast step by step by {@link NetworkForecaster} (what {@code --protocol sources} runs).
     */
    static Map<String, Forecast> backtest(int from, int to) {
        List<SourceSeries> part = new ArrayList<>();
        for (SourceSeries s : grids.sources()) {
            part.add(new SourceSeries(s.source(), Arrays.copyOfRange(s.speed(), from, to),
                    s.flow() == null ? null : Arrays.copyOfRange(s.flow(), from, to),
                    s.occupancy() == null ? null : Arrays.copyOfRange(s.occupancy(), from, to), s.rows()));
        }
        String[] ids = model.network().segmentIds();
        float[][] fused = Fuser.fuseAll(model.card().fusion(), ids, part);
        SpeedHistory h = new SpeedHistory(ids, city.history.time(from), city.history.step(), ZoneId.of("UTC"),
                SpeedUnit.MPH, fused, null, null);
        float[][] cleaned = HistoryCleaner.clean(h, model.credibility()).cleaned().speed();
        NetworkForecaster forecaster = new NetworkForecaster(model);
        NetworkForecast out = forecaster.newForecast();
        Map<String, Forecast> expected = new TreeMap<>();
        for (int t = from; t < to; t++) {
            forecaster.observe(city.history.epochMillis(t), cleaned[t - from]);
            forecaster.forecast(out);
            for (int z = 0; z < model.zoneCount(); z++) {
                for (Forecast f : Forecasts.toRecords(model, z, out.zones[z], forecaster.lastZoneRow(z))) {
                    expected.put(SmallCity.key(f), f);
                }
            }
        }
        return expected;
    }

    @Test
    void streamFusesWithTheCardsFusionAndEqualsTheBacktest() throws Exception {
        int from = TRAIN_ROWS;
        int to = from + 30;
        CollectingSink<IssuedForecast> forecasts = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        JobConfig cfg = JobConfig.defaults(registry).withModelPoll(null)
                .withCheckpoints(Duration.ofMillis(500), tmp.resolve("checkpoints"));
        new ForecastJob(RecordListSource.of(records(from, to)), forecasts, deadLetters, cfg)
                .withFlinkOption("restart-strategy.type", "none").execute();
        assertTrue(deadLetters.values().isEmpty(), "every reading of the feed is accepted: " + deadLetters.values());
        Map<String, Forecast> actual = new HashMap<>();
        for (IssuedForecast issued : forecasts.values()) {
            assertNull(actual.put(SmallCity.key(issued.forecast()), issued.forecast()),
                    "forecast issued twice: " + SmallCity.key(issued.forecast()));
        }

        Map<String, Forecast> expected = backtest(from, to);
        assertEquals(model.network().size() * (to - from), expected.size());
        assertEquals(expected.keySet(), actual.keySet(), "one forecast per segment and step");
        for (Forecast e : expected.values()) {
            String key = SmallCity.key(e);
            Forecast a = actual.get(key);
            assertEquals(e.observedSpeed(), a.observedSpeed(), 0.0, "the fused reading of " + key);
            assertEquals(e.imputed(), a.imputed(), key);
            assertArrayEquals(e.speed(), a.speed(), 1e-9, key);
            assertArrayEquals(e.lower(), a.lower(), 1e-9, key);
            assertArrayEquals(e.upper(), a.upper(), 1e-9, key);
            assertArrayEquals(e.level(), a.level(), key);
        }

        // The loops' readings are fused by the learned calibration, not the fixed weights: on a loop road the fused
        // value lies far from (1.0 loop + 0.6 probe) / 1.6, so a stream fusing with the fixed weights fails above.
        SourceSeries loops = grids.of(Source.LOOP);
        SourceSeries probes = grids.of(Source.FLOATING_CAR);
        int column = LOOPS[0];
        double largest = 0;
        for (int t = from; t < to; t++) {
            float loop = loops.speed()[t][column];
            float probe = probes.speed()[t][column];
            Forecast f = actual.get(model.network().segmentIds()[column] + "@" + city.history.epochMillis(t));
            assertNotNull(f);
            if (!Float.isNaN(probe) && !Double.isNaN(f.observedSpeed())) {
                largest = Math.max(largest, Math.abs(f.observedSpeed() - (1.0 * loop + 0.6 * probe) / 1.6));
            }
        }
        assertTrue(largest > 2, "learned and fixed fusion differ by " + largest + " mph on a loop road");

        // the drifting loop: its track in the stream's fusion moved as the backtest's did (its fused values are equal
        // above); here, that the drift is large enough to matter to the weights
        Fuser fuser = new Fuser(fusion, model.network().segmentIds());
        double[] speed = new double[fuser.slots()];
        double[] occ = new double[fuser.slots()];
        double[] flow = new double[fuser.slots()];
        int loopSlot = fusion.slot(Source.LOOP);
        int probeSlot = fusion.slot(Source.FLOATING_CAR);
        double weightBefore = Double.NaN;
        double weightAfter = Double.NaN;
        for (int t = from; t < to; t++) {
            Arrays.fill(speed, Double.NaN);
            Arrays.fill(occ, Double.NaN);
            Arrays.fill(flow, Double.NaN);
            speed[loopSlot] = loops.speed()[t][DRIFTING];
            flow[loopSlot] = loops.flow()[t][DRIFTING];
            occ[loopSlot] = loops.occupancy()[t][DRIFTING];
            speed[probeSlot] = probes.speed()[t][DRIFTING];
            fuser.fuse(DRIFTING, speed, occ, flow);
            if (!Double.isNaN(speed[probeSlot])) {
                if (t < DRIFT_FROM) {
                    weightBefore = fuser.lastWeight(loopSlot);
                } else {
                    weightAfter = fuser.lastWeight(loopSlot);
                }
            }
        }
        assertTrue(weightAfter < weightBefore, "the drifting loop loses weight: " + weightBefore + " -> "
                + weightAfter);
    }

    /**
     * The fusion's state survives a checkpoint: the zone operator under Flink's keyed harness is snapshot in the
     * middle of a step (an open step holding per-source cells, tracks already moved by a drifting loop) and restored
     * into a new instance, which goes on to issue what the backtest issues, as the uninterrupted run does.
     */
    @Test
    void fusionStateIsRestoredFromACheckpoint() throws Exception {
        int from = TRAIN_ROWS;
        int to = from + 20;
        int cut = from + 14;
        ModelRef ref = new ModelRef(registry.toAbsolutePath().toString(), version);
        NetworkLayout layout = NetworkLayout.of(model, null, null);
        List<List<ReadingEvent>> steps = new ArrayList<>();
        for (int t = from; t < to; t++) {
            steps.add(new ArrayList<>());
        }
        long first = city.history.epochMillis(from);
        long stepMillis = city.history.step().toMillis();
        SourceFeed.forEach(feed, ZoneOffset.UTC, FeedFilter.ALL, (FeedRow r) -> {
            long time = r.time().toInstant(ZoneOffset.UTC).toEpochMilli();
            int k = (int) Math.floorDiv(time - first, stepMillis);
            if (k >= 0 && k < steps.size()) {
                ReadingEvent e = new ReadingEvent();
                e.segment = r.segment();
                e.timeMillis = time;
                e.speed = r.speed();
                e.flow = r.flow();
                e.occupancy = r.occupancy();
                e.source = r.source();
                e.payload = new byte[0];
                e.topic = "t";
                e.appendMillis = time;
                steps.get(k).add(e);
            }
        });
        Map<String, Forecast> expected = backtest(from, to);
        OperatorSubtaskState checkpoint;
        Map<String, Forecast> issued = new HashMap<>();
        int half = steps.get(cut - from).size() / 2;
        try (var h = harness(ref, layout)) {
            h.open();
            for (int t = from; t < cut; t++) {
                feedStep(h, steps.get(t - from), 0, steps.get(t - from).size(), t);
            }
            List<ReadingEvent> cutStep = steps.get(cut - from);
            for (ReadingEvent e : cutStep.subList(0, half)) {
                h.processElement1(new StreamRecord<>(e));
            }
            checkpoint = h.snapshot(1, 1);
            collect(h, issued);
        }
        try (var h = harness(ref, layout)) {
            h.initializeState(checkpoint);
            h.open();
            feedStep(h, steps.get(cut - from), half, steps.get(cut - from).size(), cut);
            for (int t = cut + 1; t < to; t++) {
                feedStep(h, steps.get(t - from), 0, steps.get(t - from).size(), t);
            }
            h.processBothWatermarks(new Watermark(city.history.epochMillis(to) + 3_600_000L));
            collect(h, issued);
        }
        assertEquals(expected.keySet(), issued.keySet());
        for (Forecast e : expected.values()) {
            Forecast a = issued.get(SmallCity.key(e));
            assertEquals(e.observedSpeed(), a.observedSpeed(), 0.0, SmallCity.key(e));
            assertArrayEquals(e.speed(), a.speed(), 1e-9, SmallCity.key(e));
        }
    }

    private static KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> harness(
            ModelRef ref, NetworkLayout layout) throws Exception {
        ZoneOperator op = new ZoneOperator(ref, layout, false, false, 0, false);
        return new KeyedTwoInputStreamOperatorTestHarness<>(op, (ReadingEvent e) -> ZoneOperator.NETWORK_KEY,
                (String v) -> ZoneOperator.NETWORK_KEY, org.apache.flink.api.common.typeinfo.Types.INT);
    }

    /** Readings [a, b) of step row {@code t}, then (when b is the step's end) the watermark that closes it. */
    private static void feedStep(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String,
            IssuedForecast> h, List<ReadingEvent> step, int a, int b, int t) throws Exception {
        for (ReadingEvent e : step.subList(a, b)) {
            h.processElement1(new StreamRecord<>(e));
        }
        h.processBothWatermarks(new Watermark(city.history.epochMillis(t + 1) - 1));
    }

    private static void collect(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String,
            IssuedForecast> h, Map<String, Forecast> into) {
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof IssuedForecast f) {
                assertNull(into.put(SmallCity.key(f.forecast()), f.forecast()), "issued twice: " + f);
            }
        }
    }
}
