package roadcast.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import roadcast.network.Link;

class QueueSpreadTest {

    @Test
    void aJamClimbsOneLinkUpstreamPerStepAndFades() {
        // chain 0 -> 1 -> 2 -> 3 -> 4 (traffic flows to 4); the incident is on 4
        int[] downStart = {0, 1, 2, 3, 4, 4};
        int[] downstream = {1, 2, 3, 4};
        float[] incident = {0, 0, 0, 0, 0.9f};
        float[] q = new float[5];
        float[] next = new float[5];
        QueueSpread.step(q, incident, downStart, downstream, 0.8f, next);
        assertEquals(0.9f, next[4]);
        assertEquals(0f, next[3], "upstream sees the queue one step later");
        float[] q2 = new float[5];
        QueueSpread.step(next, incident, downStart, downstream, 0.8f, q2);
        assertEquals(0.72f, q2[3], 1e-6);
        assertEquals(0f, q2[2]);
        float[] q3 = new float[5];
        QueueSpread.step(q2, incident, downStart, downstream, 0.8f, q3);
        assertEquals(0.576f, q3[2], 1e-6);
        // once the incident clears, the queue drains from the bottleneck first
        float[] q4 = new float[5];
        QueueSpread.step(q3, new float[5], downStart, downstream, 0.8f, q4);
        assertEquals(0f, q4[4]);
        assertTrue(q4[3] > 0 && q4[1] > 0);
    }

    @Test
    void gridLinksFollowTheTraffic() {
        CityLayout city = CityLayout.grid(200, new SplittableRandom(1));
        assertEquals(200, city.segments);
        assertEquals(city.links.size(), city.downstream.length);
        for (Link link : city.links) {
            assertTrue(link.from() != link.to());
            assertEquals(CityLayout.BLOCK_METRES, link.distance());
        }
        for (int i = 0; i < 200; i++) {
            assertTrue(city.downStart[i + 1] - city.downStart[i] <= 3, "at most 3 ways on, no U-turn");
        }
    }
}
