package roadcast.manifold;

/**
 * The profile's view of a run of consecutive steps ({@link ProfileGrid#steps}): per step t the profile row its reading
 * is averaged into when the profile is fitted ({@code bin[t]}), and the two rows and weight mu(t) is interpolated from
 * ({@code lower[t]}, {@code upper[t]}, {@code weight[t]}). When the profile's slot is the step all three rows are the
 * step's profile row and the weight 0 ({@link #exact}).
 */
public record ProfileSteps(int[] bin, int[] lower, int[] upper, double[] weight, boolean[] dayStart) {

    public ProfileSteps {
        int t = bin.length;
        if (lower.length != t || upper.length != t || weight.length != t || dayStart.length != t) {
            throw new IllegalArgumentException("bins, centres, weights and day starts of " + t + ", " + lower.length
                    + ", " + upper.length + ", " + weight.length + " and " + dayStart.length + " steps");
        }
    }

    /**
     * A profile at the step: each step reads and fits its own row ({@link LocalClock#profileRow}).
     *
     * @param slots slots per day of those rows
     */
    public static ProfileSteps exact(int[] profileRow, int slots) {
        return new ProfileSteps(profileRow, profileRow, profileRow, new double[profileRow.length],
                dayStarts(profileRow, slots));
    }

    /**
     * Whether each step starts a local day (or a run after the clock went back): its time-of-day slot is not after
     * the previous step's. Step 0 starts one.
     *
     * @param profileRow step-resolution profile rows ({@link LocalClock#profileRow})
     * @param slots      slots per day of those rows
     */
    static boolean[] dayStarts(int[] profileRow, int slots) {
        boolean[] start = new boolean[profileRow.length];
        for (int t = 0; t < start.length; t++) {
            start[t] = t == 0 || profileRow[t] % slots <= profileRow[t - 1] % slots;
        }
        return start;
    }

    public int steps() {
        return bin.length;
    }

    /** mu of segment i at step t: profile layout [rows * n]. */
    public double at(double[] profile, int n, int t, int i) {
        double a = profile[lower[t] * n + i];
        double w = weight[t];
        return w == 0.0 ? a : a + w * (profile[upper[t] * n + i] - a);
    }
}
