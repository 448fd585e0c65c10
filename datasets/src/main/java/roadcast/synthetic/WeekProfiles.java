package roadcast.synthetic;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;
import roadcast.datasets.SharedDatasets;
import roadcast.datasets.csv.WideCsv;
import roadcast.datasets.csv.WideTable;

/**
 * Weekly speed shapes for synthetic segments: per profile and 5-minute slot of the week (slot 0 = Thursday 00:00,
 * as in METR-LA's week profile), the speed as a fraction of that profile's free-flow speed (its 95th percentile),
 * clipped to (0, 1].
 */
public final class WeekProfiles {

    public static final int SLOTS = 7 * 24 * 12;
    public static final int SLOT_MINUTES = 5;
    private static final String METR_LA_FILE = "week_profile_mean.csv.gz";

    private final float[][] ratio;
    private final String source;

    private WeekProfiles(float[][] ratio, String source) {
        this.ratio = ratio;
        this.source = source;
    }

    /** The real METR-LA profiles when ../shared is present, else the built-in parametric ones. */
    public static WeekProfiles sharedOrBuiltIn(long seed) {
        return shared().orElseGet(() -> builtIn(64, seed));
    }

    public static Optional<WeekProfiles> shared() {
        return SharedDatasets.find("metr-la").map(d -> d.resolve(METR_LA_FILE)).filter(Files::isRegularFile)
                .map(WeekProfiles::fromMetrLa);
    }

    /** METR-LA's mean week (rows = 2016 slots, columns = 207 sensors, mph). */
    public static WeekProfiles fromMetrLa(Path file) {
        WideTable table = WideCsv.read(file);
        if (table.rows() != SLOTS) {
            throw new IllegalArgumentException(file + ": expected " + SLOTS + " weekly 5-minute slots, found "
                    + table.rows());
        }
        int n = table.columnIds().length;
        float[][] ratio = new float[n][SLOTS];
        float[] sorted = new float[SLOTS];
        for (int p = 0; p < n; p++) {
            for (int s = 0; s < SLOTS; s++) {
                sorted[s] = table.values()[s][p];
            }
            java.util.Arrays.sort(sorted);
            float freeFlow = sorted[(int) (0.95 * (SLOTS - 1))];
            for (int s = 0; s < SLOTS; s++) {
                float x = table.values()[s][p];
                ratio[p][s] = Float.isNaN(x) ? 1f : Math.max(0.05f, Math.min(1f, x / freeFlow));
            }
        }
        return new WeekProfiles(ratio, "METR-LA mean week (" + file.getFileName() + ", " + n + " sensors)");
    }

    /**
     * Parametric double-peak weeks: on weekdays r = 1 - a_m g(h; 8.0, 1.1) - a_e g(h; 17.5, 1.4), on weekends a
     * shallow midday dip 1 - a_w g(h; 14, 3), with g a unit Gaussian bump and amplitudes drawn per profile.
     */
    public static WeekProfiles builtIn(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        float[][] ratio = new float[count][SLOTS];
        for (int p = 0; p < count; p++) {
            double morning = 0.15 + 0.45 * random.nextDouble();
            double evening = 0.15 + 0.5 * random.nextDouble();
            double weekend = 0.05 + 0.15 * random.nextDouble();
            double shift = random.nextDouble() - 0.5;
            for (int s = 0; s < SLOTS; s++) {
                int day = s / 288; // 0 = Thursday, 2 = Saturday, 3 = Sunday
                double h = (s % 288) * SLOT_MINUTES / 60.0;
                double r = (day == 2 || day == 3)
                        ? 1 - weekend * bump(h, 14 + shift, 3)
                        : 1 - morning * bump(h, 8 + shift, 1.1) - evening * bump(h, 17.5 + shift, 1.4);
                ratio[p][s] = (float) Math.max(0.1, r);
            }
        }
        return new WeekProfiles(ratio, "built-in parametric double-peak profiles (" + count + ")");
    }

    private static double bump(double h, double centre, double width) {
        double z = (h - centre) / width;
        return Math.exp(-0.5 * z * z);
    }

    public int count() {
        return ratio.length;
    }

    public String source() {
        return source;
    }

    /** Speed ratio of {@code profile} at minute {@code minuteOfWeek} (0 = Thursday 00:00), linear between slots. */
    public double ratio(int profile, double minuteOfWeek) {
        double slot = minuteOfWeek / SLOT_MINUTES;
        int a = (int) Math.floor(slot);
        double f = slot - a;
        float[] r = ratio[profile];
        int i = Math.floorMod(a, SLOTS);
        int j = (i + 1) % SLOTS;
        return r[i] + f * (r[j] - r[i]);
    }

    /**
     * The profile resampled to a step: the mean ratio over each step-long interval of the week, so a 15-minute
     * city averages three 5-minute slots rather than picking one.
     */
    public float[] resampled(int profile, int stepMinutes) {
        int steps = (7 * 24 * 60) / stepMinutes;
        float[] out = new float[steps];
        int samples = Math.max(1, stepMinutes);
        for (int k = 0; k < steps; k++) {
            double sum = 0;
            for (int m = 0; m < samples; m++) {
                sum += ratio(profile, k * stepMinutes + m * (double) stepMinutes / samples);
            }
            out[k] = (float) (sum / samples);
        }
        return out;
    }
}
