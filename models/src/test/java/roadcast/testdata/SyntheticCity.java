package roadcast.testdata;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import roadcast.history.SpeedHistory;
import roadcast.history.SpeedUnit;
import roadcast.network.Link;
import roadcast.network.RoadClass;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;

/**
 * Small synthetic cities for tests: a daily two-peak pattern (weaker at weekends) per segment, plus low-rank AR(1)
 * deviations shared by groups of segments, plus noise, plus missing values (scattered cells, one whole empty step,
 * one segment silent for a block).
 */
public record SyntheticCity(RoadNetwork network, SpeedHistory history) {

    public static SyntheticCity generate(int segments, int steps, int factors, long seed) {
        return generate(segments, steps, factors, seed, 0.03, ZoneId.of("America/Los_Angeles"));
    }

    public static SyntheticCity generate(int segments, int steps, int factors, long seed, double missing, ZoneId zone) {
        return generate(segments, steps, factors, seed, missing, zone, Duration.ofMinutes(5));
    }

    /** A city at another step (the same daily pattern; the deviations' AR(1) runs per step). */
    public static SyntheticCity generate(int segments, int steps, int factors, long seed, double missing, ZoneId zone,
                                         Duration step) {
        Random rnd = new Random(seed);
        List<Segment> segs = new ArrayList<>();
        List<Link> links = new ArrayList<>();
        for (int i = 0; i < segments; i++) {
            segs.add(new Segment("s" + i, 34.0 + 0.01 * (i % 20), -118.0 + 0.01 * (i / 20),
                    i % 3 == 0 ? RoadClass.EXPRESSWAY : RoadClass.UNKNOWN));
            if (i > 0) {
                links.add(new Link(i - 1, i, 500, 1));
            }
        }
        RoadNetwork network = new RoadNetwork(segs, links);
        double[][] loading = new double[segments][factors];
        double[] base = new double[segments];
        double[] dip = new double[segments];
        for (int i = 0; i < segments; i++) {
            base[i] = 55 + 10 * rnd.nextDouble();
            dip[i] = 10 + 15 * rnd.nextDouble();
            for (int k = 0; k < factors; k++) {
                loading[i][k] = (k == i % factors ? 3.0 : 0.6) * (0.5 + rnd.nextDouble());
            }
        }
        LocalDateTime start = LocalDateTime.of(2024, 3, 4, 0, 0); // a Monday
        float[][] speed = new float[steps][segments];
        double[] z = new double[factors];
        for (int t = 0; t < steps; t++) {
            ZonedDateTime at = start.atZone(zone).plus(step.multipliedBy(t));
            double hour = at.getHour() + at.getMinute() / 60.0;
            boolean weekend = at.getDayOfWeek().getValue() >= 6;
            double peak = Math.exp(-Math.pow((hour - 8) / 1.5, 2)) + Math.exp(-Math.pow((hour - 17.5) / 2, 2));
            for (int k = 0; k < factors; k++) {
                z[k] = 0.95 * z[k] + 0.6 * rnd.nextGaussian();
            }
            for (int i = 0; i < segments; i++) {
                double v = base[i] - dip[i] * peak * (weekend ? 0.3 : 1.0);
                for (int k = 0; k < factors; k++) {
                    v += loading[i][k] * z[k];
                }
                v += 1.0 * rnd.nextGaussian();
                speed[t][i] = rnd.nextDouble() < missing ? Float.NaN : (float) v;
            }
        }
        if (missing > 0) {
            java.util.Arrays.fill(speed[steps / 2], Float.NaN);
            for (int t = steps / 3; t < steps / 3 + 30 && t < steps; t++) {
                speed[t][segments - 1] = Float.NaN;
            }
        }
        SpeedHistory history = new SpeedHistory(network.segmentIds(), start, step, zone, SpeedUnit.MPH, speed,
                null, null);
        return new SyntheticCity(network, history);
    }
}
