package roadcast.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ForecastJsonWriterTest {

    private static Forecast random(Random rnd, String segment, long issuedAt) {
        int h = 1 + rnd.nextInt(12);
        int[] horizons = new int[h];
        double[] speed = new double[h];
        double[] lower = new double[h];
        double[] upper = new double[h];
        String[] level = new String[h];
        for (int k = 0; k < h; k++) {
            horizons[k] = 5 * (k + 1);
            // Float-valued doubles, as the kernel makes them, plus full doubles, tiny and huge ones and NaN.
            speed[k] = k % 3 == 0 ? (double) (float) (rnd.nextDouble() * 120) : rnd.nextDouble() * 120;
            lower[k] = k % 4 == 1 ? Double.NaN : speed[k] - rnd.nextDouble() * 1e-7;
            upper[k] = k % 5 == 2 ? 1e300 * rnd.nextDouble() : speed[k] + rnd.nextDouble() * 30;
            level[k] = k % 2 == 0 ? null : "heavy-" + k;
        }
        boolean extended = rnd.nextInt(3) == 0;
        return new Forecast(segment, issuedAt, "v\"1\\é", rnd.nextBoolean() ? Double.NaN : rnd.nextGaussian() * 50,
                rnd.nextBoolean(), horizons, speed, level, lower, upper,
                extended ? Forecast.EXTENDED : Forecast.OBSERVED,
                extended && rnd.nextBoolean() ? rnd.nextDouble() * 120 : Double.NaN);
    }

    /** What a reader gets back for {@code v}: NaN, v to two decimals, or v itself beyond the fixed-decimal range. */
    private static double onWire(double v) {
        if (Double.isNaN(v) || !(Math.abs(v) < 1e7)) {
            return v;
        }
        // Halves round away from zero, and a negative that rounds to zero is written as 0.
        long hundredths = (long) Math.floor(Math.abs(v) * 100 + 0.5);
        return v < 0 && hundredths != 0 ? -hundredths / 100.0 : hundredths / 100.0;
    }

    private static double[] onWire(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = onWire(values[i]);
        }
        return out;
    }

    /** Numbers equal by value (the writer prints 62 for 62.00), everything else by Jackson's equality. */
    private static final java.util.Comparator<com.fasterxml.jackson.databind.JsonNode> BY_VALUE = (a, b) ->
            a.isNumber() && b.isNumber() ? Double.compare(a.doubleValue(), b.doubleValue()) : a.equals(b) ? 0 : 1;

    /** The wire layout built field by field with Jackson's tree model, independently of the writer. */
    private static com.fasterxml.jackson.databind.JsonNode expectedTree(ObjectMapper json, Forecast f) {
        com.fasterxml.jackson.databind.node.ObjectNode o = json.createObjectNode();
        o.put("segment", f.segment());
        o.put("issuedAt", java.time.Instant.ofEpochMilli(f.issuedAt()).toString());
        o.put("modelVersion", f.modelVersion());
        if (Double.isNaN(f.observedSpeed())) {
            o.putNull("observedSpeed");
        } else {
            o.put("observedSpeed", onWire(f.observedSpeed()));
        }
        o.put("imputed", f.imputed());
        o.put("coverage", f.coverage());
        if (f.extended()) {
            if (Double.isNaN(f.estimatedSpeed())) {
                o.putNull("estimatedSpeed");
            } else {
                o.put("estimatedSpeed", onWire(f.estimatedSpeed()));
            }
        }
        var horizons = o.putArray("horizonsMin");
        for (int m : f.horizonsMin()) {
            horizons.add(m);
        }
        for (String name : new String[] {"speed", "level", "lower", "upper"}) {
            var array = o.putArray(name);
            for (int k = 0; k < f.horizonsMin().length; k++) {
                switch (name) {
                    case "level" -> array.add(f.level()[k]);
                    default -> {
                        double v = name.equals("speed") ? f.speed()[k] : name.equals("lower") ? f.lower()[k] : f.upper()[k];
                        if (Double.isNaN(v)) {
                            array.addNull();
                        } else {
                            array.add(onWire(v));
                        }
                    }
                }
            }
        }
        return o;
    }

    @Test
    void writesTheWireLayoutAndReadersGetTheExactValuesBack() throws Exception {
        Random rnd = new Random(7);
        ForecastJsonWriter writer = new ForecastJsonWriter();
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < 2000; i++) {
            // Issue times repeat in runs, as in a step, and change, so the cached issue-time text is exercised.
            Forecast f = random(rnd, i % 7 == 0 ? "seg \"" + i + "\"\n" : "S" + i, 1_700_000_000_000L + (i / 10) * 300_000L);
            byte[] fast = writer.toBytes(f);
            assertTrue(expectedTree(json, f).equals(BY_VALUE, json.readTree(fast)), new String(fast, StandardCharsets.UTF_8));
            Forecast back = ForecastJson.fromBytes(fast);
            assertEquals(f.segment(), back.segment());
            assertEquals(f.issuedAt(), back.issuedAt());
            assertEquals(f.modelVersion(), back.modelVersion());
            assertEquals(Double.doubleToLongBits(onWire(f.observedSpeed())), Double.doubleToLongBits(back.observedSpeed()));
            assertEquals(f.imputed(), back.imputed());
            assertEquals(f.coverage(), back.coverage());
            assertEquals(Double.doubleToLongBits(onWire(f.estimatedSpeed())),
                    Double.doubleToLongBits(back.estimatedSpeed()));
            assertArrayEquals(f.horizonsMin(), back.horizonsMin());
            assertArrayEquals(onWire(f.speed()), back.speed());
            assertArrayEquals(onWire(f.lower()), back.lower());
            assertArrayEquals(onWire(f.upper()), back.upper());
            assertArrayEquals(f.level(), back.level());
        }
    }

    @Test
    void writesEveryMagnitudeOfTheFixedRangeAsItsValueToTwoDecimals() throws Exception {
        // The writer packs whole parts below 1,000 and the fractions from tables, and writes larger whole parts digit
        // by digit: values across the whole fixed range, both signs, and the edges where rounding carries into the
        // next whole part (999.995 -> 1000, 9.995 -> 10) must read back as the value to two decimals.
        Random rnd = new Random(11);
        ForecastJsonWriter writer = new ForecastJsonWriter();
        ObjectMapper json = new ObjectMapper();
        double[] edges = {0, 0.004, 0.005, 0.1, 0.995, 9.995, 10, 99.994, 99.995, 100, 999.99, 999.995, 1000, 1000.01,
            9999.5, 123456.78, 9_999_999.99};
        for (int i = 0; i < 3000; i++) {
            double[] speed = new double[12];
            for (int k = 0; k < speed.length; k++) {
                double v = i < edges.length ? edges[(i + k) % edges.length]
                        : Math.pow(10, rnd.nextDouble() * 7 - 3) * (0.5 + rnd.nextDouble());
                speed[k] = rnd.nextBoolean() ? -v : v;
            }
            String[] level = new String[12];
            Forecast f = new Forecast("s" + i, 0L, "v", speed[0], false, new int[12], speed, level, speed, speed);
            var back = json.readTree(writer.toBytes(f));
            for (int k = 0; k < speed.length; k++) {
                assertEquals(onWire(speed[k]), back.get("speed").get(k).doubleValue(), 0.0,
                        () -> "value " + speed[0] + "... in " + back);
            }
            assertEquals(onWire(speed[0]), back.get("observedSpeed").doubleValue(), 0.0);
        }
    }

    @Test
    void writesSpeedsToTwoDecimalsWithoutTrailingZeros() {
        ForecastJsonWriter writer = new ForecastJsonWriter();
        Forecast f = new Forecast("s", 0L, "v", 62.0, false, new int[] {5, 10, 15, 20, 25, 30},
                new double[] {62.5, 62.0, -0.004, -1.239, 0.05, 7.999}, new String[] {"free", "free", "free", "free", "free", "free"},
                new double[] {Double.NaN, 1e300, -0.004, 100.1, 12.345, 0.0}, new double[] {1, 2, 3, 4, 5, 6});
        String text = new String(writer.toBytes(f), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"observedSpeed\":62,"), text);
        assertTrue(text.contains("\"speed\":[62.5,62,0,-1.24,0.05,8]"), text);
        assertTrue(text.contains("\"lower\":[null,1.0E300,0,100.1,12.35,0]"), text);
    }

    /**
     * The wire bytes of many random records, pinned as one SHA-256: the writer is tuned for speed (issue 12), and a
     * change to it must keep every byte (docs/CONTRACTS.md), not only the values a reader gets back. The hash is of
     * the writer of fd9936f; it covers speeds as the kernel makes them (float-valued, with NaN), negative, tiny,
     * huge and carry-over values, every level name and null, extended records, escaped ids and versions, ready-made
     * id strings, one to twelve horizons and issue times that repeat and change.
     */
    @Test
    void writesTheSameBytesAsTheWriterItReplaced() throws Exception {
        Random rnd = new Random(2026);
        ForecastJsonWriter writer = new ForecastJsonWriter();
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        String[] names = {"free", "basically-free", "light", "moderate", "severe", "heavy-3", null};
        double[] edges = {0, -0.004, 0.005, 0.995, 9.995, 99.995, 999.995, 1000.01, 9_999_999.99, 1e7, -1e300};
        for (int i = 0; i < 60_000; i++) {
            int h = i % 5 == 0 ? 1 + rnd.nextInt(12) : 12;
            int[] horizons = java.util.stream.IntStream.rangeClosed(1, h).map(k -> 5 * k).toArray();
            double[][] band = new double[3][h]; // speed, lower, upper
            String[] level = new String[h];
            for (int k = 0; k < h; k++) {
                int kind = rnd.nextInt(20);
                double y = kind == 0 ? Double.NaN : kind == 1 ? edges[rnd.nextInt(edges.length)]
                        : kind == 2 ? rnd.nextDouble() * 2000 - 1000 : (double) (float) (rnd.nextDouble() * 130);
                band[0][k] = y;
                band[1][k] = rnd.nextInt(30) == 0 ? Double.NaN : (double) (float) (y - rnd.nextDouble() * 25);
                band[2][k] = rnd.nextInt(30) == 0 ? Double.NaN : (double) (float) (y + rnd.nextDouble() * 25);
                level[k] = names[rnd.nextInt(names.length)];
            }
            boolean extended = rnd.nextInt(10) == 0;
            String id = i % 97 == 0 ? "seg \"" + i + "\"\u00e9\n" : "S" + (i * 7919 % 20000);
            Forecast f = new Forecast(id, 1_700_000_000_000L + (i / 500) * 300_000L, i % 1000 == 0 ? "v\"2\\" : "v0001",
                    rnd.nextInt(10) == 0 ? Double.NaN : (double) (float) (rnd.nextDouble() * 120), rnd.nextInt(8) == 0,
                    horizons, band[0], level, band[1], band[2], extended ? Forecast.EXTENDED : Forecast.OBSERVED,
                    extended && rnd.nextBoolean() ? rnd.nextDouble() * 120 : Double.NaN);
            // Half through the ready-made id string a zone issue hands over, as the stream writes them.
            byte[] idJson = ForecastJsonWriter.quoted(id);
            ForecastValues values = i % 2 == 0 ? f : new ForecastValues() {
                public String segment() { return f.segment(); }
                public byte[] segmentJson() { return idJson; }
                public long issuedAt() { return f.issuedAt(); }
                public String modelVersion() { return f.modelVersion(); }
                public double observedSpeed() { return f.observedSpeed(); }
                public boolean imputed() { return f.imputed(); }
                public boolean extended() { return f.extended(); }
                public double estimatedSpeed() { return f.estimatedSpeed(); }
                public int[] horizonsMin() { return f.horizonsMin(); }
                public double speed(int k) { return f.speed(k); }
                public double lower(int k) { return f.lower(k); }
                public double upper(int k) { return f.upper(k); }
                public String level(int k) { return f.level(k); }
            };
            sha.update(writer.toBytes(values));
        }
        assertEquals("a76b718536ad299f959a8f944e30f5cd3992db690c5a2c63f76bfda5c2064708", java.util.HexFormat.of().formatHex(sha.digest()));
    }

    /** The writer keeps a few issue times' strings: records alternating among more of them still get their own. */
    @Test
    void writesEachRecordsOwnIssueTimeWhenIssueTimesAlternate() {
        ForecastJsonWriter writer = new ForecastJsonWriter();
        long step = 300_000L;
        for (int r = 0; r < 40; r++) {
            long issuedAt = 1_700_000_100_000L + (r * 7 % 6) * step; // six times, in changing order
            Forecast f = new Forecast("s" + r, issuedAt, "v", 50.0, false, new int[] {5}, new double[] {50},
                    new String[] {"free"}, new double[] {45}, new double[] {55});
            String text = new String(writer.toBytes(f), StandardCharsets.UTF_8);
            assertTrue(text.contains("\"issuedAt\":\"" + java.time.Instant.ofEpochMilli(issuedAt) + "\","), text);
        }
    }
}
