package roadcast.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import roadcast.clean.CredibilityRules;
import roadcast.congestion.LevelHold;
import roadcast.history.SpeedUnit;
import roadcast.model.ManifoldModel;
import roadcast.testdata.SyntheticCity;
import roadcast.model.HorizonLeads;

/** The level holds are chosen per horizon on the zones' validation blocks pooled. */
class LevelHoldChoiceTest {

    @Test
    void holdsArePooledOverZonesAndChosenPerHorizon() {
        SyntheticCity city = SyntheticCity.generate(12, 2 * 288, 2, 4);
        TrainingConfig cfg = TrainingConfig.defaults("s", "p", CredibilityRules.defaults(SpeedUnit.MPH))
                .withFixed(2, 1, 1);
        ManifoldModel model = ManifoldTrainer.fit(city.history(), city.network(), cfg, ProgressListener.NONE);
        int horizons = model.horizonsMin().length;
        assertEquals(horizons, model.levelHold().length);
        for (double k : model.levelHold()) {
            assertTrue(Arrays.stream(LevelHold.CANDIDATES).anyMatch(c -> c == k), "a candidate: " + k);
        }
        // two zones' validation counts: zone 0 prefers hold 0.5 at horizon 0 by 3, zone 1 the point grade by 1;
        // at horizon 1 both leave it equal (the point grade)
        int[] segments = model.zone(0).segments();
        float[][] rows = city.history().speed();
        int[] profileRow = ManifoldTrainer.profileRows(city.history().epochMillis(0), rows.length,
                model.step().toMillis(), model.timeZone());
        ZoneFitter.Result a = ZoneFitter.fit(rows, segments, profileRow, city.history().epochMillis(0),
                model.step().toMillis(), model.timeZone(), HorizonLeads.consecutive(horizons), cfg, SpeedUnit.MPH,
                ManifoldTrainer.roadClasses(city.network(), segments));
        ZoneFitter.Result b = ZoneFitter.fit(rows, segments, profileRow, city.history().epochMillis(0),
                model.step().toMillis(), model.timeZone(), HorizonLeads.consecutive(horizons), cfg, SpeedUnit.MPH,
                null);
        assertTrue(a.validation().levelCorrect[0] > 0, "counted with the zone's road classes");
        assertEquals(0L, Arrays.stream(b.validation().levelCorrect).sum(), "nothing counted without them");
        Arrays.fill(a.validation().levelCorrect, 100);
        a.validation().levelCorrect[5] = 103;
        b.validation().levelCorrect[0] = 1;
        double[] holds = ManifoldTrainer.levelHolds(new ZoneFitter.Result[] {a, b}, horizons);
        double[] expected = new double[horizons];
        expected[0] = LevelHold.CANDIDATES[5];
        assertArrayEquals(expected, holds, 0.0);
        b.validation().levelCorrect[0] = 3;
        assertEquals(0.0, ManifoldTrainer.levelHolds(new ZoneFitter.Result[] {a, b}, horizons)[0], 0.0,
                "a tie goes to the point grade");
    }
}
