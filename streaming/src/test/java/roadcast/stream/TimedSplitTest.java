package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;

import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplitSerializer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The input's split state: the newest accepted time survives a checkpoint, and state written before it still reads. */
class TimedSplitTest {

    final KafkaPartitionSplitSerializer kafka = new KafkaPartitionSplitSerializer();
    final TimedSplit.Serializer<KafkaPartitionSplit> timed = new TimedSplit.Serializer<>(kafka);
    final KafkaPartitionSplit split = new KafkaPartitionSplit(new TopicPartition("roadcast.speed", 3), 1234L);

    @Test
    void newestTimeAndOffsetRoundTrip() throws IOException {
        TimedSplit<KafkaPartitionSplit> back = timed.deserialize(timed.getVersion(),
                timed.serialize(new TimedSplit<>(split, 1_330_560_000_000L)));
        assertEquals(1_330_560_000_000L, back.newestMillis());
        assertEquals(split.splitId(), back.splitId());
        assertEquals(1234L, back.split().getStartingOffset());
    }

    @Test
    void stateOfTheKafkaSourceAloneRestoresWithoutATime() throws IOException {
        TimedSplit<KafkaPartitionSplit> back = timed.deserialize(kafka.getVersion(), kafka.serialize(split));
        assertEquals(Long.MIN_VALUE, back.newestMillis());
        assertEquals(1234L, back.split().getStartingOffset());
    }

    @Test
    void unknownVersionIsRefused() {
        assertThrows(IOException.class, () -> timed.deserialize(2 * TimedSplit.Serializer.FORMAT, new byte[8]));
    }
}
