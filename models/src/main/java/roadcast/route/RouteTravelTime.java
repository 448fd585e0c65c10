package roadcast.route;

import roadcast.forecast.Forecast;
import roadcast.history.SpeedUnit;
import roadcast.network.Link;
import roadcast.network.RoadNetwork;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Time-dependent travel time along a path of segments: the vehicle enters segment k at time t_k and drives its length
 * at the segment's forecast speed for t_k (linear between the forecast's points: the speed observed at the issue time,
 * then each horizon), so t_{k+1} = t_k + length_k / v_k(t_k). The band repeats the walk with every segment at the
 * upper (fast end) and lower (slow end) band of its speed: errors taken as fully correlated along the route, a
 * conservative band.
 * <p>Lengths come from the network: segment k followed by k+1 is the distance of the link k -> k+1 (edge lists such as
 * SUMO's give the length of {@code from}; loop networks the road distance to the next sensor); the last segment takes
 * its shortest outgoing link. Distances are metres.
 */
public final class RouteTravelTime {

    /** Most segments one route may hold. */
    public static final int MAX_SEGMENTS = 500;
    /** Floor on a speed used to drive a segment (km/h), so a forecast of standstill gives a long, finite time. */
    static final double MIN_SPEED_KMH = 1.0;

    private RouteTravelTime() {
    }

    /**
     * @param network      the model's network (links with distances)
     * @param segments     the path, in driving order
     * @param latest       latest forecast of a segment, null when it has none
     * @param departMillis departure time; null = the newest issue time of the route's forecasts
     * @param unit         unit of the forecast speeds
     */
    public static Route estimate(RoadNetwork network, List<String> segments, Function<String, Forecast> latest,
                                 Long departMillis, SpeedUnit unit) {
        if (segments.isEmpty()) {
            throw new RouteException("give the route as segments=a,b,c (at least one segment)");
        }
        if (segments.size() > MAX_SEGMENTS) {
            throw new RouteException("route too long: " + segments.size() + " segments, at most " + MAX_SEGMENTS);
        }
        int n = segments.size();
        int[] index = new int[n];
        Forecast[] forecasts = new Forecast[n];
        long newestIssue = Long.MIN_VALUE;
        for (int k = 0; k < n; k++) {
            String id = segments.get(k);
            index[k] = network.indexOf(id).orElseThrow(() -> new RouteException("unknown segment " + shorten(id)));
        }
        // the road first (unknown, disconnected), then the forecasts
        double[] lengths = lengths(network, segments, index);
        for (int k = 0; k < n; k++) {
            String id = segments.get(k);
            forecasts[k] = latest.apply(id);
            if (forecasts[k] == null) {
                throw new RouteException("no forecast for segment " + id + " yet");
            }
            newestIssue = Math.max(newestIssue, forecasts[k].issuedAt());
        }
        long depart = departMillis != null ? departMillis : newestIssue;
        Walk central = walk(segments, forecasts, lengths, depart, unit, 0, true);
        Walk fast = walk(segments, forecasts, lengths, depart, unit, 1, false);
        Walk slow = walk(segments, forecasts, lengths, depart, unit, -1, false);
        double total = 0;
        for (double l : lengths) {
            total += l;
        }
        return new Route(depart, central.end, central.minutes, fast.minutes, slow.minutes, total, central.legs);
    }

    private static double[] lengths(RoadNetwork network, List<String> segments, int[] index) {
        int n = index.length;
        double[] out = new double[n];
        for (int k = 0; k < n; k++) {
            if (k + 1 < n) {
                if (index[k] == index[k + 1]) {
                    throw new RouteException("segment " + segments.get(k) + " is listed twice in a row");
                }
                double d = distance(network, index[k], index[k + 1]);
                if (Double.isNaN(d)) {
                    boolean reverse = !Double.isNaN(distance(network, index[k + 1], index[k]))
                        || hasLink(network, index[k + 1], index[k]);
                    throw new RouteException("disconnected route: no road link from segment " + segments.get(k)
                        + " to " + segments.get(k + 1) + (reverse ? " (there is one the other way: wrong order?)" : ""));
                }
                out[k] = d;
            } else {
                double shortest = Double.POSITIVE_INFINITY;
                for (Link l : network.links()) {
                    if (l.from() == index[k] && l.to() != index[k] && l.distance() > 0) {
                        shortest = Math.min(shortest, l.distance());
                    }
                }
                if (shortest == Double.POSITIVE_INFINITY) {
                    throw new RouteException("no length known for the last segment " + segments.get(k)
                        + " (no outgoing link with a distance): end the route on a segment with a successor");
                }
                out[k] = shortest;
            }
        }
        return out;
    }

    /** Distance of the link from -> to; NaN when there is none with a positive distance. */
    private static double distance(RoadNetwork network, int from, int to) {
        double best = Double.NaN;
        for (Link l : network.links()) {
            if (l.from() == from && l.to() == to && l.distance() > 0 && !(best <= l.distance())) {
                best = l.distance();
            }
        }
        return best;
    }

    private static boolean hasLink(RoadNetwork network, int from, int to) {
        for (Link l : network.links()) {
            if (l.from() == from && l.to() == to) {
                return true;
            }
        }
        return false;
    }

    private record Walk(long end, double minutes, List<RouteLeg> legs) {
    }

    /** @param band 0 = central speed, 1 = upper band, -1 = lower band */
    private static Walk walk(List<String> segments, Forecast[] forecasts, double[] lengths, long depart, SpeedUnit unit,
                             int band, boolean keepLegs) {
        double t = depart;
        List<RouteLeg> legs = keepLegs ? new ArrayList<>(segments.size()) : null;
        for (int k = 0; k < segments.size(); k++) {
            Forecast f = forecasts[k];
            // the central walk must stay within the forecasts; the ends of the band, which may run past them, hold
            // the last horizon's band
            double speed = speedAt(f, (long) t, 0, segments.get(k), band != 0);
            double used = band == 0 ? speed : speedAt(f, (long) t, band, segments.get(k), true);
            double kmh = Math.max(MIN_SPEED_KMH, unit.toKmh(used));
            double minutes = lengths[k] / (kmh * 1000.0 / 60.0);
            if (keepLegs) {
                legs.add(new RouteLeg(segments.get(k), (long) t, lengths[k], speed, speedAt(f, (long) t, -1,
                    segments.get(k), false), speedAt(f, (long) t, 1, segments.get(k), false), minutes, f.issuedAt()));
            }
            t += minutes * 60_000.0;
        }
        return new Walk((long) t, (t - depart) / 60_000.0, legs);
    }

    /**
     * The forecast speed of one segment at time t: linear between (issuedAt, observed speed) and (issuedAt + h_k,
     * speed_k) (band: lower_k or upper_k; the observed point has no band). Missing points are skipped.
     */
    static double speedAt(Forecast f, long t, int band, String segment, boolean holdLast) {
        if (t < f.issuedAt()) {
            throw new RouteException("depart " + Instant.ofEpochMilli(t) + " is before the forecast of segment "
                + segment + " was issued (" + Instant.ofEpochMilli(f.issuedAt()) + ")");
        }
        double[] values = band == 0 ? f.speed() : band > 0 ? f.upper() : f.lower();
        long prevTime = f.issuedAt();
        double prev = f.observedSpeed();
        int[] horizons = f.horizonsMin();
        for (int h = 0; h < horizons.length; h++) {
            double v = values[h];
            if (!Double.isFinite(v)) {
                continue;
            }
            long time = f.issuedAt() + horizons[h] * 60_000L;
            if (t <= time) {
                if (!Double.isFinite(prev) || time == prevTime) {
                    return v;
                }
                double w = (double) (t - prevTime) / (time - prevTime);
                return prev + w * (v - prev);
            }
            prev = v;
            prevTime = time;
        }
        if ((t == prevTime || holdLast) && Double.isFinite(prev)) {
            return prev;
        }
        throw new RouteException("route too long for the forecasts: the vehicle reaches segment " + segment + " at "
            + Instant.ofEpochMilli(t) + ", after its last forecast horizon ("
            + Instant.ofEpochMilli(f.issuedAt() + (long) horizons[horizons.length - 1] * 60_000L) + ")");
    }

    private static String shorten(String v) {
        return v.length() <= 64 ? v : v.substring(0, 64) + "...";
    }
}
