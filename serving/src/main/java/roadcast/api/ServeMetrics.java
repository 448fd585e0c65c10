package roadcast.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Counters and gauges of the serving process, rendered in the Prometheus text exposition format (version 0.0.4).
 * Labelled series are kept sorted so the output is stable between scrapes.
 */
public final class ServeMetrics {

    private final Map<String, LongAdder> recordsStored = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> deadLetters = new ConcurrentSkipListMap<>();
    private final Map<Integer, LongAdder> httpResponses = new ConcurrentSkipListMap<>();
    private final LongAdder storeWrites = new LongAdder();
    private final LongAdder storeWriteNanos = new LongAdder();
    private final AtomicLong lastForecastIssuedMillis = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder sseEventsSent = new LongAdder();
    private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> counters = new ConcurrentSkipListMap<>();

    public void recordStored(String topic) {
        recordsStored.computeIfAbsent(topic, t -> new LongAdder()).increment();
    }

    public void deadLetter(String topic, String reason) {
        deadLetters.computeIfAbsent(topic + '\0' + reason, t -> new LongAdder()).increment();
    }

    public void storeWrite(long nanos) {
        storeWrites.increment();
        storeWriteNanos.add(nanos);
    }

    public void forecastIssued(long issuedAtMillis) {
        lastForecastIssuedMillis.accumulateAndGet(issuedAtMillis, Math::max);
    }

    public void httpResponse(int status) {
        httpResponses.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    public void sseEventSent() {
        sseEventsSent.increment();
    }

    public void sseClientDropped() {
        count("roadcast_serve_sse_clients_dropped_total");
    }

    /** A plain counter by full metric name, e.g. follower retries or skipped corrupt values. */
    public void count(String name) {
        counters.computeIfAbsent(name, n -> new LongAdder()).increment();
    }

    public long counter(String name) {
        LongAdder a = counters.get(name);
        return a == null ? 0 : a.sum();
    }

    /** A gauge read at scrape time, e.g. the number of connected SSE clients. */
    public void gauge(String name, LongSupplier value) {
        gauges.put(name, value);
    }

    public long recordsStored(String topic) {
        LongAdder a = recordsStored.get(topic);
        return a == null ? 0 : a.sum();
    }

    public String render() {
        StringBuilder out = new StringBuilder(2048);
        out.append("# HELP roadcast_serve_records_stored_total Records read from a topic and durably stored.\n");
        out.append("# TYPE roadcast_serve_records_stored_total counter\n");
        recordsStored.forEach((topic, n) -> out.append("roadcast_serve_records_stored_total{topic=\"")
            .append(escape(topic)).append("\"} ").append(n.sum()).append('\n'));
        out.append("# HELP roadcast_serve_dead_letters_total Records that could not be read, kept with their reason.\n");
        out.append("# TYPE roadcast_serve_dead_letters_total counter\n");
        deadLetters.forEach((key, n) -> {
            int cut = key.indexOf('\0');
            out.append("roadcast_serve_dead_letters_total{topic=\"").append(escape(key.substring(0, cut)))
                .append("\",reason=\"").append(escape(key.substring(cut + 1))).append("\"} ").append(n.sum()).append('\n');
        });
        out.append("# HELP roadcast_serve_store_write_seconds Time spent in synced RocksDB batch writes.\n");
        out.append("# TYPE roadcast_serve_store_write_seconds summary\n");
        out.append("roadcast_serve_store_write_seconds_sum ").append(storeWriteNanos.sum() / 1e9).append('\n');
        out.append("roadcast_serve_store_write_seconds_count ").append(storeWrites.sum()).append('\n');
        out.append("# HELP roadcast_serve_http_responses_total HTTP responses by status code.\n");
        out.append("# TYPE roadcast_serve_http_responses_total counter\n");
        httpResponses.forEach((status, n) -> out.append("roadcast_serve_http_responses_total{code=\"").append(status)
            .append("\"} ").append(n.sum()).append('\n'));
        out.append("# HELP roadcast_serve_sse_events_total Forecast events sent to stream clients.\n");
        out.append("# TYPE roadcast_serve_sse_events_total counter\n");
        out.append("roadcast_serve_sse_events_total ").append(sseEventsSent.sum()).append('\n');
        long last = lastForecastIssuedMillis.get();
        if (last != Long.MIN_VALUE) {
            out.append("# HELP roadcast_serve_last_forecast_issued_seconds Issue time of the newest stored forecast.\n");
            out.append("# TYPE roadcast_serve_last_forecast_issued_seconds gauge\n");
            out.append("roadcast_serve_last_forecast_issued_seconds ").append(last / 1000.0).append('\n');
        }
        counters.forEach((name, n) -> out.append("# TYPE ").append(name).append(" counter\n").append(name).append(' ')
            .append(n.sum()).append('\n'));
        new java.util.TreeMap<>(gauges).forEach((name, supplier) -> out.append("# TYPE ").append(name)
            .append(" gauge\n").append(name).append(' ').append(supplier.getAsLong()).append('\n'));
        return out.toString();
    }

    private static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
