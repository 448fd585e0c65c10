package roadcast.congestion;

import roadcast.history.SpeedUnit;
import roadcast.network.RoadClass;

/**
 * Grades a speed into a {@link CongestionLevel}.
 *
 * <p>Known road classes use absolute speed bands in km/h after the urban road traffic operation evaluation
 * standard GB/T 33171-2016 (Table 1, average travel speed per road class). The expressway bands are the standard's;
 * the arterial, secondary and branch bands are our reading of its table, rounded to the values commonly used by
 * Chinese city traffic indices (Beijing, Shenzhen): an assumption, not a quotation. Upper bounds are exclusive,
 * lower bounds inclusive of the next grade down: a speed exactly on a band edge gets the worse grade.
 * <pre>
 *               FREE   BASICALLY_FREE  LIGHT    MODERATE  SEVERE
 * expressway    >65    (50,65]         (35,50]  (20,35]   <=20
 * arterial      >40    (30,40]         (20,30]  (15,20]   <=15
 * secondary     >35    (25,35]         (15,25]  (10,15]   <=10
 * branch        >30    (20,30]         (15,20]  (10,15]   <=10
 * </pre>
 * UNKNOWN road class: the ratio r = speed / freeFlowSpeed, r >= 0.8 FREE, 0.4 <= r < 0.8 MODERATE, r < 0.4 SEVERE
 * (three grades only: without a road class there is no basis for finer ones).
 *
 * <p>Speeds in mph are converted to km/h first. A NaN speed (no reading), or an UNKNOWN class without a usable
 * free-flow speed, grades as {@code null}: "no grade", never a made-up one.
 */
public final class CongestionGrader {

    /** Lower edges (exclusive) of FREE, BASICALLY_FREE, LIGHT, MODERATE, in km/h, per road class. */
    private static final double[] EXPRESSWAY = {65, 50, 35, 20};
    private static final double[] ARTERIAL = {40, 30, 20, 15};
    private static final double[] SECONDARY = {35, 25, 15, 10};
    private static final double[] BRANCH = {30, 20, 15, 10};
    private static final CongestionLevel[] GRADES = CongestionLevel.values();

    private final SpeedUnit unit;

    private CongestionGrader(SpeedUnit unit) {
        this.unit = unit;
    }

    public static CongestionGrader of(SpeedUnit unit) {
        return new CongestionGrader(unit);
    }

    public SpeedUnit unit() {
        return unit;
    }

    /**
     * @param speed         observed or forecast speed in this grader's unit
     * @param freeFlowSpeed the segment's free-flow speed in the same unit (used only for UNKNOWN)
     * @return the grade, or null when the speed is NaN or an UNKNOWN segment has no positive free-flow speed
     */
    public CongestionLevel level(RoadClass roadClass, double speed, double freeFlowSpeed) {
        if (Double.isNaN(speed)) {
            return null;
        }
        double[] edges = switch (roadClass == null ? RoadClass.UNKNOWN : roadClass) {
            case EXPRESSWAY -> EXPRESSWAY;
            case ARTERIAL -> ARTERIAL;
            case SECONDARY -> SECONDARY;
            case BRANCH -> BRANCH;
            case UNKNOWN -> null;
        };
        if (edges == null) {
            return byRatio(speed, freeFlowSpeed);
        }
        double kmh = unit.toKmh(speed);
        // The grade's index is the number of (descending) edges the speed is not above: counted without a branch
        // per edge, since every forecast grades twelve speeds that cross the edges at random (the early-exit loop
        // this replaces mispredicted on most calls).
        int grade = (kmh <= edges[0] ? 1 : 0) + (kmh <= edges[1] ? 1 : 0) + (kmh <= edges[2] ? 1 : 0)
                + (kmh <= edges[3] ? 1 : 0);
        return GRADES[grade];
    }

    private static CongestionLevel byRatio(double speed, double freeFlowSpeed) {
        if (!(freeFlowSpeed > 0) || Double.isInfinite(freeFlowSpeed)) {
            return null;
        }
        double ratio = speed / freeFlowSpeed;
        if (ratio >= 0.8) {
            return CongestionLevel.FREE;
        }
        return ratio >= 0.4 ? CongestionLevel.MODERATE : CongestionLevel.SEVERE;
    }
}
