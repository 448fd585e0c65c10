package roadcast.outlook;

import roadcast.congestion.CongestionLevel;
import roadcast.network.Link;
import roadcast.network.RoadNetwork;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The congestion outlook (pure; one entry point, {@link #compute}): which connected groups of segments are congested
 * now, when each is forecast to clear, where it will spread within half an hour, and what it costs.
 * <ul>
 *   <li><b>congested</b> = level {@code moderate} or {@code severe} (GB/T 33171 "moderately/severely congested"; on
 *       roads of unknown class: below 80% of free flow);</li>
 *   <li><b>cluster</b> = a connected component of segments congested now over the road neighbours;</li>
 *   <li><b>clears in</b> = the first horizon at which every segment of the cluster that has a forecast is forecast
 *       above congestion; none within the forecasts = beyond the horizon (null);</li>
 *   <li><b>spread</b> = segments not congested now, reachable from the cluster through neighbours that are themselves
 *       spread, forecast congested at some horizon up to {@link #SPREAD_WITHIN_MIN} min (a queue growing upstream
 *       segment by segment); each with the first such horizon;</li>
 *   <li><b>impact</b> = congested segment-minutes over the forecast window (0, last horizon]: horizon h_k stands for the
 *       interval (h_{k-1}, h_k]; over the cluster and its spread; and vehicle-hours of delay where length, flow and
 *       free-flow speed are known: flow x interval x (length / speed - length / free-flow speed).</li>
 * </ul>
 */
public final class CongestionOutlook {

    /** How far ahead spread is looked for. */
    public static final int SPREAD_WITHIN_MIN = 30;
    /** Road neighbours kept per segment: its nearest downstream links (distance tables list far more pairs). */
    public static final int NEIGHBOURS_PER_SEGMENT = 3;

    private CongestionOutlook() {
    }

    public static boolean congested(CongestionLevel level) {
        return level == CongestionLevel.MODERATE || level == CongestionLevel.SEVERE;
    }

    /**
     * Road neighbours by index, both directions: each segment's {@value #NEIGHBOURS_PER_SEGMENT} nearest downstream
     * links (by distance, else by weight), so that a table of every pair within kilometres (METR-LA) does not join
     * the whole city into one cluster. {@code ids} gives the order of the result; segments not in the network have
     * none.
     */
    public static int[][] neighbours(RoadNetwork network, String[] ids) {
        Map<Integer, List<Link>> byFrom = new TreeMap<>();
        for (Link link : network.links()) {
            if (link.from() != link.to()) {
                byFrom.computeIfAbsent(link.from(), k -> new ArrayList<>()).add(link);
            }
        }
        Comparator<Link> nearestFirst = Comparator
            .comparingDouble((Link l) -> Double.isNaN(l.distance()) ? Double.POSITIVE_INFINITY : l.distance())
            .thenComparingDouble(l -> -l.weight());
        int[] position = new int[network.size()];
        Arrays.fill(position, -1);
        for (int i = 0; i < ids.length; i++) {
            int k = i;
            network.indexOf(ids[i]).ifPresent(n -> position[n] = k);
        }
        List<List<Integer>> adj = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            adj.add(new ArrayList<>());
        }
        for (List<Link> out : byFrom.values()) {
            out.sort(nearestFirst);
            for (Link l : out.subList(0, Math.min(NEIGHBOURS_PER_SEGMENT, out.size()))) {
                int a = position[l.from()];
                int b = position[l.to()];
                if (a >= 0 && b >= 0) {
                    if (!adj.get(a).contains(b)) {
                        adj.get(a).add(b);
                    }
                    if (!adj.get(b).contains(a)) {
                        adj.get(b).add(a);
                    }
                }
            }
        }
        int[][] result = new int[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            result[i] = adj.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        return result;
    }

    public static Outlook compute(OutlookInput in) {
        int n = in.segments().length;
        int[] horizons = in.horizonsMin();
        boolean[] now = new boolean[n];
        int congestedNow = 0;
        for (int i = 0; i < n; i++) {
            now[i] = congested(in.now()[i]);
            if (now[i]) {
                congestedNow++;
            }
        }
        int[] cluster = new int[n];
        Arrays.fill(cluster, -1);
        boolean[] claimed = new boolean[n];
        List<CongestionCluster> found = new ArrayList<>();
        for (int seed = 0; seed < n; seed++) {
            if (!now[seed] || cluster[seed] >= 0) {
                continue;
            }
            // the component of congested-now segments holding seed
            List<Integer> members = new ArrayList<>();
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            queue.add(seed);
            cluster[seed] = found.size();
            while (!queue.isEmpty()) {
                int i = queue.poll();
                members.add(i);
                claimed[i] = true;
                for (int j : in.neighbours()[i]) {
                    if (now[j] && cluster[j] < 0) {
                        cluster[j] = found.size();
                        queue.add(j);
                    }
                }
            }
            found.add(describe(in, members, now, claimed));
        }
        found.sort(Comparator.comparingDouble(CongestionCluster::congestedSegmentMinutes).reversed()
            .thenComparing(c -> -c.segments().size()).thenComparing(CongestionCluster::slowestSegment));
        List<CongestionCluster> numbered = new ArrayList<>(found.size());
        for (int k = 0; k < found.size(); k++) {
            CongestionCluster c = found.get(k);
            numbered.add(new CongestionCluster(k + 1, c.segments(), c.slowestSegment(), c.slowestSpeed(), c.severe(),
                c.clearsInMin(), c.spread(), c.congestedSegmentMinutes(), c.vehicleHoursOfDelay()));
        }
        return new Outlook(in.issuedAt(), horizons.clone(), congestedNow, List.copyOf(numbered));
    }

    private static CongestionCluster describe(OutlookInput in, List<Integer> members, boolean[] now, boolean[] claimed) {
        int[] horizons = in.horizonsMin();
        String slowest = in.segments()[members.get(0)];
        double slowestSpeed = Double.NaN;
        int severe = 0;
        for (int i : members) {
            double v = in.speedNow()[i];
            if (Double.isFinite(v) && !(slowestSpeed <= v)) {
                slowestSpeed = v;
                slowest = in.segments()[i];
            }
            if (in.now()[i] == CongestionLevel.SEVERE) {
                severe++;
            }
        }
        Integer clears = null;
        for (int h = 0; h < horizons.length && clears == null; h++) {
            boolean allClear = true;
            boolean anyForecast = false;
            for (int i : members) {
                CongestionLevel[] f = in.forecast()[i];
                if (f == null) {
                    continue;
                }
                anyForecast = true;
                if (f[h] == null || congested(f[h])) {
                    allClear = false;
                    break;
                }
            }
            if (anyForecast && allClear) {
                clears = horizons[h];
            }
        }
        // spread: breadth-first from the cluster over segments free now that the forecasts congest within the window
        List<SpreadSegment> spread = new ArrayList<>();
        List<Integer> spreadIdx = new ArrayList<>();
        ArrayDeque<Integer> frontier = new ArrayDeque<>(members);
        while (!frontier.isEmpty()) {
            int i = frontier.poll();
            for (int j : in.neighbours()[i]) {
                if (now[j] || claimed[j]) {
                    continue;
                }
                int first = firstCongested(in, j);
                if (first >= 0 && horizons[first] <= SPREAD_WITHIN_MIN) {
                    claimed[j] = true;
                    spread.add(new SpreadSegment(in.segments()[j], horizons[first]));
                    spreadIdx.add(j);
                    frontier.add(j);
                }
            }
        }
        spread.sort(Comparator.comparingInt(SpreadSegment::inMin).thenComparing(SpreadSegment::segment));
        double minutes = 0;
        double vehicleHours = 0;
        boolean anyVehicleHours = false;
        List<Integer> all = new ArrayList<>(members);
        all.addAll(spreadIdx);
        for (int i : all) {
            CongestionLevel[] f = in.forecast()[i];
            if (f == null) {
                continue;
            }
            double length = in.lengthMetres() == null ? Double.NaN : in.lengthMetres()[i];
            double flow = in.flow() == null ? Double.NaN : in.flow()[i];
            double free = in.freeFlowSpeed() == null ? Double.NaN : in.freeFlowSpeed()[i];
            boolean costed = length > 0 && flow >= 0 && free > 0;
            for (int h = 0; h < horizons.length; h++) {
                if (!congested(f[h])) {
                    continue;
                }
                double interval = horizons[h] - (h == 0 ? 0 : horizons[h - 1]);
                minutes += interval;
                double speed = in.forecastSpeed()[i] == null ? Double.NaN : in.forecastSpeed()[i][h];
                if (costed && speed > 0) {
                    // vehicles passing in the interval x extra hours each: flow [veh/h] x interval [h] x
                    // (L / v - L / v_free) [h], L in km, speeds in km/h
                    double km = length / 1000.0;
                    double delayH = km / (speed * in.kmhPerUnit()) - km / (free * in.kmhPerUnit());
                    vehicleHours += flow * (interval / 60.0) * Math.max(0, delayH);
                    anyVehicleHours = true;
                }
            }
        }
        List<String> ids = new ArrayList<>(members.size());
        members.stream().sorted().forEach(i -> ids.add(in.segments()[i]));
        return new CongestionCluster(0, List.copyOf(ids), slowest, slowestSpeed, severe, clears, List.copyOf(spread),
            minutes, anyVehicleHours ? vehicleHours : Double.NaN);
    }

    private static int firstCongested(OutlookInput in, int i) {
        CongestionLevel[] f = in.forecast()[i];
        if (f == null) {
            return -1;
        }
        for (int h = 0; h < f.length; h++) {
            if (congested(f[h])) {
                return h;
            }
        }
        return -1;
    }
}
