package roadcast.publish;

import java.io.IOException;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;
import roadcast.congestion.CongestionLevel;
import roadcast.forecast.Forecast;
import roadcast.forecast.ForecastValues;
import roadcast.stream.HandWrittenSerializer;

/**
 * The wire form of an {@link IssuedForecast} between the zone operator and the publishing subtasks (the sink runs at
 * the job's parallelism behind a partitioning by segment, see {@link SegmentPartitioner}). Written by hand because
 * every forecast crosses it: Flink's record (POJO) serializer goes through reflection for each of the thirteen
 * fields, and this writes the arrays as plain numbers and the congestion levels as one byte each (the wire names of
 * {@link CongestionLevel}, so the JSON writer finds them again by identity).
 *
 * <p>Layout: segment, issuedAt, modelVersion, observedSpeed, imputed, coverage (0 observed, 1 extended),
 * estimatedSpeed, horizons H, then H x (horizonMin, speed, lower, upper, level), then inputAppendMillis. A level
 * byte is -1 for none, the ordinal of a known level, or {@link #OTHER_LEVEL} followed by the name.
 */
public final class IssuedForecastSerializer extends HandWrittenSerializer<IssuedForecast> {

    private static final long serialVersionUID = 1L;

    public static final IssuedForecastSerializer INSTANCE = new IssuedForecastSerializer();

    private static final CongestionLevel[] LEVELS = CongestionLevel.values();
    private static final byte NO_LEVEL = -1;
    private static final byte OTHER_LEVEL = 127;

    /** This instance: it keeps nothing between records. */
    @Override
    public IssuedForecastSerializer duplicate() {
        return this;
    }

    @Override
    public boolean isImmutableType() {
        return false; // the forecast's arrays could be changed in place
    }

    @Override
    public IssuedForecast createInstance() {
        return null;
    }

    @Override
    public IssuedForecast copy(IssuedForecast from) {
        if (!(from.values() instanceof Forecast f)) {
            // A zone issue's segment is immutable (ZoneIssue copies the kernel's buffer): shared, not copied. At
            // parallelism 1 Flink copies every record between chained operators, so a copy here is per forecast.
            return from;
        }
        return new IssuedForecast(new Forecast(f.segment(), f.issuedAt(), f.modelVersion(), f.observedSpeed(),
                f.imputed(), f.horizonsMin().clone(), f.speed().clone(), f.level().clone(), f.lower().clone(),
                f.upper().clone(), f.coverage(), f.estimatedSpeed()), from.inputAppendMillis());
    }

    @Override
    public void serialize(IssuedForecast record, DataOutputView out) throws IOException {
        ForecastValues f = record.values();
        StringValue.writeString(f.segment(), out);
        out.writeLong(f.issuedAt());
        StringValue.writeString(f.modelVersion(), out);
        out.writeDouble(f.observedSpeed());
        out.writeBoolean(f.imputed());
        out.writeBoolean(f.extended());
        out.writeDouble(f.estimatedSpeed());
        int[] horizonsMin = f.horizonsMin();
        int horizons = horizonsMin.length;
        out.writeInt(horizons);
        for (int h = 0; h < horizons; h++) {
            out.writeInt(horizonsMin[h]);
            out.writeDouble(f.speed(h));
            out.writeDouble(f.lower(h));
            out.writeDouble(f.upper(h));
            writeLevel(f.level(h), out);
        }
        out.writeLong(record.inputAppendMillis());
    }

    private static void writeLevel(String name, DataOutputView out) throws IOException {
        if (name == null) {
            out.writeByte(NO_LEVEL);
            return;
        }
        for (CongestionLevel l : LEVELS) {
            if (l.wireName() == name) { // the records are made from these very strings
                out.writeByte(l.ordinal());
                return;
            }
        }
        out.writeByte(OTHER_LEVEL);
        StringValue.writeString(name, out);
    }

    @Override
    public IssuedForecast deserialize(DataInputView in) throws IOException {
        String segment = StringValue.readString(in);
        long issuedAt = in.readLong();
        String modelVersion = StringValue.readString(in);
        double observedSpeed = in.readDouble();
        boolean imputed = in.readBoolean();
        boolean extended = in.readBoolean();
        double estimatedSpeed = in.readDouble();
        int horizons = in.readInt();
        int[] horizonsMin = new int[horizons];
        double[] speed = new double[horizons];
        double[] lower = new double[horizons];
        double[] upper = new double[horizons];
        String[] level = new String[horizons];
        for (int h = 0; h < horizons; h++) {
            horizonsMin[h] = in.readInt();
            speed[h] = in.readDouble();
            lower[h] = in.readDouble();
            upper[h] = in.readDouble();
            level[h] = readLevel(in);
        }
        long inputAppendMillis = in.readLong();
        return new IssuedForecast(new Forecast(segment, issuedAt, modelVersion, observedSpeed, imputed, horizonsMin,
                speed, level, lower, upper, extended ? Forecast.EXTENDED : Forecast.OBSERVED, estimatedSpeed),
                inputAppendMillis);
    }

    private static String readLevel(DataInputView in) throws IOException {
        byte b = in.readByte();
        if (b == NO_LEVEL) {
            return null;
        }
        if (b == OTHER_LEVEL) {
            return StringValue.readString(in);
        }
        if (b < 0 || b >= LEVELS.length) {
            throw new IOException("congestion level byte " + b + " is not one of the " + LEVELS.length + " levels");
        }
        return LEVELS[b].wireName();
    }

    @Override
    public TypeSerializerSnapshot<IssuedForecast> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores this serializer (the layout above is version 1). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<IssuedForecast> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
