package roadcast.stream;

/**
 * How far the zone operator has read each input partition, in append time (the input records' Kafka timestamps): the
 * newest append time read per (topic, partition), each partition a slot. A partition is read in append order, so once
 * a partition has been read past time {@code t}, a record of it appended before {@code t} can no longer be waiting,
 * unread (barring producers of one partition whose clocks disagree by more than the margin asked about). The slots
 * are checkpointed ({@link #save}); how far each partition was read is not.
 *
 * <p>Why the zone operator needs it: a step that awaits only a straggler is closed once no reading of the straggler
 * can still be queued. Processing time alone cannot say so while the operator lags behind its input (a step's burst
 * of readings is read for hundreds of milliseconds after it was sent), and waiting for the input to go empty waits
 * for the whole burst; the append time read on the straggler's own partition can. After a restore no partition has
 * been read past anything, and the operator falls back to waiting for an empty input until the straggler's partition
 * has been read again.
 */
final class InputProgress {

    /** Partitions seen so far; a job reads a handful, so a linear scan beats hashing a (topic, partition) key. */
    private String[] topics = new String[4];
    private int[] partitions = new int[4];
    private long[] newest = new long[4];
    private int count;

    /** Notes a record of {@code topic}/{@code partition} appended at {@code appendMillis}; returns its slot. */
    int read(String topicName, int partition, long appendMillis) {
        String topic = topicName == null ? "" : topicName;
        for (int i = 0; i < count; i++) {
            if (partitions[i] == partition && topics[i].equals(topic)) {
                if (appendMillis > newest[i]) {
                    newest[i] = appendMillis;
                }
                return i;
            }
        }
        if (count == topics.length) {
            topics = java.util.Arrays.copyOf(topics, 2 * count);
            partitions = java.util.Arrays.copyOf(partitions, 2 * count);
            newest = java.util.Arrays.copyOf(newest, 2 * count);
        }
        topics[count] = topic;
        partitions[count] = partition;
        newest[count] = appendMillis;
        return count++;
    }

    /**
     * The partitions read so far, in slot order, into {@code into}; {@link #restore} gives them the same slots again,
     * so that the slots the zones keep per segment ({@link ZoneMemory#placeSlots}) name the same partitions after a
     * restore. How far each was read is not kept: a restored partition counts as read past nothing.
     */
    void save(SchedulePartitions into) {
        into.topics = java.util.Arrays.copyOf(topics, count);
        into.partitions = java.util.Arrays.copyOf(partitions, count);
    }

    /** Slots for the partitions {@link #save} wrote, in its order, before anything is read. */
    void restore(SchedulePartitions from) {
        if (from.topics == null || from.partitions == null) {
            return;
        }
        for (int i = 0; i < from.topics.length && i < from.partitions.length; i++) {
            read(from.topics[i], from.partitions[i], Long.MIN_VALUE);
        }
    }

    /** Whether the partition of {@code slot} (from {@link #read}) has been read past {@code appendMillis}. */
    boolean past(int slot, long appendMillis) {
        return newest[slot] >= appendMillis;
    }
}
