package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import roadcast.forecast.Forecast;
import roadcast.forecast.ForecastJson;
import roadcast.kafka.ExactlyOnceKafka;
import roadcast.kafka.RawRecord;
import roadcast.kafka.RawRecordDeserializer;
import roadcast.publish.KafkaOutputs;

/**
 * The documented {@code --parallelism 2} on a one-partition topic: one source subtask gets no partition and never
 * emits a watermark. With the default settings it must not hold event time at its start for ever: steps close.
 */
class IdleSubtaskTest {

    static final String IN = "roadcast.speed.idle";
    static final String OUT = "roadcast.forecast.idle";
    static final String REJECTED = "roadcast.speed.rejected.idle";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestMiniCluster.withSlots(2);

    @TempDir
    static Path tmp;

    @RegisterExtension
    static final TestBroker BROKER = TestBroker.withTopics(IN, OUT, REJECTED); // one partition per topic

    @Test
    void parallelismTwoOnOnePartitionClosesSteps() throws Exception {
        SmallCity city = SmallCity.generate("i", 3, 21);
        Path registry = tmp.resolve("registry");
        int from = 2 * 288;
        int steps = 6;
        city.publish(registry, from, 3);
        int n = city.history.segments();
        try (var producer = BROKER.producer(Map.of())) {
            for (RawRecord r : city.records(from, from + steps)) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(IN, r.key, r.value));
            }
        }
        // Default event-time settings (as 'roadcast stream' without --idleness), parallelism 2.
        JobConfig cfg = JobConfig.defaults(registry).withModelPoll(null).withParallelism(2)
                .withCheckpoints(Duration.ofMillis(300), tmp.resolve("checkpoints"));
        JobClient job = new ForecastJob(
                ExactlyOnceKafka.source(BROKER.bootstrapServers(), IN, "idle", new RawRecordDeserializer()),
                KafkaOutputs.forecasts(BROKER.bootstrapServers(), OUT, "idle"),
                KafkaOutputs.deadLetters(BROKER.bootstrapServers(), REJECTED, "idle"), cfg)
                .withFlinkOption("restart-strategy.type", "none")
                .executeAsync();
        List<ConsumerRecord<byte[], byte[]>> out;
        try {
            // Watermark at the start of the last step: the first three steps are past end + 10 min lateness.
            out = CommittedTopic.read(BROKER, OUT, 3 * n, Duration.ofSeconds(45));
        } finally {
            job.cancel().get();
        }
        Set<String> distinct = new HashSet<>();
        Set<Long> stepsForecast = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            Forecast f = ForecastJson.fromBytes(r.value());
            distinct.add(SmallCity.key(f));
            stepsForecast.add(f.issuedAt());
        }
        assertEquals(Set.of(city.history.epochMillis(from), city.history.epochMillis(from + 1),
                city.history.epochMillis(from + 2)), stepsForecast, "steps closed by event time");
        assertEquals(3 * n, out.size(), "each forecast once");
        assertEquals(3 * n, distinct.size());
    }
}
