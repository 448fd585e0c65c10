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
    private volatile Condition condition = Condition.STARTING;
    private volatile String state = "starting";
    private volatile boolean brokerUnreachable;
    private volatile long lastPollMillis;
    private volatile long lastStoredMillis;

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
        // a blocking call (position, partitionsFor) gives up after 15 s instead of 60 s and goes to the retry path
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        // topics belong to the stream, which creates them with its partition counts; never create them from here
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
    }

    /** Where the follower stands; the HTTP health answer is derived from it. */
    public enum Condition {
        STARTING, FOLLOWING,
        /** The topics do not exist yet (the stream has not created them). */
        WAITING_FOR_TOPICS,
        /** A store write or a broker call failed, or the broker is unreachable: retrying with backoff. */
        RETRYING,
        /** Ended by an error it cannot retry (an Error, an unexpected wakeup). */
        FAILED,
        STOPPED
    }

    /** Longest wait between retries: a broker or disk back after an outage is followed again within this. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);

    /**
     * Wait after the n-th failure in a row (n >= 1): {@link #FIRST_BACKOFF} doubling up to {@link #MAX_BACKOFF}; the
     * one backoff of serving's broker calls (this follower, the decision topics' creation).
     */
    public static long backoffMillis(int failures) {
        return Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(Math.max(failures, 1) - 1, 16));
    }

    public Condition condition() {
        return condition;
    }

    /** A human-readable account of {@link #condition()}, e.g. the error being retried; for key holders only. */
    public String state() {
        return state;
    }

    public long lastPollMillis() {
        return lastPollMillis;
    }

    /** Wall-clock time of the last durable store write, 0 before the first. */
    public long lastStoredMillis() {
        return lastStoredMillis;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void run() {
        Set<TopicPartition> assigned = new HashSet<>();
        long nextRefresh = 0;
        int failures = 0;
        try {
            while (running) {
                try {
                    if (System.currentTimeMillis() >= nextRefresh) {
                        assignNewPartitions(assigned);
                        nextRefresh = System.currentTimeMillis() + PARTITION_REFRESH.toMillis();
                    }
                    if (assigned.isEmpty()) {
                        set(brokerUnreachable ? Condition.RETRYING : Condition.WAITING_FOR_TOPICS,
                            brokerUnreachable ? "broker " + bootstrapServers + " unreachable"
                                : "waiting for topics " + forecastTopic + ", " + speedTopic);
                        Thread.sleep(200);
                        continue;
                    }
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(250));
                    lastPollMillis = System.currentTimeMillis();
                    storePoll(records, assigned);
                    failures = 0;
                    if (brokerUnreachable) {
                        set(Condition.RETRYING, "broker " + bootstrapServers + " unreachable; serving stored data");
                    } else {
                        set(Condition.FOLLOWING, "following");
                    }
                } catch (WakeupException e) {
                    if (!running) {
                        break;
                    }
                    throw e;
                } catch (RuntimeException e) {
                    // a store write or broker call failed: nothing of this poll is stored, so go back to the stored
                    // positions and try again, waiting longer each time
                    failures++;
                    metrics.count("roadcast_serve_follower_retries_total");
                    long wait = backoffMillis(failures);
                    set(Condition.RETRYING, "retry " + failures + " in " + wait + " ms after: " + e.getMessage());
                    LOG.warn("topic follower: {} (retry {} in {} ms; serving the stored data meanwhile)",
                        e.getMessage(), failures, wait);
                    long until = System.currentTimeMillis() + wait;
                    while (running && System.currentTimeMillis() < until) {
                        Thread.sleep(Math.min(100, Math.max(1, until - System.currentTimeMillis())));
                    }
                    assigned.clear();
                    nextRefresh = 0;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            set(Condition.FAILED, "failed: " + e.getMessage());
            LOG.error("topic follower stopped: the online store no longer follows the topics", e);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.debug("closing the consumer: {}", e.getMessage());
            }
            if (condition != Condition.FAILED) {
                set(Condition.STOPPED, "stopped");
            }
        }
    }

    private void set(Condition c, String text) {
        condition = c;
        state = text;
    }

    private void storePoll(ConsumerRecords<String, String> records, Set<TopicPartition> assigned) {
        Map<TopicPartition, Long> before = new HashMap<>();
        StoreBatch batch = new StoreBatch();
        List<Forecast> forecasts = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (ConsumerRecord<String, String> r : records) {
            try {
                String format = r.topic().equals(forecastTopic) ? foreignFormat(r) : null;
                if (format != null) {
                    // the stream wrote this topic for external consumers (--forecast-format avro): say so plainly
                    // instead of one "not JSON" dead letter per record that leaves the operator guessing
                    String detail = "the forecast topic " + forecastTopic + " carries " + format + " records (roadcast "
                        + "stream --forecast-format " + format + ", for external consumers); roadcast serve reads the "
                        + "JSON format only: run the stream with --forecast-format json for serving";
                    if (!foreignFormatLogged) {
                        foreignFormatLogged = true;
                        LOG.error(detail);
                    }
                    deadLetter(batch, r, UNSUPPORTED_FORMAT, detail, now);
                    continue;
                }
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
        lastStoredMillis = System.currentTimeMillis();
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

    /** Dead-letter reason of a forecast record in a format serving does not read (the header says which). */
    public static final String UNSUPPORTED_FORMAT = "unsupported-format";
    /** The stream's header naming a forecast value format other than JSON ({@code roadcast-format=avro}). */
    public static final String FORMAT_HEADER = "roadcast-format";

    private boolean foreignFormatLogged;

    /** The value format a record's header names when it is not JSON, else null. */
    private static String foreignFormat(ConsumerRecord<String, String> r) {
        org.apache.kafka.common.header.Header h = r.headers().lastHeader(FORMAT_HEADER);
        if (h == null || h.value() == null) {
            return null;
        }
        String format = new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
        return "json".equalsIgnoreCase(format) ? null : format;
    }

    private void deadLetter(StoreBatch batch, ConsumerRecord<String, String> r, String reason, String detail, long now) {
        batch.add(new DeadLetter(reason, detail, r.value(), r.topic(), r.partition(), r.offset(), now));
        metrics.deadLetter(r.topic(), reason);
        LOG.warn("dead letter {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), detail);
    }

    private void assignNewPartitions(Set<TopicPartition> assigned) {
        Set<TopicPartition> found = new HashSet<>(assigned);
        int timeouts = 0;
        for (String topic : List.of(forecastTopic, speedTopic)) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(2));
                if (infos != null) {
                    for (PartitionInfo info : infos) {
                        found.add(new TopicPartition(topic, info.partition()));
                    }
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                timeouts++;
                LOG.debug("topic {} not reachable: {}", topic, e.getMessage());
            }
        }
        // no metadata for either topic within the timeout: the broker is down or cut off, the data goes stale
        brokerUnreachable = timeouts == 2;
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
