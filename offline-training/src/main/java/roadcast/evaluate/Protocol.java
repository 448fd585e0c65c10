package roadcast.evaluate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The published evaluation protocols, reproduced so that figures are comparable with the papers' tables.
 * <ul>
 * <li>{@link #TGCN}: T-GCN (Zhao et al. 2020, lehaifeng/T-GCN): chronological 80/20 split, train = the first
 * floor(0.8 T) rows; an input window of 12 test rows (seq_len 12), so issues run from train_end + 11; horizon H is
 * scored over every step 1..H of each forecast (the whole predicted sequence), no masking.</li>
 * <li>{@link #STANDARD}: DCRNN / Graph WaveNet / BasicTS: windows of 12 inputs and 60 minutes of outputs, split by
 * window 70/10/20 (num_test = round(0.2 num_windows), the last windows); horizons 15/30/60 minutes each scored at
 * that single step; zero and NaN targets masked. The trainer gets every row before the first test target, i.e.
 * DCRNN's train and validation parts (its own validation block is carved from their end).</li>
 * </ul>
 */
public enum Protocol {
    TGCN, STANDARD;

    /** Input window of both protocols, in steps. */
    public static final int INPUT_STEPS = 12;

    public static Protocol parse(String name) {
        for (Protocol p : values()) {
            if (p.name().equalsIgnoreCase(name.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown protocol '" + name + "': use tgcn or standard");
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public int[] horizonMinutes() {
        return this == TGCN ? new int[] {15, 30, 45, 60} : new int[] {15, 30, 60};
    }

    public MaskPolicy mask() {
        return this == TGCN ? MaskPolicy.NONE : MaskPolicy.ZERO_AND_NAN;
    }

    /**
     * Cuts a history of {@code steps} rows of {@code step} each.
     *
     * @throws IllegalArgumentException if the step does not divide 15 minutes or the history is too short to leave
     *                                  a training part and at least one test forecast
     */
    public EvaluationPlan plan(int steps, Duration step) {
        return plan(steps, step, 60);
    }

    /**
     * Horizons reported for a model forecasting up to {@code maxHorizonMin}: the protocol's own ones it reaches, then
     * every 30 minutes beyond 60 up to it ({@code roadcast train --max-horizon 120}: 15/30/45/60/90/120 for tgcn).
     */
    public int[] horizonMinutes(int maxHorizonMin) {
        List<Integer> out = new ArrayList<>();
        for (int m : horizonMinutes()) {
            if (m <= maxHorizonMin) {
                out.add(m);
            }
        }
        for (int m = 90; m <= maxHorizonMin; m += 30) {
            out.add(m);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Cuts a history for a model whose longest horizon is {@code maxHorizonMin} (60 = the papers' setting; longer
     * horizons add reported horizons every 30 min and lengthen every forecast scored to that many steps).
     */
    public EvaluationPlan plan(int steps, Duration step, int maxHorizonMin) {
        long stepMin = step.toMinutes();
        if (stepMin <= 0 || step.toMillis() != stepMin * 60_000L || 15 % stepMin != 0) {
            throw new IllegalArgumentException("protocol " + wireName() + " needs a step that divides 15 minutes, got "
                    + step);
        }
        if (maxHorizonMin < 15) {
            throw new IllegalArgumentException("protocol " + wireName() + " scores 15 minutes at least; the longest "
                    + "horizon is " + maxHorizonMin + " min");
        }
        int maxSteps = (int) (maxHorizonMin / stepMin);
        int[] reported = horizonMinutes(maxHorizonMin);
        int trainRows;
        int firstIssue;
        List<HorizonSpec> horizons = new ArrayList<>();
        if (this == TGCN) {
            trainRows = (int) Math.floor(0.8 * steps);
            firstIssue = trainRows + INPUT_STEPS - 1;
            for (int minutes : reported) {
                int h = (int) (minutes / stepMin);
                horizons.add(new HorizonSpec(minutes, h, true, firstIssue, steps - 1 - h));
            }
        } else {
            // DCRNN generate_training_data: issue rows t in [11, T - maxSteps), one window each.
            int windows = steps - maxSteps - (INPUT_STEPS - 1);
            int testWindows = (int) Math.round(0.2 * windows);
            if (windows <= 0 || testWindows <= 0) {
                throw new IllegalArgumentException("a history of " + steps + " steps is too short for the "
                        + wireName() + " protocol");
            }
            firstIssue = steps - maxSteps - testWindows;
            trainRows = firstIssue + 1;
            for (int minutes : reported) {
                int h = (int) (minutes / stepMin);
                horizons.add(new HorizonSpec(minutes, h, false, firstIssue, steps - 1 - maxSteps));
            }
        }
        int lastIssue = horizons.stream().mapToInt(HorizonSpec::lastIssue).max().orElseThrow();
        int minTrain = (int) (120 / stepMin); // two hours: less leaves no profile and no dynamics to fit
        if (trainRows < Math.max(minTrain, INPUT_STEPS) || firstIssue > horizons.get(horizons.size() - 1).lastIssue()) {
            throw new IllegalArgumentException("a history of " + steps + " steps of " + stepMin
                    + " min is too short for the " + wireName() + " protocol (train rows " + trainRows
                    + ", first test issue " + firstIssue + ")");
        }
        return new EvaluationPlan(this, steps, trainRows, firstIssue, lastIssue, maxSteps, horizons, mask());
    }
}
