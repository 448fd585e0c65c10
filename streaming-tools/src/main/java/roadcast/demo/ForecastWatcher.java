package roadcast.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import roadcast.kafka.ExactlyOnceKafka;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.bench.LatencyHistogram;
import roadcast.forecast.Forecast;
import roadcast.forecast.ForecastJson;

/**
 * Watches the forecast and dead-letter topics as a downstream reader would ({@code read_committed}, so a forecast
 * counts when its transaction commits): counts, segments covered, latest congestion level per segment, and lag =
 * arrival - the forecast record's timestamp (the append time of the newest input the forecast used).
 */
public final class ForecastWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ForecastWatcher.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String forecastTopic;
    private final String deadLetterTopic;
    private final int networkSize;
    private final AtomicBoolean running = new AtomicBoolean();
    private final LatencyHistogram lag = new LatencyHistogram();
    private final Map<String, String> latestLevel = new HashMap<>();
    private final java.util.LinkedHashSet<String> versionsUsed = new java.util.LinkedHashSet<>();
    /** step (issuedAt) -> forecasts read for it. */
    private final TreeMap<Long, Integer> perStep = new TreeMap<>();
    private long stepMillis;
    private long forecasts;
    private long rejected;
    private long undecodable;
    private Thread thread;

    /** Also counts segment-steps without a forecast, for a network of the given step. */
    public ForecastWatcher withStep(java.time.Duration step) {
        this.stepMillis = step.toMillis();
        return this;
    }

    public ForecastWatcher(String bootstrapServers, String forecastTopic, String deadLetterTopic, int networkSize) {
        this.consumer = ExactlyOnceKafka.committedReader(bootstrapServers, "roadcast-forecast-watcher");
        this.forecastTopic = forecastTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.networkSize = networkSize;
    }

    /** Reads both topics from the start (they must exist) in a background thread. */
    public synchronized ForecastWatcher start() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : new String[] {forecastTopic, deadLetterTopic}) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        running.set(true);
        thread = new Thread(this::poll, "forecast-watcher");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void poll() {
        try {
            while (running.get()) {
                var records = consumer.poll(Duration.ofMillis(100));
                long now = System.currentTimeMillis();
                synchronized (this) {
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        if (r.topic().equals(deadLetterTopic)) {
                            rejected++;
                            continue;
                        }
                        forecasts++;
                        lag.record(now - r.timestamp());
                        try {
                            Forecast f = ForecastJson.fromBytes(r.value());
                            String level = f.level().length > 0 && f.level()[0] != null ? f.level()[0] : "unknown";
                            latestLevel.put(f.segment(), level);
                            versionsUsed.add(f.modelVersion());
                            perStep.merge(f.issuedAt(), 1, Integer::sum);
                        } catch (RuntimeException e) {
                            undecodable++;
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("forecast watcher stopped: {}", e.toString());
        } finally {
            consumer.close();
        }
    }

    public synchronized long forecasts() {
        return forecasts;
    }

    public synchronized long rejected() {
        return rejected;
    }

    /** Forecast records that were not valid ForecastJson (should stay 0). */
    public synchronized long undecodable() {
        return undecodable;
    }

    public synchronized DemoSummary summary() {
        Map<String, Integer> levels = new TreeMap<>();
        latestLevel.values().forEach(l -> levels.merge(l, 1, Integer::sum));
        return new DemoSummary(networkSize, latestLevel.size(), forecasts, rejected, lag.quantile(0.5),
                lag.quantile(0.99), levels, new ArrayList<>(versionsUsed), stepsWithoutForecast(), -1, -1, -1);
    }

    /**
     * Segment-steps with no forecast from the first step forecast to the newest step forecast for every segment
     * (steps after it may still be open); every step in between counts, also one with no forecast at all.
     */
    private long stepsWithoutForecast() {
        if (stepMillis <= 0 || perStep.isEmpty()) {
            return 0;
        }
        Long lastComplete = null;
        for (var e : perStep.descendingMap().entrySet()) {
            if (e.getValue() >= networkSize) {
                lastComplete = e.getKey();
                break;
            }
        }
        if (lastComplete == null) {
            return 0;
        }
        long missing = 0;
        for (long s = perStep.firstKey(); s <= lastComplete; s += stepMillis) {
            missing += Math.max(0, networkSize - perStep.getOrDefault(s, 0));
        }
        return missing;
    }

    /** Forgets the lag measured so far (e.g. the start-up backlog). */
    public synchronized void resetLag() {
        lag.reset();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        if (thread != null) {
            thread.join(5000);
        }
    }
}
