package roadcast.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import roadcast.ingest.ReadingJson;
import roadcast.reading.Source;
import roadcast.reading.SpeedReading;

/**
 * A structure-aware hostile feed: a valid feed of a network (one reading per segment per step, in time order) with
 * hostile records mixed in, each of a {@link Kind}. The same seed gives the same records. The feed starts and ends
 * with clean steps: the first gives event time a sane start, the last ones show whether the job still forecasts.
 */
public final class HostileRecords implements Iterator<HostileRecords.Record> {

    /** What a record is; every kind but VALID is meant to be dead-lettered (DUPLICATE of a valid one included). */
    public enum Kind {
        VALID, INVALID_JSON, INVALID_UTF8, DEEP_NESTING, HUGE_TEXT, BINARY, EXTREME_NUMBER, EXTREME_TIME, ODD_ID,
        DUPLICATE, FLOOD, FAR_FUTURE, FAR_PAST
    }

    /** One Kafka record: key (null allowed), value, and what it is. */
    public record Record(byte[] key, byte[] value, Kind kind) {
    }

    private final String[] segments;
    private final float[][] speeds;
    private final long[] times;
    private final int total;
    private final int tailSteps;
    private final Random random;
    private final double hostileShare;
    private int emitted;
    private int tailRow = -1;
    private int floodLeft;
    static final int FLOOD_BURST = 40;
    private final float[] lastSpeed;
    private int row;
    private int segment;
    private byte[] lastValidKey;
    private byte[] lastValidValue;

    /**
     * @param segments     segment ids of the network
     * @param speeds       [row][segment] valid speeds, rows in time order
     * @param times        [row] epoch ms of each row
     * @param total        records to produce
     * @param tailSteps    clean steps at the end (whose forecasts show the job survived)
     * @param hostileShare share of hostile records between the first step and the tail (0..1)
     */
    public HostileRecords(String[] segments, float[][] speeds, long[] times, int total, int tailSteps,
                          double hostileShare, long seed) {
        int tailRecords = tailSteps * segments.length;
        if (total < tailRecords + 2 * segments.length) {
            throw new IllegalArgumentException("need at least " + (tailRecords + 2 * segments.length)
                    + " records for " + segments.length + " segments and " + tailSteps + " clean steps at the end");
        }
        this.segments = segments;
        this.speeds = speeds;
        this.times = times;
        this.total = total;
        this.tailSteps = tailSteps;
        this.hostileShare = hostileShare;
        this.random = new Random(seed);
        this.lastSpeed = new float[segments.length];
        java.util.Arrays.fill(lastSpeed, 50f);
    }

    /** Rows of valid data the feed needs at most. */
    public static int rowsNeeded(int total, int segments) {
        return total / segments + 2;
    }

    /**
     * Start of the first step of the clean tail, epoch ms (known once the feed has reached it): forecasts issued for it
     * or later show the job still forecasting after the hostile part.
     */
    public long tailStartMillis() {
        if (tailRow < 0) {
            throw new IllegalStateException("the feed has not reached its clean tail yet");
        }
        return times[Math.min(tailRow, times.length - 1)];
    }

    @Override
    public boolean hasNext() {
        return emitted < total;
    }

    @Override
    public Record next() {
        int n = segments.length;
        int remaining = total - emitted;
        boolean tail = remaining <= tailSteps * n + (n - segment) % n;
        if (tail && tailRow < 0) {
            tailRow = segment == 0 ? row : row + 1;
        }
        boolean clean = emitted < n || tail;
        emitted++;
        if (!clean && floodLeft > 0) {
            floodLeft--;
            return flood();
        }
        if (clean || random.nextDouble() >= hostileShare) {
            return valid();
        }
        return hostile();
    }

    private Record valid() {
        int n = segments.length;
        if (row >= times.length) {
            row = times.length - 1; // should not happen with rowsNeeded rows; stay on the last row (duplicates)
        }
        float v = speeds[row][segment];
        if (Float.isNaN(v)) {
            v = lastSpeed[segment]; // a gap in the generated history: the feed repeats the segment's last speed
        }
        lastSpeed[segment] = v;
        SpeedReading r = new SpeedReading(segments[segment], times[row], v, Double.NaN, Double.NaN, Source.LOOP);
        lastValidKey = segments[segment].getBytes(StandardCharsets.UTF_8);
        lastValidValue = ReadingJson.encode(r);
        segment++;
        if (segment == n) {
            segment = 0;
            row++;
        }
        return new Record(lastValidKey, lastValidValue, Kind.VALID);
    }

    private long now() {
        return times[Math.min(row, times.length - 1)];
    }

    private String someSegment() {
        return segments[random.nextInt(segments.length)];
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Record hostile() {
        Kind[] kinds = Kind.values();
        Kind kind = kinds[1 + random.nextInt(kinds.length - 1)];
        String s = someSegment();
        byte[] key = utf8(s);
        String t = java.time.Instant.ofEpochMilli(now()).toString();
        switch (kind) {
            case INVALID_JSON: {
                String[] broken = {"{\"segment\":\"" + s + "\",\"time\":", "{\"segment\":\"" + s + "\" \"speed\":3}",
                        "", "null", "[1,2,3]", "{\"segment\":\"" + s + "\",\"time\":\"" + t + "\",\"speed\":50}}",
                        "{'segment':'" + s + "'}", "{\"segment\":\"" + s + "\",\"speed\":0x1F}", "\u0000\u0001{"};
                return new Record(key, utf8(broken[random.nextInt(broken.length)]), kind);
            }
            case INVALID_UTF8: {
                byte[] a = utf8("{\"segment\":\"" + s + "\",\"time\":\"" + t + "\",\"speed\":50,\"source\":\"X\"}");
                int at = a.length - 4;
                a[at] = (byte) (0x80 | random.nextInt(0x40)); // a lone continuation byte inside the string
                if (random.nextBoolean()) {
                    a[at - 1] = (byte) 0xC0;
                }
                return new Record(key, a, kind);
            }
            case DEEP_NESTING: {
                int depth = 2_000 + random.nextInt(50_000);
                StringBuilder b = new StringBuilder("{\"segment\":\"" + s + "\",\"x\":");
                b.append("[".repeat(depth)).append("]".repeat(depth)).append('}');
                return new Record(key, utf8(b.toString()), kind);
            }
            case HUGE_TEXT: {
                // 1 MB and more now and then (a broker allowing it passes them on), else 2 to 40 KB: a 100,000-record
                // run then moves about 100 MB of huge records instead of gigabytes.
                int size = random.nextInt(50) == 0 ? 1_048_576 + random.nextInt(100_000) : 2_000 + random.nextInt(38_000);
                StringBuilder b = new StringBuilder(size + 100).append("{\"segment\":\"").append(s).append("\",\"note\":\"");
                for (int i = 0; i < size; i++) {
                    b.append(i % 7 == 0 ? '\u0001' : (char) ('a' + random.nextInt(26)));
                }
                return new Record(key, utf8(b.append("\"}").toString()), kind);
            }
            case BINARY: {
                byte[] a = new byte[random.nextInt(50) == 0 ? 1_048_576 + random.nextInt(100_000) : 1 + random.nextInt(4096)];
                random.nextBytes(a);
                a[0] = (byte) 0xFE;
                return new Record(random.nextBoolean() ? null : a.clone(), a, kind);
            }
            case EXTREME_NUMBER: {
                String[] speed = {"1e400", "-1e400", "1e308", "-0.0000001", "NaN", "Infinity", "-Infinity",
                        "123456789012345678901234567890", "4.9e-324", "-5", "1e-400", "\"50\"", "true", "null",
                        "{\"v\":50}"};
                String v = speed[random.nextInt(speed.length)];
                String extra = random.nextBoolean() ? ",\"flow\":1e309" : ",\"occupancy\":" + (random.nextBoolean() ? "-1" : "7");
                return new Record(key, utf8("{\"segment\":\"" + s + "\",\"time\":\"" + t + "\",\"speed\":" + v
                        + (v.equals("-5") ? "" : extra) + "}"), kind);
            }
            case EXTREME_TIME: {
                String[] time = {Long.toString(Long.MIN_VALUE), Long.toString(Long.MAX_VALUE), "-1", "1e30",
                        "99999999999999999999", "\"+300000000-01-01T00:00:00Z\"", "\"-999999999-01-01T00:00:00Z\"",
                        "\"2012-13-45T99:99:99Z\"", "\"yesterday\"", "1.5", "\"\"", "null", "[]"};
                return new Record(key, utf8("{\"segment\":\"" + s + "\",\"time\":" + time[random.nextInt(time.length)]
                        + ",\"speed\":50}"), kind);
            }
            case ODD_ID: {
                String[] ids = {"", " ", "\u0000", "x".repeat(10_000), "'; DROP TABLE segments; --", "../../etc/passwd",
                        "\ud83d\udea6", s + " ", "\u202e" + s, "null"};
                String id = ids[random.nextInt(ids.length)];
                String json;
                if (random.nextInt(4) == 0) {
                    json = "{\"segment\":" + random.nextInt() + ",\"time\":\"" + t + "\",\"speed\":50}";
                } else {
                    StringBuilder b = new StringBuilder("{\"segment\":\"");
                    com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(id, b);
                    json = b.append("\",\"time\":\"").append(t).append("\",\"speed\":50}").toString();
                }
                return new Record(random.nextBoolean() ? utf8(id) : null, utf8(json), kind);
            }
            case DUPLICATE:
                if (lastValidValue == null) {
                    return valid();
                }
                return new Record(lastValidKey, lastValidValue, kind);
            case FLOOD:
                floodLeft = FLOOD_BURST - 1;
                return flood();
            case FAR_FUTURE: {
                long ahead = 367L * 86_400_000L + (long) (random.nextDouble() * 1e13);
                return new Record(key, utf8("{\"segment\":\"" + s + "\",\"time\":" + (now() + ahead)
                        + ",\"speed\":50}"), kind);
            }
            case FAR_PAST: {
                long time = random.nextBoolean() ? -(long) (random.nextDouble() * 1e12) - 1 : (long) (random.nextDouble()
                        * (now() - 86_400_000L));
                return new Record(key, utf8("{\"segment\":\"" + s + "\",\"time\":" + time + ",\"speed\":50}"), kind);
            }
            default:
                return valid();
        }
    }

    /**
     * One record of a flood: one segment, ever new millisecond timestamps inside the current step, from a probe. A
     * flood comes as a burst of {@link #FLOOD_BURST} records, more than a step keeps per segment.
     */
    private Record flood() {
        long time = now() + 1 + random.nextInt(290_000);
        return new Record(utf8(segments[0]), utf8("{\"segment\":\"" + segments[0] + "\",\"time\":" + time
                + ",\"speed\":" + (40 + random.nextInt(20)) + ",\"source\":\"floating_car\"}"), Kind.FLOOD);
    }

    /** The kinds in order, for reports. */
    public static List<String> kindNames() {
        List<String> names = new ArrayList<>();
        for (Kind k : Kind.values()) {
            names.add(k.name());
        }
        return names;
    }
}
