package roadcast.model;

import java.util.Arrays;

/**
 * How many steps ahead each horizon index of a model forecasts: the one lead table the trainer (dynamics and local
 * correction moments, calibration, validation), the kernel (trend and profile targets, band periods), the detector,
 * the kriging extension and the offline benchmarks' truth rows all read. Horizon index {@code h} is
 * {@link #steps(int) steps(h)} steps after the issue time. The model file keeps the horizons in minutes
 * ({@code horizonsMin}); this is them divided by the step, so a model whose horizons are spaced (every 5 minutes at
 * 1-minute steps) is forecast and scored at the lead times it announces, not at h + 1 steps.
 *
 * @param steps steps ahead per horizon index, strictly ascending, the first at least 1
 */
public record HorizonLeads(int[] steps) implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    public HorizonLeads {
        steps = steps.clone();
        if (steps.length == 0) {
            throw new IllegalArgumentException("a model needs at least one horizon");
        }
        for (int h = 0; h < steps.length; h++) {
            if (steps[h] < 1 || (h > 0 && steps[h] <= steps[h - 1])) {
                throw new IllegalArgumentException("horizon leads must be ascending steps of at least 1, got "
                        + Arrays.toString(steps));
            }
        }
    }

    /** Every step from 1 to {@code horizons}: the lead table of every model of format 8 and older. */
    public static HorizonLeads consecutive(int horizons) {
        int[] steps = new int[horizons];
        for (int h = 0; h < horizons; h++) {
            steps[h] = h + 1;
        }
        return new HorizonLeads(steps);
    }

    /** The leads of horizons given in minutes at this step; every horizon must be a whole number of steps. */
    public static HorizonLeads of(int[] horizonsMin, long stepMillis) {
        int[] steps = new int[horizonsMin.length];
        for (int h = 0; h < steps.length; h++) {
            long millis = horizonsMin[h] * 60_000L;
            if (millis % stepMillis != 0) {
                throw new IllegalArgumentException("horizon " + horizonsMin[h] + " min is not a whole number of "
                        + stepMillis + " ms steps");
            }
            steps[h] = (int) (millis / stepMillis);
        }
        return new HorizonLeads(steps);
    }

    /** The number of horizons. */
    public int count() {
        return steps.length;
    }

    /** Steps ahead of horizon index h. */
    public int steps(int h) {
        return steps[h];
    }

    /** Milliseconds ahead of horizon index h at this step: its target time minus the issue time. */
    public long millis(int h, long stepMillis) {
        return steps[h] * stepMillis;
    }

    /** The farthest lead in steps: the rows a training issue time needs after it. */
    public int max() {
        return steps[steps.length - 1];
    }

    /** True when horizon h is h + 1 steps ahead for every h (every model before spaced horizons). */
    public boolean isConsecutive() {
        return max() == steps.length;
    }

    /**
     * Steps ahead of row k of a table whose row 0 is now and row k >= 1 horizon index k - 1 (the kriging extension's
     * rows, the benchmarks' horizon 0 beside the model's horizons).
     */
    public int rowSteps(int row) {
        return row == 0 ? 0 : steps[row - 1];
    }

    /**
     * The horizon index that stands for {@code stepsAhead} steps: the farthest lead not beyond it (the first
     * horizon below it, the last beyond the last). With consecutive leads this is {@code min(H, max(1, s)) - 1}.
     */
    public int indexAtOrBefore(long stepsAhead) {
        int h = 0;
        while (h + 1 < steps.length && steps[h + 1] <= stepsAhead) {
            h++;
        }
        return h;
    }

    @Override
    public int[] steps() {
        return steps.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HorizonLeads other && Arrays.equals(steps, other.steps);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(steps);
    }

    @Override
    public String toString() {
        return "HorizonLeads" + Arrays.toString(steps);
    }
}
