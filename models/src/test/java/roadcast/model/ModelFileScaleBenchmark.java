package roadcast.model;

import roadcast.fit.PeakHeap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import roadcast.history.SpeedUnit;
import roadcast.manifold.LatentDynamics;
import roadcast.manifold.LocalCorrection;
import roadcast.network.Link;
import roadcast.network.RoadClass;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;
import roadcast.skill.SkillTable;

/**
 * Scale benchmark of the model file, not part of the suite: a model of the shape the trainer makes for a city of N
 * segments at one-minute steps (zones of 256, rank 5, order 2, H horizons, the profile on 5-minute slots or, with
 * slot 1, at the minute as before file format 6), filled with random values (the file's size and speed do not depend
 * on them), written, read back through the streaming reader and compared zone by zone. Prints and writes to
 * {@code target/bench-model-file.json}: file bytes, write and read seconds, heap of the model and the reader's peak
 * above it. No training: the figures are those of the format. Run from the project root, after
 * {@code mvn -B -q -pl models -am test-compile} (and a build that wrote {@code app/target/classpath.txt}, e.g. any
 * {@code ./roadcast} command):
 * <pre>
 * java -Xmx10g -cp models/target/classes:models/target/test-classes:$(cat app/target/classpath.txt) \
 *     roadcast.model.ModelFileScaleBenchmark [segments 200000] [horizons 15] [profile slot minutes 5] [dir /tmp]
 * </pre>
 */
public final class ModelFileScaleBenchmark {

    private ModelFileScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int segments = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int horizons = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int slotMinutes = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path dir = Path.of(args.length > 3 ? args[3] : System.getProperty("java.io.tmpdir"));
        long t0 = System.nanoTime();
        ManifoldModel model = model(segments, horizons, slotMinutes * 60_000L);
        double buildSeconds = (System.nanoTime() - t0) / 1e9;
        long heapWithModel = settledHeap();

        Path file = Files.createTempFile(dir, "bench-model-", ".rcm");
        Map<String, Object> result = new LinkedHashMap<>();
        try {
            long w = System.nanoTime();
            ModelFile.write(model, file);
            double writeSeconds = (System.nanoTime() - w) / 1e9;
            long fileBytes = Files.size(file);
            System.out.printf("wrote %,d bytes in %.1f s (model built in %.1f s)%n", fileBytes, writeSeconds,
                    buildSeconds);

            PeakHeap peak = new PeakHeap(20);
            peak.start();
            long r = System.nanoTime();
            ManifoldModel back = ModelFile.read(file);
            double readSeconds = (System.nanoTime() - r) / 1e9;
            peak.interrupt();
            peak.join();
            long heapWithBoth = settledHeap();
            for (int z = 0; z < model.zoneCount(); z++) {
                if (!model.zone(z).equals(back.zone(z))) {
                    throw new AssertionError("zone " + z + " reads back differently");
                }
            }
            if (!model.skill().equals(back.skill())) {
                throw new AssertionError("the skill table reads back differently");
            }
            model = null;
            double[] stepMillis = forecastSteps(back, 5, 10);

            result.put("segments", segments);
            result.put("zones", back.zoneCount());
            result.put("horizons", horizons);
            result.put("step_minutes", 1);
            result.put("profile_slot_minutes", slotMinutes);
            result.put("file_bytes", fileBytes);
            result.put("file_bytes_per_segment", fileBytes / segments);
            result.put("over_2gb", fileBytes > Integer.MAX_VALUE);
            result.put("write_s", round(writeSeconds));
            result.put("read_s", round(readSeconds));
            result.put("heap_model_mb", (heapWithBoth - heapWithModel) / 1_000_000);
            result.put("read_peak_above_model_mb", Math.max(0, peak.peak - heapWithModel) / 1_000_000);
            result.put("max_heap_mb", Runtime.getRuntime().maxMemory() / 1_000_000);
            // the kernel's share of one live step: every zone observes a 1-minute row and forecasts all horizons, one
            // thread (the stream's zone operator is one subtask)
            result.put("forecast_step_ms_median", round(stepMillis[stepMillis.length / 2]));
            result.put("forecast_step_ms_max", round(stepMillis[stepMillis.length - 1]));
        } finally {
            Files.deleteIfExists(file);
        }
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "bench-model-file.json"), json);
        System.out.println(json);
    }

    /** Milliseconds of each of {@code timed} steps (sorted) of observe + forecast over the whole network. */
    private static double[] forecastSteps(ManifoldModel model, int warm, int timed) {
        roadcast.forecast.NetworkForecaster forecaster = new roadcast.forecast.NetworkForecaster(model);
        roadcast.forecast.NetworkForecast out = forecaster.newForecast();
        SplittableRandom rnd = new SplittableRandom(3);
        float[] row = new float[model.network().size()];
        long t = 1_700_000_040_000L;
        double[] millis = new double[timed];
        for (int k = 0; k < warm + timed; k++) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) rnd.nextDouble(20, 70);
            }
            long s = System.nanoTime();
            forecaster.observe(t, row);
            forecaster.forecast(out);
            if (k >= warm) {
                millis[k - warm] = (System.nanoTime() - s) / 1e6;
            }
            t += 60_000L;
        }
        java.util.Arrays.sort(millis);
        return millis;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 100) / 100.0;
    }

    /** A model of the trainer's shapes for {@code segments} segments at one-minute steps, random values. */
    static ManifoldModel model(int segments, int horizons, long slotMillis) {
        SplittableRandom rnd = new SplittableRandom(7);
        long step = 60_000L;
        ZoneId utc = ZoneId.of("UTC");
        List<Segment> segs = new ArrayList<>(segments);
        List<Link> links = new ArrayList<>(segments);
        for (int i = 0; i < segments; i++) {
            segs.add(new Segment("s" + i, 34 + 0.001 * (i % 1000), -118 + 0.001 * (i / 1000),
                    i % 3 == 0 ? RoadClass.EXPRESSWAY : RoadClass.UNKNOWN));
            if (i > 0) {
                links.add(new Link(i - 1, i, 500, 1));
            }
        }
        RoadNetwork network = new RoadNetwork(segs, links);
        int zoneSize = 256;
        int rank = 5;
        int order = 2;
        ZoneModel[] zones = new ZoneModel[(segments + zoneSize - 1) / zoneSize];
        for (int z = 0; z < zones.length; z++) {
            int from = z * zoneSize;
            int n = Math.min(zoneSize, segments - from);
            int[] members = new int[n];
            java.util.Arrays.setAll(members, k -> from + k);
            double[] blend = random(rnd, horizons * ZoneModel.REGIMES * n, 0, 1);
            zones[z] = new ZoneModel(members, step, utc, HorizonLeads.consecutive(horizons), rank, order, 1.0, 0.01,
                    1.645, random(rnd, ZoneModel.expectedProfileLength(n, slotMillis), 20, 70),
                    random(rnd, n * rank, -1, 1),
                    random(rnd, horizons * rank * LatentDynamics.featureCount(rank, order), -1, 1),
                    random(rnd, horizons * n * LocalCorrection.WIDTH, -1, 1), random(rnd, horizons * n, 1, 5),
                    ZoneModel.symmetricBand(horizons, 1.645), blend, 12, random(rnd, horizons * n, -1, 1),
                    random(rnd, horizons * n, -1, 1), random(rnd, n, 1, 5), slotMillis);
        }
        int[] horizonsMin = new int[horizons];
        java.util.Arrays.setAll(horizonsMin, h -> h + 1);
        int cells = segments * horizons * SkillTable.PERIODS;
        SkillTable skill = new SkillTable(segments, horizons, randomF(rnd, cells), randomF(rnd, cells),
                randomF(rnd, cells), randomF(rnd, cells));
        double[] freeFlow = random(rnd, segments, 50, 70);
        ModelCard card = ModelFileTest.model().card();
        return new ManifoldModel(card, network, SpeedUnit.MPH, Duration.ofMillis(step), utc, horizonsMin, zones,
                freeFlow, null, skill);
    }

    private static double[] random(SplittableRandom rnd, int length, double lo, double hi) {
        double[] a = new double[length];
        for (int k = 0; k < length; k++) {
            a[k] = rnd.nextDouble(lo, hi);
        }
        return a;
    }

    private static float[] randomF(SplittableRandom rnd, int length) {
        float[] a = new float[length];
        for (int k = 0; k < length; k++) {
            a[k] = (float) rnd.nextDouble(0, 10);
        }
        return a;
    }

    private static long settledHeap() {
        for (int k = 0; k < 3; k++) {
            System.gc();
        }
        return PeakHeap.usedHeap();
    }
}
