package roadcast.manifold;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

class LocalClockTest {

    /** Every 5-minute step across both 2024 DST changes in Los Angeles agrees with java.time. */
    @Test
    void profileRowMatchesJavaTimeAcrossDaylightSaving() {
        ZoneId zone = ZoneId.of("America/Los_Angeles");
        LocalClock clock = new LocalClock(zone, 300_000);
        for (LocalDateTime start : new LocalDateTime[] {LocalDateTime.of(2024, 3, 8, 0, 0),
                LocalDateTime.of(2024, 11, 1, 0, 0)}) {
            long first = start.atZone(zone).toInstant().toEpochMilli();
            for (int t = 0; t < 288 * 5; t++) {
                long millis = first + t * 300_000L;
                ZonedDateTime local = ZonedDateTime.ofInstant(java.time.Instant.ofEpochMilli(millis), zone);
                int slot = local.getHour() * 12 + local.getMinute() / 5;
                int weekend = local.getDayOfWeek().getValue() >= 6 ? 1 : 0;
                assertEquals(weekend * 288 + slot, clock.profileRow(millis), "at " + local);
                assertEquals(local.getHour() * 60 + local.getMinute(), clock.minuteOfDay(millis));
            }
        }
        // going backwards in time also works (cache refresh)
        long early = LocalDateTime.of(2024, 1, 6, 7, 30).atZone(zone).toInstant().toEpochMilli();
        assertEquals(288 + 90, clock.profileRow(early));
        assertEquals(96, LocalClock.slotsPerDay(Duration.ofMinutes(15).toMillis()));
    }
}
