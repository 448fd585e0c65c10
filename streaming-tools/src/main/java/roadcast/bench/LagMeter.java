package roadcast.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import roadcast.kafka.ExactlyOnceKafka;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures end-to-end lag on an output topic from the consumer side: a read_committed consumer (so records count
 * when their transaction commits, as a downstream reader would see them) polls in a background thread, and for each
 * record lag = arrival time - the timestamp of the input that produced it.
 *
 * <p>By default that input timestamp is the output record's own Kafka timestamp: a Flink Kafka source passes each
 * input's timestamp (CreateTime or LogAppendTime of the input topic) along as the record timestamp, and a sink that
 * keeps it (as {@link roadcast.kafka.RawRecordSerializer} does) writes it on the output. A job that aggregates several
 * inputs should write the latest contributing input's timestamp, or the caller passes its own extractor.
 */
public final class LagMeter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LagMeter.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final boolean fromBeginning;
    private final ToLongFunction<ConsumerRecord<byte[], byte[]>> inputTimestamp;
    private final LatencyHistogram histogram = new LatencyHistogram();
    /** Records with an {@link EmitTimeProbe} header: input -> emitted (the job) and emitted -> arrival (delivery). */
    private final LatencyHistogram jobPart = new LatencyHistogram();
    private final LatencyHistogram deliveryPart = new LatencyHistogram();
    /** Of the records with the header: input and emission times, in arrival order (see {@link #bursts()}). */
    private long[] inputs = new long[1024];
    private long[] emissions = new long[1024];
    private int timed;
    private final ThroughputMeter throughput = new ThroughputMeter();
    private final AtomicBoolean running = new AtomicBoolean();
    private Thread thread;
    private volatile Throwable failure;
    private boolean closed;

    /** Lag from each output record's own timestamp, reading records that arrive after {@link #start()}. */
    public LagMeter(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, false, ConsumerRecord::timestamp);
    }

    /**
     * @param fromBeginning  measure records already on the topic too (their lag includes the wait before start)
     * @param inputTimestamp epoch ms of the input that produced an output record
     */
    public LagMeter(String bootstrapServers, String topic, boolean fromBeginning,
                    ToLongFunction<ConsumerRecord<byte[], byte[]>> inputTimestamp) {
        this.consumer = ExactlyOnceKafka.committedReader(bootstrapServers, "roadcast-lag-meter");
        this.topic = topic;
        this.fromBeginning = fromBeginning;
        this.inputTimestamp = inputTimestamp;
    }

    /**
     * Assigns every partition of the topic (no consumer group, so no rebalance wait) and starts polling. The topic
     * must exist. Returns once the start positions are fixed, so records produced afterwards are all measured.
     */
    public synchronized LagMeter start() {
        if (thread != null) {
            throw new IllegalStateException("lag meter already started");
        }
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : infos) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        for (TopicPartition tp : partitions) {
            consumer.position(tp); // resolve lazily-evaluated seeks now, not at the first poll
        }
        running.set(true);
        thread = new Thread(this::pollLoop, "lag-meter-" + topic);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void pollLoop() {
        try {
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                long arrival = System.currentTimeMillis();
                long arrivalNanos = System.nanoTime();
                synchronized (histogram) {
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        long input = inputTimestamp.applyAsLong(r);
                        histogram.record(arrival - input);
                        long emitted = EmitTimeProbe.emittedAt(r.headers());
                        if (emitted != Long.MIN_VALUE) {
                            jobPart.record(Math.max(0, emitted - input));
                            deliveryPart.record(Math.max(0, arrival - emitted));
                            if (timed == inputs.length) {
                                inputs = java.util.Arrays.copyOf(inputs, 2 * timed);
                                emissions = java.util.Arrays.copyOf(emissions, 2 * timed);
                            }
                            inputs[timed] = input;
                            emissions[timed++] = emitted;
                        }
                    }
                }
                throughput.add(records.count(), arrivalNanos);
            }
        } catch (WakeupException e) {
            // close() woke us up
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("lag meter on {} stopped: {}", topic, e.toString());
        } finally {
            consumer.close();
        }
    }

    /** Records measured so far. */
    public long count() {
        synchronized (histogram) {
            return histogram.count();
        }
    }

    /** Waits until at least {@code n} records were measured; false on timeout. */
    public boolean awaitCount(long n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count() < n) {
            if (failure != null) {
                throw new IllegalStateException("lag meter failed", failure);
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Figures so far. */
    public LagReport report() {
        synchronized (histogram) {
            return new LagReport(histogram.count(), histogram.quantile(0.5), histogram.quantile(0.9),
                    histogram.quantile(0.99), histogram.max(), histogram.mean(), throughput.perSecond(),
                    throughput.spanSeconds());
        }
    }

    /**
     * The lag split at the moment each forecast was handed to the Kafka producer (records written through an
     * {@link EmitTimeProbe}; zero records without it).
     */
    public LagBreakdown breakdown() {
        synchronized (histogram) {
            return new LagBreakdown(jobPart.count(), jobPart.quantile(0.5), jobPart.quantile(0.99), jobPart.max(),
                    deliveryPart.quantile(0.5), deliveryPart.quantile(0.99), deliveryPart.max());
        }
    }

    /**
     * @param records     records with the emission header
     * @param jobP50Ms    input append -> handed to the producer (source, parse, waiting for the step's close, kernel,
     *                    encoding)
     * @param deliveryP50Ms handed to the producer -> visible to the read_committed consumer (under exactly once: the
     *                    wait for the next checkpoint and its commit)
     */
    public record LagBreakdown(long records, double jobP50Ms, double jobP99Ms, long jobMaxMs, double deliveryP50Ms,
                               double deliveryP99Ms, long deliveryMaxMs) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "job p50 %.0f / p99 %.0f / max %d ms, delivery p50 %.0f / p99 "
                    + "%.0f / max %d ms (%d records)", jobP50Ms, jobP99Ms, jobMaxMs, deliveryP50Ms, deliveryP99Ms,
                    deliveryMaxMs, records);
        }
    }

    /**
     * The steps measured, as bursts of input: forecasts whose input times (each zone's newest reading) lie within
     * {@link #BURST_GAP_MILLIS} of one another belong to one step's burst. For the burst whose last forecast left the
     * latest after its last reading: how long the feed took to send it (first to last input append seen) and how long
     * the job took after the last append to hand over the last forecast (the backlog the burst left behind). Records
     * with an {@link EmitTimeProbe} header only; zeros without.
     */
    public Bursts bursts() {
        synchronized (histogram) {
            return Bursts.of(inputs, emissions, timed);
        }
    }

    /** Input times further apart than this start a new burst (a step's readings are sent together). */
    static final long BURST_GAP_MILLIS = 1000;

    /**
     * @param steps   bursts of input measured
     * @param sendMs  of the burst drained last: first to last input append the forecasts name (the feed sending it)
     * @param drainMs of that burst: its last input append -> its last forecast handed to the producer
     */
    public record Bursts(int steps, long sendMs, long drainMs) {

        /** Of the first {@code n} forecasts' input and emission times (any order). */
        static Bursts of(long[] inputs, long[] emissions, int n) {
            long[][] byInput = new long[n][];
            for (int i = 0; i < n; i++) {
                byInput[i] = new long[] {inputs[i], emissions[i]};
            }
            java.util.Arrays.sort(byInput, java.util.Comparator.comparingLong(r -> r[0]));
            int count = 0;
            long worstSend = 0;
            long worstDrain = 0;
            int start = 0;
            for (int i = 1; i <= n; i++) {
                if (i == n || byInput[i][0] - byInput[i - 1][0] > BURST_GAP_MILLIS) {
                    long lastInput = byInput[i - 1][0];
                    long lastEmitted = Long.MIN_VALUE;
                    for (int k = start; k < i; k++) {
                        lastEmitted = Math.max(lastEmitted, byInput[k][1]);
                    }
                    count++;
                    if (count == 1 || lastEmitted - lastInput > worstDrain) {
                        worstDrain = lastEmitted - lastInput;
                        worstSend = lastInput - byInput[start][0];
                    }
                    start = i;
                }
            }
            return new Bursts(count, worstSend, worstDrain);
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%d step(s), the one drained last: sent in %d ms, last forecast"
                    + " %d ms after its last reading", steps, sendMs, drainMs);
        }
    }

    /** Forgets what was measured (e.g. after a warm-up). */
    public void reset() {
        synchronized (histogram) {
            timed = 0;
            histogram.reset();
            jobPart.reset();
            deliveryPart.reset();
            throughput.reset();
        }
    }

    /** The error that stopped polling, or null. */
    public Throwable failure() {
        return failure;
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        if (thread == null) {
            consumer.close();
            return;
        }
        running.set(false);
        consumer.wakeup();
        thread.join(10_000);
        thread = null;
    }
}
