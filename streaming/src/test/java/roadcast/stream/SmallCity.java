package roadcast.stream;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import roadcast.clean.CredibilityRules;
import roadcast.clean.HistoryCleaner;
import roadcast.clean.ReadingCheck;
import roadcast.clean.SegmentTrack;
import roadcast.forecast.Forecast;
import roadcast.forecast.Forecasts;
import roadcast.forecast.NetworkForecast;
import roadcast.forecast.NetworkForecaster;
import roadcast.fit.ManifoldTrainer;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.history.SpeedHistory;
import roadcast.history.SpeedUnit;
import roadcast.ingest.ReadingJson;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;
import roadcast.network.Link;
import roadcast.network.RoadClass;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;
import roadcast.reading.Source;
import roadcast.reading.SpeedReading;
import roadcast.kafka.RawRecord;
import roadcast.kriging.ExtendedForecast;
import roadcast.kriging.Kriging;
import roadcast.kriging.KrigingConfig;
import roadcast.kriging.NetworkKriging;
import roadcast.network.CoverageNetwork;

/**
 * A generated test city: two corridors of six segments each (a morning dip on one, an evening dip on the other,
 * AR(1) noise), 5-minute steps from Monday 2024-01-01 00:00 UTC. Small enough to train in well under a second.
 */
final class SmallCity {

    static final String TOPIC = "roadcast.speed";
    static final int CORRIDOR = 6;

    final RoadNetwork network;
    final SpeedHistory history;

    private SmallCity(RoadNetwork network, SpeedHistory history) {
        this.network = network;
        this.history = history;
    }

    /** {@code days} days of speeds for 12 segments named {@code prefix + i}. */
    static SmallCity generate(String prefix, int days, long seed) {
        return generate(prefix, days, seed, 2);
    }

    /** {@code days} days of speeds for {@code corridors} corridors of six segments (morning and evening dips alternate). */
    static SmallCity generate(String prefix, int days, long seed, int corridors) {
        int n = corridors * CORRIDOR;
        List<Segment> segments = new ArrayList<>();
        List<Link> links = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int corridor = i / CORRIDOR;
            segments.add(new Segment(prefix + i, 34.0 + 0.01 * (i % CORRIDOR), -118.0 + 0.2 * corridor,
                    RoadClass.UNKNOWN));
            if (i % CORRIDOR != 0) {
                links.add(new Link(i - 1, i, 500.0, 1.0));
            }
        }
        RoadNetwork network = new RoadNetwork(segments, links);
        int steps = days * 288;
        float[][] speed = new float[steps][n];
        Random random = new Random(seed);
        double[] noise = new double[n];
        for (int t = 0; t < steps; t++) {
            double hour = (t % 288) / 12.0;
            double common = random.nextGaussian();
            for (int i = 0; i < n; i++) {
                int corridor = i / CORRIDOR;
                double peak = corridor % 2 == 0 ? 8.0 : 17.5;
                double dip = 25.0 * Math.exp(-0.5 * Math.pow((hour - peak) / 1.2, 2));
                noise[i] = 0.8 * noise[i] + 0.6 * common + 0.8 * random.nextGaussian();
                double v = 62.0 - 1.5 * (i % CORRIDOR) - dip * (0.7 + 0.1 * (i % CORRIDOR)) + noise[i];
                speed[t][i] = (float) Math.max(5.0, v);
            }
        }
        SpeedHistory history = new SpeedHistory(network.segmentIds(), LocalDateTime.of(2024, 1, 1, 0, 0),
                Duration.ofMinutes(5), ZoneId.of("UTC"), SpeedUnit.MPH, speed, null, null);
        return new SmallCity(network, history);
    }

    /** This city's network with another history of its segments (e.g. a fused feed of them). */
    SmallCity withHistory(SpeedHistory other) {
        return new SmallCity(network, other);
    }

    /** The same city reduced to its first {@code n} segments (network, links among them, history columns). */
    SmallCity firstSegments(int n) {
        List<Link> links = new ArrayList<>();
        for (Link l : network.links()) {
            if (l.from() < n && l.to() < n) {
                links.add(l);
            }
        }
        RoadNetwork sub = new RoadNetwork(new ArrayList<>(network.segments().subList(0, n)), links);
        float[][] speed = new float[history.steps()][];
        for (int t = 0; t < speed.length; t++) {
            speed[t] = java.util.Arrays.copyOf(history.speed()[t], n);
        }
        return new SmallCity(sub, new SpeedHistory(sub.segmentIds(), history.start(), history.step(),
                history.timeZone(), history.unit(), speed, null, null));
    }

    CredibilityRules rules() {
        return CredibilityRules.defaults(SpeedUnit.MPH);
    }

    /** A model of rank {@code rank} trained on rows [0, rows), zones of at most six segments. */
    ManifoldModel train(int rows, int rank) {
        return train(rows, rank, CORRIDOR);
    }

    /** A model of rank {@code rank} trained on rows [0, rows), zones of at most {@code maxZoneSize} segments. */
    ManifoldModel train(int rows, int rank, int maxZoneSize) {
        return train(rows, rank, maxZoneSize, 60);
    }

    /** As {@link #train(int, int, int)}, forecasting every step up to {@code maxHorizonMin} ({@code --max-horizon}). */
    ManifoldModel train(int rows, int rank, int maxZoneSize, int maxHorizonMin) {
        SpeedHistory training = HistoryCleaner.clean(history.rows(0, rows), rules()).cleaned();
        TrainingConfig cfg = TrainingConfig.defaults("small-city", "generated", rules())
                .withFixed(rank, 2, 1.0).withMaxZoneSize(maxZoneSize).withThreads(1).withMaxHorizon(maxHorizonMin);
        return ManifoldTrainer.fit(training, network, cfg, ProgressListener.NONE);
    }

    /**
     * This city with the segments {@code hidden} turned into roads without history (extended segments): a model of
     * the other segments, trained on rows [0, rows), with a kriging layer for the hidden ones. The hidden columns stay
     * in {@link #history} as their ground truth; {@link #records} of the model's segments leave them out.
     */
    ManifoldModel trainWithCoverage(int rows, int rank, List<String> hidden) {
        CoverageNetwork coverage = CoverageNetwork.observedOnly(network).hide(hidden);
        RoadNetwork observed = coverage.observed();
        SpeedHistory columns = columns(observed.segmentIds());
        SpeedHistory training = HistoryCleaner.clean(columns.rows(0, rows), rules()).cleaned();
        TrainingConfig cfg = TrainingConfig.defaults("small-city", "generated", rules())
                .withFixed(rank, 2, 1.0).withMaxZoneSize(CORRIDOR).withThreads(1);
        ManifoldModel base = ManifoldTrainer.fit(training, observed, cfg, ProgressListener.NONE);
        KrigingConfig kc = new KrigingConfig(5, new int[] {2, 3}, new double[] {1, 4}, new double[] {0.3, 30}, 0.2,
                0.9, 1L, 200_000L);
        return base.withKriging(Kriging.fit(base, training, coverage, kc));
    }

    /** The history of the named segments, in that order. */
    SpeedHistory columns(String[] ids) {
        int[] column = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            column[i] = java.util.Arrays.asList(history.segmentIds()).indexOf(ids[i]);
        }
        float[][] speed = new float[history.steps()][ids.length];
        for (int t = 0; t < speed.length; t++) {
            for (int i = 0; i < ids.length; i++) {
                speed[t][i] = history.speed()[t][column[i]];
            }
        }
        return new SpeedHistory(ids.clone(), history.start(), history.step(), history.timeZone(), history.unit(),
                speed, null, null);
    }

    /** One loop reading per named segment per row of [from, to), in time order, as input records. */
    List<RawRecord> records(int from, int to, Set<String> only) {
        List<RawRecord> out = new ArrayList<>();
        for (RawRecord r : records(from, to)) {
            if (only.contains(new String(r.key, java.nio.charset.StandardCharsets.UTF_8))) {
                out.add(r);
            }
        }
        return out;
    }

    /** Trains and publishes; returns the registry version. */
    String publish(Path registry, int rows, int rank) throws IOException {
        return new ModelRegistry(registry).publish(train(rows, rank));
    }

    /** A model of this city in a registry, as a zone operator under test is given it: reference and layout. */
    record Published(ModelRef ref, NetworkLayout layout) {
    }

    /** Trains and publishes ({@link #publish}); the version's reference and network layout. */
    Published publishForOperator(Path registry, int rows, int rank) throws IOException {
        String version = publish(registry, rows, rank);
        return new Published(new ModelRef(registry.toAbsolutePath().toString(), version),
                NetworkLayout.of(new ModelRegistry(registry).load(version), null, null));
    }

    /** An input record as a producer would send it (key = segment or null, value = JSON text). */
    static RawRecord record(String key, String json, long offset) {
        return new RawRecord(key == null ? null : key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                json.getBytes(java.nio.charset.StandardCharsets.UTF_8), TOPIC, 0, offset, 0);
    }

    /** One loop reading per segment per row of [from, to), in time order, as input records. */
    List<RawRecord> records(int from, int to) {
        List<RawRecord> out = new ArrayList<>();
        long offset = 0;
        for (int t = from; t < to; t++) {
            long time = history.epochMillis(t);
            for (int i = 0; i < history.segments(); i++) {
                SpeedReading r = new SpeedReading(history.segmentIds()[i], time, history.speed()[t][i], Double.NaN,
                        Double.NaN, Source.LOOP);
                out.add(new RawRecord(r.segment().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        ReadingJson.encode(r), TOPIC, 0, offset++, 1_000_000L + t));
            }
        }
        return out;
    }

    /** What the offline backtest forecasts for rows [from, to), keyed by {@link #key}, and how many cells it refused. */
    record Backtest(Map<String, Forecast> forecasts, int refused) {
    }

    /**
     * The rows of [from, to) through the credibility check per segment and the kernel driven by
     * {@link NetworkForecaster}: what the stream must issue for the same readings.
     */
    Backtest backtest(Path registry, String version, int from, int to) throws IOException {
        return backtest(registry, version, from, to, Set.of());
    }

    /**
     * As {@link #backtest(Path, String, int, int)} for a model of any subset of this city's segments, with the
     * readings named in {@code withheld} ({@link #key}-style "segment@epochMillis") left out, as a stream that never
     * accepted them saw the rows (their credibility track untouched).
     */
    Backtest backtest(Path registry, String version, int from, int to, Set<String> withheld) throws IOException {
        return backtest(registry, version, from, to, withheld, Map.of());
    }

    /**
     * As {@link #backtest(Path, String, int, int, Set)}; a model with a kriging layer also forecasts its extended
     * segments ({@link NetworkKriging}, as the stream's zone operator does), with the live readings of extended
     * segments in {@code live} ("segment@epochMillis" -> speed, one per segment and step) through the same
     * credibility check.
     */
    Backtest backtest(Path registry, String version, int from, int to, Set<String> withheld, Map<String, Double> live)
            throws IOException {
        ManifoldModel model = new ModelRegistry(registry).load(version);
        NetworkKriging kriging = model.kriging() == null ? null : new NetworkKriging(model);
        ExtendedForecast extended = kriging == null ? null : kriging.newForecast();
        int m = kriging == null ? 0 : model.kriging().size();
        SegmentTrack[] extendedTracks = new SegmentTrack[m];
        for (int e = 0; e < m; e++) {
            extendedTracks[e] = new SegmentTrack();
        }
        float[] liveRow = new float[m];
        int[] column = new int[model.network().size()];
        for (int i = 0; i < column.length; i++) {
            column[i] = java.util.Arrays.asList(history.segmentIds()).indexOf(model.network().segmentIds()[i]);
        }
        ReadingCheck check = new ReadingCheck(model.credibility());
        int n = model.network().size();
        SegmentTrack[] tracks = new SegmentTrack[n];
        for (int i = 0; i < n; i++) {
            tracks[i] = new SegmentTrack();
        }
        NetworkForecaster forecaster = new NetworkForecaster(model);
        NetworkForecast out = forecaster.newForecast();
        Map<String, Forecast> expected = new TreeMap<>();
        int refused = 0;
        for (int t = from; t < to; t++) {
            float[] row = new float[n];
            for (int i = 0; i < n; i++) {
                row[i] = history.speed()[t][column[i]];
                if (withheld.contains(model.network().segmentIds()[i] + "@" + history.epochMillis(t))) {
                    row[i] = Float.NaN;
                    continue;
                }
                if (!check.check(tracks[i], row[i]).accepted()) {
                    row[i] = Float.NaN;
                    refused++;
                }
            }
            forecaster.observe(history.epochMillis(t), row);
            forecaster.forecast(out);
            for (int z = 0; z < model.zoneCount(); z++) {
                for (Forecast f : Forecasts.toRecords(model, z, out.zones[z], forecaster.lastZoneRow(z))) {
                    expected.put(key(f), f);
                }
            }
            if (kriging == null) {
                continue;
            }
            for (int e = 0; e < m; e++) {
                Double y = live.get(model.kriging().segments().get(e).id() + "@" + history.epochMillis(t));
                liveRow[e] = Float.NaN;
                if (y != null) {
                    if (check.check(extendedTracks[e], y).accepted()) {
                        liveRow[e] = (float) y.doubleValue();
                    } else {
                        refused++;
                    }
                }
            }
            kriging.estimate(forecaster, out, liveRow, extended);
            for (int z = 0; z < model.zoneCount(); z++) {
                int[] members = kriging.readings(z).members();
                float[] mine = new float[members.length];
                for (int j = 0; j < members.length; j++) {
                    mine[j] = liveRow[members[j]];
                }
                for (Forecast f : Forecasts.extendedRecords(model, z, members, extended, mine, 0)) {
                    expected.put(key(f), f);
                }
            }
        }
        return new Backtest(expected, refused);
    }

    /** Every segment's loop-detector speed of history steps {@code from} to {@code from + steps - 1}, step by step. */
    List<SpeedReading> loopReadings(int from, int steps) {
        List<SpeedReading> feed = new ArrayList<>();
        for (int t = from; t < from + steps; t++) {
            for (int i = 0; i < history.segments(); i++) {
                feed.add(new SpeedReading(history.segmentIds()[i], history.epochMillis(t), history.speed()[t][i],
                        Double.NaN, Double.NaN, Source.LOOP));
            }
        }
        return feed;
    }

    /** segment@issuedAt: one forecast per segment per step. */
    static String key(Forecast f) {
        return f.segment() + "@" + f.issuedAt();
    }
}
