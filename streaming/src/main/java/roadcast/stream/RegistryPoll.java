package roadcast.stream;

import java.nio.file.Path;
import java.util.List;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.model.ModelRegistry;

/**
 * The model-version feed of a running job: every poll interval, the registry's newest version (the zone operator
 * ignores versions it already runs or refused). An unreadable registry yields "" and a log line, never a failure.
 */
public final class RegistryPoll implements GeneratorFunction<Long, String> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RegistryPoll.class);

    private final String registryDir;

    public RegistryPoll(Path registryDir) {
        this.registryDir = registryDir.toString();
    }

    /** An endless source emitting the newest version once per {@code intervalMillis}. */
    public static DataGeneratorSource<String> source(Path registryDir, long intervalMillis) {
        return new DataGeneratorSource<>(new RegistryPoll(registryDir), Long.MAX_VALUE,
                RateLimiterStrategy.perSecond(1000.0 / Math.max(1, intervalMillis)), Types.STRING);
    }

    /**
     * Watermarks of the control stream: always the maximum, so that the broadcast input never holds back the event
     * time of the readings it is connected with.
     */
    public static WatermarkStrategy<String> controlWatermarks() {
        return WatermarkStrategy.forGenerator(ctx -> new WatermarkGenerator<String>() {
            @Override
            public void onEvent(String event, long eventTimestamp, WatermarkOutput output) {
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.emitWatermark(new Watermark(Long.MAX_VALUE));
            }
        });
    }

    @Override
    public String map(Long poll) {
        return newestVersion(Path.of(registryDir));
    }

    /** The registry's {@code latest} version (else its newest), "" when it has none or cannot be read. */
    public static String newestVersion(Path registryDir) {
        try {
            ModelRegistry registry = new ModelRegistry(registryDir);
            var latest = registry.latest();
            if (latest.isPresent()) {
                return latest.get();
            }
            List<String> versions = registry.versions();
            return versions.isEmpty() ? "" : versions.get(versions.size() - 1);
        } catch (Exception e) {
            LOG.warn("model registry {} unreadable: {}", registryDir, e.toString());
            return "";
        }
    }
}
