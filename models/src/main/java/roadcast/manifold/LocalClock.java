package roadcast.manifold;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * Maps an epoch-millisecond step to its row of the periodic profile: day type (weekday / weekend, local time) and
 * time-of-day slot. The UTC offset is cached for the interval between two DST transitions, so the steady state
 * allocates nothing. Not thread-safe.
 */
public final class LocalClock {

    public static final long DAY_MILLIS = 86_400_000L;

    private final ZoneRules rules;
    private final long stepMillis;
    private final int slotsPerDay;
    private long validFrom = Long.MAX_VALUE;
    private long validUntil = Long.MIN_VALUE;
    private long offsetMillis;

    public LocalClock(ZoneId zone, long stepMillis) {
        if (stepMillis <= 0) {
            throw new IllegalArgumentException("step must be positive, got " + stepMillis + " ms");
        }
        this.rules = zone.getRules();
        this.stepMillis = stepMillis;
        this.slotsPerDay = slotsPerDay(stepMillis);
    }

    /** Time-of-day slots per day; a step that does not divide the day leaves a shorter last slot. */
    public static int slotsPerDay(long stepMillis) {
        return (int) ((DAY_MILLIS + stepMillis - 1) / stepMillis);
    }

    public int slotsPerDay() {
        return slotsPerDay;
    }

    /** Profile row: {@code dayType * slotsPerDay + slot}, dayType 0 = Monday..Friday, 1 = Saturday, Sunday. */
    public int profileRow(long epochMillis) {
        long local = localMillis(epochMillis);
        return dayType(local) * slotsPerDay + stepOfDay(local);
    }

    /** Day type of a local time ({@link #localMillis}): 0 = Monday..Friday, 1 = Saturday, Sunday. */
    public static int dayType(long localMillis) {
        // 1970-01-01 was a Thursday: (day + 3) mod 7 gives 0 = Monday.
        int dayOfWeek = (int) Math.floorMod(Math.floorDiv(localMillis, DAY_MILLIS) + 3, 7L);
        return dayOfWeek >= 5 ? 1 : 0;
    }

    /** The step of the local day a local time ({@link #localMillis}) falls in. */
    public int stepOfDay(long localMillis) {
        return (int) (Math.floorMod(localMillis, DAY_MILLIS) / stepMillis);
    }

    /** Minute of the local day, 0..1439. */
    public int minuteOfDay(long epochMillis) {
        return (int) (Math.floorMod(localMillis(epochMillis), DAY_MILLIS) / 60_000L);
    }

    public long localMillis(long epochMillis) {
        if (epochMillis < validFrom || epochMillis >= validUntil) {
            refresh(epochMillis);
        }
        return epochMillis + offsetMillis;
    }

    private void refresh(long epochMillis) {
        if (rules.isFixedOffset()) {
            offsetMillis = rules.getOffset(Instant.EPOCH).getTotalSeconds() * 1000L;
            validFrom = Long.MIN_VALUE;
            validUntil = Long.MAX_VALUE;
            return;
        }
        Instant at = Instant.ofEpochMilli(epochMillis);
        offsetMillis = rules.getOffset(at).getTotalSeconds() * 1000L;
        // previousTransition is strictly before its argument: ask just after `at` to include a transition at `at`.
        ZoneOffsetTransition previous = rules.previousTransition(at.plusMillis(1));
        ZoneOffsetTransition next = rules.nextTransition(at);
        validFrom = previous == null ? Long.MIN_VALUE : previous.toEpochSecond() * 1000L;
        validUntil = next == null ? Long.MAX_VALUE : next.toEpochSecond() * 1000L;
    }
}
