package roadcast.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a demo or benchmark run saw on the output topics (as a read_committed consumer).
 *
 * @param segments              segments of the model's network
 * @param segmentsWithForecasts segments that received at least one forecast
 * @param forecasts             forecast records read
 * @param rejected              dead letters read
 * @param lagMsP50              median lag: commit visibility of a forecast minus the append time of the latest input it used
 * @param lagMsP99              99th percentile of the same
 * @param levels                congestion level (first horizon) of each segment's latest forecast, counted by level
 * @param modelVersionsUsed     model versions named by the forecasts, in the order they first appeared
 * @param stepsWithoutForecast  segment-steps with no forecast, between the first step forecast and the newest step
 *                              forecast for every segment (later steps may still be in flight)
 * @param zoningsSeen           distinct zonings among the versions used; -1 when not measured
 * @param jobRestarts           restarts of the forecast job; -1 when not measured
 * @param modelsRefused         retrained candidates the promotion gate refused; -1 when the run did not retrain
 */
public record DemoSummary(int segments, int segmentsWithForecasts, long forecasts, long rejected, double lagMsP50,
                          double lagMsP99, Map<String, Integer> levels, List<String> modelVersionsUsed,
                          long stepsWithoutForecast, int zoningsSeen, long jobRestarts,
                          int modelsRefused) {

    /** The same with the figures only the demo knows (from the registry and the cluster). */
    public DemoSummary withLoop(int zonings, long restarts, int refused) {
        return new DemoSummary(segments, segmentsWithForecasts, forecasts, rejected, lagMsP50, lagMsP99, levels,
                modelVersionsUsed, stepsWithoutForecast, zonings, restarts, refused);
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("segments", segments);
        o.put("segments_with_forecasts", segmentsWithForecasts);
        o.put("forecasts", forecasts);
        o.put("rejected", rejected);
        putNumber(o, "lag_ms_p50", lagMsP50);
        putNumber(o, "lag_ms_p99", lagMsP99);
        ObjectNode l = o.putObject("congestion_levels");
        levels.forEach(l::put);
        modelVersionsUsed.forEach(o.putArray("model_versions_used")::add);
        o.put("steps_without_forecast", stepsWithoutForecast);
        if (zoningsSeen >= 0) {
            o.put("zonings_seen", zoningsSeen);
        }
        if (jobRestarts >= 0) {
            o.put("job_restarts", jobRestarts);
        }
        if (modelsRefused >= 0) {
            o.put("models_refused", modelsRefused);
        }
        return o;
    }

    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(file.toFile(), toJson());
    }

    private static void putNumber(ObjectNode o, String field, double v) {
        if (Double.isNaN(v)) {
            o.putNull(field);
        } else {
            o.put(field, Math.round(v * 10) / 10.0);
        }
    }
}
