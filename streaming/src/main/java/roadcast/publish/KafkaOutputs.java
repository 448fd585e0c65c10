package roadcast.publish;

import org.apache.flink.connector.kafka.sink.KafkaSink;
import roadcast.ingest.DeadLetter;
import roadcast.kafka.ExactlyOnceKafka;

/**
 * The forecast job's Kafka sinks, exactly-once by default ({@link ExactlyOnceKafka}): records become visible to
 * {@code read_committed} consumers when the checkpoint that covers them completes. Forecasts may instead be written
 * at least once ({@link Delivery#AT_LEAST_ONCE}: visible as soon as computed); dead letters are always exactly once
 * (nobody waits for them, and a repeated dead letter would count a bad record twice).
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
        return forecasts(bootstrapServers, topic, transactionalIdPrefix, Delivery.EXACTLY_ONCE);
    }

    /** Forecasts with the given {@link Delivery}: at-least-once writes them as soon as they are computed. */
    public static KafkaSink<IssuedForecast> forecasts(String bootstrapServers, String topic,
                                                       String transactionalIdPrefix, Delivery delivery) {
        return forecasts(bootstrapServers, topic, transactionalIdPrefix, delivery, ForecastFormat.JSON);
    }

    /** Forecasts with the given delivery and value format (Avro: for external consumers, see {@link ForecastAvro}). */
    public static KafkaSink<IssuedForecast> forecasts(String bootstrapServers, String topic,
                                                       String transactionalIdPrefix, Delivery delivery,
                                                       ForecastFormat format) {
        return ExactlyOnceKafka.sink(bootstrapServers, transactionalIdPrefix + "-forecast",
                new ForecastRecordSerializer(topic, format), delivery.guarantee());
    }

    /** Dead letters: key = the original key, value = DeadLetterJson. */
    public static KafkaSink<DeadLetter> deadLetters(String bootstrapServers, String topic,
                                                     String transactionalIdPrefix) {
        return ExactlyOnceKafka.sink(bootstrapServers, transactionalIdPrefix + "-rejected",
                new DeadLetterRecordSerializer(topic));
    }
}
