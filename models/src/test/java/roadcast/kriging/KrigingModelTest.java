package roadcast.kriging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import roadcast.clean.CredibilityRules;
import roadcast.fit.ManifoldTrainer;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.forecast.NetworkForecast;
import roadcast.forecast.NetworkForecaster;
import roadcast.history.SpeedHistory;
import roadcast.history.SpeedUnit;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelFile;
import roadcast.network.CoverageNetwork;
import roadcast.network.RoadClass;
import roadcast.network.Segment;
import roadcast.testdata.SyntheticCity;

/** The kriging layer inside the manifold model: placement, exclusion, the model file, one kernel. */
class KrigingModelTest {

    static SyntheticCity city;
    static CoverageNetwork coverage;
    static SpeedHistory observed;
    static ManifoldModel model;
    static final int TRAIN = 2 * 288;

    @TempDir
    Path dir;

    @BeforeAll
    static void fit() {
        city = SyntheticCity.generate(30, 2 * 288 + 100, 2, 21);
        // one road known only by name: no coordinates, no link - it cannot be placed
        CoverageNetwork all = CoverageNetwork.of(city.network().segments(),
                List.of(new Segment("lonely", Double.NaN, Double.NaN, RoadClass.UNKNOWN)), city.network().links());
        coverage = all.hide(List.of("s5", "s17"));
        observed = observedHistory(city, coverage, (t, c, v) -> v);
        TrainingConfig cfg = TrainingConfig.defaults("synthetic", "test fixture",
                CredibilityRules.defaults(SpeedUnit.MPH)).withFixed(3, 2, 1.0).withMaxZoneSize(12);
        ManifoldModel base = ManifoldTrainer.fit(observed.rows(0, TRAIN), coverage.observed(), cfg,
                ProgressListener.NONE);
        KrigingConfig kc = new KrigingConfig(5, new int[] {2, 4}, new double[] {1, 4}, new double[] {0.1, 10}, 0.2,
                0.9, 1L, 1_000_000L);
        model = base.withKriging(Kriging.fit(base, observed.rows(0, TRAIN), coverage, kc));
    }

    @Test
    void hiddenSegmentsArePlacedAndTheUnplaceableOneIsCounted() {
        KrigingModel k = model.kriging();
        assertEquals(List.of("s5", "s17"), k.segments().stream().map(Segment::id).toList());
        assertEquals(List.of("lonely"), k.excluded());
        assertEquals(model.horizonsMin().length + 1, k.rows());
        for (int e = 0; e < k.size(); e++) {
            for (int j = 0; j < k.k(); j++) {
                int local = k.neighbours()[e * k.k() + j];
                int segment = model.zone(k.zone()[e]).segment(local);
                // the chain's links are 500 apart: neighbours of s5 are its chain neighbours, nearest first
                assertTrue(k.distance()[e * k.k() + j] >= 500 * (j / 2 + 1) - 1e-9, "slot " + j);
                assertTrue(model.network().segment(segment).id().startsWith("s"));
            }
            assertTrue(k.lower()[0] < 0 && k.upper()[0] > 0, "bands straddle the estimate");
        }
        // s4 and s6 are 500 away: the two nearest of s5
        int s5 = k.indexOf("s5");
        java.util.Set<String> nearest = new java.util.HashSet<>();
        for (int j = 0; j < 2; j++) {
            nearest.add(model.network().segment(model.zone(k.zone()[s5]).segment(k.neighbours()[s5 * k.k() + j])).id());
        }
        assertTrue(nearest.contains("s4") || nearest.contains("s6"), nearest.toString());
    }

    @Test
    void modelFileKeepsTheKrigingLayerAndForecastsTheSame() throws Exception {
        Path file = dir.resolve("k.rcm");
        ModelFile.write(model, file);
        ManifoldModel back = ModelFile.read(file);
        KrigingModel a = model.kriging();
        KrigingModel b = back.kriging();
        assertEquals(a.segments(), b.segments());
        assertEquals(a.excluded(), b.excluded());
        assertArrayEquals(a.beta(), b.beta());
        assertArrayEquals(a.neighbours(), b.neighbours());
        assertArrayEquals(a.weight(), b.weight());
        assertArrayEquals(a.lower(), b.lower());
        assertEquals(a.k(), b.k());
        assertEquals(a.width(), b.width());

        ExtendedForecast fa = run(model);
        ExtendedForecast fb = run(back);
        for (int h = 0; h < fa.rows(); h++) {
            assertArrayEquals(fa.speed[h], fb.speed[h], "row " + h);
            assertArrayEquals(fa.upper[h], fb.upper[h], "row " + h);
        }
    }

    @Test
    void estimatesTrackTheHiddenSegmentsBetterThanTheirNeighboursMean() {
        NetworkForecaster forecaster = new NetworkForecaster(model);
        NetworkForecast fc = forecaster.newForecast();
        NetworkKriging layer = new NetworkKriging(model);
        ExtendedForecast out = layer.newForecast();
        int[] truthColumn = {city.network().indexOf("s5").orElseThrow(), city.network().indexOf("s17").orElseThrow()};
        double errModel = 0;
        double errNearest = 0;
        int c = 0;
        for (int t = 0; t < observed.steps(); t++) {
            forecaster.observe(observed.epochMillis(t), observed.speed()[t]);
            if (t < TRAIN) {
                continue;
            }
            forecaster.forecast(fc);
            layer.estimate(forecaster, fc, out);
            for (int e = 0; e < 2; e++) {
                float y = city.history().speed()[t][truthColumn[e]];
                if (Float.isNaN(y)) {
                    continue;
                }
                errModel += Math.abs(y - out.speed[0][e]);
                // the chain neighbours' mean (both at 500)
                int left = model.network().indexOf(e == 0 ? "s4" : "s16").orElseThrow();
                int right = model.network().indexOf(e == 0 ? "s6" : "s18").orElseThrow();
                double l = observed.speed()[t][left];
                double r = observed.speed()[t][right];
                if (Double.isNaN(l) || Double.isNaN(r)) {
                    continue;
                }
                errNearest += Math.abs(y - 0.5 * (l + r));
                c++;
            }
        }
        assertTrue(c > 100);
        assertTrue(errModel / c < errNearest / c, "kriging MAE " + errModel / c + " vs neighbours' mean "
                + errNearest / c);
    }

    @Test
    void formatOneFilesStillRead() throws Exception {
        ManifoldModel plain = model.withKriging(null);
        Path file = dir.resolve("v1.rcm");
        ModelFile.write(plain, file);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 1);
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOf(bytes, bytes.length - 32));
        System.arraycopy(sha, 0, bytes, bytes.length - 32, 32);
        Files.write(file, bytes);
        ManifoldModel back = ModelFile.read(file);
        assertNull(back.kriging());
        assertEquals(plain.network().segments(), back.network().segments());
    }

    /**
     * Format 4 adds the level features; a format 3 file with a kriging layer (fitted with the kernel without them)
     * still reads, with levels 0, and forecasts what it did.
     */
    @Test
    void formatThreeKrigingLayerReadsWithoutLevelFeatures() throws Exception {
        KrigingModel k = model.kriging();
        assertEquals(SegmentLevel.COUNT, k.levels());
        int f = k.featureCount();
        int old = KrigingKernel.featureCount(k.k());
        double[] beta = new double[k.rows() * old];
        for (int h = 0; h < k.rows(); h++) {
            System.arraycopy(k.beta(), h * f, beta, h * old, old);
        }
        KrigingModel without = new KrigingModel(k.k(), k.width(), k.lambda(), k.rows(), beta, k.lower(), k.upper(),
                k.maskedMae(), k.segments(), k.zone(), k.neighbours(), k.weight(), k.upstream(), k.distance(), 0,
                new double[0], k.excluded());
        ManifoldModel v3model = model.withKriging(without);
        Path current = dir.resolve("v4.rcm");
        ModelFile.write(v3model, current);
        // the same file as format 3 wrote it: no "levels" in the header, no kriging.level array (it is empty here)
        byte[] bytes = Files.readAllBytes(current);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        in.position(8);
        assertEquals(ModelFile.FORMAT_VERSION, in.getInt());
        int headerLength = in.getInt();
        byte[] header = new byte[headerLength];
        in.get(header);
        long payloadLength = in.getLong();
        byte[] payload = new byte[(int) payloadLength];
        in.get(payload);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode h =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(header);
        ((com.fasterxml.jackson.databind.node.ObjectNode) h.get("kriging")).remove("levels");
        com.fasterxml.jackson.databind.node.ArrayNode arrays = json.createArrayNode();
        h.get("arrays").forEach(a -> {
            if (!a.get("name").asText().equals("kriging.level")) {
                arrays.add(a);
            }
        });
        assertEquals(h.get("arrays").size() - 1, arrays.size());
        h.set("arrays", arrays);
        byte[] oldHeader = json.writeValueAsBytes(h);
        ByteBuffer out = ByteBuffer.allocate(8 + 8 + oldHeader.length + 8 + payload.length + 32)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(bytes, 0, 8).putInt(3).putInt(oldHeader.length).put(oldHeader).putLong(payload.length).put(payload);
        out.put(MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOf(out.array(), out.position())));
        Path v3 = dir.resolve("v3.rcm");
        Files.write(v3, out.array());

        ManifoldModel back = ModelFile.read(v3);
        assertEquals(0, back.kriging().levels());
        assertArrayEquals(beta, back.kriging().beta());
        ExtendedForecast fa = run(v3model);
        ExtendedForecast fb = run(back);
        ExtendedForecast withLevels = run(model);
        boolean differs = false;
        for (int h2 = 0; h2 < fa.rows(); h2++) {
            assertArrayEquals(fa.speed[h2], fb.speed[h2], "row " + h2);
            differs |= !java.util.Arrays.equals(fa.speed[h2], withLevels.speed[h2]);
        }
        assertTrue(differs, "the level features take part in the estimate");
        // the fit kept them on this city (fitted before the calibration replay, they helped on it) and says so
        assertTrue(model.kriging().usesLevelFeatures());
        assertTrue(!without.usesLevelFeatures() && !back.kriging().usesLevelFeatures());
        // the fit may keep all level features but the last (the free-flow departure): the model counts the ones used
        KrigingModel fitted = model.kriging();
        double[] noFreeFlow = fitted.beta().clone();
        for (int row = 0; row < fitted.rows(); row++) {
            noFreeFlow[row * fitted.featureCount() + fitted.featureCount() - 1] = 0;
        }
        KrigingModel firstOnly = new KrigingModel(fitted.k(), fitted.width(), fitted.lambda(), fitted.rows(),
                noFreeFlow, fitted.lower(), fitted.upper(), fitted.maskedMae(), fitted.segments(), fitted.zone(),
                fitted.neighbours(), fitted.weight(), fitted.upstream(), fitted.distance(), fitted.levels(),
                fitted.level(), fitted.excluded());
        assertEquals(SegmentLevel.COUNT - 1, firstOnly.levelFeaturesUsed());
        assertEquals(0, without.levelFeaturesUsed());
    }

    private static ExtendedForecast run(ManifoldModel m) {
        NetworkForecaster forecaster = new NetworkForecaster(m);
        NetworkForecast fc = forecaster.newForecast();
        NetworkKriging layer = new NetworkKriging(m);
        ExtendedForecast out = layer.newForecast();
        List<Double> unused = new ArrayList<>();
        for (int t = TRAIN - 20; t < TRAIN + 10; t++) {
            forecaster.observe(observed.epochMillis(t), observed.speed()[t]);
        }
        forecaster.forecast(fc);
        layer.estimate(forecaster, fc, out);
        assertTrue(unused.isEmpty());
        return out;
    }

    /** How a test alters the speed of the city's column {@code c} at step {@code t} (identity: {@code v}). */
    interface SpeedChange {
        float apply(int t, int c, float v);
    }

    /** The city's history restricted to the coverage's observed segments, in coverage order, each speed changed. */
    static SpeedHistory observedHistory(SyntheticCity city, CoverageNetwork coverage, SpeedChange change) {
        int n = coverage.observedCount();
        String[] ids = new String[n];
        float[][] rows = new float[city.history().steps()][n];
        for (int i = 0; i < n; i++) {
            ids[i] = coverage.all().segment(i).id();
            int c = city.network().indexOf(ids[i]).orElseThrow();
            for (int t = 0; t < rows.length; t++) {
                rows[t][i] = change.apply(t, c, city.history().speed()[t][c]);
            }
        }
        SpeedHistory h = city.history();
        return new SpeedHistory(ids, h.start(), h.step(), h.timeZone(), h.unit(), rows, null, null);
    }
}
