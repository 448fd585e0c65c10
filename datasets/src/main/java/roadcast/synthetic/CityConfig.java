package roadcast.synthetic;

import java.time.LocalDateTime;

/**
 * What to generate.
 *
 * @param segments            number of road segments (sensors)
 * @param days                length of the record
 * @param stepMinutes         time between rows; must divide a week
 * @param seed                the same seed gives the same bytes
 * @param start               local time (UTC) of the first row
 * @param profiles            weekly shapes assigned to segments
 * @param incidentsPerSegmentDay expected incidents per segment per day
 */
public record CityConfig(int segments, int days, int stepMinutes, long seed, LocalDateTime start, WeekProfiles profiles,
                         double incidentsPerSegmentDay) {

    /** A Thursday, so row 0 falls on slot 0 of METR-LA's week. */
    public static final LocalDateTime DEFAULT_START = LocalDateTime.of(2024, 1, 4, 0, 0);
    public static final double DEFAULT_INCIDENT_RATE = 0.02;

    public CityConfig {
        if (segments < 2) {
            throw new IllegalArgumentException("need at least 2 segments, got " + segments);
        }
        if (days < 1) {
            throw new IllegalArgumentException("need at least 1 day, got " + days);
        }
        if (stepMinutes < 1 || (7 * 24 * 60) % stepMinutes != 0) {
            throw new IllegalArgumentException("step must be a whole number of minutes dividing a week (1, 5, 10, 15, "
                    + "30, 60, ...), got " + stepMinutes);
        }
        if (!(incidentsPerSegmentDay >= 0)) {
            throw new IllegalArgumentException("incident rate must be >= 0");
        }
    }

    public static CityConfig of(int segments, int days, int stepMinutes, long seed, WeekProfiles profiles) {
        return new CityConfig(segments, days, stepMinutes, seed, DEFAULT_START, profiles, DEFAULT_INCIDENT_RATE);
    }

    public int steps() {
        return days * 24 * 60 / stepMinutes;
    }
}
