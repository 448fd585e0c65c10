package roadcast.congestion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import roadcast.history.SpeedUnit;
import roadcast.network.RoadClass;

class CongestionGraderTest {

    private final CongestionGrader kmh = CongestionGrader.of(SpeedUnit.KMH);
    private final CongestionGrader mph = CongestionGrader.of(SpeedUnit.MPH);

    @Test
    void expresswayBandEdgesGetTheWorseGrade() {
        assertEquals(CongestionLevel.FREE, kmh.level(RoadClass.EXPRESSWAY, 65.01, 100));
        assertEquals(CongestionLevel.BASICALLY_FREE, kmh.level(RoadClass.EXPRESSWAY, 65, 100));
        assertEquals(CongestionLevel.BASICALLY_FREE, kmh.level(RoadClass.EXPRESSWAY, 50.01, 100));
        assertEquals(CongestionLevel.LIGHT, kmh.level(RoadClass.EXPRESSWAY, 50, 100));
        assertEquals(CongestionLevel.MODERATE, kmh.level(RoadClass.EXPRESSWAY, 35, 100));
        assertEquals(CongestionLevel.MODERATE, kmh.level(RoadClass.EXPRESSWAY, 20.01, 100));
        assertEquals(CongestionLevel.SEVERE, kmh.level(RoadClass.EXPRESSWAY, 20, 100));
        assertEquals(CongestionLevel.SEVERE, kmh.level(RoadClass.EXPRESSWAY, 0, 100));
    }

    @Test
    void otherClassesHaveTheirOwnBands() {
        assertEquals(CongestionLevel.FREE, kmh.level(RoadClass.ARTERIAL, 41, 0));
        assertEquals(CongestionLevel.BASICALLY_FREE, kmh.level(RoadClass.ARTERIAL, 40, 0));
        assertEquals(CongestionLevel.LIGHT, kmh.level(RoadClass.ARTERIAL, 30, 0));
        assertEquals(CongestionLevel.MODERATE, kmh.level(RoadClass.ARTERIAL, 20, 0));
        assertEquals(CongestionLevel.SEVERE, kmh.level(RoadClass.ARTERIAL, 15, 0));
        assertEquals(CongestionLevel.FREE, kmh.level(RoadClass.SECONDARY, 35.5, 0));
        assertEquals(CongestionLevel.BASICALLY_FREE, kmh.level(RoadClass.SECONDARY, 35, 0));
        assertEquals(CongestionLevel.LIGHT, kmh.level(RoadClass.SECONDARY, 25, 0));
        assertEquals(CongestionLevel.MODERATE, kmh.level(RoadClass.SECONDARY, 15, 0));
        assertEquals(CongestionLevel.SEVERE, kmh.level(RoadClass.SECONDARY, 10, 0));
        assertEquals(CongestionLevel.FREE, kmh.level(RoadClass.BRANCH, 30.5, 0));
        assertEquals(CongestionLevel.BASICALLY_FREE, kmh.level(RoadClass.BRANCH, 30, 0));
        assertEquals(CongestionLevel.LIGHT, kmh.level(RoadClass.BRANCH, 20, 0));
        assertEquals(CongestionLevel.MODERATE, kmh.level(RoadClass.BRANCH, 15, 0));
        assertEquals(CongestionLevel.SEVERE, kmh.level(RoadClass.BRANCH, 10, 0));
    }

    @Test
    void mphIsConvertedBeforeGrading() {
        // 65 km/h = 40.389 mph; 40.5 mph = 65.18 km/h
        assertEquals(CongestionLevel.FREE, mph.level(RoadClass.EXPRESSWAY, 40.5, 60));
        assertEquals(CongestionLevel.BASICALLY_FREE, mph.level(RoadClass.EXPRESSWAY, 40.3, 60));
        // 12.4 mph = 19.96 km/h: severe on an expressway, light on a branch road
        assertEquals(CongestionLevel.SEVERE, mph.level(RoadClass.EXPRESSWAY, 12.4, 60));
        assertEquals(CongestionLevel.LIGHT, mph.level(RoadClass.BRANCH, 12.4, 60));
    }

    @Test
    void unknownClassUsesTheRatioToFreeFlow() {
        assertEquals(CongestionLevel.FREE, mph.level(RoadClass.UNKNOWN, 48, 60));     // 0.8
        assertEquals(CongestionLevel.MODERATE, mph.level(RoadClass.UNKNOWN, 47.9, 60));
        assertEquals(CongestionLevel.MODERATE, mph.level(RoadClass.UNKNOWN, 24, 60)); // 0.4
        assertEquals(CongestionLevel.SEVERE, mph.level(RoadClass.UNKNOWN, 23.9, 60));
        assertEquals(CongestionLevel.FREE, kmh.level(null, 70, 60));
    }

    @Test
    void noGradeWithoutASpeedOrAFreeFlowReference() {
        assertNull(kmh.level(RoadClass.EXPRESSWAY, Double.NaN, 100));
        assertNull(kmh.level(RoadClass.UNKNOWN, 30, Double.NaN));
        assertNull(kmh.level(RoadClass.UNKNOWN, 30, 0));
    }
}
