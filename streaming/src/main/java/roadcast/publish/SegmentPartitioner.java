package roadcast.publish;

import org.apache.flink.api.common.functions.Partitioner;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.util.MathUtils;

/**
 * Sends each forecast to the publishing subtask of its segment: a segment's forecasts always go through one Kafka
 * producer, so they reach their partition (keyed by segment id) in issue order, whatever zone the segment is in under
 * the model in service. {@link String#hashCode} is fixed by the language, so the assignment is the same in every JVM
 * and after a restart; murmur-mixing spreads ids that differ only in their last characters.
 */
public final class SegmentPartitioner implements Partitioner<String> {

    private static final long serialVersionUID = 1L;

    @Override
    public int partition(String segment, int subtasks) {
        return MathUtils.murmurHash(segment.hashCode()) % subtasks;
    }

    /** The key the partitioner is given: the forecast's segment id. */
    public static final class SegmentOf implements KeySelector<IssuedForecast, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(IssuedForecast f) {
            return f.values().segment();
        }
    }
}
