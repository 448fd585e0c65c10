package roadcast.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
        return new Forecast(segment, issuedAt, "v\"1\\é", rnd.nextBoolean() ? Double.NaN : rnd.nextGaussian() * 50,
                rnd.nextBoolean(), horizons, speed, level, lower, upper);
    }

    /** The wire layout built field by field with Jackson's tree model, independently of the writer. */
    private static com.fasterxml.jackson.databind.JsonNode expectedTree(ObjectMapper json, Forecast f) {
        com.fasterxml.jackson.databind.node.ObjectNode o = json.createObjectNode();
        o.put("segment", f.segment());
        o.put("issuedAt", java.time.Instant.ofEpochMilli(f.issuedAt()).toString());
        o.put("modelVersion", f.modelVersion());
        if (Double.isNaN(f.observedSpeed())) {
            o.putNull("observedSpeed");
        } else {
            o.put("observedSpeed", f.observedSpeed());
        }
        o.put("imputed", f.imputed());
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
                            array.add(v);
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
            assertEquals(expectedTree(json, f), json.readTree(fast), new String(fast, StandardCharsets.UTF_8));
            Forecast back = ForecastJson.fromBytes(fast);
            assertEquals(f.segment(), back.segment());
            assertEquals(f.issuedAt(), back.issuedAt());
            assertEquals(f.modelVersion(), back.modelVersion());
            assertEquals(Double.doubleToLongBits(f.observedSpeed()), Double.doubleToLongBits(back.observedSpeed()));
            assertEquals(f.imputed(), back.imputed());
            assertArrayEquals(f.horizonsMin(), back.horizonsMin());
            assertArrayEquals(f.speed(), back.speed());
            assertArrayEquals(f.lower(), back.lower());
            assertArrayEquals(f.upper(), back.upper());
            assertArrayEquals(f.level(), back.level());
        }
    }
}
