package roadcast.kafka;

import java.util.Arrays;

/**
 * One Kafka record as bytes with its coordinates, carried through a Flink job unchanged: the input of parsing (so a
 * rejection can name topic, partition and offset in its dead letter) and the element of the pass-through benchmark.
 * A Flink POJO: public no-arg constructor and public fields.
 */
public class RawRecord {

    /** Key bytes, null when the record had no key. */
    public byte[] key;
    /** Value bytes, null for a tombstone. */
    public byte[] value;
    public String topic;
    public int partition = -1;
    public long offset = -1;
    /** Kafka timestamp (CreateTime or LogAppendTime, as the topic is configured), epoch ms; -1 when unknown. */
    public long timestamp = -1;

    public RawRecord() {
    }

    public RawRecord(byte[] key, byte[] value, String topic, int partition, long offset, long timestamp) {
        this.key = key;
        this.value = value;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RawRecord)) {
            return false;
        }
        RawRecord r = (RawRecord) o;
        return partition == r.partition && offset == r.offset && timestamp == r.timestamp
                && Arrays.equals(key, r.key) && Arrays.equals(value, r.value) && java.util.Objects.equals(topic, r.topic);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(key) + Arrays.hashCode(value)) + Long.hashCode(offset);
    }

    @Override
    public String toString() {
        return "RawRecord[" + topic + "-" + partition + "@" + offset + ", ts=" + timestamp + ", "
                + (value == null ? "null" : value.length + " bytes") + "]";
    }
}
