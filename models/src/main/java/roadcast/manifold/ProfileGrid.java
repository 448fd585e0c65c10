package roadcast.manifold;

import java.time.ZoneId;

/**
 * Where a time falls on the periodic profile's time-of-day grid, which may be coarser than the data's step: a profile
 * of slots {@code slotMillis} wide holds mu[dayType][slot][i] for slots of {@code ratio = slotMillis / stepMillis}
 * steps each. A slot's value is the mean of its steps' readings, so it stands at the mean position of those steps,
 * step {@code c * ratio + (ratio - 1) / 2} of the day; between two such centres mu is linear:
 * <pre>
 *   s = step of the day (local time), p = (s - (ratio - 1) / 2) / ratio, c = floor(p), w = p - c
 *   mu(t) = mu[c] + w (mu[c + 1] - mu[c])        (c and c + 1 wrap around the day type's slots)
 * </pre>
 * With {@code ratio = 1} (the profile at the step, every model before file format 6) p is the step itself, w = 0 and
 * mu(t) is the slot's value, bit for bit what {@link LocalClock#profileRow} indexed. Why coarser: at one-minute steps
 * the profile is 2 x 1,440 values per segment (23 KB as float64, most of a model of 200,000 segments); five-minute
 * slots interpolated to the minute hold a fifth of it, and a profile smoothed over tens of minutes
 * (ZoneFitter's smoothing) has little left between two five-minute centres.
 * <p>Not thread-safe (the clock's cached UTC offset, the located position): one per forecaster or walk.
 */
public final class ProfileGrid {

    /** The slot width the trainer uses when the step is finer and divides it: five minutes. */
    public static final long DEFAULT_SLOT_MILLIS = 5 * 60_000L;

    private final LocalClock clock;
    private final long stepMillis;
    private final long slotMillis;
    private final int ratio;
    private final int slots;
    private int lower;
    private int upper;
    private double weight;

    /**
     * @param stepMillis the data's step
     * @param slotMillis the profile's slot width: the step, or a multiple of it that divides the day
     */
    public ProfileGrid(ZoneId zone, long stepMillis, long slotMillis) {
        check(stepMillis, slotMillis);
        this.clock = new LocalClock(zone, stepMillis);
        this.stepMillis = stepMillis;
        this.slotMillis = slotMillis;
        this.ratio = (int) (slotMillis / stepMillis);
        this.slots = LocalClock.slotsPerDay(slotMillis);
    }

    /**
     * Throws unless {@code slotMillis} is the step or a multiple of it that divides the day (so that every slot holds
     * the same steps and the interpolation wraps cleanly at midnight).
     */
    public static void check(long stepMillis, long slotMillis) {
        if (stepMillis <= 0) {
            throw new IllegalArgumentException("step must be positive, got " + stepMillis + " ms");
        }
        if (slotMillis != stepMillis && (slotMillis < stepMillis || slotMillis % stepMillis != 0
                || LocalClock.DAY_MILLIS % slotMillis != 0)) {
            throw new IllegalArgumentException("profile slot of " + slotMillis + " ms is neither the step ("
                    + stepMillis + " ms) nor a multiple of it that divides the day");
        }
    }

    /**
     * The profile slot width the trainer fits at a step: {@link #DEFAULT_SLOT_MILLIS} when the step is finer and
     * divides it (1, 2.5 minutes, 30 s, ...), else the step itself (5-minute and coarser data keep the profile they
     * always had).
     */
    public static long defaultSlotMillis(long stepMillis) {
        return stepMillis < DEFAULT_SLOT_MILLIS && DEFAULT_SLOT_MILLIS % stepMillis == 0 ? DEFAULT_SLOT_MILLIS
                : stepMillis;
    }

    /** Profile slots per day and day type. */
    public int slotsPerDay() {
        return slots;
    }

    public long slotMillis() {
        return slotMillis;
    }

    /** Locates {@code epochMillis} on the grid: {@link #lower}, {@link #upper}, {@link #weight}. */
    public ProfileGrid locate(long epochMillis) {
        long local = clock.localMillis(epochMillis);
        return locateStep(LocalClock.dayType(local), clock.stepOfDay(local));
    }

    /**
     * Locates step {@code step} of a day of type {@code dayType} (0 = Monday..Friday, 1 = Saturday, Sunday) on the
     * grid, local time.
     */
    public ProfileGrid locateStep(int dayType, int step) {
        int typeOffset = dayType * slots;
        if (ratio == 1) {
            lower = typeOffset + step;
            upper = lower;
            weight = 0.0;
            return this;
        }
        double position = (step - (ratio - 1) / 2.0) / ratio;
        int c = (int) Math.floor(position);
        weight = position - c;
        lower = typeOffset + Math.floorMod(c, slots);
        upper = typeOffset + Math.floorMod(c + 1, slots);
        return this;
    }

    /** Steps of the data per day ({@link LocalClock#slotsPerDay} of the step). */
    public int stepsPerDay() {
        return clock.slotsPerDay();
    }

    /** Profile row (dayType * slotsPerDay + slot) of the located time's left centre. */
    public int lower() {
        return lower;
    }

    /** Profile row of the located time's right centre (the same row when {@link #weight} is 0). */
    public int upper() {
        return upper;
    }

    /** Weight of {@link #upper} in the interpolation, in [0, 1). */
    public double weight() {
        return weight;
    }

    /**
     * The profile row whose mean a reading at {@code epochMillis} belongs to when the profile is fitted: day type and
     * the slot holding its step ({@link LocalClock#profileRow} when the slot is the step).
     */
    public int bin(long epochMillis) {
        long local = clock.localMillis(epochMillis);
        return LocalClock.dayType(local) * slots + clock.stepOfDay(local) / ratio;
    }

    /** mu(t) of every segment at {@code epochMillis} into {@code out[0, n)}; profile layout [rows * n]. */
    public void row(double[] profile, int n, long epochMillis, double[] out) {
        locate(epochMillis);
        located(profile, n, out);
    }

    /** mu of every segment at the located time into {@code out[0, n)}. */
    public void located(double[] profile, int n, double[] out) {
        int lo = lower * n;
        if (weight == 0.0) {
            System.arraycopy(profile, lo, out, 0, n);
            return;
        }
        int hi = upper * n;
        double w = weight;
        for (int i = 0; i < n; i++) {
            double a = profile[lo + i];
            out[i] = a + w * (profile[hi + i] - a);
        }
    }

    /** mu of segment {@code i} (of a zone of n) at the located time. */
    public double value(double[] profile, int n, int i) {
        double a = profile[lower * n + i];
        return weight == 0.0 ? a : a + weight * (profile[upper * n + i] - a);
    }

    /**
     * Bins and interpolation of {@code steps} consecutive steps from {@code firstMillis}: what the trainer fits the
     * profile on (bins) and takes deviations from (centres and weights).
     */
    public ProfileSteps steps(long firstMillis, int steps) {
        int[] bin = new int[steps];
        int[] lo = new int[steps];
        int[] hi = new int[steps];
        double[] w = new double[steps];
        int[] own = new int[steps];
        for (int t = 0; t < steps; t++) {
            long millis = firstMillis + t * stepMillis;
            bin[t] = bin(millis);
            own[t] = clock.profileRow(millis);
            locate(millis);
            lo[t] = lower;
            hi[t] = upper;
            w[t] = weight;
        }
        return new ProfileSteps(bin, lo, hi, w, ProfileSteps.dayStarts(own, clock.slotsPerDay()));
    }
}
