package roadcast.stream;

/**
 * What the zone operator keeps, per input partition, across a restore: the partitions in the order of their
 * {@link InputProgress} slots (the zones' {@link ZoneMemory#placeSlots} refer to them), and where the schedule close
 * rule ({@link ReadingSchedule}) stands on each: the newest step read, its first reading's append time (the anchor
 * of the places learned in it) and the largest place read in it and in the step before. Without them a job restored
 * in the middle of a step would anchor that step's places on the first reading replayed, and the rule would not know
 * which segments share a partition. A Flink POJO (its serializer is versioned and evolves with the fields).
 */
public class SchedulePartitions {

    /** [slot] topic and partition of each input partition the operator has read. */
    public String[] topics;
    public int[] partitions;
    /** [slot] newest step read, its first reading's append time; Long.MIN_VALUE when none (or no schedule rule). */
    public long[] anchorStep;
    public long[] anchorAppend;
    /** [slot] the largest place read in the newest step, and in the step before it (Long.MIN_VALUE until one ended). */
    public long[] stepLastOffset;
    public long[] tailPlace;

    public SchedulePartitions() {
    }
}
