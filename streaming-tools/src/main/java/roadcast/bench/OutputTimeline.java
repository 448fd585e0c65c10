package roadcast.bench;

import java.util.Arrays;

import org.apache.kafka.common.record.TimestampType;

/**
 * When a job wrote its output: the broker's append time of every committed record of a topic made with
 * {@code message.timestamp.type=LogAppendTime}, in order. {@code bench-stream} measures each throughput run's rate
 * on it, over the output after the run's warm-up prefix: a job's net runtime also counts its deployment, the model's
 * load, each operator's first records (cold branches the JIT compiled as never taken) and the final checkpoint after
 * the input ends, which at 1.44 M readings were a second or more of a 3 to 8 s run, and not the same second for each
 * job. The broker stamps the records as they arrive, before their transaction commits, so the time read here is when
 * the job produced them; reading them afterwards costs the run nothing.
 *
 * @param appendMillis append time of each committed record, ascending
 */
public record OutputTimeline(long[] appendMillis) {

    public OutputTimeline {
        appendMillis = appendMillis.clone();
        Arrays.sort(appendMillis);
    }

    /** Every committed record of {@code topic}; refuses a topic whose records carry the producer's timestamps. */
    public static OutputTimeline read(String bootstrapServers, String topic) {
        long[][] times = {new long[1 << 16]};
        int[] n = {0};
        TopicVolume.forEachCommitted(bootstrapServers, topic, r -> {
            if (r.timestampType() != TimestampType.LOG_APPEND_TIME) {
                throw new IllegalStateException(topic + " has " + r.timestampType() + " timestamps: an output timeline"
                        + " needs the topic made with message.timestamp.type=LogAppendTime");
            }
            if (n[0] == times[0].length) {
                times[0] = Arrays.copyOf(times[0], times[0].length * 2);
            }
            times[0][n[0]++] = r.timestamp();
        });
        return new OutputTimeline(Arrays.copyOf(times[0], n[0]));
    }

    public long records() {
        return appendMillis.length;
    }

    /**
     * Input records per second after the warm-up prefix: the output written after the prefix's share of it, over the
     * time from the prefix's last output record to the run's last one, in input records (times the run's input per
     * output record: 1 for a pass-through, about one forecast per reading for the forecast job).
     *
     * @param inputRecords  input records of the whole run, prefix included
     * @param prefixRecords the first input records, not measured (their output's share of the output is skipped)
     */
    public Steady steady(long inputRecords, long prefixRecords) {
        if (inputRecords <= 0 || prefixRecords < 0 || prefixRecords >= inputRecords) {
            throw new IllegalArgumentException("need 0 <= prefix < input records, got " + prefixRecords + " of "
                    + inputRecords);
        }
        int n = appendMillis.length;
        if (n < 2) {
            throw new IllegalStateException("an output of " + n + " record(s) has no span to measure");
        }
        // the output record that closes the prefix's share; the first record when there is no prefix
        int last = (int) Math.max(0, Math.min(n - 2, Math.round((double) n * prefixRecords / inputRecords) - 1));
        long from = appendMillis[last];
        long to = appendMillis[n - 1];
        double measuredInput = (double) inputRecords * (n - 1 - last) / n;
        return new Steady(measuredInput, Math.max(1, to - from), from, to);
    }

    /**
     * @param inputRecords input records the window stands for
     * @param millis       its length (at least 1 ms)
     * @param fromMillis   append time of the last prefix record
     * @param toMillis     append time of the run's last record
     */
    public record Steady(double inputRecords, long millis, long fromMillis, long toMillis) {
        public double perSecond() {
            return inputRecords / (millis / 1000.0);
        }
    }
}
