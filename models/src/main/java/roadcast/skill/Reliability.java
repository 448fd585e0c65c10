package roadcast.skill;

/**
 * Whether a forecast of one segment at one horizon can be trusted, from the model's validation skill
 * ({@link SkillTable}: 1 - RMSE_model / min(RMSE_persistence, RMSE_historical_average), measured on validation carved
 * from the training window). The rule, the same everywhere a forecast is shown:
 * <ol>
 *   <li>take the cell of the period of the local day the forecast was issued in ({@link DayPeriod}); when that cell
 *       has fewer than {@link #MIN_PAIRS} validation pairs, take the all-day cell of the segment and horizon;</li>
 *   <li>the forecast is <b>reliable</b> when that cell has at least {@link #MIN_PAIRS} pairs and a skill of at least
 *       {@link #MIN_SKILL}: there, on held-back data, the model was at least as accurate as the better of "the last
 *       reading persists" and "the usual speed at this time of week";</li>
 *   <li>otherwise (the model lost to a baseline, or there is too little validation to tell, or the segment or horizon
 *       is not in the table) it is not reliable; {@link Flag#skill()} is NaN when there is no evidence at all.</li>
 * </ol>
 */
public final class Reliability {

    /** Validation pairs a cell needs before its skill is believed (an hour of 5-min issues per day over 2.5 days). */
    public static final int MIN_PAIRS = 30;
    /** Skill from which a forecast counts as reliable: no worse than the better baseline. */
    public static final double MIN_SKILL = 0.0;

    /**
     * @param reliable the verdict
     * @param skill    the skill the verdict rests on, NaN where there is none
     * @param period   the period whose cell was used ({@link DayPeriod#ALL_DAY} after the fallback)
     * @param pairs    validation pairs behind it
     */
    public record Flag(boolean reliable, double skill, DayPeriod period, long pairs) {
        public static final Flag NO_EVIDENCE = new Flag(false, Double.NaN, DayPeriod.ALL_DAY, 0);
    }

    private Reliability() {
    }

    /**
     * The verdict for network segment {@code segment} at horizon index {@code h} of a forecast issued at local minute
     * of the day {@code minuteOfDay}.
     */
    public static Flag of(SkillTable table, int segment, int h, int minuteOfDay) {
        if (table == null || segment < 0 || segment >= table.segments() || h < 0 || h >= table.horizons()) {
            return Flag.NO_EVIDENCE;
        }
        DayPeriod period = DayPeriod.of(minuteOfDay);
        if (table.pairs(segment, h, period) < MIN_PAIRS || Double.isNaN(table.skill(segment, h, period))) {
            period = DayPeriod.ALL_DAY;
        }
        long pairs = table.pairs(segment, h, period);
        double skill = table.skill(segment, h, period);
        return new Flag(pairs >= MIN_PAIRS && skill >= MIN_SKILL, skill, period, pairs);
    }
}
