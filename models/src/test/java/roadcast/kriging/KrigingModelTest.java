package roadcast.kriging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
        Set<String> nearest = new HashSet<>();
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
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(bytes, bytes.length - 32));
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
        // the coefficients before the level features; the lagged one stays 0, as a format 3 layer reads
        int before = KrigingKernel.lagFeature(k.k(), 0);
        double[] beta = new double[k.rows() * old];
        for (int h = 0; h < k.rows(); h++) {
            System.arraycopy(k.beta(), h * f, beta, h * old, before);
        }
        KrigingModel without = new KrigingModel(k.k(), k.width(), k.lambda(), k.rows(), beta, k.lower(), k.upper(),
                k.maskedMae(), k.segments(), k.zone(), k.neighbours(), k.weight(), k.upstream(), k.distance(), 0,
                new double[0], k.excluded());
        ManifoldModel v3model = model.withKriging(without);
        Path current = dir.resolve("v4.rcm");
        ModelFile.write(v3model, current);
        Path v3 = dir.resolve("v3.rcm");
        Files.write(v3, asOlderFormat(Files.readAllBytes(current), 3));

        ManifoldModel back = ModelFile.read(v3);
        assertEquals(0, back.kriging().levels());
        assertArrayEquals(beta, back.kriging().beta());
        ExtendedForecast fa = run(v3model);
        ExtendedForecast fb = run(back);
        ExtendedForecast withLevels = run(model);
        boolean differs = false;
        for (int h2 = 0; h2 < fa.rows(); h2++) {
            assertArrayEquals(fa.speed[h2], fb.speed[h2], "row " + h2);
            differs |= !Arrays.equals(fa.speed[h2], withLevels.speed[h2]);
        }
        assertTrue(differs, "the level features take part in the estimate");
        // the fit kept them on this city (fitted before the calibration replay, they helped on it) and says so
        assertTrue(model.kriging().usesLevelFeatures());
        assertTrue(!without.usesLevelFeatures() && !back.kriging().usesLevelFeatures());
        // the fit may keep all level features but the last (the free-flow departure): the model counts the ones used
        KrigingModel fitted = model.kriging();
        double[] noFreeFlow = fitted.beta().clone();
        for (int row = 0; row < fitted.rows(); row++) {
            noFreeFlow[row * fitted.featureCount() + KrigingKernel.lagFeature(fitted.k(), fitted.levels()) - 1] = 0;
        }
        KrigingModel firstOnly = new KrigingModel(fitted.k(), fitted.width(), fitted.lambda(), fitted.rows(),
                noFreeFlow, fitted.lower(), fitted.upper(), fitted.maskedMae(), fitted.segments(), fitted.zone(),
                fitted.neighbours(), fitted.weight(), fitted.upstream(), fitted.distance(), fitted.levels(),
                fitted.level(), fitted.excluded());
        assertEquals(SegmentLevel.COUNT - 1, firstOnly.levelFeaturesUsed());
        assertEquals(0, without.levelFeaturesUsed());
    }

    /**
     * Format 10 adds the kernel's lagged feature (the neighbours' kernel mean a step earlier) to every kriging.beta
     * row; a format 9 file reads with its coefficient 0 and gives the forecasts it always gave, to the bit, and the
     * feature takes part where its coefficient is not 0 (the forecaster reads the zone state's kept nowcasts).
     */
    @Test
    void formatNineKrigingLayerReadsWithoutTheLaggedFeature() throws Exception {
        KrigingModel k = model.kriging();
        int f = k.featureCount();
        int lag = KrigingKernel.lagFeature(k.k(), k.levels());
        assertEquals(f - 1, lag, "the lagged feature comes last, after the level features");
        double[] noLag = k.beta().clone();
        double[] strongLag = k.beta().clone();
        for (int h = 0; h < k.rows(); h++) {
            noLag[h * f + lag] = 0;
            strongLag[h * f + lag] = 0.5;
        }
        ManifoldModel v9model = model.withKriging(withBeta(k, noLag));
        Path current = dir.resolve("v10.rcm");
        ModelFile.write(v9model, current);
        Path v9 = dir.resolve("v9.rcm");
        Files.write(v9, asOlderFormat(Files.readAllBytes(current), 9));

        ManifoldModel back = ModelFile.read(v9);
        assertEquals(k.levels(), back.kriging().levels());
        assertArrayEquals(noLag, back.kriging().beta());
        assertTrue(!back.kriging().usesLagFeature() && withBeta(k, strongLag).usesLagFeature());
        ExtendedForecast fa = run(v9model);
        ExtendedForecast fb = run(back);
        ExtendedForecast withLag = run(model.withKriging(withBeta(k, strongLag)));
        for (int h = 0; h < fa.rows(); h++) {
            assertArrayEquals(fa.speed[h], fb.speed[h], "row " + h);
        }
        assertTrue(!Arrays.equals(fa.speed[0], withLag.speed[0]), "the lagged feature takes part now");
        for (int h = 1; h < fa.rows(); h++) {
            // at a horizon the step before is itself the forecast: the feature is 0 there
            assertArrayEquals(fa.speed[h], withLag.speed[h], "row " + h);
        }
    }

    /**
     * The lagged feature in the kernel the stream and the replay run: the kernel mean of the neighbours' nowcasts one
     * step back (their readings, kept in the zone state) less the kernel mean now; 0 (the current value) where the
     * state kept none, after its first step.
     */
    @Test
    void theLaggedFeatureIsTheNeighboursKernelMeanOneStepBack() {
        KrigingModel k = model.kriging();
        int e = 0;
        int z = k.zone()[e];
        roadcast.model.ZoneModel zone = model.zone(z);
        int[] seg = zone.segments();
        int t = TRAIN + 5;
        float[] before = new float[seg.length];
        float[] now = new float[seg.length];
        for (int c = 0; c < seg.length; c++) {
            before[c] = observed.speed()[t - 1][seg[c]];
            now[c] = observed.speed()[t][seg[c]];
        }
        double sumG = 0;
        double lagged = 0;
        double kriged = 0;
        for (int j = 0; j < k.k(); j++) {
            sumG += k.weight()[e * k.k() + j];
        }
        for (int j = 0; j < k.k(); j++) {
            int c = k.neighbours()[e * k.k() + j];
            double omega = k.weight()[e * k.k() + j] / sumG;
            lagged += omega * before[c];
            kriged += omega * now[c];
        }
        assertTrue(Math.abs(lagged - kriged) > 0.01, "the fixture's neighbours moved between the two steps");
        int lag = KrigingKernel.lagFeature(k.k(), k.levels());

        roadcast.forecast.ZoneForecaster zf = new roadcast.forecast.ZoneForecaster(zone);
        roadcast.forecast.ZoneState twoSteps = zf.newState();
        zf.observe(twoSteps, observed.epochMillis(t - 1), before);
        zf.observe(twoSteps, observed.epochMillis(t), now);
        assertEquals(lagged - kriged, laggedFeature(zf, twoSteps, z, e, lag), 1e-6);

        roadcast.forecast.ZoneState oneStep = zf.newState();
        zf.observe(oneStep, observed.epochMillis(t), now);
        assertTrue(Double.isNaN(roadcast.forecast.ZoneForecaster.keptNowcast(oneStep, seg.length, 0, 1)));
        assertEquals(0.0, laggedFeature(zf, oneStep, z, e, lag), 0.0, "no nowcast kept: the current value");
    }

    /** The lagged feature of extended segment e at row 0, as the kernel saw it. */
    private static double laggedFeature(roadcast.forecast.ZoneForecaster zf, roadcast.forecast.ZoneState s, int z,
                                        int e, int lag) {
        roadcast.forecast.ZoneForecast fc = new roadcast.forecast.ZoneForecast(model.horizonsMin().length,
                model.zone(z).size());
        zf.forecast(s, fc);
        ExtendedForecaster kriged = new ExtendedForecaster(model.zone(z), model.kriging(), z);
        double[] seen = {Double.NaN};
        kriged.estimate(s, fc, new ExtendedForecast(model.kriging().rows(), model.kriging().size()),
                (row, extended, x, base) -> {
                    if (row == 0 && extended == e) {
                        seen[0] = x[lag];
                    }
                });
        return seen[0];
    }

    private static KrigingModel withBeta(KrigingModel k, double[] beta) {
        return new KrigingModel(k.k(), k.width(), k.lambda(), k.rows(), beta, k.lower(), k.upper(), k.maskedMae(),
                k.segments(), k.zone(), k.neighbours(), k.weight(), k.upstream(), k.distance(), k.levels(), k.level(),
                k.excluded());
    }

    /**
     * The file an older writer made of the same model: the format number, kriging.beta's rows without the lagged
     * coefficient (before format 10) and, before format 4, no "levels" in the kriging header and no kriging.level
     * array (the model must have no level features then: the array is empty).
     */
    static byte[] asOlderFormat(byte[] bytes, int version) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        in.position(8);
        assertEquals(ModelFile.FORMAT_VERSION, in.getInt());
        byte[] header = new byte[in.getInt()];
        in.get(header);
        byte[] payload = new byte[(int) in.getLong()];
        in.get(payload);
        ObjectMapper json = new ObjectMapper();
        ObjectNode h =
                (ObjectNode) json.readTree(header);
        ObjectNode kn = (ObjectNode) h.get(
                "kriging");
        int rows = kn.get("rows").asInt();
        int f = KrigingKernel.featureCount(kn.get("k").asInt(), kn.path("levels").asInt(0));
        int narrow = f - KrigingKernel.LAG;
        ArrayNode arrays = json.createArrayNode();
        ByteArrayOutputStream older = new ByteArrayOutputStream();
        int at = 0;
        for (JsonNode a : h.get("arrays")) {
            String name = a.get("name").asText();
            int bytesPer = a.get("type").asText().equals("f32") ? 4 : 8;
            int length = (int) a.get("length").asLong() * bytesPer;
            if (name.equals("kriging.level") && version < 4) {
                assertEquals(0, length, "a format 3 layer has no level features");
            } else if (name.equals("kriging.beta") && version < 10) {
                for (int row = 0; row < rows; row++) {
                    older.write(payload, at + row * f * 8, narrow * 8);
                }
                arrays.add(((ObjectNode) a.deepCopy()).put("length",
                        rows * narrow));
            } else {
                older.write(payload, at, length);
                arrays.add(a);
            }
            at += length;
        }
        assertEquals(payload.length, at);
        if (version < 4) {
            kn.remove("levels");
        }
        h.set("arrays", arrays);
        byte[] oldPayload = older.toByteArray();
        // the card names its payload's digest: the older writer's payload is the narrower one
        ((ObjectNode) h.get("card")).put("payloadSha256",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(oldPayload)));
        byte[] oldHeader = json.writeValueAsBytes(h);
        ByteBuffer out = ByteBuffer.allocate(8 + 8 + oldHeader.length + 8 + oldPayload.length + 32)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(bytes, 0, 8).putInt(version).putInt(oldHeader.length).put(oldHeader).putLong(oldPayload.length)
                .put(oldPayload);
        out.put(MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(out.array(), out.position())));
        return out.array();
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
