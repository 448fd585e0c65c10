package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelRegistry;
import roadcast.publish.IssuedForecast;

/**
 * Savepoints of the zone operator written by earlier builds restore in this one. Each folder under
 * {@code src/test/resources/state-layouts/} holds a canonical savepoint of the operator's state taken by the build its
 * README names ({@code zone-operator.savepoint}), the registry of the model it was taken under, and the zones as that
 * build stored them ({@code zones.json}). The savepoint is taken part-way through a step, so it holds closed steps'
 * forecaster state and an open step's readings.
 *
 * <p>Writing a folder for the layout of a build: run {@link #writeFixture} there (see its comment), on the commit
 * before a change to {@code ZoneMemory}, {@code StepAccumulator} or the classes they hold.
 */
class SavedStateLayoutTest {

    /** Written by ee23409 (the commit before dfaf8b5): ZoneMemory without fusionTracks, StepAccumulator without sources. */
    static final String BEFORE_FUSION = "before-fusion";

    /** The fixture's input: the city of {@link ZoneOperatorStateTest}, rows after its training part. */
    static final int TRAIN_ROWS = ZoneOperatorStateTest.TRAIN_ROWS;
    /** Whole rows before the savepoint; then the first half of the next row's readings, then the savepoint. */
    static final int ROWS_BEFORE = 6;
    static final int ROWS = 12;

    private static final ObjectMapper JSON = new ObjectMapper()
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.PUBLIC_ONLY)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    @TempDir
    Path tmp;

    /**
     * State of the layout before the learned fusion (issue 15) restores: the zones are as that build stored them, the
     * new fields empty (fresh fusion tracks, fixed-weight steps, as docs/CONTRACTS.md says), and every forecast after
     * the savepoint, the half-read step included, is the one a run of this build that never stopped issues.
     */
    @Test
    void stateWrittenBeforeTheFusionFieldsRestoresAsARunThatNeverStopped() throws Exception {
        Path fixture = fixture(BEFORE_FUSION);
        Path registry = tmp.resolve("registry");
        copy(fixture.resolve("registry"), registry);
        ModelRegistry models = new ModelRegistry(registry);
        ManifoldModel model = models.loadLatest().orElseThrow();
        ModelRef ref = new ModelRef(registry.toAbsolutePath().toString(), model.version());
        NetworkLayout layout = NetworkLayout.of(model, null, null);
        SmallCity city = SmallCity.generate("h", 3, 9);

        // A run of this build that never stopped: what it issues after the savepoint's point is the reference.
        Map<String, IssuedForecast> reference = new TreeMap<>();
        int beforeSavepoint;
        try (var h = harness(ref, layout, false)) {
            h.open();
            feedUpToSavepoint(h, city, layout);
            beforeSavepoint = ZoneOperatorStateTest.forecasts(h).size();
            feedAfterSavepoint(h, city, layout);
            List<IssuedForecast> all = ZoneOperatorStateTest.forecasts(h);
            all.subList(beforeSavepoint, all.size()).forEach(f -> reference.put(SmallCity.key(f.forecast()), f));
        }
        assertTrue(beforeSavepoint > 0, "steps were closed before the savepoint: its forecaster state is restored");

        Map<String, IssuedForecast> restored = new TreeMap<>();
        try (var h = harness(ref, layout, true)) {
            h.initializeState(fixture.resolve("zone-operator.savepoint").toString());
            h.open();
            List<ZoneMemory> zones = storedZones(h, layout.zoneCount());
            JsonNode written = JSON.readTree(fixture.resolve("zones.json").toFile());
            assertEquals(written.size(), zones.size(), "zones");
            boolean openStep = false;
            for (int z = 0; z < zones.size(); z++) {
                // read through JSON so that this class also compiles on the commit that writes the fixture
                ObjectNode now = (ObjectNode) JSON.readTree(JSON.writeValueAsString(zones.get(z)));
                assertEquals(NullNode.instance, now.remove("fusionTracks"), "fusion tracks in state written before them");
                for (String place : new String[] {"placeOffsets", "placeSteps", "placeSlots"}) {
                    assertEquals(NullNode.instance, now.remove(place), "schedule places in state written before them");
                }
                for (JsonNode s : now.get("openSteps")) {
                    assertEquals(NullNode.instance, ((ObjectNode) s).remove("sources"),
                            "per-source cells in state written before them");
                    openStep |= s.get("readings").asInt() > 0;
                }
                assertEquals(written.get(z), now, "zone " + z + " as the earlier build stored it");
            }
            assertTrue(openStep, "the savepoint holds an open step's readings");
            feedAfterSavepoint(h, city, layout);
            ZoneOperatorStateTest.forecasts(h).forEach(f -> restored.put(SmallCity.key(f.forecast()), f));
            assertTrue(ZoneOperatorStateTest.deadLetters(h).isEmpty(), "no reading refused after the restore: "
                    + ZoneOperatorStateTest.deadLetters(h));
            assertEquals(0, ((ZoneOperator) h.getOperator()).stateMigrationCount(), "taken as it is, not migrated");
        }
        assertTrue(reference.size() >= 4 * layout.size(), "steps forecast after the savepoint: " + reference.size());
        assertEquals(reference.keySet(), restored.keySet(), "one forecast per segment per step after the savepoint");
        reference.forEach((k, e) -> {
            IssuedForecast a = restored.get(k);
            assertEquals(e.forecast().observedSpeed(), a.forecast().observedSpeed(), 0.0, k);
            assertEquals(e.forecast().imputed(), a.forecast().imputed(), k);
            // equal as long as the kernel's state update is the one the fixture's build had (see the README there)
            assertArrayEquals(e.forecast().speed(), a.forecast().speed(), 1e-9, k);
            assertArrayEquals(e.forecast().upper(), a.forecast().upper(), 1e-9, k);
        });
    }

    /**
     * Writes a fixture folder of this build's state layout to the folder named by {@code -Droadcast.stateFixture}:
     * {@code mvn -pl streaming -am test -Dtest=SavedStateLayoutTest#writeFixture -Dsurefire.failIfNoSpecifiedTests=false
     * -Droadcast.stateFixture=/tmp/layout} on the earlier commit (with this class and ZoneOperatorStateTest copied in
     * if it predates them), then the folder copied under src/test/resources/state-layouts/ with a README.
     */
    @Test
    @EnabledIfSystemProperty(named = "roadcast.stateFixture", matches = ".+")
    void writeFixture() throws Exception {
        Path dir = Path.of(System.getProperty("roadcast.stateFixture"));
        Files.createDirectories(dir);
        SmallCity city = SmallCity.generate("h", 3, 9);
        Path registry = dir.resolve("registry");
        String version = city.publish(registry, TRAIN_ROWS, 3);
        ModelRef ref = new ModelRef(registry.toAbsolutePath().toString(), version);
        NetworkLayout layout = NetworkLayout.of(new ModelRegistry(registry).load(version), null, null);
        try (var h = harness(ref, layout, true)) {
            h.open();
            feedUpToSavepoint(h, city, layout);
            var savepoint = h.snapshotWithLocalState(1, 1, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                    .getJobManagerOwnedState();
            OperatorSnapshotUtil.writeStateHandle(savepoint, dir.resolve("zone-operator.savepoint").toString());
            JSON.writeValue(dir.resolve("zones.json").toFile(), storedZones(h, layout.zoneCount()));
        }
    }

    /** The operator under the keyed harness: with RocksDB (the job's state backend) or the harness's heap backend. */
    static KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> harness(
            ModelRef ref, NetworkLayout layout, boolean rocksDb) throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(new ZoneOperator(ref, layout, false, false, 0, false),
                (ReadingEvent e) -> ZoneOperator.NETWORK_KEY, (String v) -> ZoneOperator.NETWORK_KEY,
                org.apache.flink.api.common.typeinfo.Types.INT);
        if (rocksDb) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        return h;
    }

    /** Rows [0, ROWS_BEFORE) each followed by its watermark, then the even segments of the next row. */
    static void feedUpToSavepoint(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String,
            IssuedForecast> h, SmallCity city, NetworkLayout layout) throws Exception {
        for (int t = 0; t < ROWS_BEFORE; t++) {
            send(h, city, layout, t, 0, 1);
            watermark(h, city, t);
        }
        send(h, city, layout, ROWS_BEFORE, 0, 2);
    }

    /** The odd segments of the half-read row, its watermark, then the rows up to ROWS with theirs. */
    static void feedAfterSavepoint(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String,
            IssuedForecast> h, SmallCity city, NetworkLayout layout) throws Exception {
        send(h, city, layout, ROWS_BEFORE, 1, 2);
        watermark(h, city, ROWS_BEFORE);
        for (int t = ROWS_BEFORE + 1; t < ROWS; t++) {
            send(h, city, layout, t, 0, 1);
            watermark(h, city, t);
        }
    }

    /** Readings of row {@code t} after the training part, of the segments from {@code first} in steps of {@code every}. */
    private static void send(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String, IssuedForecast> h,
                             SmallCity city, NetworkLayout layout, int t, int first, int every) throws Exception {
        int row = TRAIN_ROWS + t;
        for (int i = first; i < layout.size(); i += every) {
            h.processElement1(new StreamRecord<>(ZoneOperatorStateTest.reading(layout, i, city.history.epochMillis(row),
                    city.history.speed()[row][i])));
        }
    }

    private static void watermark(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String,
            IssuedForecast> h, SmallCity city, int t) throws Exception {
        h.processBothWatermarks(new Watermark(city.history.epochMillis(TRAIN_ROWS + t + 1) - 1));
    }

    /** The zones in the operator's keyed state, by zone index (what a checkpoint wrote or a restore read). */
    private static List<ZoneMemory> storedZones(KeyedTwoInputStreamOperatorTestHarness<Integer, ReadingEvent, String,
            IssuedForecast> h, int zoneCount) throws Exception {
        ZoneOperator op = (ZoneOperator) h.getOperator();
        op.setCurrentKey(ZoneOperator.NETWORK_KEY);
        MapState<Integer, ZoneMemory> state = op.getKeyedStateBackend().getPartitionedState(VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE, new MapStateDescriptor<>("network-zones",
                        TypeInformation.of(Integer.class), TypeInformation.of(ZoneMemory.class)));
        List<ZoneMemory> zones = new ArrayList<>();
        for (int z = 0; z < zoneCount; z++) {
            ZoneMemory m = state.get(z);
            assertFalse(m == null, "zone " + z + " in the stored state");
            zones.add(m);
        }
        return zones;
    }

    private static Path fixture(String name) throws Exception {
        return Path.of(SavedStateLayoutTest.class.getResource("/state-layouts/" + name).toURI());
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
