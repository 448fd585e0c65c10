package roadcast.skill;

/** Periods of the local day over which forecast skill is reported; ALL_DAY is every step. */
public enum DayPeriod {
    ALL_DAY(0, 24), NIGHT(0, 6), AM_PEAK(6, 10), MIDDAY(10, 16), PM_PEAK(16, 20), EVENING(20, 24);

    private final int fromHour;
    private final int toHour;

    DayPeriod(int fromHour, int toHour) {
        this.fromHour = fromHour;
        this.toHour = toHour;
    }

    public int fromHour() {
        return fromHour;
    }

    public int toHour() {
        return toHour;
    }

    /** The specific period (never ALL_DAY) holding a local minute of the day. */
    public static DayPeriod of(int minuteOfDay) {
        int hour = minuteOfDay / 60;
        if (hour < 6) {
            return NIGHT;
        }
        if (hour < 10) {
            return AM_PEAK;
        }
        if (hour < 16) {
            return MIDDAY;
        }
        return hour < 20 ? PM_PEAK : EVENING;
    }
}
