package roadcast.manifold;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class ProfileGridTest {

    private static final long MINUTE = 60_000L;
    private static final ZoneId LA = ZoneId.of("America/Los_Angeles");

    private static long at(LocalDateTime local, ZoneId zone) {
        return local.atZone(zone).toInstant().toEpochMilli();
    }

    @Test
    void aProfileAtTheStepReadsTheRowLocalClockGivesWithoutInterpolation() {
        // across the spring and autumn DST changes of Los Angeles: what every model of format 5 and older read
        ProfileGrid grid = new ProfileGrid(LA, 5 * MINUTE, 5 * MINUTE);
        LocalClock clock = new LocalClock(LA, 5 * MINUTE);
        long from = at(LocalDateTime.of(2024, 3, 8, 0, 0), LA);
        long to = at(LocalDateTime.of(2024, 3, 12, 0, 0), LA);
        for (long t = from; t < to; t += 5 * MINUTE + 17_000L) {
            grid.locate(t);
            assertEquals(clock.profileRow(t), grid.lower(), "at " + t);
            assertEquals(clock.profileRow(t), grid.upper());
            assertEquals(0.0, grid.weight());
            assertEquals(clock.profileRow(t), grid.bin(t));
        }
        long autumn = at(LocalDateTime.of(2024, 11, 3, 0, 0), LA);
        for (long t = autumn; t < autumn + 86_400_000L; t += 5 * MINUTE) {
            assertEquals(clock.profileRow(t), grid.locate(t).lower());
        }
        double[] profile = new double[2 * 288 * 3];
        java.util.Arrays.setAll(profile, k -> Math.sin(k) * 20 + 50);
        double[] out = new double[3];
        grid.row(profile, 3, from + 123 * 5 * MINUTE, out);
        int row = clock.profileRow(from + 123 * 5 * MINUTE);
        assertArrayEquals(java.util.Arrays.copyOfRange(profile, row * 3, row * 3 + 3), out, 0.0, "bit for bit");
    }

    @Test
    void fiveMinuteSlotsAtOneMinuteStepsInterpolateBetweenSlotCentres() {
        ProfileGrid grid = new ProfileGrid(ZoneOffset.UTC, MINUTE, 5 * MINUTE);
        assertEquals(288, grid.slotsPerDay());
        long monday = at(LocalDateTime.of(2024, 3, 4, 0, 0), ZoneOffset.UTC);
        // 08:12 is the centre of slot 08:10-08:15 (its readings 08:10..08:14): that slot alone
        long centre = monday + (8 * 60 + 12) * MINUTE;
        grid.locate(centre);
        assertEquals(8 * 12 + 2, grid.lower());
        assertEquals(0.0, grid.weight());
        assertEquals(8 * 12 + 2, grid.bin(centre));
        // 08:15 lies 3/5 of the way from 08:12 to 08:17: slots 98 and 99, weight 0.6; it is fitted into slot 99
        grid.locate(centre + 3 * MINUTE);
        assertEquals(98, grid.lower());
        assertEquals(99, grid.upper());
        assertEquals(0.6, grid.weight(), 1e-12);
        assertEquals(99, grid.bin(centre + 3 * MINUTE));
        // midnight wraps around the day type: Monday 00:00 between Monday's (weekday) last slot and first
        grid.locate(monday);
        assertEquals(287, grid.lower());
        assertEquals(0, grid.upper());
        assertEquals(0.6, grid.weight(), 1e-12);
        long saturday = at(LocalDateTime.of(2024, 3, 9, 0, 1), ZoneOffset.UTC);
        grid.locate(saturday);
        assertEquals(288 + 287, grid.lower());
        assertEquals(288, grid.upper());
        assertEquals(0.8, grid.weight(), 1e-12);
    }

    @Test
    void aProfileLinearInTimeOfDayIsReproducedAtEveryMinuteBetweenCentres() {
        ProfileGrid grid = new ProfileGrid(ZoneOffset.UTC, MINUTE, 5 * MINUTE);
        int n = 2;
        double[] profile = new double[2 * 288 * n];
        for (int row = 0; row < 2 * 288; row++) {
            double centreMinute = (row % 288) * 5 + 2; // the mean minute of the slot's readings
            profile[row * n] = 40 + 0.01 * centreMinute;
            profile[row * n + 1] = 60 - 0.02 * centreMinute + (row >= 288 ? 5 : 0);
        }
        long monday = at(LocalDateTime.of(2024, 3, 4, 0, 0), ZoneOffset.UTC);
        double[] out = new double[n];
        for (int minute = 2; minute <= 1437; minute++) {
            grid.row(profile, n, monday + minute * MINUTE, out);
            assertEquals(40 + 0.01 * minute, out[0], 1e-9, "minute " + minute);
            assertEquals(60 - 0.02 * minute, out[1], 1e-9);
            grid.row(profile, n, monday + 5 * 86_400_000L + minute * MINUTE, out);
            assertEquals(65 - 0.02 * minute, out[1], 1e-9, "Saturday, minute " + minute);
        }
    }

    @Test
    void stepsCarryBinsCentresWeightsAndDayStarts() {
        long monday = at(LocalDateTime.of(2024, 3, 4, 23, 50), ZoneOffset.UTC);
        ProfileSteps steps = new ProfileGrid(ZoneOffset.UTC, MINUTE, 5 * MINUTE).steps(monday, 20);
        assertEquals(20, steps.steps());
        assertArrayEquals(new int[] {286, 286, 286, 286, 286, 287, 287, 287, 287, 287, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1},
                steps.bin());
        for (int t = 0; t < 20; t++) {
            assertEquals(t == 0 || t == 10, steps.dayStart()[t], "step " + t);
        }
        // 23:52 is slot 286's centre
        assertEquals(286, steps.lower()[2]);
        assertEquals(0.0, steps.weight()[2]);
        int[] rows = {5, 6, 7, 0, 1, 2};
        ProfileSteps exact = ProfileSteps.exact(rows, 8);
        assertArrayEquals(new boolean[] {true, false, false, true, false, false}, exact.dayStart());
        assertArrayEquals(new double[6], exact.weight());
    }

    @Test
    void slotWidthsThatDoNotTileTheDayOrTheStepAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ProfileGrid(ZoneOffset.UTC, MINUTE, 7 * MINUTE));
        assertThrows(IllegalArgumentException.class, () -> new ProfileGrid(ZoneOffset.UTC, 2 * MINUTE, 5 * MINUTE));
        assertThrows(IllegalArgumentException.class, () -> new ProfileGrid(ZoneOffset.UTC, 5 * MINUTE, MINUTE));
        assertEquals(5 * MINUTE, ProfileGrid.defaultSlotMillis(MINUTE));
        assertEquals(5 * MINUTE, ProfileGrid.defaultSlotMillis(30_000L));
        assertEquals(5 * MINUTE, ProfileGrid.defaultSlotMillis(5 * MINUTE));
        assertEquals(15 * MINUTE, ProfileGrid.defaultSlotMillis(15 * MINUTE));
        assertEquals(2 * MINUTE, ProfileGrid.defaultSlotMillis(2 * MINUTE));
    }
}
