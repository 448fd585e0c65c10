package roadcast.outlook;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The bulletin's sentences for known outlooks. */
class BulletinTest {

    static final int[] H = {5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60};
    static final long T = Instant.parse("2012-03-01T16:15:00Z").toEpochMilli();

    @Test
    void clearingClusterSpreadingQueueAndTheRest() {
        Outlook o = new Outlook(T, H, 5, List.of(
            new CongestionCluster(1, List.of("s1", "s2"), "s1", 12.4, 1, 25, List.of(), 35, Double.NaN),
            new CongestionCluster(2, List.of("u4"), "u4", 9.6, 1, null,
                List.of(new SpreadSegment("u3", 10), new SpreadSegment("u2", 20)), 160, Double.NaN),
            new CongestionCluster(3, List.of("k0"), "k0", Double.NaN, 0, 10, List.of(new SpreadSegment("k1", 5)), 5,
                Double.NaN),
            new CongestionCluster(4, List.of("z0"), "z0", 30, 0, 5, List.of(), 5, Double.NaN)));
        assertEquals(List.of(
            "Congestion on 2 segments around s1 (12 mph) expected to clear by 08:40 (in 25 min).",
            "Congestion on segment u4 (10 mph) not expected to clear within the 60-min forecast; spreading to 2 more "
                + "segments within 30 min.",
            "Congestion on segment k0 expected to clear by 08:25 (in 10 min); spreading to 1 more segment within 30 min.",
            "1 more congested spot."),
            Bulletin.sentences(o, "mph", ZoneId.of("America/Los_Angeles"), 3));
    }

    @Test
    void quietNetwork() {
        assertEquals(List.of("No congestion at 16:15."),
            Bulletin.sentences(new Outlook(T, H, 0, List.of()), "km/h", ZoneOffset.UTC, 3));
    }
}
