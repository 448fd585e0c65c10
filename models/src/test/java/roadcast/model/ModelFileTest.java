package roadcast.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

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
import roadcast.testdata.SyntheticCity;

class ModelFileTest {

    static SyntheticCity city;
    static ManifoldModel model;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() {
        city = SyntheticCity.generate(30, 2 * 288 + 100, 2, 21);
        TrainingConfig cfg = TrainingConfig.defaults("synthetic", "test fixture",
                CredibilityRules.defaults(SpeedUnit.MPH)).withFixed(3, 2, 1.0).withMaxZoneSize(12);
        model = ManifoldTrainer.fit(city.history().rows(0, 2 * 288), city.network(), cfg, ProgressListener.NONE);
    }

    static ManifoldModel model() {
        if (model == null) {
            train();
        }
        return model;
    }

    @Test
    void theCardCarriesTheLearnedFusion() throws Exception {
        // a feed of two sources on the city's segments: loops 5 km/h fast, probes unbiased
        float[][] truth = city.history().speed();
        String[] ids = city.history().segmentIds();
        java.util.Random rnd = new java.util.Random(4);
        float[][] loop = new float[truth.length][ids.length];
        float[][] probe = new float[truth.length][ids.length];
        for (int t = 0; t < truth.length; t++) {
            for (int i = 0; i < ids.length; i++) {
                loop[t][i] = i % 2 == 0 ? (float) (truth[t][i] + 5 + rnd.nextGaussian()) : Float.NaN;
                probe[t][i] = (float) (truth[t][i] + 4 * rnd.nextGaussian());
            }
        }
        java.util.List<roadcast.fusion.SourceSeries> feed = java.util.List.of(
                new roadcast.fusion.SourceSeries(roadcast.reading.Source.LOOP, loop, null, null, 0),
                new roadcast.fusion.SourceSeries(roadcast.reading.Source.FLOATING_CAR, probe, null, null, 0));
        roadcast.fusion.FusionModel fusion = roadcast.fusion.FusionFitter.fit(ids, feed, 2 * 288, "fixture",
                roadcast.fusion.FusionSettings.defaults());
        ManifoldModel fused = model.withCard(model.card().withFusion(fusion));
        Path file = dir.resolve("fused.rcm");
        ModelFile.write(fused, file);
        ManifoldModel back = ModelFile.read(file);
        assertEquals(fusion, back.card().fusion());
        assertEquals(fused.card(), back.card());
        assertTrue(back.card().fusion().sources().get(0).coefficients().length > 0);
    }

    @Test
    void readGivesBackTheSameModelFieldByField() throws Exception {
        Path file = dir.resolve("m.rcm");
        ModelFile.write(model, file);
        ManifoldModel back = ModelFile.read(file);
        assertEquals(model.card(), back.card());
        assertEquals(model.version(), back.version());
        assertEquals(model.network().segments(), back.network().segments());
        assertEquals(model.network().links(), back.network().links());
        assertEquals(model.unit(), back.unit());
        assertEquals(model.step(), back.step());
        assertEquals(model.timeZone(), back.timeZone());
        assertArrayEquals(model.horizonsMin(), back.horizonsMin());
        assertEquals(model.credibility(), back.credibility());
        assertEquals(model.skill(), back.skill());
        assertTrue(model.zoneCount() > 1);
        assertEquals(model.zoneCount(), back.zoneCount());
        for (int z = 0; z < model.zoneCount(); z++) {
            assertEquals(model.zone(z), back.zone(z));
        }
        for (int s = 0; s < model.network().size(); s++) {
            assertEquals(model.freeFlowSpeed(s), back.freeFlowSpeed(s));
            assertEquals(model.zoneOf(s), back.zoneOf(s));
        }
        // and it forecasts the same
        SpeedHistory h = city.history();
        NetworkForecaster a = new NetworkForecaster(model);
        NetworkForecaster b = new NetworkForecaster(back);
        NetworkForecast fa = a.newForecast();
        NetworkForecast fb = b.newForecast();
        for (int t = 0; t < h.steps(); t++) {
            a.observe(h.epochMillis(t), h.speed()[t]);
            b.observe(h.epochMillis(t), h.speed()[t]);
        }
        a.forecast(fa);
        b.forecast(fb);
        for (int hz = 0; hz < model.horizonsMin().length; hz++) {
            for (int s = 0; s < model.network().size(); s++) {
                assertEquals(fa.speed(hz, s), fb.speed(hz, s));
                assertEquals(fa.upper(hz, s), fb.upper(hz, s));
            }
        }
        // writing again gives the same bytes: the format is deterministic
        Path again = dir.resolve("again.rcm");
        ModelFile.write(back, again);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again));
    }

    private byte[] written() throws Exception {
        Path file = dir.resolve("base.rcm");
        ModelFile.write(model, file);
        return Files.readAllBytes(file);
    }

    private String refusal(byte[] bytes) throws Exception {
        Path file = dir.resolve("bad.rcm");
        Files.write(file, bytes);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.read(file));
        assertTrue(e.getMessage().contains(file.toString()), "message names the file: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void flippedByteIsACorruptFile() throws Exception {
        byte[] bytes = written();
        bytes[bytes.length / 2] ^= 0x10;
        assertTrue(refusal(bytes).contains("checksum mismatch"));
        byte[] header = written();
        header[20] ^= 0x01;
        assertTrue(refusal(header).contains("checksum mismatch"));
    }

    @Test
    void truncatedFileIsRefused() throws Exception {
        byte[] bytes = written();
        assertTrue(refusal(java.util.Arrays.copyOf(bytes, bytes.length - 100)).contains("truncated"));
        assertTrue(refusal(java.util.Arrays.copyOf(bytes, 10)).contains("truncated"));
        assertTrue(refusal(java.util.Arrays.copyOf(bytes, 0)).contains("truncated"));
    }

    @Test
    void wrongMagicIsRefused() throws Exception {
        byte[] bytes = written();
        bytes[0] = 'X';
        assertTrue(refusal(bytes).contains("not a Roadcast model file"));
        assertTrue(refusal("{\"json\": true, \"not\": \"a model\"}".getBytes(StandardCharsets.UTF_8))
                .contains("not a Roadcast model file"));
    }

    @Test
    void newerFormatVersionIsRefused() throws Exception {
        byte[] bytes = written();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, ModelFile.FORMAT_VERSION + 1);
        String message = refusal(bytes);
        assertTrue(message.contains("newer"), message);
    }

    @Test
    void mismatchedShapesAreRefusedEvenWithAValidChecksum() throws Exception {
        byte[] bytes = written();
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = buf.getInt(12);
        String header = new String(bytes, 16, headerLength, StandardCharsets.UTF_8);
        int zones = header.indexOf("\"zones\":[");
        String changed = header.substring(0, zones) + header.substring(zones).replaceFirst("\"rank\":3", "\"rank\":4");
        assertTrue(!changed.equals(header));
        String message = refusal(reassemble(bytes, headerLength, changed));
        assertTrue(message.contains("zone0.basis") && message.contains("shape"), message);
    }

    /** The file with another header, lengths and checksum recomputed. */
    /** Writes the model in the current format and reads it back: every zone as written. */
    static void assertZonesRoundTrip(ManifoldModel model, Path file, String message) throws Exception {
        ModelFile.write(model, file);
        ManifoldModel back = ModelFile.read(file);
        for (int z = 0; z < model.zoneCount(); z++) {
            assertEquals(model.zone(z), back.zone(z), message);
        }
    }

    /** The model written in an older format version and read by this build. */
    static ManifoldModel readAsFormat(ManifoldModel model, Path dir, int version) throws Exception {
        Path old = dir.resolve("v" + version + ".rcm");
        java.nio.file.Files.write(old, ModelFileFormat1Test.olderFormat(model, dir, version));
        return ModelFile.read(old);
    }

    /** The model with other zones, everything else as it is. */
    static ManifoldModel withZones(ManifoldModel model, ZoneModel[] zones) {
        double[] freeFlow = new double[model.network().size()];
        java.util.Arrays.setAll(freeFlow, model::freeFlowSpeed);
        return new ManifoldModel(model.card(), model.network(), model.unit(), model.step(), model.timeZone(),
                model.horizonsMin(), zones, model.zoneIds(), freeFlow, model.credibility(), model.skill());
    }

    /**
     * Replays the fixture's first 200 steps through three models: {@code read}'s forecasts must equal
     * {@code expected}'s exactly; returns whether {@code current}'s differ from them anywhere (the term an older
     * format lacks takes part).
     */
    static boolean sameForecastsAndCurrentDiffers(ManifoldModel expected, ManifoldModel read, ManifoldModel current) {
        roadcast.forecast.NetworkForecaster a = new roadcast.forecast.NetworkForecaster(expected);
        roadcast.forecast.NetworkForecaster b = new roadcast.forecast.NetworkForecaster(read);
        roadcast.forecast.NetworkForecaster c = new roadcast.forecast.NetworkForecaster(current);
        roadcast.forecast.NetworkForecast fa = a.newForecast();
        roadcast.forecast.NetworkForecast fb = b.newForecast();
        roadcast.forecast.NetworkForecast fc = c.newForecast();
        roadcast.history.SpeedHistory h = city.history();
        boolean differs = false;
        for (int t = 0; t < 200; t++) {
            a.observe(h.epochMillis(t), h.speed()[t]);
            b.observe(h.epochMillis(t), h.speed()[t]);
            c.observe(h.epochMillis(t), h.speed()[t]);
            a.forecast(fa);
            b.forecast(fb);
            c.forecast(fc);
            for (int s = 0; s < current.network().size(); s++) {
                for (int k = 0; k < current.horizonsMin().length; k++) {
                    assertEquals(fa.speed(k, s), fb.speed(k, s), 0.0);
                    differs |= fa.speed(k, s) != fc.speed(k, s);
                }
            }
        }
        return differs;
    }

    static byte[] reassemble(byte[] bytes, int headerLength, String header) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int restFrom = 16 + headerLength;
        int restTo = bytes.length - 32;
        ByteBuffer out = ByteBuffer.allocate(16 + h.length + (restTo - restFrom) + 32).order(ByteOrder.LITTLE_ENDIAN);
        out.put(bytes, 0, 12);
        out.putInt(h.length);
        out.put(h);
        out.put(bytes, restFrom, restTo - restFrom);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(out.array(), 0, out.position());
        out.put(sha.digest());
        return out.array();
    }
}
