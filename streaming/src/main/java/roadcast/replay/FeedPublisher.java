package roadcast.replay;

import java.time.Duration;
import java.util.Iterator;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.ingest.ReadingJson;
import roadcast.reading.SpeedReading;

/**
 * Publishes time-ordered readings to the input topic as a live feed: key = segment, value = {@link ReadingJson}.
 * Readings with the same event time form a step and are sent together; steps are paced so that event time advances
 * {@code speedup} times faster than wall time (speedup 60: a 5-minute step every 5 s), against a schedule fixed at
 * the first step so that slow sends do not accumulate drift. Speedup 0 sends as fast as the producer takes them.
 *
 * <p>Usable in a thread by the demo and benchmarks: {@link #start}, {@link #stop}, {@link #sent()}. The producer is
 * idempotent (no duplicates from retries), lz4-compressed, with 5 ms linger so a step goes out in few batches. The
 * records carry the producer's CreateTime; consumers measure lag from it (or from LogAppendTime if the topic is so
 * configured).
 */
public final class FeedPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FeedPublisher.class);

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final double speedup;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final Callback callback = (metadata, error) -> {
        if (error == null) {
            acknowledged.incrementAndGet();
        } else {
            failed.incrementAndGet();
            if (firstError.compareAndSet(null, error.toString())) {
                LOG.error("send failed: {}", error.toString());
            }
        }
    };
    private volatile boolean stopRequested;
    private FeedSpread spread = FeedSpread.BURST;
    private long spreadMillis;
    private volatile StepListener listener = (t, n) -> { };
    private Thread thread;
    private volatile PublishSummary summary;
    private volatile Throwable threadFailure;

    /**
     * @param speedup event-time seconds per wall-clock second; 0 = as fast as possible
     */
    public FeedPublisher(String bootstrapServers, String topic, double speedup) {
        this(newProducer(bootstrapServers, speedup), topic, speedup);
    }

    private static Producer<String, byte[]> newProducer(String bootstrapServers, double speedup) {
        checkSpeedup(speedup); // before a producer exists that would leak
        return new KafkaProducer<>(producerProperties(bootstrapServers));
    }

    /** With a producer the caller configured (it is closed with this publisher). */
    public FeedPublisher(Producer<String, byte[]> producer, String topic, double speedup) {
        this.speedup = checkSpeedup(speedup);
        this.producer = producer;
        this.topic = topic;
    }

    private static double checkSpeedup(double speedup) {
        if (!(speedup >= 0) || Double.isInfinite(speedup)) {
            throw new IllegalArgumentException("speedup must be 0 (as fast as possible) or a positive number, got " + speedup);
        }
        return speedup;
    }

    /** Idempotent, lz4, 5 ms linger, String keys, byte[] values. */
    public static Properties producerProperties(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "roadcast-replay");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /**
     * Sends each step's readings over {@code step} of event time (divided by the speedup in wall time) instead of in
     * one burst at the step's time ({@link FeedSpread}); {@link FeedSpread#BURST} is the default.
     */
    public FeedPublisher withSpread(FeedSpread feedSpread, Duration step) {
        if (feedSpread != FeedSpread.BURST && (speedup == 0 || step.toMillis() <= 0)) {
            throw new IllegalArgumentException("a spread feed needs a speedup > 0 and a positive step, got speedup "
                    + speedup + " and step " + step);
        }
        this.spread = feedSpread;
        this.spreadMillis = step.toMillis();
        return this;
    }

    public FeedPublisher onStep(StepListener stepListener) {
        this.listener = stepListener == null ? (t, n) -> { } : stepListener;
        return this;
    }

    /**
     * Sends the feed in the calling thread, paced, until it ends, {@code limit} records are sent (0 = no limit) or
     * {@link #stop()} is called; then flushes so that every record is acknowledged or failed.
     */
    public PublishSummary publish(Iterator<SpeedReading> feed, long limit) throws InterruptedException {
        // Fetch topic metadata now, so the first send does not eat into the first step's schedule.
        producer.partitionsFor(topic);
        SpreadSteps spreadSteps = spread == FeedSpread.BURST ? null : new SpreadSteps(feed, spread);
        Iterator<SpeedReading> readings = spreadSteps == null ? feed : spreadSteps;
        long start = System.currentTimeMillis();
        long skipped = 0;
        long steps = 0;
        long firstEventTime = Long.MIN_VALUE;
        long stepTime = Long.MIN_VALUE;
        int inStep = 0;
        boolean limited = false;
        long sentHere = 0;
        while (!stopRequested && readings.hasNext()) {
            SpeedReading r = readings.next();
            if (!Double.isFinite(r.speed())) {
                skipped++;
                continue;
            }
            if (r.timeMillis() != stepTime) {
                if (inStep > 0) {
                    steps++;
                    listener.stepSent(stepTime, inStep);
                    inStep = 0;
                }
                if (firstEventTime == Long.MIN_VALUE) {
                    firstEventTime = r.timeMillis();
                }
                stepTime = r.timeMillis();
                if (!waitUntilDue(start, stepTime - firstEventTime)) {
                    break;
                }
            }
            if (spreadSteps != null && !sleepUntil(start
                    + (long) ((stepTime - firstEventTime + spreadSteps.phase() * spreadMillis) / speedup))) {
                break;
            }
            send(r);
            inStep++;
            if (limit > 0 && ++sentHere >= limit) {
                limited = true;
                break;
            }
        }
        if (inStep > 0) {
            steps++;
            listener.stepSent(stepTime, inStep);
        }
        return finish(start, skipped, steps, limited);
    }

    /** Sleeps until wall time {@code due}; false when stopped meanwhile. */
    private boolean sleepUntil(long due) throws InterruptedException {
        while (!stopRequested) {
            long wait = due - System.currentTimeMillis();
            if (wait <= 0) {
                return true;
            }
            Thread.sleep(Math.min(wait, 100));
        }
        return false;
    }

    /** Sleeps until event-time offset {@code eventOffsetMillis} is due; false when stopped meanwhile. */
    private boolean waitUntilDue(long wallStart, long eventOffsetMillis) throws InterruptedException {
        if (speedup == 0) {
            return true;
        }
        long due = wallStart + (long) (eventOffsetMillis / speedup);
        if (!stopRequested && due > System.currentTimeMillis()) {
            // Records of the previous step may sit in the linger buffer: push them out before idling.
            producer.flush();
        }
        return sleepUntil(due);
    }

    private void send(SpeedReading r) {
        producer.send(new ProducerRecord<>(topic, r.segment(), ReadingJson.encode(r)), callback);
        sent.incrementAndGet();
    }

    /** Flushes, so that every record is acknowledged or failed, and sums the run up. */
    private PublishSummary finish(long start, long skipped, long steps, boolean limited) {
        producer.flush();
        boolean stopped = stopRequested && !limited;
        return new PublishSummary(sent.get(), acknowledged.get(), failed.get(), skipped, steps,
                System.currentTimeMillis() - start, stopped, firstError.get());
    }

    /** Publishes in a background thread; see {@link #publish}. */
    public synchronized FeedPublisher start(Iterator<SpeedReading> feed, long limit) {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(() -> {
            try {
                summary = publish(feed, limit);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                threadFailure = e;
                LOG.error("feed publisher failed: {}", e.toString(), e);
            }
        }, "feed-publisher-" + topic);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Waits for the background run to end; its summary, or null on timeout. */
    public PublishSummary await(Duration timeout) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            throw new IllegalStateException("not started");
        }
        t.join(Math.max(1, timeout.toMillis()));
        if (threadFailure != null) {
            throw new IllegalStateException("feed publisher failed: " + threadFailure.getMessage(), threadFailure);
        }
        return t.isAlive() ? null : summary;
    }

    /** Asks the run to end after the record in flight; returns at once (use {@link #await}). */
    public void stop() {
        stopRequested = true;
    }

    /** Records handed to the producer so far. */
    public long sent() {
        return sent.get();
    }

    /** Records the broker confirmed so far. */
    public long acknowledged() {
        return acknowledged.get();
    }

    public long failed() {
        return failed.get();
    }

    /** Stops a background run, waits for it, and closes the producer. */
    @Override
    public void close() throws InterruptedException {
        stop();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.join(30_000);
        }
        producer.close(Duration.ofSeconds(10));
    }

    /**
     * The feed one step at a time (its readings follow each other in the feed), each step's readings in the order of
     * their {@link FeedSpread#phase} (a stable sort: feed order among equal phases), with the phase of the reading
     * last returned: when within its step it is due.
     */
    private static final class SpreadSteps implements Iterator<SpeedReading> {
        private final Iterator<SpeedReading> feed;
        private final FeedSpread spread;
        private final java.util.List<SpeedReading> step = new java.util.ArrayList<>();
        private SpeedReading pending;
        private double[] phases = new double[0];
        private Integer[] order = new Integer[0];
        private int next;
        private double phase;

        SpreadSteps(Iterator<SpeedReading> feed, FeedSpread spread) {
            this.feed = feed;
            this.spread = spread;
        }

        @Override
        public boolean hasNext() {
            return next < step.size() || pending != null || feed.hasNext();
        }

        @Override
        public SpeedReading next() {
            if (next == step.size()) {
                gather();
            }
            int k = order[next++];
            phase = phases[k];
            return step.get(k);
        }

        /** Where in its step the reading last returned is due, as a fraction of the step. */
        double phase() {
            return phase;
        }

        private void gather() {
            step.clear();
            next = 0;
            SpeedReading first = pending != null ? pending : feed.next();
            pending = null;
            step.add(first);
            while (feed.hasNext()) {
                SpeedReading r = feed.next();
                if (r.timeMillis() != first.timeMillis()) {
                    pending = r;
                    break;
                }
                step.add(r);
            }
            int count = step.size();
            phases = new double[count];
            order = new Integer[count];
            for (int k = 0; k < count; k++) {
                phases[k] = spread.phase(step.get(k).segment(), k, count);
                order[k] = k;
            }
            double[] p = phases;
            java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(k -> p[k]));
        }
    }
}
