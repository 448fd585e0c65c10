package roadcast.store;

import roadcast.forecast.Forecast;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one poll of the topics produced: written to RocksDB as one atomic, synced WriteBatch together with the
 * offsets it advances, so that a restart resumes exactly after the last durable record.
 */
public final class StoreBatch {

    final List<Observation> observations = new ArrayList<>();
    final List<Forecast> forecasts = new ArrayList<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();
    final Map<String, PartitionPosition> positions = new LinkedHashMap<>();

    public StoreBatch add(Observation o) {
        observations.add(o);
        return this;
    }

    public StoreBatch add(Forecast f) {
        forecasts.add(f);
        return this;
    }

    public StoreBatch add(DeadLetter d) {
        deadLetters.add(d);
        return this;
    }

    /** Records that the partition has been consumed up to (excluding) {@code nextOffset}. */
    public StoreBatch advance(String topic, int partition, long nextOffset) {
        positions.put(topic + '\0' + partition, new PartitionPosition(topic, partition, nextOffset));
        return this;
    }

    public List<Observation> observations() {
        return observations;
    }

    public List<Forecast> forecasts() {
        return forecasts;
    }

    public List<DeadLetter> deadLetters() {
        return deadLetters;
    }

    public boolean isEmpty() {
        return observations.isEmpty() && forecasts.isEmpty() && deadLetters.isEmpty() && positions.isEmpty();
    }
}
