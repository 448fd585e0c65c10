package roadcast.forecast;

import java.nio.charset.StandardCharsets;

import roadcast.congestion.CongestionGrader;
import roadcast.congestion.CongestionLevel;
import roadcast.congestion.LevelHold;
import roadcast.model.ManifoldModel;
import roadcast.model.ZoneModel;
import roadcast.network.RoadClass;
import roadcast.network.Segment;

/**
 * A zone's forecasts of one issue step as published, one {@link ForecastValues} per segment of the zone
 * ({@link #segment}), read straight from a copy of the kernel's output: the stream encodes these without a
 * {@link Forecast} record per segment (four arrays and a record per segment and step were a tenth of the zone
 * thread's time, README issue 12), and {@link Forecasts#toRecords} makes its records from the same values, so
 * published forecasts have one source. Immutable once made: the kernel's reused buffer is copied, so a segment's
 * values stay valid after the next step (a chained sink may hold them; Flink's chaining copies nothing for them).
 * The one change after it is made, {@link #encodeJson}, is done by its issuer before it hands the issue on.
 */
public final class ZoneIssue {

    private final Layout layout;
    private final long issuedAt;
    /** [h][i], as {@link ZoneForecast}. */
    private final double[][] speed;
    private final double[][] lower;
    private final double[][] upper;
    private final boolean[] imputed;
    private final double[] now;
    /** Zone-local observed speeds (NaN = no reading), or null when not kept. */
    private final float[] observed;
    /** [i] segment {@code i}'s JSON record, or null when not written ahead ({@link #encodeJson}). */
    private byte[][] json;

    /**
     * @param forecast the kernel's output for the layout's zone (copied: the caller may reuse it)
     * @param observed the zone-local speeds given at the issue step (NaN = no reading; copied), or null when not kept
     */
    public ZoneIssue(Layout layout, ZoneForecast forecast, float[] observed) {
        int n = layout.size();
        if (forecast.segments() != n || (observed != null && observed.length != n)) {
            throw new IllegalArgumentException("zone " + layout.zone + " has " + n + " segments, got a forecast of "
                    + forecast.segments() + (observed == null ? "" : " and " + observed.length + " observed speeds"));
        }
        this.layout = layout;
        this.issuedAt = forecast.issuedAtMillis;
        this.speed = copy(forecast.speed);
        this.lower = copy(forecast.lower);
        this.upper = copy(forecast.upper);
        this.imputed = forecast.imputed.clone();
        this.now = forecast.now.clone();
        this.observed = observed == null ? null : observed.clone();
    }

    private static double[][] copy(double[][] rows) {
        double[][] out = new double[rows.length][];
        for (int h = 0; h < rows.length; h++) {
            out[h] = rows[h].clone();
        }
        return out;
    }

    public int size() {
        return imputed.length;
    }

    /**
     * Writes every segment's JSON record now, with {@code writer} (one per thread), so that the thread that
     * publishes them only hands the bytes on: the stream's zone workers do this beside the kernel, off the zone
     * operator's thread (README, issue 12, a parallel zone operator). The same bytes the publisher would write.
     * Call it before handing the issue to another thread (the hand-over publishes the bytes).
     */
    public ZoneIssue encodeJson(ForecastJsonWriter writer) {
        byte[][] out = new byte[size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = writer.toBytes(segment(i));
        }
        json = out;
        return this;
    }

    /** The forecast of zone-local segment {@code i}. */
    public SegmentForecast segment(int i) {
        return new SegmentForecast(this, i);
    }

    /**
     * What every forecast of one zone shares from step to step under one model: the segments' ids (and their Kafka
     * keys and JSON strings), road classes and free-flow speeds, the model's version, horizons, grader and level
     * holds. Made once per zone and model, not per step.
     */
    public static final class Layout {

        final int zone;
        final String version;
        /** The model's horizons, shared by every forecast (no consumer changes them). */
        final int[] horizonsMin;
        final CongestionGrader grader;
        final double[] holds;
        final String[] ids;
        final byte[][] keys;
        final byte[][] idJson;
        final RoadClass[] roadClass;
        final double[] freeFlow;

        public Layout(ManifoldModel model, int zone) {
            ZoneModel zm = model.zone(zone);
            int n = zm.size();
            this.zone = zone;
            this.version = model.version();
            this.horizonsMin = model.horizonsMin();
            this.grader = CongestionGrader.of(model.unit());
            this.holds = model.levelHold();
            this.ids = new String[n];
            this.keys = new byte[n][];
            this.idJson = new byte[n][];
            this.roadClass = new RoadClass[n];
            this.freeFlow = new double[n];
            for (int i = 0; i < n; i++) {
                int s = zm.segment(i);
                Segment segment = model.network().segment(s);
                ids[i] = segment.id();
                keys[i] = segment.id().getBytes(StandardCharsets.UTF_8);
                idJson[i] = ForecastJsonWriter.quoted(segment.id());
                roadClass[i] = segment.roadClass();
                freeFlow[i] = model.freeFlowSpeed(s);
            }
        }

        public int size() {
            return ids.length;
        }
    }

    /** One segment's forecast of a {@link ZoneIssue}. Its level is graded when read ({@link LevelHold}). */
    public static final class SegmentForecast implements ForecastValues {

        private final ZoneIssue issue;
        private final int i;

        SegmentForecast(ZoneIssue issue, int i) {
            this.issue = issue;
            this.i = i;
        }

        @Override
        public String segment() {
            return issue.layout.ids[i];
        }

        @Override
        public byte[] segmentKey() {
            return issue.layout.keys[i];
        }

        @Override
        public byte[] segmentJson() {
            return issue.layout.idJson[i];
        }

        @Override
        public long issuedAt() {
            return issue.issuedAt;
        }

        @Override
        public String modelVersion() {
            return issue.layout.version;
        }

        @Override
        public double observedSpeed() {
            return issue.observed == null ? Double.NaN : issue.observed[i];
        }

        @Override
        public boolean imputed() {
            return issue.imputed[i];
        }

        @Override
        public boolean extended() {
            return false;
        }

        @Override
        public byte[] json() {
            return issue.json == null ? null : issue.json[i];
        }

        @Override
        public double estimatedSpeed() {
            return Double.NaN;
        }

        @Override
        public int[] horizonsMin() {
            return issue.layout.horizonsMin;
        }

        @Override
        public double speed(int h) {
            return issue.speed[h][i];
        }

        @Override
        public double lower(int h) {
            return issue.lower[h][i];
        }

        @Override
        public double upper(int h) {
            return issue.upper[h][i];
        }

        @Override
        public String level(int h) {
            Layout layout = issue.layout;
            CongestionLevel l = LevelHold.level(layout.grader, layout.roadClass[i], layout.freeFlow[i], issue.now[i],
                    issue.speed[h][i], issue.lower[h][i], issue.upper[h][i], layout.holds[h]);
            return l == null ? null : l.wireName();
        }

        @Override
        public String toString() {
            return toForecast().toString();
        }
    }
}
