package roadcast.publish;

import org.apache.flink.connector.kafka.sink.KafkaSink;
import roadcast.ingest.DeadLetter;
import roadcast.kafka.ExactlyOnceKafka;

/**
 * The forecast job's Kafka sinks, both exactly-once ({@link ExactlyOnceKafka}): records become visible to
 * {@code read_committed} consumers when the checkpoint that covers them completes.
 */
public final class KafkaOutputs {

    private KafkaOutputs() {
    }

    /**
     * Forecasts: key = segment, value = ForecastJson, timestamp = the input append time they were computed from.
     *
     * @param transactionalIdPrefix unique per job on one cluster (two jobs with one prefix fence each other)
     */
    public static KafkaSink<IssuedForecast> forecasts(String bootstrapServers, String topic,
                                                       String transactionalIdPrefix) {
        return ExactlyOnceKafka.sink(bootstrapServers, transactionalIdPrefix + "-forecast",
                new ForecastRecordSerializer(topic));
    }

    /** Dead letters: key = the original key, value = DeadLetterJson. */
    public static KafkaSink<DeadLetter> deadLetters(String bootstrapServers, String topic,
                                                     String transactionalIdPrefix) {
        return ExactlyOnceKafka.sink(bootstrapServers, transactionalIdPrefix + "-rejected",
                new DeadLetterRecordSerializer(topic));
    }
}
