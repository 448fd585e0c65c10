package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import roadcast.forecast.ZoneState;
import roadcast.reading.Source;

/**
 * The hand-written state form of a zone keeps every field, nulls included, and takes over state the POJO serializer
 * wrote by migration (the restore of such savepoints: {@code SavedStateLayoutTest}).
 */
class ZoneMemorySerializerTest {

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /** Every public field, nested objects and arrays included (NaN and the long extremes survive the tree). */
    private static JsonNode fields(ZoneMemory m) {
        return JSON.valueToTree(m);
    }

    /** A zone with every field set: tracks, fusion tracks, two open steps (one with fusion cells), a kernel state. */
    static ZoneMemory full() {
        ZoneMemory m = ZoneMemory.fresh(new String[] {"773869", "seg \"é\"", "717446"});
        m.tracks[0].recent0 = 61.5;
        m.tracks[0].recentCount = 1;
        m.tracks[1].runValue = 12.25;
        m.tracks[1].runLength = 4;
        m.tracks[1].maxSeen = 70;
        m.tracks[1].newestMillis = 1_700_000_000_000L;
        m.tracks[2].seen = 99;
        m.tracks[2].rejected = 3;
        m.tracks[2] = null; // a hole survives as a hole
        m.recentSteps[0] = 1_700_000_300_000L;
        m.recentSpeeds[1] = 55.5f;
        m.recentSpeeds[2] = Float.NaN;
        m.fusionTracks = new double[] {0.25, Double.NaN, -1};
        StepAccumulator a = m.open(1_700_000_600_000L, 3, 2);
        a.remember(0, 1_700_000_601_000L, Source.LOOP);
        a.remember(0, 1_700_000_602_000L, Source.FLOATING_CAR);
        a.add(0, 60.0, 1.0, 1_700_000_601_500L);
        a.addForFusion(0, Source.LOOP, 60.0, 1200.0, Double.NaN);
        a.addForFusion(1, Source.FLOATING_CAR, 40.0, Double.NaN, 0.12);
        m.open(1_700_000_900_000L, 3, 2).add(1, 58.0, 0.5, 1_700_000_901_000L);
        m.state = new ZoneState();
        m.state.stepMillis = 1_700_000_300_000L;
        m.state.steps = 17;
        m.state.latent = new double[] {0.5, -0.25};
        m.state.residual = new double[] {1, 2, 3, Double.NaN, 5, 6};
        m.state.imputed = new boolean[] {true, false, true};
        m.modelVersion = "v0007";
        m.lastClosedStep = 1_700_000_300_000L;
        m.lastReadingProcessingMillis = 1_800_000_000_000L;
        m.quietTimerMillis = Long.MIN_VALUE;
        m.placeOffsets[0] = 41_250;
        m.placeSteps[0] = 1_700_000_600_000L;
        m.placeSlots[0] = 2;
        return m;
    }

    private static ZoneMemory roundTrip(ZoneMemory m) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        ZoneMemorySerializer.INSTANCE.serialize(m, out);
        ZoneMemorySerializer.INSTANCE.serialize(m, out); // two in a row: each reads exactly its own bytes
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        ZoneMemory first = ZoneMemorySerializer.INSTANCE.deserialize(in);
        ZoneMemory second = ZoneMemorySerializer.INSTANCE.deserialize(in);
        assertEquals(0, in.available(), "bytes left over");
        assertEquals(fields(first), fields(second));
        return first;
    }

    @Test
    void everyFieldSurvives() throws IOException {
        ZoneMemory m = full();
        assertTrue(m.openSteps[0].sources.length == 2 && m.openSteps[0].sources[0].flow != null,
                "the fixture has fusion cells with flow");
        ZoneMemory back = roundTrip(m);
        assertEquals(fields(m), fields(back));
        assertEquals(Float.floatToRawIntBits(m.recentSpeeds[2]), Float.floatToRawIntBits(back.recentSpeeds[2]));
    }

    @Test
    void nullsSurvive() throws IOException {
        ZoneMemory empty = new ZoneMemory(); // every array and object null
        assertEquals(fields(empty), fields(roundTrip(empty)));
        ZoneMemory fresh = ZoneMemory.fresh(new String[] {"a"}); // no state, no fusion tracks, no open step
        assertEquals(fields(fresh), fields(roundTrip(fresh)));
    }

    @Test
    void copyIsDeep() throws IOException {
        ZoneMemory m = full();
        ZoneMemory copy = ZoneMemorySerializer.INSTANCE.copy(m);
        assertEquals(fields(m), fields(copy));
        assertEquals(fields(roundTrip(m)), fields(roundTrip(copy)), "the copy's serialised form is the original's");
        // The original goes on changing after the checkpoint's copy: nothing of it may show through.
        JsonNode before = fields(full());
        m.segments[0] = "changed";
        m.recentSteps[0]++;
        m.recentSpeeds[0]++;
        m.tracks[0].recent0++;
        m.fusionTracks[0]++;
        StepAccumulator s = m.openSteps[0];
        s.weightedSpeed[0]++;
        s.weight[0]++;
        s.firstTime[0]++;
        s.firstSource[0]++;
        s.extraSegment[0]++;
        s.extraTime[0]++;
        s.extraSource[0]++;
        s.sources[0].speed[0]++;
        s.sources[0].speedCount[0]++;
        s.sources[0].flow[0]++;
        s.sources[0].flowCount[0]++;
        s.sources[1].occupancy[0]++;
        s.sources[1].occupancyCount[0]++;
        m.state.latent[0]++;
        m.state.residual[0]++;
        m.state.imputed[0] = !m.state.imputed[0];
        m.placeOffsets[0]++;
        m.placeSteps[0]++;
        m.placeSlots[0]++;
        assertEquals(before, fields(copy));
        assertEquals(fields(copy), fields(ZoneMemorySerializer.INSTANCE.copy(copy)));
        assertEquals(fields(new ZoneMemory()), fields(ZoneMemorySerializer.INSTANCE.copy(new ZoneMemory())),
                "nulls are copied as nulls");
    }

    @Test
    void zoneMemoryTypeIsTheHandWrittenSerializerAndMigratesPojoState() {
        assertSame(ZoneMemorySerializer.INSTANCE,
                TypeInformation.of(ZoneMemory.class).createSerializer(new SerializerConfigImpl()));
        TypeSerializerSchemaCompatibility<ZoneMemory> fromPojo = ZoneMemorySerializer.INSTANCE.snapshotConfiguration()
                .resolveSchemaCompatibility(new PojoSerializerSnapshot<>());
        assertTrue(fromPojo.isCompatibleAfterMigration(), fromPojo.toString());
        assertTrue(ZoneMemorySerializer.INSTANCE.snapshotConfiguration()
                .resolveSchemaCompatibility(ZoneMemorySerializer.INSTANCE.snapshotConfiguration()).isCompatibleAsIs());
    }

    /**
     * State written before the places were kept (layout 1, by the simple snapshot of version 3) is read by the
     * layout-1 serializer and migrated: its zones come back without places (the schedule learns them again), every
     * other field as written.
     */
    @Test
    void layoutOneStateIsReadWithoutPlacesAndMigrated() throws IOException {
        ZoneMemory m = full();
        DataOutputSerializer out = new DataOutputSerializer(64);
        ZoneMemorySerializer.LAYOUT_1.serialize(m, out);
        ZoneMemory back = ZoneMemorySerializer.LAYOUT_1.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertNull(back.placeOffsets);
        m.placeOffsets = null;
        m.placeSteps = null;
        m.placeSlots = null;
        assertEquals(fields(m), fields(back));

        ZoneMemorySerializer.Snapshot old = new ZoneMemorySerializer.Snapshot();
        old.readSnapshot(3, new DataInputDeserializer(new byte[0]), getClass().getClassLoader());
        assertSame(ZoneMemorySerializer.LAYOUT_1, old.restoreSerializer());
        assertTrue(ZoneMemorySerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(old)
                .isCompatibleAfterMigration());
        assertTrue(ZoneMemorySerializer.INSTANCE.snapshotConfiguration().getCurrentVersion() > 3);
    }

    /** The partitions' schedule state is written by Flink's POJO serializer (versioned, evolves), not by Kryo. */
    @Test
    void inputPartitionsAreAFlinkPojo() {
        assertTrue(TypeInformation.of(SchedulePartitions.class) instanceof PojoTypeInfo,
                TypeInformation.of(SchedulePartitions.class).toString());
    }
}
