package roadcast.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import roadcast.clean.CredibilityRules;
import roadcast.fit.ManifoldTrainer;
import roadcast.fit.ProgressListener;
import roadcast.fit.TrainingConfig;
import roadcast.forecast.NetworkForecast;
import roadcast.forecast.NetworkForecaster;
import roadcast.history.SpeedHistory;
import roadcast.history.SpeedUnit;
import roadcast.model.ManifoldModel;
import roadcast.model.ZoneModel;
import roadcast.testdata.SyntheticCity;
import roadcast.zone.AnchoredZoning;

/**
 * The incident detector's band (issue 13): each road's own forecast-error scale, not the forecast band's sigma that
 * issue 14 shrinks toward the zone's. On a zone where half the roads are far noisier than the others, the shrunk
 * sigma gives the noisy roads nearly the calm roads' band, so their ordinary dips fall under it (sumo-grid: precision
 * 0.818 -> 0.450); the detector's scale keeps each road's own.
 */
class AlertBandTest {

    private static final int SEGMENTS = 12;
    private static final int DAYS = 3;
    private static final double EXTRA_NOISE = 8.0;

    private static SpeedHistory history;
    private static ManifoldModel model;

    /** Odd segments carry extra noise (sd 8 mph): a road read by a few floating cars beside loop-read roads. */
    static boolean noisy(int segment) {
        return segment % 2 == 1;
    }

    @BeforeAll
    static void fit() {
        SyntheticCity city = SyntheticCity.generate(SEGMENTS, DAYS * 288, 2, 5, 0.0, ZoneId.of("UTC"));
        float[][] speed = city.history().speed();
        Random rnd = new Random(9);
        for (float[] row : speed) {
            for (int i = 0; i < SEGMENTS; i++) {
                if (noisy(i)) {
                    row[i] = (float) Math.max(1.0, row[i] + EXTRA_NOISE * rnd.nextGaussian());
                }
            }
        }
        history = city.history();
        TrainingConfig cfg = TrainingConfig.defaults("synthetic", "alert band fixture",
                CredibilityRules.defaults(SpeedUnit.MPH)).withFixed(2, 2, 1.0).withMaxZoneSize(SEGMENTS);
        // one zone of all twelve: calm and noisy roads share the zone the band's sigma is shrunk toward
        int[] all = new int[SEGMENTS];
        Arrays.setAll(all, i -> i);
        model = ManifoldTrainer.fit(history.rows(0, (DAYS - 1) * 288), city.network(), cfg, ProgressListener.NONE,
                AnchoredZoning.fresh(new int[][] {all}), null);
        assertEquals(1, model.zoneCount());
    }

    private static double meanOver(double[] perCell, ZoneModel zm, int h, boolean ofNoisy) {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < zm.size(); i++) {
            if (noisy(zm.segment(i)) == ofNoisy) {
                sum += perCell[h * zm.size() + i];
                count++;
            }
        }
        return sum / count;
    }

    /**
     * The check that fails on the detector reading the forecast band's shrunk sigma: there the noisy roads' scale is
     * barely above the calm roads' (1.0-1.2x with SIGMA_SHRINK = 4), while their own errors are 1.2-2x (larger at the
     * shorter horizons, where the calm roads' errors are smallest: 1.5x the shrunk ratio asked at 5 min, 1.15x beyond;
     * own 1.19x at 60 min since the validation block holds a whole day, TrainingConfig.validationRows, 1.2x before).
     */
    @Test
    void theDetectorReadsEachRoadsOwnScaleNotTheShrunkOne() {
        for (int z = 0; z < model.zoneCount(); z++) {
            ZoneModel zm = model.zone(z);
            assertTrue(zm.hasAlertScale(), "a fitted model keeps the detector's scale");
            for (int h = 0; h < zm.horizons(); h++) {
                double own = meanOver(zm.alertSigma(), zm, h, true) / meanOver(zm.alertSigma(), zm, h, false);
                double shrunk = meanOver(zm.sigma(), zm, h, true) / meanOver(zm.sigma(), zm, h, false);
                assertTrue(own > (h == 0 ? 1.5 : 1.15), "zone " + z + " horizon " + h + ": the detector's scale of the noisy roads is "
                        + own + "x the calm roads' (the forecast band's: " + shrunk + "x)");
                assertTrue(own > (h == 0 ? 1.5 : 1.15) * shrunk, "zone " + z + " horizon " + h + ": the detector's scale is not the "
                        + "shrunk one (" + own + "x against " + shrunk + "x)");
            }
        }
    }

    /**
     * The detector's band is the kernel's band made with the detector's scale: a model whose forecast band is the
     * detector's scale gives, through the kernel, exactly the lower band {@link AlertBand} rebuilds from the speeds
     * (every horizon, every period of the day, roads whose value was imputed widened as the kernel widens them). And
     * a model without a scale of its own (fitted before it existed) gives exactly the published band.
     */
    @Test
    void theDetectorsBandIsTheKernelsBandWithTheDetectorsScale() {
        ZoneModel[] asForecast = new ZoneModel[model.zoneCount()];
        ZoneModel[] older = new ZoneModel[model.zoneCount()];
        for (int z = 0; z < model.zoneCount(); z++) {
            ZoneModel zm = model.zone(z);
            asForecast[z] = zm.withBands(zm.alertSigma(), zm.alertBand(), zm.blend(), zm.trend());
            older[z] = zm.withBands(zm.sigma(), zm.band(), zm.blend(), zm.trend());
            assertTrue(!older[z].hasAlertScale(), "a model without a scale of its own reads the band");
        }
        ManifoldModel detectorAsBand = withZones(model, asForecast);
        ManifoldModel olderModel = withZones(model, older);
        NetworkForecaster fitted = new NetworkForecaster(model);
        NetworkForecaster reference = new NetworkForecaster(detectorAsBand);
        NetworkForecaster previous = new NetworkForecaster(olderModel);
        NetworkForecast out = fitted.newForecast();
        NetworkForecast ref = reference.newForecast();
        NetworkForecast prev = previous.newForecast();
        AlertBand band = new AlertBand(model);
        AlertBand olderBand = new AlertBand(olderModel);
        int horizons = model.horizonsMin().length;
        double[][] lower = new double[horizons][SEGMENTS];
        double[][] olderLower = new double[horizons][SEGMENTS];
        int checked = 0;
        int imputed = 0;
        int wider = 0;
        int noisyCells = 0;
        // the last day, not trained on: every period of the day, and road 3 silent for an hour (imputed)
        for (int t = (DAYS - 1) * 288; t < history.steps(); t++) {
            float[] row = history.speed()[t].clone();
            if (t % 288 >= 100 && t % 288 < 112) {
                row[3] = Float.NaN;
            }
            long at = history.epochMillis(t);
            fitted.observe(at, row);
            reference.observe(at, row);
            previous.observe(at, row);
            fitted.forecast(out);
            reference.forecast(ref);
            previous.forecast(prev);
            band.lower(out, lower);
            olderBand.lower(prev, olderLower);
            for (int h = 0; h < horizons; h++) {
                for (int s = 0; s < SEGMENTS; s++) {
                    assertEquals(ref.speed(h, s), out.speed(h, s), 0.0, "the detector's scale leaves the speeds");
                    assertEquals(ref.lower(h, s), lower[h][s], 0.0, "t=" + t + " h=" + h + " segment " + s);
                    assertEquals(prev.lower(h, s), olderLower[h][s], 0.0, "an older model: the published band");
                    checked++;
                    imputed += out.imputed(s) ? 1 : 0;
                    if (noisy(s)) {
                        noisyCells++;
                        wider += out.speed(h, s) - lower[h][s] > out.speed(h, s) - out.lower(h, s) ? 1 : 0;
                    }
                }
            }
        }
        assertTrue(imputed > 0, "the imputed widening was exercised");
        assertEquals(288 * horizons * SEGMENTS, checked, "a day of forecasts checked");
        assertTrue(wider > 0.9 * noisyCells, "the noisy roads' detector band is wider than their forecast band in "
                + wider + " of " + noisyCells + " values");
    }

    private static ManifoldModel withZones(ManifoldModel m, ZoneModel[] zones) {
        double[] freeFlow = new double[m.network().size()];
        Arrays.setAll(freeFlow, m::freeFlowSpeed);
        return new ManifoldModel(m.card(), m.network(), m.unit(), m.step(), m.timeZone(), m.horizonsMin(), zones,
                m.zoneIds(), freeFlow, m.credibility(), m.skill());
    }
}
