package roadcast.api;

import roadcast.forecast.Forecast;
import roadcast.store.Observation;

/**
 * A segment's speed now, as {@code /api/network?horizon=0} and the outlook see it: the newer of its latest observation
 * and the observed speed its latest forecast carries, graded by the model (or, without one, by its forecast bands).
 *
 * @param speed      NaN when unknown
 * @param timeMillis Long.MIN_VALUE when unknown
 * @param level      wire name, null when unknown
 * @param estimated  true for a road without a sensor whose speed now is its kriged estimate (no newer live reading)
 */
public record NowSpeed(double speed, long timeMillis, String level, boolean estimated) {

    public static NowSpeed of(SegmentCatalog catalog, String segment, Forecast f, Observation ob) {
        double speed = Double.NaN;
        long time = Long.MIN_VALUE;
        boolean estimated = false;
        if (f != null && Double.isFinite(f.observedSpeed())) {
            speed = f.observedSpeed();
            time = f.issuedAt();
        } else if (f != null && f.extended() && Double.isFinite(f.estimatedSpeed())) {
            // a road without a sensor: its kriged speed now, unless a live reading is newer
            speed = f.estimatedSpeed();
            time = f.issuedAt();
            estimated = true;
        }
        if (ob != null && ob.timeMillis() > time) {
            speed = ob.speed();
            time = ob.timeMillis();
            estimated = false;
        }
        String level = catalog.grade(segment, speed);
        return new NowSpeed(speed, time, level != null ? level : CurrentLevel.of(f, speed), estimated);
    }
}
