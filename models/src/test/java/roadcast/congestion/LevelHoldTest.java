package roadcast.congestion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import roadcast.history.SpeedUnit;
import roadcast.network.RoadClass;

class LevelHoldTest {

    private static final CongestionGrader KMH = CongestionGrader.of(SpeedUnit.KMH);

    @Test
    void theHoldMovesTheGradedSpeedTowardTheCurrentOneByItsShareOfTheBand() {
        // forecast 45 (band 38..55), now 60: the band's upper side is 10, half of it moves the graded speed to 50
        assertEquals(50.0, LevelHold.gradedSpeed(60, 45, 38, 55, 0.5), 1e-12);
        // never past the current speed
        assertEquals(60.0, LevelHold.gradedSpeed(60, 45, 38, 55, 2.0), 1e-12);
        // now below: toward it on the lower side (7 * 1 = 7)
        assertEquals(38.0, LevelHold.gradedSpeed(30, 45, 38, 55, 1.0), 1e-12);
        // hold 0, or an unknown current speed: the point forecast
        assertEquals(45.0, LevelHold.gradedSpeed(60, 45, 38, 55, 0.0), 0.0);
        assertEquals(45.0, LevelHold.gradedSpeed(Double.NaN, 45, 38, 55, 1.0), 0.0);
    }

    @Test
    void aForecastJustAcrossAnEdgeKeepsTheCurrentLevelWhileTheScaledBandReachesIt() {
        // an expressway now free (70 km/h), forecast 63 (basically free: the edge is 65), band 55..72
        assertEquals(CongestionLevel.BASICALLY_FREE,
                LevelHold.level(KMH, RoadClass.EXPRESSWAY, 80, 70, 63, 55, 72, 0.0));
        // hold 0.3: 63 + 0.3 * 9 = 65.7 > 65, the band still reaches free flow
        assertEquals(CongestionLevel.FREE, LevelHold.level(KMH, RoadClass.EXPRESSWAY, 80, 70, 63, 55, 72, 0.3));
        // hold 0.2: 64.8, it does not
        assertEquals(CongestionLevel.BASICALLY_FREE,
                LevelHold.level(KMH, RoadClass.EXPRESSWAY, 80, 70, 63, 55, 72, 0.2));
        // a forecast two levels down (30, moderate) with a wide band: the hold gives the level nearest now it covers
        assertEquals(CongestionLevel.LIGHT, LevelHold.level(KMH, RoadClass.EXPRESSWAY, 80, 70, 30, 20, 50, 0.5));
    }

    @Test
    void theChosenHoldIsTheMostRightTheSmallestOfEquals() {
        long[] correct = new long[LevelHold.CANDIDATES.length];
        assertEquals(0.0, LevelHold.choose(correct), 0.0, "no difference: the point forecast's grade");
        correct[3] = 5;
        correct[5] = 5;
        assertEquals(LevelHold.CANDIDATES[3], LevelHold.choose(correct), 0.0);
        correct[7] = 6;
        assertEquals(LevelHold.CANDIDATES[7], LevelHold.choose(correct), 0.0);
    }
}
