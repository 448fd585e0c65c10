package roadcast.ingest;

import roadcast.reading.Source;

/**
 * The last readings (time, source) of one segment, to recognise duplicates: a fixed ring buffer so that keyed state
 * stays small and bounded. A Flink POJO (public no-arg constructor, public primitive-array fields).
 *
 * <p>A duplicate older than the last {@link #DEFAULT_CAPACITY} readings of its segment is not recognised; with
 * 5-minute steps and at most four sources that is more than an hour back, far beyond the allowed lateness, so such a
 * record is already TOO_LATE.
 */
public class SeenReadings {

    public static final int DEFAULT_CAPACITY = 64;

    /** Event times, epoch ms; only the first {@code size} slots are valid. */
    public long[] times;
    /** {@link Source#ordinal()} per slot. */
    public byte[] sources;
    /** Valid slots (at most the capacity). */
    public int size;
    /** Slot the next reading overwrites. */
    public int next;

    public SeenReadings() {
        this(DEFAULT_CAPACITY);
    }

    public SeenReadings(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        times = new long[capacity];
        sources = new byte[capacity];
    }

    /** Whether this time and source were remembered (and not yet overwritten). */
    public boolean contains(long timeMillis, Source source) {
        byte s = (byte) source.ordinal();
        for (int i = 0; i < size; i++) {
            if (times[i] == timeMillis && sources[i] == s) {
                return true;
            }
        }
        return false;
    }

    /** Remembers the reading; false (and no change) when it is already there. */
    public boolean remember(long timeMillis, Source source) {
        if (contains(timeMillis, source)) {
            return false;
        }
        times[next] = timeMillis;
        sources[next] = (byte) source.ordinal();
        next = (next + 1) % times.length;
        if (size < times.length) {
            size++;
        }
        return true;
    }
}
