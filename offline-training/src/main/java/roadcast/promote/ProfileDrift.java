package roadcast.promote;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import roadcast.manifold.ProfileGrid;
import roadcast.model.ManifoldModel;
import roadcast.model.ZoneModel;

/**
 * How far each segment's periodic profile (the mean speed per day type and time of day, {@code mu[dayType][slot]})
 * moved between the model in service and a candidate: the relative RMS difference
 * {@code d_i = sqrt(mean_k (mu_c[k,i] - mu_s[k,i])^2) / mean_k mu_s[k,i]} over every profile cell k. A feed that
 * switched units scales every profile (d = 0.609 for mph read as km/h); ids mapped to the wrong columns or a clock
 * shift put another segment's or another hour's profile in place. Segments are matched by id; both models need the
 * same step.
 */
public final class ProfileDrift {

    /**
     * @param compared segments in both models
     * @param drifted  of which drifted beyond the limit
     * @param median   median d over the compared segments
     * @param p90      90th percentile of d
     * @param max      largest d
     * @param worst    up to five drifted segments with their d, largest first
     */
    public record Result(int compared, int drifted, double median, double p90, double max, List<String> worst) {

        public double share() {
            return compared == 0 ? 0 : drifted / (double) compared;
        }
    }

    private ProfileDrift() {
    }

    /** d of every segment of the candidate (NaN where the segment is new). */
    public static double[] perSegment(ManifoldModel service, ManifoldModel candidate) {
        if (service.step().toMillis() != candidate.step().toMillis()) {
            throw new IllegalArgumentException("the model in service has a step of " + service.step()
                    + ", the candidate " + candidate.step() + ": profiles cannot be compared");
        }
        int n = candidate.network().size();
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            Optional<Integer> j = service.network().indexOf(candidate.network().segment(i).id());
            if (j.isEmpty()) {
                d[i] = Double.NaN;
            } else if (slotMillis(candidate, i) == slotMillis(service, j.get())) {
                d[i] = distance(profile(candidate, i), profile(service, j.get()));
            } else {
                // profiles on different grids (a model of an older build at the step, the other on 5-minute slots):
                // both at every step of the day, as their forecasts read them
                d[i] = distance(profileAtSteps(candidate, i), profileAtSteps(service, j.get()));
            }
        }
        return d;
    }

    public static Result compare(ManifoldModel service, ManifoldModel candidate, double limit) {
        double[] d = perSegment(service, candidate);
        List<Integer> drifted = new ArrayList<>();
        double[] present = Arrays.stream(d).filter(v -> !Double.isNaN(v)).sorted().toArray();
        for (int i = 0; i < d.length; i++) {
            if (!Double.isNaN(d[i]) && d[i] > limit) {
                drifted.add(i);
            }
        }
        drifted.sort((a, b) -> Double.compare(d[b], d[a]));
        List<String> worst = new ArrayList<>();
        for (int k = 0; k < Math.min(5, drifted.size()); k++) {
            int i = drifted.get(k);
            worst.add(candidate.network().segment(i).id() + String.format(java.util.Locale.ROOT, " %.3f", d[i]));
        }
        int m = present.length;
        return new Result(m, drifted.size(), m == 0 ? Double.NaN : present[m / 2],
                m == 0 ? Double.NaN : present[Math.min(m - 1, (int) Math.ceil(0.9 * m) - 1)],
                m == 0 ? Double.NaN : present[m - 1], worst);
    }

    /** The profile of one network segment, all cells in (dayType, slot) order. */
    static double[] profile(ManifoldModel model, int segment) {
        ZoneModel zone = model.zone(model.zoneOf(segment));
        int local = model.localIndexOf(segment);
        int n = zone.size();
        double[] all = zone.profile();
        int cells = all.length / n;
        double[] out = new double[cells];
        for (int k = 0; k < cells; k++) {
            out[k] = all[k * n + local];
        }
        return out;
    }

    private static long slotMillis(ManifoldModel model, int segment) {
        return model.zone(model.zoneOf(segment)).profileSlotMillis();
    }

    /** The profile of one network segment at every step of both day types, interpolated on its grid. */
    static double[] profileAtSteps(ManifoldModel model, int segment) {
        ZoneModel zone = model.zone(model.zoneOf(segment));
        int local = model.localIndexOf(segment);
        ProfileGrid grid = zone.profileGrid();
        int perDay = grid.stepsPerDay();
        double[] out = new double[2 * perDay];
        for (int type = 0; type < 2; type++) {
            for (int s = 0; s < perDay; s++) {
                out[type * perDay + s] = grid.locateStep(type, s).value(zone.profile(), zone.size(), local);
            }
        }
        return out;
    }

    static double distance(double[] candidate, double[] service) {
        double sq = 0;
        double level = 0;
        int m = 0;
        for (int k = 0; k < service.length; k++) {
            if (Double.isNaN(candidate[k]) || Double.isNaN(service[k])) {
                continue;
            }
            double diff = candidate[k] - service[k];
            sq += diff * diff;
            level += service[k];
            m++;
        }
        if (m == 0 || level <= 0) {
            return Double.NaN;
        }
        return Math.sqrt(sq / m) / (level / m);
    }
}
