package roadcast.clean;

import java.util.List;
import roadcast.reading.Source;
import roadcast.reading.SpeedReading;

/**
 * Several readings of one segment within one step -> one speed: the mean weighted by how far each source is
 * trusted. Loop detectors measure every vehicle; floating cars sample a few; cellular positioning is coarse.
 */
public final class ReadingFusion {

    private ReadingFusion() {
    }

    /** Credibility weight of a source: loop 1.0, floating car 0.6, cellular 0.4, other 0.3. */
    public static double weight(Source source) {
        if (source == null) {
            return 0.3;
        }
        return switch (source) {
            case LOOP -> 1.0;
            case FLOATING_CAR -> 0.6;
            case CELLULAR -> 0.4;
            case OTHER -> 0.3;
        };
    }

    /** Weighted mean sum(w_k x_k) / sum(w_k) of the non-NaN readings; NaN when there are none. */
    public static double fuse(List<SpeedReading> readings) {
        double sum = 0;
        double weights = 0;
        for (SpeedReading r : readings) {
            if (!Double.isNaN(r.speed())) {
                double w = weight(r.source());
                sum += w * r.speed();
                weights += w;
            }
        }
        return weights == 0 ? Double.NaN : sum / weights;
    }

    /** The same over parallel arrays (the first {@code count} entries), without allocation, for the stream. */
    public static double fuse(double[] speeds, Source[] sources, int count) {
        double sum = 0;
        double weights = 0;
        for (int k = 0; k < count; k++) {
            if (!Double.isNaN(speeds[k])) {
                double w = weight(sources[k]);
                sum += w * speeds[k];
                weights += w;
            }
        }
        return weights == 0 ? Double.NaN : sum / weights;
    }
}
