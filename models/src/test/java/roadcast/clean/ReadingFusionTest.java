package roadcast.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import roadcast.reading.Source;
import roadcast.reading.SpeedReading;

class ReadingFusionTest {

    private static SpeedReading reading(double speed, Source source) {
        return new SpeedReading("a", 0L, speed, Double.NaN, Double.NaN, source);
    }

    @Test
    void weightsBySourceCredibility() {
        // (1.0*60 + 0.6*40 + 0.4*30 + 0.3*20) / (1.0+0.6+0.4+0.3) = 102 / 2.3
        double fused = ReadingFusion.fuse(List.of(reading(60, Source.LOOP), reading(40, Source.FLOATING_CAR),
                reading(30, Source.CELLULAR), reading(20, Source.OTHER)));
        assertEquals(102.0 / 2.3, fused, 1e-12);
        double[] speeds = {60, 40, 30, 20, 99};
        Source[] sources = {Source.LOOP, Source.FLOATING_CAR, Source.CELLULAR, Source.OTHER, Source.LOOP};
        assertEquals(fused, ReadingFusion.fuse(speeds, sources, 4), 1e-12);
    }

    @Test
    void skipsNaNAndGivesNaNForNothing() {
        assertEquals(40, ReadingFusion.fuse(List.of(reading(Double.NaN, Source.LOOP), reading(40, Source.CELLULAR))), 0);
        assertTrue(Double.isNaN(ReadingFusion.fuse(List.of())));
        assertTrue(Double.isNaN(ReadingFusion.fuse(List.of(reading(Double.NaN, Source.LOOP)))));
    }
}
