package roadcast.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.ZonedDateTime;
import java.time.Instant;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import roadcast.clean.CredibilityRules;
import roadcast.fit.ManifoldTrainer;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.history.SpeedHistory;
import roadcast.history.SpeedUnit;
import roadcast.model.ManifoldModel;
import roadcast.model.ZoneModel;
import roadcast.testdata.SyntheticCity;

class ZoneForecasterTest {

    private static SyntheticCity city;
    private static ManifoldModel model;

    @BeforeAll
    static void train() {
        city = SyntheticCity.generate(40, 2 * 288 + 200, 3, 7);
        SpeedHistory training = city.history().rows(0, 2 * 288);
        TrainingConfig cfg = TrainingConfig.defaults("synthetic", "generated in the test",
                CredibilityRules.defaults(SpeedUnit.MPH)).withFixed(4, 3, 1.0);
        model = ManifoldTrainer.fit(training, city.network(), cfg, ProgressListener.NONE);
    }

    /**
     * The kernel, called step by step, matches a batch computation written independently: EJML solves for the
     * projection, java.time for the profile slot, explicit matrix products for the forecast.
     */
    @Test
    void incrementalForecastsEqualBatchBacktest() {
        // nowcast smoothing weights set here (what the calibration chooses depends on the fixture's noise), so that
        // the term surely takes part: b_{h,c} = 0.5 - 0.03 c + 0.01 h, c the cell (period x state)
        double[] weights = new double[model.zone(0).horizons() * ZoneModel.SMOOTHING_CELLS];
        for (int k = 0; k < weights.length; k++) {
            weights[k] = 0.5 - 0.03 * (k % ZoneModel.SMOOTHING_CELLS) + 0.01 * (k / ZoneModel.SMOOTHING_CELLS);
        }
        ZoneModel zm = model.zone(0).withNowcastSmoothing(weights);
        SpeedHistory h = city.history();
        int n = zm.size();
        int r = zm.rank();
        int p = zm.order();
        int q = r * p + 1;
        int horizons = zm.horizons();
        int steps = h.steps();
        // straightforward batch: latent and residual series
        DMatrixRMaj u = DMatrixRMaj.wrap(n, r, zm.basis());
        double[][] z = new double[steps][r];
        double[][] e = new double[steps][n];
        // the nowcast of each step with a reading of the zone (NaN for the others); the smoothed nowcast is the mean
        // of those of the last six steps
        double[][] nowcasts = new double[steps][n];
        int missingRows = 0;
        int emptyRows = 0;
        for (int t = 0; t < steps; t++) {
            double[] mu = profileAt(zm, h.epochMillis(t));
            double[] d = new double[n];
            int observed = 0;
            for (int i = 0; i < n; i++) {
                d[i] = h.speed()[t][zm.segment(i)] - mu[i];
                if (!Double.isNaN(d[i])) {
                    observed++;
                }
            }
            if (observed < n) {
                missingRows++;
            }
            if (observed == 0) {
                emptyRows++;
                double[] f = features(z, t - 1, r, p);
                z[t] = latentForecast(zm, f, 0);
                nowcasts[t] = filledNaN(n);
                continue; // residual stays 0, no nowcast kept for this step
            }
            DMatrixRMaj uo = new DMatrixRMaj(observed, r);
            DMatrixRMaj dobs = new DMatrixRMaj(observed, 1);
            int row = 0;
            for (int i = 0; i < n; i++) {
                if (!Double.isNaN(d[i])) {
                    for (int k = 0; k < r; k++) {
                        uo.set(row, k, u.get(i, k));
                    }
                    dobs.set(row++, 0, d[i]);
                }
            }
            DMatrixRMaj zt = new DMatrixRMaj(r, 1);
            if (observed == n) {
                CommonOps_DDRM.multTransA(uo, dobs, zt);
            } else {
                DMatrixRMaj gram = new DMatrixRMaj(r, r);
                CommonOps_DDRM.multTransA(uo, uo, gram);
                for (int k = 0; k < r; k++) {
                    gram.add(k, k, zm.eps());
                }
                DMatrixRMaj rhs = new DMatrixRMaj(r, 1);
                CommonOps_DDRM.multTransA(uo, dobs, rhs);
                assertTrue(CommonOps_DDRM.solve(gram, rhs, zt));
            }
            z[t] = zt.data.clone();
            for (int i = 0; i < n; i++) {
                if (!Double.isNaN(d[i])) {
                    double on = 0;
                    for (int k = 0; k < r; k++) {
                        on += u.get(i, k) * z[t][k];
                    }
                    e[t][i] = d[i] - on;
                }
            }
            for (int i = 0; i < n; i++) {
                double now = mu[i] + e[t][i];
                for (int k = 0; k < r; k++) {
                    now += u.get(i, k) * z[t][k];
                }
                nowcasts[t][i] = now;
            }
        }
        double[][] smoothed = new double[steps][n];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) {
                double sum = 0;
                int count = 0;
                for (int k = t; k >= 0 && k > t - ZoneForecaster.SMOOTHING_STEPS; k--) {
                    if (!Double.isNaN(nowcasts[k][i])) {
                        sum += nowcasts[k][i];
                        count++;
                    }
                }
                smoothed[t][i] = count == 0 ? Double.NaN : sum / count;
            }
        }
        assertTrue(missingRows > 10, "the fixture has rows with missing values");
        assertTrue(emptyRows >= 1, "the fixture has an empty row");

        double[] smooth = movingAverage(zm.profile(), n, zm.slotsPerDay(), zm.trendHalfWindow());
        ZoneForecaster kernel = new ZoneForecaster(zm);
        ZoneState state = kernel.newState();
        ZoneForecast out = new ZoneForecast(horizons, n);
        float[] row = new float[n];
        long jumpTerms = 0;
        long smoothingTerms = 0;
        boolean[] states = new boolean[3];
        double worst = 0;
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) {
                row[i] = h.speed()[t][zm.segment(i)];
            }
            kernel.observe(state, h.epochMillis(t), row);
            kernel.forecast(state, out);
            double[] f = features(z, t, r, p);
            double[] muNow = profileAt(zm, h.epochMillis(t));
            double[] smoothNow = profileAt(zm, smooth, h.epochMillis(t));
            int issueHour = Instant.ofEpochMilli(h.epochMillis(t)).atZone(zm.timeZone()).getHour();
            int issuePeriod = issueHour < 6 ? 0 : issueHour < 10 ? 1 : issueHour < 16 ? 2 : issueHour < 20 ? 3 : 4;
            for (int hz = 0; hz < horizons; hz++) {
                double[] zHat = latentForecast(zm, f, hz);
                long targetMillis = h.epochMillis(t) + (hz + 1) * zm.stepMillis();
                double[] mu = profileAt(zm, targetMillis);
                double[] smoothTarget = profileAt(zm, smooth, targetMillis);
                int hour = Instant.ofEpochMilli(targetMillis).atZone(zm.timeZone()).getHour();
                int period = hour < 6 ? 0 : hour < 10 ? 1 : hour < 16 ? 2 : hour < 20 ? 3 : 4;
                int bo = hz * (2 * ZoneModel.PERIODS + 1);
                for (int i = 0; i < n; i++) {
                    double x = mu[i];
                    for (int k = 0; k < r; k++) {
                        x += u.get(i, k) * zHat[k];
                    }
                    int o = (hz * n + i) * 3;
                    double prev = t > 0 ? e[t - 1][i] : 0.0;
                    x += zm.local()[o] * e[t][i] + zm.local()[o + 1] * prev + zm.local()[o + 2];
                    // plus the jump's excess beyond the segment's threshold, sign(j) max(|j| - tau, 0)
                    double jump = e[t][i] - prev;
                    double excess = Math.signum(jump) * Math.max(0.0, Math.abs(jump) - zm.jumpThreshold()[i]);
                    double jumpTerm = zm.jump()[hz * n + i] * excess;
                    x += jumpTerm;
                    jumpTerms += jumpTerm != 0.0 ? 1 : 0;
                    // blend toward the nowcast mu(t) + U z_t + e_t (the reading itself where there is one)
                    double now = muNow[i] + e[t][i];
                    for (int k = 0; k < r; k++) {
                        now += u.get(i, k) * z[t][k];
                    }
                    // its weight by regime: the nowcast below the manifold forecast or not
                    double w = zm.blend()[(hz * 2 + (now < x ? 1 : 0)) * n + i];
                    x = (1 - w) * x + w * now;
                    // plus the smoothed profile's change from issue to target
                    x += zm.trend()[hz * n + i] * (smoothTarget[i] - smoothNow[i]);
                    // plus the smoothed nowcast's difference from the nowcast, clipped to +-tau (jump threshold)
                    double tau = zm.jumpThreshold()[i];
                    double gap = Math.max(-tau, Math.min(tau, smoothed[t][i] - now));
                    // its weight by the road's state: the nowcast against the segment's highest profile value
                    double top = Double.NEGATIVE_INFINITY;
                    for (int k = i; k < zm.profile().length; k += n) {
                        top = Math.max(top, zm.profile()[k]);
                    }
                    int road = now >= 0.8 * top ? 0 : now >= 0.5 * top ? 1 : 2;
                    double smoothingTerm = zm.nowcastSmoothing()[(hz * ZoneModel.PERIODS + issuePeriod) * 3 + road]
                            * gap;
                    states[road] = true;
                    x += smoothingTerm;
                    smoothingTerms += smoothingTerm != 0.0 ? 1 : 0;
                    double y = Math.max(0, x);
                    worst = Math.max(worst, Math.abs(y - out.speed[hz][i]));
                    double scale = zm.sigma()[hz * n + i] * (Float.isNaN(row[i]) ? zm.band()[bo + 10] : 1.0);
                    assertEquals(Math.min(y, Math.max(0, x + scale * zm.band()[bo + period])), out.lower[hz][i], 1e-9);
                    assertEquals(Math.max(y, x + scale * zm.band()[bo + 5 + period]), out.upper[hz][i], 1e-9);
                }
            }
            for (int i = 0; i < n; i++) {
                assertEquals(Float.isNaN(row[i]), out.imputed[i], "imputed flag of segment " + i + " at step " + t);
            }
            assertEquals(h.epochMillis(t), out.issuedAtMillis);
        }
        assertTrue(jumpTerms > 0, "the jump term of the local correction takes part");
        assertTrue(smoothingTerms > 0, "the nowcast smoothing takes part");
        assertTrue(states[0] && states[1], "free-flowing and slowed roads both take part");
        assertTrue(worst < 1e-9, "largest difference kernel vs batch: " + worst);
    }

    private static double[] filledNaN(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
    }

    private static double[] features(double[][] z, int t, int r, int p) {
        double[] f = new double[r * p + 1];
        for (int j = 0; j < p; j++) {
            if (t - j >= 0) {
                System.arraycopy(z[t - j], 0, f, j * r, r);
            }
        }
        f[r * p] = 1;
        return f;
    }

    private static double[] latentForecast(ZoneModel zm, double[] f, int h) {
        int r = zm.rank();
        int q = f.length;
        double[] out = new double[r];
        for (int k = 0; k < r; k++) {
            for (int j = 0; j < q; j++) {
                out[k] += zm.dynamics()[(h * r + k) * q + j] * f[j];
            }
        }
        return out;
    }

    /** mu at an instant, slot and day type from java.time. */
    /** The profile's circular moving average over +-w slots within each day type. */
    private static double[] movingAverage(double[] profile, int n, int slots, int w) {
        double[] out = new double[profile.length];
        for (int type = 0; type < 2; type++) {
            for (int k = 0; k < slots; k++) {
                for (int i = 0; i < n; i++) {
                    double sum = 0;
                    for (int j = -w; j <= w; j++) {
                        sum += profile[(type * slots + Math.floorMod(k + j, slots)) * n + i];
                    }
                    out[(type * slots + k) * n + i] = sum / (2 * w + 1);
                }
            }
        }
        return out;
    }

    private static double[] profileAt(ZoneModel zm, long epochMillis) {
        return profileAt(zm, zm.profile(), epochMillis);
    }

    private static double[] profileAt(ZoneModel zm, double[] profile, long epochMillis) {
        ZonedDateTime local = Instant.ofEpochMilli(epochMillis).atZone(zm.timeZone());
        int weekend = local.getDayOfWeek().getValue() >= 6 ? 1 : 0;
        int slot = (int) ((local.getHour() * 3600_000L + local.getMinute() * 60_000L) / zm.stepMillis());
        int n = zm.size();
        double[] mu = new double[n];
        System.arraycopy(profile, (weekend * zm.slotsPerDay() + slot) * n, mu, 0, n);
        return mu;
    }

    @Test
    void observeAndForecastDoNotAllocate() {
        ZoneModel zm = model.zone(0);
        ZoneForecaster kernel = new ZoneForecaster(zm);
        ZoneState state = kernel.newState();
        ZoneForecast out = new ZoneForecast(zm.horizons(), zm.size());
        SpeedHistory h = city.history();
        float[][] rows = new float[h.steps()][zm.size()];
        for (int t = 0; t < h.steps(); t++) {
            for (int i = 0; i < zm.size(); i++) {
                rows[t][i] = h.speed()[t][zm.segment(i)];
            }
        }
        long[] millis = new long[h.steps()];
        for (int t = 0; t < h.steps(); t++) {
            millis[t] = h.epochMillis(t);
        }
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        // warm up (JIT, offset cache) on a full pass, then measure a second pass from a fresh state
        for (int pass = 0; pass < 3; pass++) {
            ZoneState warm = kernel.newState();
            for (int t = 0; t < h.steps(); t++) {
                kernel.observe(warm, millis[t], rows[t]);
                kernel.forecast(warm, out);
            }
        }
        long before = bean.getThreadAllocatedBytes(tid);
        for (int t = 0; t < h.steps(); t++) {
            kernel.observe(state, millis[t], rows[t]);
            kernel.forecast(state, out);
        }
        long allocated = bean.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 1024, h.steps() + " steps allocated " + allocated + " bytes");
    }

    /**
     * A state written before the smoothed nowcast (the streaming job's checkpoints: two residual rows) is grown at its
     * next step, its smoothing starting from that step's nowcast; everything else goes on as before.
     */
    @Test
    void aStateWithoutTheSmoothedNowcastGrowsAtItsNextStep() {
        ZoneModel zm = model.zone(0);
        int n = zm.size();
        ZoneForecaster kernel = new ZoneForecaster(zm);
        ZoneState current = kernel.newState();
        SpeedHistory h = city.history();
        float[] row = new float[n];
        ZoneState older = null;
        for (int t = 0; t < 300; t++) {
            for (int i = 0; i < n; i++) {
                row[i] = h.speed()[t][zm.segment(i)];
            }
            if (t == 250) {
                older = new ZoneState();
                older.stepMillis = current.stepMillis;
                older.steps = current.steps;
                older.latent = current.latent.clone();
                older.residual = java.util.Arrays.copyOf(current.residual, 2 * n);
                older.imputed = current.imputed.clone();
            }
            kernel.observe(current, h.epochMillis(t), row);
            if (older != null) {
                kernel.observe(older, h.epochMillis(t), row);
                assertEquals((2 + ZoneForecaster.SMOOTHING_STEPS) * n, older.residual.length);
                // the residual rows and the latent state are the current state's
                for (int i = 0; i < 2 * n; i++) {
                    assertEquals(current.residual[i], older.residual[i], 0.0);
                }
                assertEquals(java.util.Arrays.toString(current.latent), java.util.Arrays.toString(older.latent));
            }
            if (t == 250) {
                double[] now = new double[n];
                kernel.nowcast(older, now);
                for (int i = 0; i < n; i++) {
                    assertEquals(now[i], older.residual[2 * n + i], 1e-9, "smoothing starts from the nowcast");
                }
                double[] gap = new double[n];
                kernel.smoothingInput(older, gap);
                assertTrue(java.util.Arrays.stream(gap).allMatch(g -> Math.abs(g) < 1e-9), "no smoothing yet");
                kernel.smoothingInput(current, gap);
                assertTrue(java.util.Arrays.stream(gap).anyMatch(g -> g != 0.0), "the running state has smoothed");
            }
        }
    }

    /** The training walks' speed-only forecast is the kernel's forecast to the last bit, its band left untouched. */
    @Test
    void forecastSpeedsAreTheForecastsSpeedsBitForBit() {
        SpeedHistory h = city.history();
        for (int z = 0; z < model.zoneCount(); z++) {
            ZoneModel zm = model.zone(z);
            ZoneForecaster kernel = new ZoneForecaster(zm);
            ZoneState full = kernel.newState();
            ZoneState speeds = kernel.newState();
            ZoneForecast withBand = new ZoneForecast(zm.horizons(), zm.size());
            ZoneForecast speedOnly = new ZoneForecast(zm.horizons(), zm.size());
            float[] row = new float[zm.size()];
            int compared = 0;
            for (int t = 0; t < h.steps(); t++) {
                for (int i = 0; i < zm.size(); i++) {
                    row[i] = h.speed()[t][zm.segment(i)];
                }
                kernel.observe(full, h.epochMillis(t), row);
                kernel.observe(speeds, h.epochMillis(t), row);
                kernel.forecast(full, withBand);
                java.util.Arrays.fill(speedOnly.lower[0], -7.0);
                kernel.forecastSpeeds(speeds, speedOnly);
                for (int k = 0; k < zm.horizons(); k++) {
                    for (int i = 0; i < zm.size(); i++) {
                        assertEquals(Double.doubleToRawLongBits(withBand.speed[k][i]),
                                Double.doubleToRawLongBits(speedOnly.speed[k][i]), "zone " + z + " t " + t);
                        compared++;
                    }
                }
                assertEquals(java.util.Arrays.toString(withBand.imputed), java.util.Arrays.toString(speedOnly.imputed));
                assertEquals(-7.0, speedOnly.lower[0][0], 0.0, "the band is not computed");
            }
            assertTrue(compared > 1000);
        }
    }

    @Test
    void emptyStepsCarryTheLatentStateAndOutOfOrderStepsAreRefused() {
        ZoneModel zm = model.zone(0);
        ZoneForecaster kernel = new ZoneForecaster(zm);
        ZoneState gap = kernel.newState();
        ZoneState explicit = kernel.newState();
        SpeedHistory h = city.history();
        float[] row = new float[zm.size()];
        float[] empty = new float[zm.size()];
        java.util.Arrays.fill(empty, Float.NaN);
        for (int t = 0; t < 20; t++) {
            for (int i = 0; i < zm.size(); i++) {
                row[i] = h.speed()[t][zm.segment(i)];
            }
            if (t < 15 || t == 19) {
                kernel.observe(gap, h.epochMillis(t), row);
            }
            kernel.observe(explicit, h.epochMillis(t), t < 15 || t == 19 ? row : empty);
        }
        // skipping steps is the same as observing empty rows for them
        assertEquals(explicit.steps, gap.steps);
        for (int k = 0; k < gap.latent.length; k++) {
            assertEquals(explicit.latent[k], gap.latent[k], 1e-12);
        }
        assertFalse(java.util.Arrays.stream(gap.latent).allMatch(v -> v == 0.0), "latent state carried, not reset");
        assertThrows(IllegalArgumentException.class, () -> kernel.observe(gap, h.epochMillis(10), row));
        assertThrows(IllegalStateException.class, () -> kernel.forecast(kernel.newState(),
                new ZoneForecast(zm.horizons(), zm.size())));
    }
}
