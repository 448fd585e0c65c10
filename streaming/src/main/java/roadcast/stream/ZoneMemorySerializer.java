package roadcast.stream;

import java.io.IOException;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;
import roadcast.clean.SegmentTrack;
import roadcast.forecast.ZoneState;

/**
 * The state form of a {@link ZoneMemory}, written by hand. The zone operator writes every changed zone to the state
 * backend at each checkpoint; through Flink's POJO serializer (reflection per field, a type tag per nested object,
 * one {@link SegmentTrack} object per segment) that was 14 % of the forecast thread in the JFR profile of bench-stream
 * at 20,000 segments. This writes the same fields as plain values.
 *
 * <p><b>Older state.</b> State written by the POJO serializer (every checkpoint and savepoint before this class) is
 * read with it and rewritten in this form when restored: {@link Snapshot} answers "compatible after migration" to a
 * {@link PojoSerializerSnapshot} ({@code SavedStateLayoutTest} restores such savepoints).
 *
 * <p>Layout (version 1): segments (string array), recentSteps, recentSpeeds, tracks (per element: present byte, then
 * the ten fields of {@link SegmentTrack} in declaration order), fusionTracks, openSteps (per element: present byte,
 * then {@link StepAccumulator}'s fields in declaration order, its {@code sources} as {@link SourceCells} the same way),
 * state (present byte, then {@link ZoneState}'s fields), modelVersion, lastClosedStep, lastReadingProcessingMillis,
 * quietTimerMillis. Arrays as length (-1 for null) then elements; strings by {@link StringValue#writeString}, which
 * also writes null.
 *
 * <p>Layout 2 adds, at the end, the schedule close rule's places: placeOffsets, placeSteps (longs), placeSlots (ints).
 * State of layout 1 is read by {@link #LAYOUT_1} and rewritten in layout 2 ({@link Snapshot}: its version says the
 * layout); its zones have no places, as after a start.
 */
public final class ZoneMemorySerializer extends HandWrittenSerializer<ZoneMemory> {

    private static final long serialVersionUID = 1L;

    /** The layout written now. */
    public static final ZoneMemorySerializer INSTANCE = new ZoneMemorySerializer(2);
    /** Reads state written before the places were (layout 1), to migrate it. */
    static final ZoneMemorySerializer LAYOUT_1 = new ZoneMemorySerializer(1);

    private final int layout;

    private ZoneMemorySerializer(int layout) {
        this.layout = layout;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZoneMemorySerializer other && other.layout == layout;
    }

    @Override
    public int hashCode() {
        return 31 * ZoneMemorySerializer.class.hashCode() + layout;
    }

    /** This instance: it keeps nothing between records. */
    @Override
    public ZoneMemorySerializer duplicate() {
        return this;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public ZoneMemory createInstance() {
        return new ZoneMemory();
    }

    /**
     * A deep copy, field by field. The heap state backend keeps the object it is given, so the zone operator hands it
     * a copy of every changed zone at each checkpoint, on its own thread (the backend serialises it later, on the
     * checkpoint's asynchronous thread): array clones, not a serialise and read-back (which cost the zone thread twice
     * what RocksDB's serialisation does). {@code ZoneMemorySerializerTest.copyIsDeep} holds it to the serialised form.
     */
    @Override
    public ZoneMemory copy(ZoneMemory from) {
        ZoneMemory m = new ZoneMemory();
        m.segments = clone(from.segments);
        m.recentSteps = from.recentSteps == null ? null : from.recentSteps.clone();
        m.recentSpeeds = from.recentSpeeds == null ? null : from.recentSpeeds.clone();
        if (from.tracks != null) {
            m.tracks = new SegmentTrack[from.tracks.length];
            for (int i = 0; i < m.tracks.length; i++) {
                m.tracks[i] = copy(from.tracks[i]);
            }
        }
        m.fusionTracks = from.fusionTracks == null ? null : from.fusionTracks.clone();
        if (from.openSteps != null) {
            m.openSteps = new StepAccumulator[from.openSteps.length];
            for (int k = 0; k < m.openSteps.length; k++) {
                m.openSteps[k] = copy(from.openSteps[k]);
            }
        }
        m.state = copy(from.state);
        m.modelVersion = from.modelVersion;
        m.lastClosedStep = from.lastClosedStep;
        m.lastReadingProcessingMillis = from.lastReadingProcessingMillis;
        m.quietTimerMillis = from.quietTimerMillis;
        m.placeOffsets = from.placeOffsets == null ? null : from.placeOffsets.clone();
        m.placeSteps = from.placeSteps == null ? null : from.placeSteps.clone();
        m.placeSlots = from.placeSlots == null ? null : from.placeSlots.clone();
        return m;
    }

    private static String[] clone(String[] a) {
        return a == null ? null : a.clone();
    }

    private static SegmentTrack copy(SegmentTrack from) {
        if (from == null) {
            return null;
        }
        SegmentTrack t = new SegmentTrack();
        t.recent0 = from.recent0;
        t.recent1 = from.recent1;
        t.recent2 = from.recent2;
        t.recentCount = from.recentCount;
        t.runValue = from.runValue;
        t.runLength = from.runLength;
        t.maxSeen = from.maxSeen;
        t.newestMillis = from.newestMillis;
        t.seen = from.seen;
        t.rejected = from.rejected;
        return t;
    }

    private static StepAccumulator copy(StepAccumulator from) {
        if (from == null) {
            return null;
        }
        StepAccumulator s = new StepAccumulator();
        s.stepStart = from.stepStart;
        s.weightedSpeed = from.weightedSpeed == null ? null : from.weightedSpeed.clone();
        s.weight = from.weight == null ? null : from.weight.clone();
        s.firstTime = from.firstTime == null ? null : from.firstTime.clone();
        s.firstSource = from.firstSource == null ? null : from.firstSource.clone();
        s.extraSegment = from.extraSegment == null ? null : from.extraSegment.clone();
        s.extraTime = from.extraTime == null ? null : from.extraTime.clone();
        s.extraSource = from.extraSource == null ? null : from.extraSource.clone();
        s.extraCount = from.extraCount;
        s.maxAppendMillis = from.maxAppendMillis;
        s.readings = from.readings;
        s.covered = from.covered;
        s.observed = from.observed;
        if (from.sources != null) {
            s.sources = new SourceCells[from.sources.length];
            for (int k = 0; k < s.sources.length; k++) {
                s.sources[k] = copy(from.sources[k]);
            }
        }
        return s;
    }

    private static SourceCells copy(SourceCells from) {
        if (from == null) {
            return null;
        }
        SourceCells c = new SourceCells();
        c.source = from.source;
        c.speed = from.speed == null ? null : from.speed.clone();
        c.speedCount = from.speedCount == null ? null : from.speedCount.clone();
        c.flow = from.flow == null ? null : from.flow.clone();
        c.flowCount = from.flowCount == null ? null : from.flowCount.clone();
        c.occupancy = from.occupancy == null ? null : from.occupancy.clone();
        c.occupancyCount = from.occupancyCount == null ? null : from.occupancyCount.clone();
        return c;
    }

    private static ZoneState copy(ZoneState from) {
        if (from == null) {
            return null;
        }
        ZoneState s = new ZoneState();
        s.stepMillis = from.stepMillis;
        s.steps = from.steps;
        s.latent = from.latent == null ? null : from.latent.clone();
        s.residual = from.residual == null ? null : from.residual.clone();
        s.imputed = from.imputed == null ? null : from.imputed.clone();
        return s;
    }

    @Override
    public void serialize(ZoneMemory m, DataOutputView out) throws IOException {
        writeStrings(m.segments, out);
        writeLongs(m.recentSteps, out);
        writeFloats(m.recentSpeeds, out);
        if (m.tracks == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(m.tracks.length);
            for (SegmentTrack t : m.tracks) {
                out.writeBoolean(t != null);
                if (t != null) {
                    out.writeDouble(t.recent0);
                    out.writeDouble(t.recent1);
                    out.writeDouble(t.recent2);
                    out.writeInt(t.recentCount);
                    out.writeDouble(t.runValue);
                    out.writeInt(t.runLength);
                    out.writeDouble(t.maxSeen);
                    out.writeLong(t.newestMillis);
                    out.writeLong(t.seen);
                    out.writeLong(t.rejected);
                }
            }
        }
        writeDoubles(m.fusionTracks, out);
        if (m.openSteps == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(m.openSteps.length);
            for (StepAccumulator s : m.openSteps) {
                out.writeBoolean(s != null);
                if (s != null) {
                    writeStep(s, out);
                }
            }
        }
        out.writeBoolean(m.state != null);
        if (m.state != null) {
            out.writeLong(m.state.stepMillis);
            out.writeLong(m.state.steps);
            writeDoubles(m.state.latent, out);
            writeDoubles(m.state.residual, out);
            writeBooleans(m.state.imputed, out);
        }
        StringValue.writeString(m.modelVersion, out);
        out.writeLong(m.lastClosedStep);
        out.writeLong(m.lastReadingProcessingMillis);
        out.writeLong(m.quietTimerMillis);
        if (layout >= 2) {
            writeLongs(m.placeOffsets, out);
            writeLongs(m.placeSteps, out);
            writeInts(m.placeSlots, out);
        }
    }

    private static void writeStep(StepAccumulator s, DataOutputView out) throws IOException {
        out.writeLong(s.stepStart);
        writeDoubles(s.weightedSpeed, out);
        writeDoubles(s.weight, out);
        writeLongs(s.firstTime, out);
        writeBytes(s.firstSource, out);
        writeInts(s.extraSegment, out);
        writeLongs(s.extraTime, out);
        writeBytes(s.extraSource, out);
        out.writeInt(s.extraCount);
        out.writeLong(s.maxAppendMillis);
        out.writeInt(s.readings);
        out.writeInt(s.covered);
        out.writeInt(s.observed);
        if (s.sources == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(s.sources.length);
        for (SourceCells c : s.sources) {
            out.writeBoolean(c != null);
            if (c != null) {
                out.writeByte(c.source);
                writeFloats(c.speed, out);
                writeBytes(c.speedCount, out);
                writeFloats(c.flow, out);
                writeBytes(c.flowCount, out);
                writeFloats(c.occupancy, out);
                writeBytes(c.occupancyCount, out);
            }
        }
    }

    @Override
    public ZoneMemory deserialize(DataInputView in) throws IOException {
        ZoneMemory m = new ZoneMemory();
        m.segments = readStrings(in);
        m.recentSteps = readLongs(in);
        m.recentSpeeds = readFloats(in);
        int tracks = in.readInt();
        if (tracks >= 0) {
            m.tracks = new SegmentTrack[tracks];
            for (int i = 0; i < tracks; i++) {
                if (in.readBoolean()) {
                    SegmentTrack t = new SegmentTrack();
                    t.recent0 = in.readDouble();
                    t.recent1 = in.readDouble();
                    t.recent2 = in.readDouble();
                    t.recentCount = in.readInt();
                    t.runValue = in.readDouble();
                    t.runLength = in.readInt();
                    t.maxSeen = in.readDouble();
                    t.newestMillis = in.readLong();
                    t.seen = in.readLong();
                    t.rejected = in.readLong();
                    m.tracks[i] = t;
                }
            }
        }
        m.fusionTracks = readDoubles(in);
        int steps = in.readInt();
        if (steps >= 0) {
            m.openSteps = new StepAccumulator[steps];
            for (int k = 0; k < steps; k++) {
                if (in.readBoolean()) {
                    m.openSteps[k] = readStep(in);
                }
            }
        }
        if (in.readBoolean()) {
            ZoneState s = new ZoneState();
            s.stepMillis = in.readLong();
            s.steps = in.readLong();
            s.latent = readDoubles(in);
            s.residual = readDoubles(in);
            s.imputed = readBooleans(in);
            m.state = s;
        }
        m.modelVersion = StringValue.readString(in);
        m.lastClosedStep = in.readLong();
        m.lastReadingProcessingMillis = in.readLong();
        m.quietTimerMillis = in.readLong();
        if (layout >= 2) {
            m.placeOffsets = readLongs(in);
            m.placeSteps = readLongs(in);
            m.placeSlots = readInts(in);
        }
        return m;
    }

    private static StepAccumulator readStep(DataInputView in) throws IOException {
        StepAccumulator s = new StepAccumulator();
        s.stepStart = in.readLong();
        s.weightedSpeed = readDoubles(in);
        s.weight = readDoubles(in);
        s.firstTime = readLongs(in);
        s.firstSource = readBytes(in);
        s.extraSegment = readInts(in);
        s.extraTime = readLongs(in);
        s.extraSource = readBytes(in);
        s.extraCount = in.readInt();
        s.maxAppendMillis = in.readLong();
        s.readings = in.readInt();
        s.covered = in.readInt();
        s.observed = in.readInt();
        int sources = in.readInt();
        if (sources >= 0) {
            s.sources = new SourceCells[sources];
            for (int k = 0; k < sources; k++) {
                if (in.readBoolean()) {
                    SourceCells c = new SourceCells();
                    c.source = in.readByte();
                    c.speed = readFloats(in);
                    c.speedCount = readBytes(in);
                    c.flow = readFloats(in);
                    c.flowCount = readBytes(in);
                    c.occupancy = readFloats(in);
                    c.occupancyCount = readBytes(in);
                    s.sources[k] = c;
                }
            }
        }
        return s;
    }

    @Override
    public TypeSerializerSnapshot<ZoneMemory> snapshotConfiguration() {
        return new Snapshot();
    }

    private static void writeStrings(String[] a, DataOutputView out) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            for (String s : a) {
                StringValue.writeString(s, out);
            }
        }
    }

    private static String[] readStrings(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        String[] a = new String[n];
        for (int i = 0; i < n; i++) {
            a[i] = StringValue.readString(in);
        }
        return a;
    }

    private static void writeDoubles(double[] a, DataOutputView out) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            for (double v : a) {
                out.writeDouble(v);
            }
        }
    }

    private static double[] readDoubles(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readDouble();
        }
        return a;
    }

    private static void writeFloats(float[] a, DataOutputView out) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            for (float v : a) {
                out.writeFloat(v);
            }
        }
    }

    private static float[] readFloats(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readFloat();
        }
        return a;
    }

    private static void writeLongs(long[] a, DataOutputView out) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            for (long v : a) {
                out.writeLong(v);
            }
        }
    }

    private static long[] readLongs(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readLong();
        }
        return a;
    }

    private static void writeInts(int[] a, DataOutputView out) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            for (int v : a) {
                out.writeInt(v);
            }
        }
    }

    private static int[] readInts(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readInt();
        }
        return a;
    }

    private static void writeBytes(byte[] a, DataOutputView out) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            out.write(a);
        }
    }

    private static byte[] readBytes(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] a = new byte[n];
        in.readFully(a);
        return a;
    }

    private static void writeBooleans(boolean[] a, DataOutputView out) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            for (boolean v : a) {
                out.writeBoolean(v);
            }
        }
    }

    private static boolean[] readBooleans(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        boolean[] a = new boolean[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readBoolean();
        }
        return a;
    }

    /**
     * Restores this serializer in the layout its state was written in. Versions 2 and 3 are those of the
     * {@link SimpleTypeSerializerSnapshot} that wrote layout 1 (version 2 with the serializer's class name); 4 is
     * layout 2. State of layout 1, and state written by Flink's POJO serializer of {@link ZoneMemory}, is compatible
     * after migration: the backend reads it with the serializer it was written with and writes it with this one.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<ZoneMemory> {
        private static final int LAYOUT_2_VERSION = 4;
        private int layout = 2;

        public Snapshot() {
        }

        @Override
        public int getCurrentVersion() {
            return LAYOUT_2_VERSION;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {
            // the version says the layout
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
            switch (readVersion) {
                case 2 -> {
                    in.readUTF();
                    layout = 1;
                }
                case 3 -> layout = 1;
                case LAYOUT_2_VERSION -> layout = 2;
                default -> throw new IOException("unknown ZoneMemorySerializer snapshot version " + readVersion);
            }
        }

        @Override
        public TypeSerializer<ZoneMemory> restoreSerializer() {
            return layout == 1 ? LAYOUT_1 : INSTANCE;
        }

        @Override
        public TypeSerializerSchemaCompatibility<ZoneMemory> resolveSchemaCompatibility(
                TypeSerializerSnapshot<ZoneMemory> old) {
            if (old instanceof PojoSerializerSnapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            if (old instanceof Snapshot s) {
                return s.layout == layout ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                        : TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
