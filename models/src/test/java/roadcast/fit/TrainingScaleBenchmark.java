package roadcast.fit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import roadcast.clean.CredibilityRules;
import roadcast.forecast.NetworkForecast;
import roadcast.forecast.NetworkForecaster;
import roadcast.history.SpeedHistory;
import roadcast.history.SpeedUnit;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelFile;
import roadcast.testdata.SyntheticCity;

/**
 * Scale benchmark, not part of the normal suite: fit time and heap of a synthetic network (default 20,000 segments x
 * 8640 five-minute steps = 30 days) and the time of a full 12-horizon network forecast on one core. Prints the
 * figures and writes {@code target/bench-training.json}. Run:
 * {@code mvn -B -q -pl models install -Dtest=TrainingScaleBenchmark -Droadcast.bench=true
 * [-Droadcast.bench.segments=20000 -Droadcast.bench.steps=8640]}
 */
@EnabledIfSystemProperty(named = "roadcast.bench", matches = "true")
class TrainingScaleBenchmark {

    @Test
    void fitAndForecastAtScale() throws Exception {
        int segments = Integer.getInteger("roadcast.bench.segments", 20_000);
        int steps = Integer.getInteger("roadcast.bench.steps", 8640);
        long t0 = System.nanoTime();
        SyntheticCity city = SyntheticCity.generate(segments, steps, 24, 1, 0.02, java.time.ZoneId.of("UTC"));
        double generateSeconds = (System.nanoTime() - t0) / 1e9;
        SpeedHistory history = city.history();
        TrainingConfig cfg = TrainingConfig.defaults("synthetic-scale", "generated", CredibilityRules.defaults(SpeedUnit.MPH));
        System.gc();
        long heapBefore = PeakHeap.usedHeap();
        PeakHeap peak = new PeakHeap(100);
        peak.start();
        long fitStart = System.nanoTime();
        ManifoldModel model = ManifoldTrainer.fit(history, city.network(), cfg, (stage, done, total) -> {
            if (done == total || done % 10 == 0) {
                System.out.printf("%s %d/%d (%.0f s)%n", stage, done, total, (System.nanoTime() - fitStart) / 1e9);
            }
        });
        double fitSeconds = (System.nanoTime() - fitStart) / 1e9;
        peak.interrupt();
        peak.join();

        NetworkForecaster forecaster = new NetworkForecaster(model);
        NetworkForecast out = forecaster.newForecast();
        int warm = 200;
        for (int t = 0; t < warm; t++) {
            forecaster.observe(history.epochMillis(t), history.speed()[t]);
            forecaster.forecast(out);
        }
        int timed = 200;
        long[] nanos = new long[timed];
        for (int t = 0; t < timed; t++) {
            long millis = history.epochMillis(warm + t);
            long s = System.nanoTime();
            forecaster.observe(millis, history.speed()[warm + t]);
            forecaster.forecast(out);
            nanos[t] = System.nanoTime() - s;
        }
        java.util.Arrays.sort(nanos);
        Path file = Files.createTempFile("bench", ".rcm");
        long writeStart = System.nanoTime();
        ModelFile.write(model, file);
        double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
        long fileBytes = Files.size(file);
        long readStart = System.nanoTime();
        ModelFile.read(file);
        double readSeconds = (System.nanoTime() - readStart) / 1e9;
        Files.delete(file);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("segments", segments);
        result.put("steps", steps);
        result.put("zones", model.zoneCount());
        result.put("threads", cfg.threads());
        result.put("cores", Runtime.getRuntime().availableProcessors());
        result.put("generateSeconds", generateSeconds);
        result.put("fitSeconds", fitSeconds);
        result.put("historyMegabytes", (long) segments * steps * 4 / 1e6);
        result.put("heapBeforeFitMegabytes", heapBefore / 1e6);
        result.put("peakHeapDuringFitMegabytes", peak.peak / 1e6);
        result.put("forecastStepMedianMillis", nanos[timed / 2] / 1e6);
        result.put("forecastStepP95Millis", nanos[(int) (timed * 0.95)] / 1e6);
        result.put("modelFileMegabytes", fileBytes / 1e6);
        result.put("writeSeconds", writeSeconds);
        result.put("readSeconds", readSeconds);
        result.put("validationRmseByHorizon", model.card().validation().rmse());
        result.put("validationRmsePersistence", model.card().validation().rmsePersistence());
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "bench-training.json"), json);
        System.out.println(json);
    }
}
