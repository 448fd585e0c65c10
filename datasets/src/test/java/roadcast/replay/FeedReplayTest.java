package roadcast.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.datasets.SharedDatasets;
import roadcast.history.SpeedHistory;
import roadcast.history.SpeedUnit;
import roadcast.network.RoadClass;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;
import roadcast.reading.Source;
import roadcast.reading.SpeedReading;

class FeedReplayTest {

    private static Dataset small(String provenance) {
        float nan = Float.NaN;
        float[][] speed = {{10, nan}, {nan, nan}, {30, 31}, {40, 41}};
        float[][] flow = {{1, 2}, {3, 4}, {5, 6}, {7, 8}};
        SpeedHistory h = new SpeedHistory(new String[] {"a", "b"}, LocalDateTime.of(2015, 1, 1, 0, 0),
                Duration.ofMinutes(15), ZoneId.of("Asia/Shanghai"), SpeedUnit.KMH, speed, flow, null);
        RoadNetwork net = new RoadNetwork(List.of(new Segment("a", Double.NaN, Double.NaN, RoadClass.UNKNOWN),
                new Segment("b", Double.NaN, Double.NaN, RoadClass.UNKNOWN)), List.of());
        return new Dataset("t", net, h, provenance);
    }

    @Test
    void skipsEmptyCellsInTimeOrderWithEpochMillisOfTheZone() {
        List<SpeedReading> readings = new ArrayList<>();
        FeedReplay.of(small("Shenzhen taxi floating-car speeds")).forEachRemaining(readings::add);
        assertEquals(5, readings.size());
        long midnightShanghai = Instant.parse("2014-12-31T16:00:00Z").toEpochMilli();
        assertEquals(new SpeedReading("a", midnightShanghai, 10, 1, Double.NaN, Source.FLOATING_CAR), readings.get(0));
        assertEquals("a", readings.get(1).segment());
        assertEquals(midnightShanghai + 2 * 900_000L, readings.get(1).timeMillis());
        assertEquals(31.0, readings.get(2).speed());
        for (int k = 1; k < readings.size(); k++) {
            assertTrue(readings.get(k).timeMillis() >= readings.get(k - 1).timeMillis());
        }
    }

    @Test
    void startsAtTheFirstRowAtOrAfterTheStartTime() {
        Dataset d = small("loop detectors");
        long midnight = Instant.parse("2014-12-31T16:00:00Z").toEpochMilli();
        FeedReplay replay = FeedReplay.from(d, Instant.ofEpochMilli(midnight + 900_000L + 1));
        SpeedReading first = replay.next();
        assertEquals(midnight + 2 * 900_000L, first.timeMillis());
        assertEquals(Source.LOOP, first.source());
        assertEquals(4, 1 + FeedReplay.stream(replay).count(), "rows 2 and 3, both segments");
        assertFalse(FeedReplay.from(d, Instant.ofEpochMilli(midnight + 10 * 900_000L)).hasNext());
    }

    @Test
    void realSetsGetTheirSource() {
        var sz = SharedDatasets.find("sz-taxi-40roads");
        Assumptions.assumeTrue(sz.isPresent(), SharedDatasets.absentMessage("sz-taxi-40roads"));
        Dataset d = DatasetLoader.load(sz.get());
        FeedReplay replay = FeedReplay.of(d);
        assertEquals(Source.FLOATING_CAR, replay.source());
        long n = FeedReplay.stream(replay).count();
        long present = 0;
        for (float[] row : d.history().speed()) {
            for (float x : row) {
                present += Float.isNaN(x) ? 0 : 1;
            }
        }
        assertEquals(present, n);
        var loop = SharedDatasets.find("los-loop");
        Assumptions.assumeTrue(loop.isPresent(), SharedDatasets.absentMessage("los-loop"));
        assertEquals(Source.LOOP, FeedReplay.sourceOf(DatasetLoader.load(loop.get())));
    }
}
