package roadcast.promote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import roadcast.history.SpeedUnit;
import roadcast.manifold.LatentDynamics;
import roadcast.manifold.LocalCorrection;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelCard;
import roadcast.model.ZoneModel;
import roadcast.network.RoadClass;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;
import roadcast.skill.SkillTable;
import roadcast.model.HorizonLeads;

/**
 * A model in service from before file format 6 keeps its one-minute profile at the minute; a retrain keeps it on
 * five-minute slots. The gate's drift then compares the two at every minute of both day types, as the forecasts
 * read them, instead of cell by cell (which would pair unrelated cells, or run past the shorter profile).
 */
class ProfileDriftGridTest {

    private static final long MINUTE = 60_000L;

    /** A one-zone model of two segments at one-minute steps, profile f(minute of the day) at each slot's centre. */
    private static ManifoldModel model(long slotMillis, double scale) {
        int n = 2;
        int horizons = 1;
        int slots = (int) (86_400_000L / slotMillis);
        int ratio = (int) (slotMillis / MINUTE);
        double[] profile = new double[2 * slots * n];
        for (int row = 0; row < 2 * slots; row++) {
            double centre = (row % slots) * ratio + (ratio - 1) / 2.0;
            for (int i = 0; i < n; i++) {
                profile[row * n + i] = scale * (50 + 10 * Math.sin(2 * Math.PI * centre / 1440) + i
                        + (row >= slots ? 3 : 0));
            }
        }
        ZoneModel zone = new ZoneModel(new int[] {0, 1}, MINUTE, ZoneOffset.UTC, HorizonLeads.consecutive(horizons),
                1, 1, 1.0, 0.01, 1.645, profile, new double[] {1, 0},
                new double[horizons * LatentDynamics.featureCount(1, 1)],
                new double[horizons * n * LocalCorrection.WIDTH], new double[horizons * n],
                ZoneModel.symmetricBand(horizons, 1.645), new double[horizons * ZoneModel.REGIMES * n], 0,
                new double[horizons * n], new double[horizons * n], ZoneModel.noJumpThresholds(n), slotMillis);
        RoadNetwork network = new RoadNetwork(List.of(new Segment("a", 34, -118, RoadClass.UNKNOWN),
                new Segment("b", 34.01, -118, RoadClass.UNKNOWN)), List.of());
        ModelCard card = new ModelCard("v", "test", null, null, null, n, 1, null, List.of(), null, null, null, null,
                null, null);
        int cells = n * horizons * SkillTable.PERIODS;
        SkillTable skill = new SkillTable(n, horizons, new float[cells], new float[cells], new float[cells],
                new float[cells]);
        return new ManifoldModel(card, network, SpeedUnit.MPH, Duration.ofMinutes(1), ZoneOffset.UTC, new int[] {1},
                new ZoneModel[] {zone}, new double[] {60, 60}, null, skill);
    }

    @Test
    void profilesOnDifferentGridsAreComparedAtEveryMinute() {
        ManifoldModel minute = model(MINUTE, 1.0);
        ManifoldModel fiveMinutes = model(5 * MINUTE, 1.0);
        assertEquals(2 * 1440 * 2, minute.zone(0).profile().length);
        assertEquals(2 * 288 * 2, fiveMinutes.zone(0).profile().length);
        for (double d : ProfileDrift.perSegment(minute, fiveMinutes)) {
            assertTrue(d < 0.001, "the same daily profile on another grid has not drifted: " + d);
        }
        for (double d : ProfileDrift.perSegment(minute, model(5 * MINUTE, 1.609))) {
            assertTrue(d > 0.6 && d < 0.63, "km/h read as mph drifts by about 0.609: " + d);
        }
        for (double d : ProfileDrift.perSegment(fiveMinutes, model(5 * MINUTE, 1.609))) {
            assertTrue(d > 0.6 && d < 0.63, "and on the same grid, cell by cell: " + d);
        }
    }
}
