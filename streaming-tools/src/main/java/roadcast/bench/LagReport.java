package roadcast.bench;

/**
 * End-to-end lag of the records a {@link LagMeter} consumed: milliseconds from the input's Kafka timestamp to the
 * moment the output became visible to a read_committed consumer. Jackson writes it as JSON directly.
 *
 * @param records       records measured
 * @param p50Ms         median lag
 * @param p90Ms         90th percentile
 * @param p99Ms         99th percentile
 * @param maxMs         largest lag
 * @param meanMs        mean lag
 * @param perSecond     output records per second over the measured span (NaN with too few records)
 * @param spanSeconds   seconds between the first and last output record
 */
public record LagReport(long records, double p50Ms, double p90Ms, double p99Ms, long maxMs, double meanMs,
                        double perSecond, double spanSeconds) {

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "%d records, lag p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %d ms, mean %.1f ms, %.1f records/s over %.1f s",
                records, p50Ms, p90Ms, p99Ms, maxMs, meanMs, perSecond, spanSeconds);
    }
}
