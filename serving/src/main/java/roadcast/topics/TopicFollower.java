package roadcast.topics;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.api.ServeMetrics;
import roadcast.forecast.Forecast;
import roadcast.store.DeadLetter;
import roadcast.store.OnlineStore;
import roadcast.store.PartitionPosition;
import roadcast.store.StoreBatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Follows the forecast and speed topics into the online store. Partitions are assigned manually and each poll is
 * stored together with the consumer positions in one synced batch; on restart the follower seeks to the stored
 * positions. No Kafka group offsets are used, so there is no window in which Kafka and the store disagree. Forecasts
 * are read {@code read_committed}: only what the stream's transactions committed.
 */
public final class TopicFollower implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
    private static final Duration PARTITION_REFRESH = Duration.ofSeconds(5);

    private final String bootstrapServers;
    private final String forecastTopic;
    private final String speedTopic;
    private final OnlineStore store;
    private final ServeMetrics metrics;
    private final Consumer<List<Forecast>> onForecasts;
    private final KafkaConsumer<String, String> consumer;
    private volatile boolean running = true;
    private volatile String state = "starting";
    private volatile long lastPollMillis;

    public TopicFollower(String bootstrapServers, String forecastTopic, String speedTopic, OnlineStore store,
                         ServeMetrics metrics, Consumer<List<Forecast>> onForecasts) {
        this.bootstrapServers = bootstrapServers;
        this.forecastTopic = forecastTopic;
        this.speedTopic = speedTopic;
        this.store = store;
        this.metrics = metrics;
        this.onForecasts = onForecasts;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "roadcast-serve");
        // topics belong to the stream, which creates them with its partition counts; never create them from here
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
    }

    /** "starting", "following" or "failed: reason". */
    public String state() {
        return state;
    }

    public long lastPollMillis() {
        return lastPollMillis;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void run() {
        Set<TopicPartition> assigned = new HashSet<>();
        long nextRefresh = 0;
        try {
            while (running) {
                if (System.currentTimeMillis() >= nextRefresh) {
                    assignNewPartitions(assigned);
                    nextRefresh = System.currentTimeMillis() + PARTITION_REFRESH.toMillis();
                }
                if (assigned.isEmpty()) {
                    state = "waiting for topics " + forecastTopic + ", " + speedTopic;
                    Thread.sleep(200);
                    continue;
                }
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(250));
                lastPollMillis = System.currentTimeMillis();
                state = "following";
                storePoll(records, assigned);
            }
        } catch (WakeupException e) {
            if (running) {
                state = "failed: woken up unexpectedly";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            state = "failed: " + e.getMessage();
            LOG.error("topic follower stopped: the online store no longer follows the topics", e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
            if (state.equals("following")) {
                state = "stopped";
            }
        }
    }

    private void storePoll(ConsumerRecords<String, String> records, Set<TopicPartition> assigned) {
        Map<TopicPartition, Long> before = new HashMap<>();
        StoreBatch batch = new StoreBatch();
        List<Forecast> forecasts = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (ConsumerRecord<String, String> r : records) {
            try {
                if (r.topic().equals(forecastTopic)) {
                    Forecast f = ForecastWire.parse(r.value());
                    batch.add(f);
                    forecasts.add(f);
                } else {
                    batch.add(SpeedWire.parse(r.value()));
                }
            } catch (WireFormatException e) {
                deadLetter(batch, r, e.reason(), e.getMessage(), now);
            } catch (RuntimeException e) {
                // a record the codecs did not foresee: kept with the reason, never a reason to stop following
                deadLetter(batch, r, "unreadable", e.getClass().getSimpleName() + ": " + e.getMessage(), now);
            }
        }
        // positions after the poll cover the records above plus any transaction markers and aborted records skipped
        for (TopicPartition tp : assigned) {
            batch.advance(tp.topic(), tp.partition(), consumer.position(tp));
        }
        long t0 = System.nanoTime();
        store.write(batch);
        metrics.storeWrite(System.nanoTime() - t0);
        for (ConsumerRecord<String, String> r : records) {
            metrics.recordStored(r.topic());
        }
        for (Forecast f : forecasts) {
            metrics.forecastIssued(f.issuedAt());
        }
        if (!forecasts.isEmpty()) {
            onForecasts.accept(forecasts);
        }
    }

    private void deadLetter(StoreBatch batch, ConsumerRecord<String, String> r, String reason, String detail, long now) {
        batch.add(new DeadLetter(reason, detail, r.value(), r.topic(), r.partition(), r.offset(), now));
        metrics.deadLetter(r.topic(), reason);
        LOG.warn("dead letter {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), detail);
    }

    private void assignNewPartitions(Set<TopicPartition> assigned) {
        Set<TopicPartition> found = new HashSet<>(assigned);
        for (String topic : List.of(forecastTopic, speedTopic)) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(2));
                if (infos != null) {
                    for (PartitionInfo info : infos) {
                        found.add(new TopicPartition(topic, info.partition()));
                    }
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.debug("topic {} not reachable yet: {}", topic, e.getMessage());
            }
        }
        if (found.size() == assigned.size()) {
            return;
        }
        consumer.assign(found);
        Map<String, Long> stored = new HashMap<>();
        for (PartitionPosition p : store.positions()) {
            stored.put(p.topic() + '\0' + p.partition(), p.nextOffset());
        }
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition tp : found) {
            if (assigned.contains(tp)) {
                continue;
            }
            Long next = stored.get(tp.topic() + '\0' + tp.partition());
            if (next == null) {
                fromStart.add(tp);
            } else {
                consumer.seek(tp, next);
            }
            LOG.info("following {} from {}", tp, next == null ? "the beginning" : "offset " + next);
        }
        if (!fromStart.isEmpty()) {
            consumer.seekToBeginning(fromStart);
        }
        assigned.clear();
        assigned.addAll(found);
    }

    /** Stops the poll loop; the thread closes the consumer on its way out. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
