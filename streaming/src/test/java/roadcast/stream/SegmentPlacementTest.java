package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;

import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import roadcast.ingest.ReadingJson;
import roadcast.kafka.RawRecord;
import roadcast.reading.Source;
import roadcast.reading.SpeedReading;

/**
 * The source looks each reading's segment up in the job's start layout and the zone operator places it from that
 * index ({@link SegmentPlacement}): the place must be the one the id has in the network in service, whatever the
 * source's index says (issue 12, thirteenth pass).
 */
class SegmentPlacementTest {

    private static NetworkLayout layout(String... ids) {
        int[] zoneOf = new int[ids.length];
        int[] local = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            local[i] = i;
        }
        return new NetworkLayout(ids, zoneOf, local, new int[] {ids.length}, 300_000L, "UTC", 130.0, 600_000L,
                600_000L);
    }

    private static final NetworkLayout START = layout("a", "b", "c", "d");

    private static ReadingEvent reading(String segment, int startIndex) {
        ReadingEvent e = new ReadingEvent();
        e.segment = new String(segment); // a string read off the wire, not the layout's own
        e.startIndex = startIndex;
        return e;
    }

    @Test
    void theSourcesIndexPlacesTheReadingInTheStartNetwork() {
        SegmentPlacement placement = new SegmentPlacement(START, START);
        for (int i = 0; i < START.size(); i++) {
            assertEquals(i, placement.indexOf(reading(START.segmentIds()[i], i)));
        }
        assertEquals(-1, placement.indexOf(reading("zz", -1)));
    }

    @Test
    void aWrongMissingOrForeignIndexStillPlacesTheReadingByItsId() {
        SegmentPlacement placement = new SegmentPlacement(START, START);
        assertEquals(2, placement.indexOf(reading("c", 0)), "index of another segment");
        assertEquals(2, placement.indexOf(reading("c", -1)), "no index (a reading made by hand)");
        assertEquals(2, placement.indexOf(reading("c", 99)), "index beyond the start layout");
        assertEquals(-1, placement.indexOf(reading("zz", 1)), "an unknown segment with a known segment's index");
    }

    @Test
    void afterAModelSwitchTheReadingGoesWhereItsIdIsInTheNewNetwork() {
        // The new network reorders the segments, drops b and adds e (which the start layout does not have).
        SegmentPlacement placement = new SegmentPlacement(START, layout("e", "d", "c", "a"));
        assertEquals(3, placement.indexOf(reading("a", 0)));
        assertEquals(-1, placement.indexOf(reading("b", 1)), "removed: unknown to the model in service");
        assertEquals(2, placement.indexOf(reading("c", 2)));
        assertEquals(1, placement.indexOf(reading("d", 3)));
        assertEquals(0, placement.indexOf(reading("e", -1)), "added: found by its id");
    }

    @Test
    void theParserGivesEachReadingItsStartIndexAlsoAfterShippingWithTheJob() throws Exception {
        // The parser travels to the task managers serialised in the job graph; its id table is made again there.
        InputParser shipped = InstantiationUtil.clone(new InputParser(START, false));
        for (String id : new String[] {"a", "d", "zz"}) {
            SpeedReading r = new SpeedReading(id, 1_700_000_000_000L, 50.0, Double.NaN, Double.NaN, Source.LOOP);
            RawRecord raw = new RawRecord(id.getBytes(StandardCharsets.UTF_8), ReadingJson.encode(r), "t", 0, 0L,
                    1_700_000_001_000L);
            ReadingEvent e = shipped.parse(raw, Long.MIN_VALUE).reading;
            assertNotNull(e, id);
            assertEquals(id.equals("zz") ? -1 : id.equals("a") ? 0 : 3, e.startIndex, id);
        }
    }
}
